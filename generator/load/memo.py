"""Reading a project again in the same process: each file's result is reused while its bytes are the same.

``gongyu serve`` reloads the whole project on every save. Inside :func:`reading`, a file read
through :func:`remembered` is parsed only when its bytes (their SHA-256, read every time: a
timestamp is not enough, editors and tests rewrite a file within the same tick) or the way it is
named in messages changed; otherwise the result of the last read is handed out again, problems
included, so the outcome is exactly that of a fresh read.

What is kept is frozen (:func:`freeze`): lists and dicts become :class:`FrozenList` and
:class:`FrozenDict`, a :class:`SourceDoc` a :class:`FrozenSourceDoc`, models are frozen already,
so a caller cannot change what the next read hands out. Results are frozen outside
:func:`reading` too, so every command sees the same kind of value.

Memory is bounded: only the entries used by the last read of a project are kept (a file changed
or gone drops out), for the last :data:`KEEP_PROJECTS` projects read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

from pydantic import BaseModel

from ..errors import GongyuError, Problem
from .source import SourceDoc, read_bytes

T = TypeVar("T")

#: How many projects' files are remembered (the served project, the package's templates, a test's few).
KEEP_PROJECTS = 4


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    # a programming error, not a user's: what was read is shared with the next read
    raise TypeError("a value read from a file is shared and cannot change; change a copy (list(…), dict(…))")


class FrozenList(list):
    """A list that cannot change: what a file's model or data holds once remembered."""

    __slots__ = ()
    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return FrozenList, (list(self),)


class FrozenDict(dict):
    """A dict that cannot change."""

    __slots__ = ()
    clear = pop = popitem = setdefault = update = _refuse
    __setitem__ = __delitem__ = __ior__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return FrozenDict, (dict(self),)


class FrozenSourceDoc(SourceDoc):
    """A parsed document whose fields cannot be set again (its data and marks are frozen too)."""

    __setattr__ = __delattr__ = _refuse


_ATOMS = (str, int, float, bool, type(None), bytes, dt.date, frozenset, Problem)
#: Types :func:`freeze` hands back as they are (checked first: most values are text).
_SAME = frozenset({*_ATOMS, dt.datetime, FrozenList, FrozenDict, FrozenSourceDoc})


def freeze(value: T) -> T:
    """``value`` with every list, dict and document inside it frozen; models are frozen in place."""
    return cast(T, _freeze(value))


def _freeze(value: Any) -> Any:
    kind = type(value)
    if kind in _SAME:
        return value
    if kind is list:
        return FrozenList([_freeze(item) for item in value])
    if kind is tuple:
        return tuple(_freeze(item) for item in value)
    if kind is dict:
        return FrozenDict({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, BaseModel):
        if not value.model_config.get("frozen"):
            raise TypeError(f"{kind.__name__} is not a frozen model")
        fields = value.__dict__
        for name, item in fields.items():
            fields[name] = _freeze(item)
        return value
    if dataclasses.is_dataclass(value) and value.__dataclass_params__.frozen:  # type: ignore[union-attr]
        for item in dataclasses.fields(value):
            object.__setattr__(value, item.name, _freeze(getattr(value, item.name)))
        return value
    if kind is SourceDoc:
        frozen = object.__new__(FrozenSourceDoc)
        frozen.__dict__.update(value.__dict__, data=_freeze_data(value.data), marks=FrozenDict(value.marks),
                               key_marks=FrozenDict(value.key_marks))
        return frozen
    if isinstance(value, (*_ATOMS, FrozenSourceDoc)):  # FrozenSourceDoc: its subclasses (a stored document)
        return value
    raise TypeError(f"cannot freeze a {kind.__name__}")


def _freeze_data(value: Any) -> Any:
    """:func:`_freeze` for what YAML gives: dicts, lists and scalars (all immutable)."""
    kind = type(value)
    if kind is dict:
        return FrozenDict({key: _freeze_data(item) for key, item in value.items()})
    if kind is list:
        return FrozenList([_freeze_data(item) for item in value])
    return value


@dataclass
class _Entry:
    digest: bytes
    value: Any
    problems: tuple[Problem, ...] | None


@dataclass
class Reading:
    """One read of a project: the entries it may reuse, those it used, and the files it parsed."""

    root: Path
    entries: dict[tuple[Any, ...], _Entry]
    used: set[tuple[Any, ...]] = field(default_factory=set)
    #: The digest of each file's bytes as first read in this read: a second task on the same file
    #: (the citation check after the loader) finds its result without reading the file again.
    digests: dict[Path, bytes] = field(default_factory=dict)
    #: Files whose result was made afresh in this read, in order (what a save cost).
    made: list[Path] = field(default_factory=list)


_READING: ContextVar[Reading | None] = ContextVar("gongyu_reading", default=None)
_PROJECTS: OrderedDict[Path, dict[tuple[Any, ...], _Entry]] = OrderedDict()
_LOCK = threading.Lock()


@contextmanager
def reading(root: Path) -> Iterator[Reading]:
    """Remember the files read in this block under ``root``; a block inside one for the same root joins it."""
    current = _READING.get()
    if current is not None and current.root == root:
        yield current
        return
    with _LOCK:
        entries = _PROJECTS.pop(root, {})
        _PROJECTS[root] = entries
        while len(_PROJECTS) > KEEP_PROJECTS:
            _PROJECTS.popitem(last=False)
    session = Reading(root, entries)
    token = _READING.set(session)
    try:
        yield session
    finally:
        _READING.reset(token)
        with _LOCK:
            for key in list(entries):  # list(): another thread's read of the same project may be adding
                if key not in session.used:
                    entries.pop(key, None)


def forget() -> None:
    """Drop everything remembered (tests)."""
    with _LOCK:
        _PROJECTS.clear()


def kept(root: Path) -> set[Path]:
    """The files whose results are remembered for the project at ``root`` (tests)."""
    with _LOCK:
        return {key[0] for key in _PROJECTS.get(root, {}) if isinstance(key[0], Path)}


def remembered(path: Path, shown: str, make: Callable[..., T], *args: Hashable) -> T:
    """``make(raw, shown, *args)`` for the bytes of the file at ``path``, frozen; inside :func:`reading`
    the result (or the problems it raised) of the last read is reused while the bytes are the same.

    ``make`` must be a pure function of its arguments (a module-level function: it is part of the key).
    A file that cannot be read or is too large raises its problem here and is not remembered.
    """
    session = _READING.get()
    if session is None:
        entry = _made(make, read_bytes(path, shown), shown, args)
    else:
        key = (path, make, shown, args)
        session.used.add(key)
        found = session.entries.get(key)
        digest = session.digests.get(path)
        if found is None or found.digest != digest:
            raw = read_bytes(path, shown)
            digest = session.digests[path] = hashlib.sha256(raw).digest()
            if found is None or found.digest != digest:
                session.made.append(path)
                found = session.entries[key] = _made(make, raw, shown, args, digest)
        entry = found
    if entry.problems is not None:
        raise GongyuError(list(entry.problems))
    return cast(T, entry.value)


def remembered_for(sources: tuple[object, ...], task: Hashable, make: Callable[[], T]) -> T:
    """``make()``, a pure function of ``sources`` (values :func:`remembered` handed out: a plan and its
    document), kept in this read and the next while the very same values are handed out again."""
    session = _READING.get()
    if session is None:
        return make()
    key = (task, *map(id, sources))
    session.used.add(key)
    found = session.entries.get(key)
    if found is None or any(old is not new for old, new in zip(found.value[0], sources, strict=True)):
        found = session.entries[key] = _Entry(b"", (sources, freeze(make())), None)
    return cast(T, found.value[1])


def _made(make: Callable[..., Any], raw: bytes, shown: str, args: tuple[Hashable, ...], digest: bytes = b"") -> _Entry:
    try:
        return _Entry(digest, freeze(make(raw, shown, *args)), None)
    except GongyuError as exc:
        return _Entry(digest, None, tuple(exc.problems))


__all__ = ["KEEP_PROJECTS", "FrozenDict", "FrozenList", "FrozenSourceDoc", "Reading", "forget", "freeze", "kept",
           "reading", "remembered", "remembered_for"]
