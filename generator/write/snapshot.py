"""The checked plan templates, kept on disk so that the next ``gongyu school build`` need not read them again.

Reading and checking ``plans/`` (about fifty YAML files, each parsed keeping the position of every
value, then validated) costs a new process about 0.2 s, an eighth of a one-school build. A clean
read is stored here, in the cache folder gongyu claims for itself (:func:`generator.write.outputs.claim_cache`),
under a key made of everything the read depends on:

* the code digest (every ``*.py`` and ``*.typ`` of the package, library versions) and
  the Python version, so a stored value is never unpickled into other code;
* the project's templates folder, the working folder (messages name files relative to it) and the
  day (citations are checked against the school year in progress);
* the versions of pydantic and PyYAML, whose objects and results are pickled;
* every entry of ``plans/``, ``plans/forms/`` and ``plans/data/``: its name and kind, and the bytes of
  each file (SHA-256; a timestamp is not enough, editors rewrite a file within the same tick, and
  the citation check reads ``.md`` files there too).

A read with problems is never stored, so a changed file is read again and reports its problems as
it always did; nor is one whose files changed while they were read (the key is checked against the
bytes the read parsed). A stored value that cannot be read back (cut short, or damaged) counts as absent.
Each document's parsed data and the positions of its values (what locates a problem found later,
rarely needed) are unpickled only when first asked for: they are two thirds of the bytes.

The value is a :mod:`pickle`, as Sphinx keeps its build environment, and unpickling runs code. So
each stored value carries an HMAC made with a key of this user's own (:func:`user_key`: 32 random
bytes in the user's cache folder, readable by the user only), checked before anything is unpickled:
a stored value this user's gongyu did not write — a project folder copied from another machine with
its ``.cache/``, a file put there by someone else — is never unpickled, only read again from ``plans/``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import os
import pickle
import secrets
import stat
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..load.memo import FrozenSourceDoc
from ..load.source import SourceDoc
from .atomic import write_bytes

#: The folders of a project whose files a templates-only read opens (``plans/schools/`` is not one).
FOLDERS = ("plans", "plans/forms", "plans/data")
SUFFIX = ".pickle"
KEY_BYTES = 32
#: A stored read larger than this is neither written nor read (today's templates: 1.4 MB).
MAX_STORED_BYTES = 64 * 1024 * 1024
_MAC_CHARS = 64  # HMAC-SHA256 in hex
#: The fields of a stored document unpickled on first use (none has a class-level default).
_FOLDED = ("data", "marks", "key_marks")


class FoldedSourceDoc(FrozenSourceDoc):
    """A stored document whose :data:`_FOLDED` fields are unpickled the first time one is read."""

    def __getattr__(self, name: str) -> Any:  # called only for what the instance does not hold yet
        fields = self.__dict__
        folded = fields.get("_folded")
        if name in _FOLDED and folded is not None:
            # unfolded before the bytes go: another thread asking meanwhile unpickles them too, never misses
            fields.update(zip(_FOLDED, pickle.loads(folded), strict=True))
            fields.pop("_folded", None)
            return fields[name]
        raise AttributeError(name)

    def __eq__(self, other: object) -> bool:  # equal to the document it was folded from
        if not isinstance(other, FrozenSourceDoc):
            return NotImplemented
        return all(getattr(self, item.name) == getattr(other, item.name)
                   for item in dataclasses.fields(SourceDoc) if item.compare)

    __hash__ = None  # type: ignore[assignment]  # as SourceDoc's


def _fold(doc: SourceDoc) -> SourceDoc:
    folded = object.__new__(FoldedSourceDoc)
    fields = {key: value for key, value in doc.__dict__.items() if key not in _FOLDED}
    fields["_folded"] = pickle.dumps(tuple(getattr(doc, name) for name in _FOLDED), protocol=pickle.HIGHEST_PROTOCOL)
    folded.__dict__.update(fields)
    return folded


def snapshot_key(root: Path, fingerprint: str, *context: Any, seen: Mapping[Path, bytes] | None = None) -> str:
    """The key of a templates-only read of ``root``: see the module's docstring. ``seen``: the SHA-256 of
    the bytes a read parsed, by path (``load.memo.Reading.digests``), used in place of the file's bytes now:
    the key of what that read saw."""
    import pydantic
    import yaml

    digest = hashlib.sha256()
    # the libraries whose objects and results are pickled (the code digest names those that write bytes);
    # each pydantic release pins its pydantic-core exactly
    libraries = f"pydantic {pydantic.VERSION} pyyaml {yaml.__version__}"
    for part in (fingerprint, sys.version, libraries, str(root), os.getcwd(), *map(str, context)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for folder in FOLDERS:
        digest.update(b"\1" + folder.encode() + b"\0")
        try:
            entries = sorted(os.scandir(root / folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            digest.update(entry.name.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(_entry_bytes(entry, seen or {}) + b"\0")
    return digest.hexdigest()


def _entry_bytes(entry: os.DirEntry[str], seen: Mapping[Path, bytes]) -> bytes:
    """What the key holds of one entry: the bytes of a file (any kind: the citation check reads ``.md`` too),
    hashed in blocks whatever its size; only the kind of anything else (a folder, a pipe is never opened)."""
    try:
        link = os.readlink(entry.path).encode("utf-8", "surrogateescape") if entry.is_symlink() else b""
        info = os.stat(entry.path)
    except OSError:
        return b"missing"
    if not stat.S_ISREG(info.st_mode):
        return f"kind {stat.S_IFMT(info.st_mode)}".encode() + link
    known = seen.get(Path(entry.path))
    if known is not None:
        return b"file" + link + known
    handle = _open_regular(Path(entry.path), follow=True)
    if handle is None:
        return b"unreadable" + link
    with handle:
        return b"file" + link + hashlib.file_digest(handle, "sha256").digest()


def _open_regular(path: Path, *, follow: bool) -> Any:
    """``path`` opened for reading if it is a regular file (never blocking on a pipe; ``follow``: through a
    symbolic link), else None."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        return os.fdopen(fd, "rb")
    except OSError:
        os.close(fd)
        return None


def _path(folder: Path, root: Path) -> Path | None:
    """Where the read of ``root`` is stored (one per templates folder: a new key replaces the old value);
    None when ``corpus/`` is not a plain folder of the cache (a link a copied project brought could point
    anywhere: nothing is written or read through it)."""
    corpus = folder / "corpus"
    try:
        if not stat.S_ISDIR(corpus.lstat().st_mode):
            return None
    except FileNotFoundError:
        pass
    except OSError:
        return None
    name = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return corpus / f"{name}{SUFFIX}"


def key_file() -> Path:
    """Where this user's key lives: beside the user's cache folder, not in a project (never copied with one)."""
    from .cache import default_folder

    return default_folder(None).parent / "gongyu-snapshot.key"


def user_key() -> bytes | None:
    """This user's key for stored values, made on first use; None where none can be kept (nothing is stored).
    A key file that is not a plain file of this user's, readable by nobody else, is replaced."""
    path = key_file()
    handle = _open_regular(path, follow=False)
    if handle is not None:
        with handle:
            info = os.fstat(handle.fileno())
            private = True
            if hasattr(os, "getuid"):  # POSIX: this user's own, readable by nobody else
                private = info.st_uid == os.getuid() and not info.st_mode & 0o077
            key = handle.read(KEY_BYTES + 1)
        if private and len(key) == KEY_BYTES:
            return key
    try:  # missing or damaged: a new one (values stored under the old one are then read again)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # readable by this user only
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
        os.replace(tmp, path)
        key = path.read_bytes()  # another process may have replaced it meanwhile: use the one kept
    except OSError:
        return None
    return key if len(key) == KEY_BYTES else None


def _mac(secret: bytes, key: str, payload: bytes | memoryview) -> bytes:
    return hmac.new(secret, key.encode() + b"\0" + payload, hashlib.sha256).hexdigest().encode()


def stored(folder: Path, root: Path, key: str) -> Any | None:
    """The value stored for ``root`` under ``key``, or None (none stored, another key, not made by this
    user's gongyu, damaged)."""
    path = _path(folder, root)
    handle = None if path is None else _open_regular(path, follow=False)
    if handle is None:
        return None
    with handle:
        data = handle.read(MAX_STORED_BYTES + 1)
    if len(data) > MAX_STORED_BYTES:
        return None
    head = key.encode() + b"\n"
    if not data.startswith(head):
        return None
    secret = user_key()
    mac_end = len(head) + _MAC_CHARS
    if secret is None or data[mac_end:mac_end + 1] != b"\n":
        return None
    payload = memoryview(data)[mac_end + 1:]
    if not hmac.compare_digest(data[len(head):mac_end], _mac(secret, key, payload)):
        return None  # not written by this user's gongyu: never unpickled
    try:
        return pickle.loads(payload)
    except Exception:  # noqa: BLE001 - written by an older gongyu with the same key: read the files again
        return None


def store(folder: Path, root: Path, key: str, corpus: Any, extra: Any = None) -> None:
    """Keep ``(corpus, extra)`` for ``root`` under ``key`` (atomically; skipped where the cache or the user's
    key cannot be written); :func:`stored` gives it back."""
    secret = user_key()
    if secret is None:
        return
    value = dataclasses.replace(corpus, sources={item: _fold(doc) for item, doc in corpus.sources.items()},
                                school_sources={item: _fold(doc) for item, doc in corpus.school_sources.items()})
    payload = pickle.dumps((value, extra), protocol=pickle.HIGHEST_PROTOCOL)
    data = key.encode() + b"\n" + _mac(secret, key, payload) + b"\n" + payload
    path = _path(folder, root)
    if path is not None and len(data) <= MAX_STORED_BYTES:
        with contextlib.suppress(OSError):
            write_bytes(path, data)
