"""Dates in Chinese and the occurrence type: the pieces every other part uses.

One function formats a day for print, :func:`format_date`; with ``weekday=True`` it gives
``11月23日（星期一）``, the form every date printed in a document or the 行事历 takes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import GongyuError, Problem

if TYPE_CHECKING:
    from ..load import SourceDoc

ONE_DAY = dt.timedelta(days=1)
WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class CalendarError(GongyuError):
    """A rule that cannot be placed in a school year; callers attach the file position."""

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(Problem("日期规则", 0, 0, message, hint))

    def located(self, doc: SourceDoc | None, path: tuple[Any, ...], *, key: bool = False, where: str = "") -> Problem:
        """This error as a problem at ``path`` of ``doc`` (or named by ``where`` when there is no file)."""
        if doc is None:
            return Problem(where or "日期规则", 0, 0, self.message, self.hint)
        return doc.problem(path, self.message, self.hint, key=key)


def weekday_name(day: dt.date) -> str:
    """``星期一`` … ``星期日``."""
    return WEEKDAY_NAMES[day.weekday()]


def format_date(day: dt.date, *, year: bool = True, month: bool = True, weekday: bool = False) -> str:
    """``2027年1月20日``, ``1月20日``, ``20日``; with ``weekday`` ``11月23日（星期一）``.

    This is the one place a date is written for people: every renderer goes through it.
    """
    text = f"{day.day}日"
    if month or year:
        text = f"{day.month}月{text}"
    if year:
        text = f"{day.year}年{text}"
    return f"{text}（{weekday_name(day)}）" if weekday else text


def format_span(start: dt.date, end: dt.date, *, year: bool = True, sep: str = "至", weekday: bool = False) -> str:
    """``2027年1月20日至31日``, ``2027年1月20日至2月11日``, ``2026年12月1日至2027年1月8日``."""
    head = format_date(start, year=year, weekday=weekday)
    if end == start:
        return head
    if end.year != start.year:
        return f"{head}{sep}{format_date(end, weekday=weekday)}"
    return f"{head}{sep}{format_date(end, year=False, month=end.month != start.month, weekday=weekday)}"


def format_occurrences(occurrences: Sequence[Occurrence], *, sep: str = "、", weekday: bool = False) -> str:
    """Several spans, the year written only when it changes: ``2027年1月20日至31日、7月20日至31日``."""
    parts: list[str] = []
    last_year: int | None = None
    for occ in occurrences:
        parts.append(format_span(occ.start, occ.end, year=occ.start.year != last_year, weekday=weekday))
        last_year = occ.end.year
    return sep.join(parts)


def monday_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def each_day(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day from ``start`` to ``end`` (both included)."""
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


@dataclass(frozen=True, order=True)
class Occurrence:
    """One placement of a rule: the days ``start`` … ``end`` (both included)."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def describe(self, *, year: bool = True, weekday: bool = False) -> str:
        return format_span(self.start, self.end, year=year, weekday=weekday)
