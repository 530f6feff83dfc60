"""Writing the search index into a site: file by file, ``m.js`` last, so a reader never pairs old and new."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from ..write.atomic import write_bytes


def write_index(site_dir: Path, files: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
    """Replace the index in ``site_dir/search/``, one file at a time through a temporary name.

    ``files``: name → content, or (name, content) pairs as :meth:`IndexBuilder.files` gives them,
    each written as it comes. ``m.js`` goes last and files of an older index are removed only after
    it, so a reader loading the index while it is replaced (``gongyu serve`` writes it in the
    background) never gets half a file, and the ``m.js`` it finds names shards that exist.
    """
    folder = site_dir / "search"
    folder.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()
    last: str | None = None
    for name, text in (files.items() if isinstance(files, Mapping) else files):
        written.add(name)
        if name == "m.js":
            last = text
        else:
            write_bytes(folder / name, text.encode("utf-8"))
    if last is not None:
        write_bytes(folder / "m.js", last.encode("utf-8"))
    for old in folder.glob("*.js"):
        if old.name not in written:
            old.unlink(missing_ok=True)
