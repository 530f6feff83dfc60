"""Options that ``gongyu build`` and ``gongyu serve`` hand to the plugin of the build they start.

MkDocs creates the plugin itself from ``mkdocs.yml``, so our own commands cannot pass it arguments.
Instead of environment variables or editing its config after loading, they register a
:class:`BuildOptions` for the project folder before the build; the plugin takes it in
``on_config``. A plain ``mkdocs build`` or ``properdocs build`` registers nothing and gets the
defaults of ``mkdocs.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class BuildOptions:
    """``pdf``: render printables (None: as ``mkdocs.yml`` says); ``corpus``: already loaded, used once."""

    pdf: bool | None = None
    corpus: Any = field(default=None, repr=False)

    def take_corpus(self) -> Any:
        corpus, self.corpus = self.corpus, None
        return corpus


_registered: dict[Path, BuildOptions] = {}


def register(root: Path, options: BuildOptions) -> None:
    """Options for the next builds of the project at ``root`` (until :func:`unregister`)."""
    _registered[root.resolve()] = options


def unregister(root: Path) -> None:
    _registered.pop(root.resolve(), None)


def options_for(root: Path, *, pdf: bool) -> BuildOptions:
    """The registered options for ``root`` with ``pdf`` resolved against the config's value."""
    options = _registered.get(root.resolve())
    if options is None:
        return BuildOptions(pdf=pdf)
    if options.pdf is None:
        options.pdf = pdf
    return options
