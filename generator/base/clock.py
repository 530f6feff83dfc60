"""The one source of the build date.

Generated files carry a date (Word and xlsx properties, zip entries, iCalendar stamps) and the
site's timeline picks "this school year" from it. Reading it in one place keeps builds
reproducible: ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention, also read by MkDocs for
its sitemap) when it is set, else a pinned instant for files, and today only where a human asks for
"now" (the school year of a plain ``mkdocs build``).
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import os
from collections.abc import Iterable, Iterator

#: The instant written into files when no build date is set (2020-01-01 00:00 UTC).
PINNED = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
#: ``SOURCE_DATE_EPOCH`` holds the content date :func:`pinned` set, not one the user gave.
_ours = False


def _epoch() -> int | None:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(raw) if raw.isdigit() else None


def build_instant() -> dt.datetime:
    """The timestamp written into generated files: ``SOURCE_DATE_EPOCH`` if set, else :data:`PINNED`."""
    epoch = _epoch()
    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc) if epoch is not None else PINNED


def build_day() -> dt.date:
    """The day the build is "made on": ``SOURCE_DATE_EPOCH`` if set, else today."""
    epoch = _epoch()
    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).date() if epoch is not None else dt.date.today()


def stamp() -> str:
    """The build date the *user* set (``SOURCE_DATE_EPOCH``), for cache keys; empty when unset.

    The date :func:`pinned` puts in place from the content (the newest ``updated:``) is not part
    of it: cached objects are made without it (see :func:`object_date`), so one article's new date
    re-renders nothing else, and ``gongyu serve`` (which pins nothing) finds what ``gongyu build`` made.
    """
    epoch = _epoch()
    return "" if epoch is None or _ours else str(epoch)


@contextlib.contextmanager
def object_date() -> Iterator[None]:
    """Within the block files carry the user's ``SOURCE_DATE_EPOCH`` or :data:`PINNED`, never the
    content date of the build: what a cached object holds depends only on its key's inputs."""
    global _ours
    if not _ours:
        yield
        return
    previous = os.environ.pop("SOURCE_DATE_EPOCH", None)
    _ours = False
    try:
        yield
    finally:
        _ours = True
        if previous is not None:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def content_epoch(days: Iterable[dt.date]) -> int:
    """A build date that depends only on the content: the newest of ``days`` (articles' ``updated``)."""
    newest = max(days, default=None)
    return calendar.timegm(newest.timetuple()) if newest else int(PINNED.timestamp())


@contextlib.contextmanager
def pinned(default_epoch: int) -> Iterator[None]:
    """Within the block the build date is ``SOURCE_DATE_EPOCH`` if the caller set one, else ``default_epoch``.

    The variable itself is the interface, because MkDocs reads it too (sitemap dates).
    """
    global _ours
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    was_ours = _ours
    if _epoch() is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(default_epoch)
        _ours = True
    try:
        yield
    finally:
        _ours = was_ours
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
