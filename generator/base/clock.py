"""The one source of the build date.

Generated files carry a date (Word and xlsx properties, zip entries, iCalendar stamps, PDF
metadata) and the site's timeline picks "this school year" from it. The date is a value, a
:class:`BuildDate`: ``gongyu build`` makes one from the content (the newest article's ``updated``)
and runs the build inside :func:`building`; every other command, and a plain ``mkdocs build``,
uses :meth:`BuildDate.from_environment` — ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention)
when it is set, else a pinned instant for files and today only where a human asks for "now" (the
school year of a plain ``mkdocs build``). The environment is read, never written.
"""

from __future__ import annotations

import calendar
import contextlib
import contextvars
import datetime as dt
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

#: The instant written into files when no build date is set (2020-01-01 00:00 UTC).
PINNED = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class BuildDate:
    """When a build is made: ``epoch`` seconds (UTC), or None when no date is set."""

    epoch: int | None = None

    @classmethod
    def from_environment(cls) -> BuildDate:
        """``SOURCE_DATE_EPOCH`` if it is set to a number, else no date."""
        raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        return cls(int(raw) if raw.isdigit() else None)

    def or_epoch(self, default_epoch: int) -> BuildDate:
        """This date if it is set, else ``default_epoch``."""
        return self if self.epoch is not None else BuildDate(default_epoch)

    def instant(self) -> dt.datetime:
        """The timestamp written into generated files (:data:`PINNED` when no date is set)."""
        return dt.datetime.fromtimestamp(self.epoch, tz=dt.UTC) if self.epoch is not None else PINNED

    def day(self) -> dt.date:
        """The day the build is "made on" (today when no date is set)."""
        if self.epoch is None:
            return dt.date.today()
        return dt.datetime.fromtimestamp(self.epoch, tz=dt.UTC).date()

    def stamp(self) -> str:
        """The date as text, for cache keys (empty when no date is set)."""
        return "" if self.epoch is None else str(self.epoch)


_current: contextvars.ContextVar[BuildDate | None] = contextvars.ContextVar("gongyu_build_date", default=None)


def current() -> BuildDate:
    """The date of the build running in this context: set by :func:`building`, else from the environment."""
    date = _current.get()
    return date if date is not None else BuildDate.from_environment()


@contextlib.contextmanager
def building(date: BuildDate) -> Iterator[BuildDate]:
    """Within the block every generated file carries ``date``."""
    token = _current.set(date)
    try:
        yield date
    finally:
        _current.reset(token)


def build_instant() -> dt.datetime:
    """The timestamp written into generated files."""
    return current().instant()


def build_day() -> dt.date:
    """The day the build is "made on"."""
    return current().day()


def school_year_in_progress(day: dt.date | None = None) -> int:
    """The first calendar year of the school year in progress on ``day`` (default: the build's day);
    a school year is taken to start in July, when next year's calendars are made."""
    day = day or build_day()
    return day.year if day.month >= 7 else day.year - 1


def stamp() -> str:
    """The build date the *user* set (``SOURCE_DATE_EPOCH``), for cache keys; empty when unset.

    The content date a site build runs under (the newest ``updated:``, see :func:`building`) is not
    part of it: cached objects are made without it (see :func:`object_date`), so one article's new
    date re-renders nothing else, and ``gongyu serve`` finds what ``gongyu build`` made.
    """
    return BuildDate.from_environment().stamp()


@contextlib.contextmanager
def object_date() -> Iterator[None]:
    """Within the block files carry the user's ``SOURCE_DATE_EPOCH`` or :data:`PINNED`, never the
    content date of the build: what a cached object holds depends only on its key's inputs."""
    with building(BuildDate.from_environment()):
        yield


def content_epoch(days: Iterable[dt.date]) -> int:
    """A build date that depends only on the content: the newest of ``days`` (articles' ``updated``)."""
    newest = max(days, default=None)
    return calendar.timegm(newest.timetuple()) if newest else int(PINNED.timestamp())
