"""What ``gongyu build`` and ``gongyu serve`` hand to the plugin of the build they start.

``gongyu build`` loads the MkDocs config itself and sets :attr:`GongyuPlugin.options` on the
plugin instance before the build, so the corpus it has already checked arrives as a value.
``gongyu serve`` hands over only its ``--no-pdf`` choice for the project folder (:func:`register`),
never a corpus. (MkDocs keeps one plugin instance per process now that the plugin has
``on_startup``, so this could become an attribute of that instance; see NOTES.md.) A plain
``mkdocs build`` or ``properdocs build`` gets the defaults of ``mkdocs.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..base.clock import BuildDate
from ..pipeline import Checked


@dataclass
class BuildOptions:
    """``pdf``: render printables (None: as ``mkdocs.yml`` says); ``checked``: the project, already loaded;
    ``date``: the build date, which MkDocs also writes into the sitemap (None: MkDocs's own)."""

    pdf: bool | None = None
    checked: Checked | None = field(default=None, repr=False)
    date: BuildDate | None = None


_serving: dict[Path, bool] = {}


def register(root: Path, pdf: bool) -> None:
    """``gongyu serve``: render printables or not in the rebuilds of the project at ``root`` (until :func:`unregister`)."""
    _serving[root.resolve()] = pdf


def unregister(root: Path) -> None:
    _serving.pop(root.resolve(), None)


def options_for(root: Path, given: BuildOptions | None, *, pdf: bool) -> BuildOptions:
    """The options of this build: ``given`` by ``gongyu build``, else ``gongyu serve``'s choice, else the config's."""
    if given is not None:
        return BuildOptions(pdf=pdf if given.pdf is None else given.pdf, checked=given.checked, date=given.date)
    return BuildOptions(pdf=_serving.get(root.resolve(), pdf))
