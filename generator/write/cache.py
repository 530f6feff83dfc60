"""One content-addressed cache for everything slow to render (PDFs, Word drafts, pack zips).

An object's name is the SHA-256 of its inputs plus a *code fingerprint*: every ``*.py`` and ``*.typ``
file of the package, the versions of the libraries that write the bytes (typst, python-docx,
openpyxl, segno, and holidays, whose schedules move a pack's dates), the font files the PDF engine
uses, and the build date when the user sets one (``SOURCE_DATE_EPOCH``). Change any of them and
every object is made again, so a download can never be older than the code that should have made
it. The date a build takes from its content (the newest ``updated:``) is *not* in the key: objects
are made without it (:func:`generator.clock.object_date`), so a new ``updated:`` on one article
re-renders nothing cached, and ``gongyu serve`` reuses what ``gongyu build`` made.

A build marks each object it uses; :meth:`Cache.finish` writes ``manifest.json`` (what the build
used) and removes the objects no build has used for an hour, so the cache never grows without
bound. Using an object touches it: a second build running at the same time (``gongyu serve`` and
``gongyu build``, or the test suite's parallel workers) never loses an object it is about to copy.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import os
import shutil
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from ..base.memo import LatestMemo
from .atomic import write_bytes

PACKAGE = Path(__file__).parent.parent  # the generator package
#: Libraries whose version changes the bytes we write (``holidays`` moves every date of a pack).
_LIBRARIES = ("typst", "python-docx", "openpyxl", "segno", "holidays")
MANIFEST = "manifest.json"
#: An object no build has used for this long is removed by the next build's :meth:`Cache.finish`.
UNUSED_SECONDS = 3600
#: Layouts of earlier gongyu versions inside the cache folder, removed on the next build.
_LEGACY = ("packs", "plans", "print", "printables")


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def _font_files() -> list[list[str]]:
    """The font files the PDF engine uses (path, size, modification time); empty without fonts."""
    from ..base.fonts import find_fonts
    from ..errors import GongyuError

    try:
        fonts = find_fonts()
    except GongyuError:
        return []
    rows = []
    for role, path in sorted(fonts.files.items()):
        stat = path.stat()
        rows.append([role, str(path), str(stat.st_size), str(int(stat.st_mtime))])
    return rows


def _last_used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another build
        return float("inf")


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 over the package's code and templates and the versions of the libraries that write our bytes
    (not the fonts: what is read from ``plans/`` does not depend on them)."""
    digest = hashlib.sha256()
    for path in sorted(p for pattern in ("*.py", "*.typ") for p in PACKAGE.rglob(pattern)
                       if "bundled" not in p.relative_to(PACKAGE).parts):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps({name: _version(name) for name in _LIBRARIES}, sort_keys=True).encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """:func:`code_digest` and the chosen fonts. Kept for the process from its first call: a command that
    takes ``--fonts`` sets them (``base.fonts.use_font_dirs``) before it opens a :class:`Cache`."""
    return hashlib.sha256((code_digest() + json.dumps(_font_files())).encode()).hexdigest()


def canonical(value: Any) -> str:
    """Canonical JSON for keys: sorted, no ASCII escaping; models and dates become JSON values."""
    def default(item: Any) -> Any:
        dump = getattr(item, "model_dump", None)
        if dump is not None:
            return dump(mode="json")
        return str(item)

    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=default)


def default_folder(project: Path | None) -> Path:
    """Where the cache lives: ``.cache/gongyu`` in a gongyu project, else the user's cache folder."""
    import sys

    if project is not None and (project / "mkdocs.yml").is_file():
        return project / ".cache" / "gongyu"
    home = Path.home()
    if sys.platform == "win32":
        return home / "AppData" / "Local" / "gongyu" / "cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "gongyu"
    return home / ".cache" / "gongyu"


class Cache:
    """Objects under ``folder/objects/``, named by the hash of their inputs and the code fingerprint."""

    def __init__(self, folder: Path, *, fingerprint: str | None = None, project: Path | None = None) -> None:
        from .outputs import claim_cache

        # the cache removes what it did not use: only in a folder of its own (refused otherwise)
        self.folder = claim_cache(Path(folder), project=project)
        self.fingerprint = fingerprint if fingerprint is not None else code_fingerprint()
        self.used: set[Path] = set()
        self.made = 0  # objects rendered (not found) in this build; tests read it
        #: Objects last used before this moment may be removed by :meth:`finish`.
        self.stale_before = time.time() - UNUSED_SECONDS

    def key(self, *inputs: Any) -> str:
        """The object key for ``inputs`` (anything JSON-able, models included)."""
        from ..base.clock import stamp

        text = canonical([self.fingerprint, stamp(), *inputs])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, suffix: str, inputs: Any, make: Callable[[], bytes]) -> Path:
        """The path of the object for ``inputs``, calling ``make()`` only if it is not cached yet."""
        key = self.key(inputs)
        path = self.folder / "objects" / key[:2] / f"{key}{suffix}"
        if not path.is_file():
            self._make(path, make)
        else:
            try:
                os.utime(path)  # in use: another build's finish() must not remove it
            except OSError:  # pragma: no cover - removed between the check and now: make it again
                self._make(path, make)
        self.used.add(path)
        return path

    def reuse(self, path: Path) -> bool:
        """Count ``path`` (an object this cache gave earlier in this process) as used by this build; False
        when it is gone (removed by another build's :meth:`finish`, or by hand): ask :meth:`get` again."""
        if path.parent.parent != self.folder / "objects":
            return False
        try:
            os.utime(path)  # in use: another build's finish() must not remove it
        except OSError:
            return False
        self.used.add(path)
        return True

    def kept(self, memo: LatestMemo[tuple[Any, ...]], key: Hashable, inputs: tuple[Any, ...],
             make: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
        """``make()`` (records with a ``path`` in this cache), or the value ``memo`` kept from an earlier call in
        this process with equal ``inputs``, this cache and build date, whose objects are all still here
        (counted as used); one gone since (another build's :meth:`finish`, or by hand) → ``make()`` again.
        `gongyu serve` rebuilds after every save, and working out the cache keys costs more than the rest."""
        from ..base.clock import stamp

        inputs = (*inputs, self.folder, self.fingerprint, stamp())
        value = memo.get(key, inputs, make)
        if not all(self.reuse(item.path) for item in value):
            memo.drop(key)
            value = memo.get(key, inputs, make)
        return value

    def _make(self, path: Path, make: Callable[[], bytes]) -> None:
        from ..base.clock import object_date

        with object_date():  # the bytes depend on the key's inputs only, not on the build's content date
            data = make()
        write_bytes(path, data)
        self.made += 1

    def finish(self) -> int:
        """Write the manifest of this build and remove objects it did not use; return how many."""
        objects = self.folder / "objects"
        removed = 0
        if objects.is_dir():
            for path in sorted(objects.rglob("*")):
                if path.is_file() and path not in self.used and _last_used(path) < self.stale_before:
                    path.unlink(missing_ok=True)
                    removed += 1
            for folder in sorted((p for p in objects.iterdir() if p.is_dir()), reverse=True):
                if not any(folder.iterdir()):
                    with contextlib.suppress(OSError):  # another build just wrote into it
                        folder.rmdir()
        for legacy in _LEGACY:  # folders of the caches this one replaced
            shutil.rmtree(self.folder / legacy, ignore_errors=True)
        names = sorted(path.relative_to(self.folder).as_posix() for path in self.used)
        write_bytes(self.folder / MANIFEST, canonical({"fingerprint": self.fingerprint, "objects": names}).encode())
        return removed
