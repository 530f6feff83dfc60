"""Resolving date rules: the concrete days of a :mod:`~generator.models.daterule` rule in a school year.

Fixed dates and ranges are placed in the school year (September → August; a range may cross New
Year); month-day spans give one occurrence per listed month; teaching weeks give the school days
of those weeks in each term (public holidays taken out at either end); anchors count days from a
point of the year; repeats give one occurrence per period. Moving single days off days off is
done afterwards, per item (see :mod:`.adoption`), because the move depends on the item's kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from ..models.daterule import AnchorRule, FixedRule, MonthDaysRule, RepeatRule, WeekRule
from .dates import (
    ONE_DAY,
    CalendarError,
    Occurrence,
    each_day,
    format_date,
    format_occurrences,
    format_span,
    monday_of,
)
from .schoolyear import SchoolYear, Term


def _in_year(start: dt.date, end: dt.date, year: SchoolYear) -> bool:
    return year.earliest <= start and end <= year.last_day


def _outside(start: dt.date, end: dt.date, year: SchoolYear) -> CalendarError:
    return CalendarError(
        f"日期（{format_span(start, end)}）超出了{year.label}（{format_span(year.earliest, year.last_day)}）",
        "学校方案只安排本学年内的工作；请检查日期或相对天数（offset），或把这件事放到下一学年的档案里",
    )


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        if month == 2 and day == 29:
            raise CalendarError(f"{year}年不是闰年，2月没有29日",
                                "请改成 02-28 或 03-01；只有闰年才有 2 月 29 日") from None
        raise CalendarError(f"{year}年{month}月没有{day}日", "请检查日期") from None


def _fixed(rule: FixedRule, year: SchoolYear) -> list[Occurrence]:
    sm, sd = rule.start
    primary = year.first_year if sm >= 9 else year.first_year + 1
    first_error: CalendarError | None = None
    for y in (primary, year.first_year + year.first_year + 1 - primary):
        try:
            start = _make_date(y, sm, sd)
            end = start
            if rule.end is not None:
                em, ed = rule.end
                end = _make_date(y if (em, ed) >= (sm, sd) else y + 1, em, ed)
        except CalendarError as exc:
            first_error = first_error or exc
            continue
        if _in_year(start, end, year):
            return [Occurrence(start, end)]
        first_error = first_error or _outside(start, end, year)
    assert first_error is not None
    raise first_error


def _school_year_month_order(month: int) -> int:
    return (month - 9) % 12


def _month_days(rule: MonthDaysRule, year: SchoolYear) -> list[Occurrence]:
    import calendar as _cal

    first, last = rule.days
    found = []
    for month in sorted(rule.months, key=_school_year_month_order):
        y = year.first_year if month >= 9 else year.first_year + 1
        length = _cal.monthrange(y, month)[1]
        if first > length:
            _make_date(y, month, first)  # raises the specific message (2 月 29 日 …)
        start, end = dt.date(y, month, first), dt.date(y, month, min(last, length))
        if not _in_year(start, end, year):
            raise _outside(start, end, year)
        found.append(Occurrence(start, end))
    return found


def _week_number(year: SchoolYear, term: Term, value: int) -> int:
    count = year.week_count(term)
    number = value if value > 0 else count + 1 + value
    if not 1 <= number <= count:
        shown = f"第{value}周" if value > 0 else f"倒数第{-value}周"
        raise CalendarError(
            f"{term.label}（{format_span(term.start, term.end)}）只有{count}周，没有{shown}",
            "请改小周次，或检查校历中的学期起止日期",
        )
    return number


def _weeks(rule: WeekRule, year: SchoolYear) -> list[Occurrence]:
    terms = year.terms if rule.term == "每学期" else (year.term(rule.term),)
    found = []
    for term in terms:
        if rule.week is not None:
            first = last = _week_number(year, term, rule.week)
        else:
            a, b = rule.weeks  # type: ignore[misc]
            first, last = _week_number(year, term, a), _week_number(year, term, b)
            if first > last:
                raise CalendarError(
                    f"{term.label}共{year.week_count(term)}周，起始周（第{first}周）晚于结束周（第{last}周）",
                    "请检查 weeks 中的两个周次",
                )
        start, end = year.trim(year.week(term, first).start, year.week(term, last).end)
        found.append(Occurrence(start, end))
    return found


def _anchor(rule: AnchorRule, year: SchoolYear) -> list[Occurrence]:
    start = year.anchor(rule.anchor) + dt.timedelta(days=rule.offset)
    if rule.until is not None:
        end = year.anchor(rule.until)
        if end < start:
            raise CalendarError(
                f"从{rule.describe()}算起的开始日（{format_date(start)}）晚于“{rule.until}”（{format_date(end)}）",
                "请减小 offset，或换一个更晚的 until",
            )
    else:
        end = start + dt.timedelta(days=(rule.days or 1) - 1)
    if not _in_year(start, end, year):
        raise _outside(start, end, year)
    return [Occurrence(start, end)]


def _windows(within: str, year: SchoolYear) -> list[tuple[dt.date, dt.date, bool]]:
    """(start, end, school days only) of the windows a repeat runs in."""
    if within == "学期":
        return [(t.start, t.end, True) for t in year.terms]
    if within == "假期":
        return [(v.start, v.end, False) for v in year.vacations]
    return [(year.first_day, year.last_day, False)]


def _months(start: dt.date, end: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    cursor = start
    while cursor <= end:
        nxt = dt.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        yield cursor, min(nxt - ONE_DAY, end)
        cursor = nxt


def _repeat(rule: RepeatRule, year: SchoolYear) -> list[Occurrence]:
    found: list[Occurrence] = []
    windows = _windows(rule.within, year)
    if rule.every in ("学期", "半年"):
        if rule.within == "全年":
            windows = [(year.first_day, year.winter_end, False), (year.spring_start, year.last_day, False)]
        return [Occurrence(*(year.trim(s, e) if school else (s, e))) for s, e, school in windows]
    if rule.every == "年":
        if rule.within == "学期":
            s, e = year.trim(year.autumn_start, year.spring_end)
        elif rule.within == "假期":
            s, e = year.winter_start, year.last_day
        else:
            s, e = year.first_day, year.last_day
        return [Occurrence(s, e)]
    for start, end, school in windows:
        if rule.every == "天":
            days = year.school_days(start, end) if school else each_day(start, end)
            found += [Occurrence(d, d) for d in days]
        elif rule.every == "周":
            monday = monday_of(start)
            while monday <= end:
                s, e = max(monday, start), min(monday + dt.timedelta(days=6), end)
                if school:
                    if any(True for _ in year.school_days(s, e)):
                        found.append(Occurrence(*year.trim(s, e)))
                else:
                    found.append(Occurrence(s, e))
                monday += dt.timedelta(days=7)
        else:  # 月
            for s, e in _months(start, end):
                if school:
                    if any(True for _ in year.school_days(s, e)):
                        found.append(Occurrence(*year.trim(s, e)))
                else:
                    found.append(Occurrence(s, e))
    return found


def resolve(rule: Any, year: SchoolYear) -> list[Occurrence]:
    """The days ``rule`` stands for in ``year``, in order; raise :class:`CalendarError` if impossible.

    Fixed dates and ranges are placed in the school year (September → August; a range may cross
    New Year); month-day spans give one occurrence per listed month (a last day past the month's
    end means its last day); teaching weeks give the school days of those weeks in each term;
    anchors count days from a point of the year; repeats give one occurrence per period (each
    school day, week, month, term, half-year or year) within the chosen windows.
    """
    if isinstance(rule, FixedRule):
        return _fixed(rule, year)
    if isinstance(rule, MonthDaysRule):
        return _month_days(rule, year)
    if isinstance(rule, WeekRule):
        return _weeks(rule, year)
    if isinstance(rule, AnchorRule):
        return _anchor(rule, year)
    if isinstance(rule, RepeatRule):
        return _repeat(rule, year)
    raise TypeError(f"not a date rule: {rule!r}")


def describe_rule(rule: Any) -> str:
    """The rule in words, without a year (``每年1月和7月的20日至月底``)."""
    return rule.describe()


def describe_when(rule: Any, occurrences: Sequence[Occurrence], *, weekday: bool = False) -> str:
    """How a plan states the time of an item for a concrete year.

    Fixed dates and month spans are shown as dates only; weeks and anchors keep their words
    before the dates (``每学期开学第一周：2026年9月7日至11日、2027年2月22日至26日``); repeats keep
    only their words (their dates are every week, month …).
    """
    if isinstance(rule, RepeatRule) or not occurrences:
        return rule.describe()
    dates = format_occurrences(occurrences, weekday=weekday)
    if isinstance(rule, (FixedRule, MonthDaysRule)):
        return dates
    return f"{rule.describe()}：{dates}"

