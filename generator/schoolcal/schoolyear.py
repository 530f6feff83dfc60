"""The school year: terms, vacations, the Spring Festival, the week grid and which days are school days.

A :class:`SchoolYear` holds the dates of one school's year; every date a profile leaves out is
estimated the usual way (see :meth:`SchoolYear.build`). Its :class:`~.daysoff.DaysOff` knows the
public holidays, 调休 make-up days and the school's own days, so :meth:`SchoolYear.is_school_day`
answers for a real term day and :meth:`SchoolYear.settle` moves a date off a day off.

The week grid is aligned to Mondays: week 1 of a term starts on the term's first day and ends on
the following Sunday, week 2 starts on the next Monday, and so on; week 0 (预备周) is the days
before the term.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import GongyuError, Problem
from ..load.schedule import Schedule
from .dates import ONE_DAY, format_date, format_span, monday_of
from .daysoff import DaysOff, OwnDay

if TYPE_CHECKING:
    from ..load import SourceDoc
    from ..models.school import School

_CALENDAR_FIELDS = {
    "autumn_start": "秋季开学日",
    "autumn_end": "秋季学期结束日",
    "spring_festival": "春节",
    "spring_start": "春季开学日",
    "spring_end": "春季学期结束日",
    "summer_end": "暑假最后一天",
}


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _friday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def spring_festival(year: int) -> dt.date:
    """The first day of the lunar new year in Gregorian ``year`` (2027 → 2027-02-06)."""
    from lunardate import LunarDate

    solar = LunarDate(year, 1, 1)
    convert = getattr(solar, "to_solar_date", None) or solar.toSolarDate
    return convert()


@dataclass(frozen=True)
class Term:
    """A term (学期) or a vacation: a name and its first and last day."""

    name: str  # 秋季 / 春季 / 寒假 / 暑假 / 预备
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.name}学期" if self.name in ("秋季", "春季") else self.name

    @property
    def is_term(self) -> bool:
        return self.name in ("秋季", "春季")


@dataclass(frozen=True)
class Week:
    """A row of the week grid: ``number`` 0 is the 预备周 before a term."""

    term: str
    number: int
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return "预备周" if self.number == 0 else f"第{self.number}周"


@dataclass(frozen=True)
class SchoolYear:
    """The dates of one school year. Use :meth:`build`, :meth:`for_school` or :meth:`default`."""

    first_year: int
    autumn_start: dt.date
    autumn_end: dt.date
    spring_festival: dt.date
    spring_start: dt.date
    spring_end: dt.date
    summer_end: dt.date
    estimated: frozenset[str] = field(default_factory=frozenset)
    days_off: DaysOff | None = field(default=None, compare=False, repr=False)
    #: is_school_day per day asked (a pack asks about the same days thousands of times).
    _school_day: dict[dt.date, bool] = field(default_factory=dict, init=False, compare=False, repr=False)

    # -- construction

    @classmethod
    def build(cls, first_year: int, own_days: Iterable[OwnDay] = (), **given: dt.date | None) -> SchoolYear:
        """Fill in every date not given, then check that they make sense (raise :class:`CalendarError`).

        Defaults: autumn term from the first Monday on/after 1 September; the winter vacation of
        about four weeks starts on the Saturday after the Friday on/before ten days before the
        Spring Festival (so it always holds the festival); the spring term starts on the Monday a
        month later and ends on the first Friday of July; the summer vacation ends on 31 August.
        """
        year, errors = cls._collect(first_year, given, own_days)
        if errors:
            raise GongyuError([Problem("校历", 0, 0, message, hint) for _name, message, hint in errors])
        return year

    @classmethod
    def _collect(cls, first_year: int, given: dict[str, dt.date | None], own_days: Iterable[OwnDay] = (),
                 schedule: Schedule = Schedule()) -> tuple[SchoolYear, list[tuple[str, str, str]]]:
        unknown = set(given) - set(_CALENDAR_FIELDS)
        if unknown:
            raise TypeError(f"unknown calendar fields: {sorted(unknown)}")
        g = {k: v for k, v in given.items() if v is not None}
        second = first_year + 1
        festival = g.get("spring_festival") or spring_festival(second)
        autumn_start = g.get("autumn_start") or _monday_on_or_after(dt.date(first_year, 9, 1))
        if "autumn_end" in g:
            autumn_end = g["autumn_end"]
        elif "spring_start" in g:
            autumn_end = _friday_on_or_before(min(g["spring_start"] - dt.timedelta(days=31),
                                                  festival - dt.timedelta(days=3)))
        else:
            autumn_end = _friday_on_or_before(festival - dt.timedelta(days=10))
        spring_start = g.get("spring_start") or _monday_on_or_after(
            max(autumn_end + dt.timedelta(days=31), festival + dt.timedelta(days=7)))
        july = dt.date(second, 7, 1)
        spring_end = g.get("spring_end") or july + dt.timedelta(days=(4 - july.weekday()) % 7)
        summer_end = g.get("summer_end") or dt.date(second, 8, 31)
        days_off = DaysOff.build((first_year, second), own_days, schedule)
        year = cls(first_year, autumn_start, autumn_end, festival, spring_start, spring_end, summer_end,
                   frozenset(name for name in _CALENDAR_FIELDS if name not in g), days_off)
        return year, year._contradictions()

    def _contradictions(self) -> list[tuple[str, str, str]]:
        """(field to blame, message, hint) for every date out of order."""
        found: list[tuple[str, str, str]] = []

        def shown(name: str) -> str:
            value: dt.date = getattr(self, name)
            note = "（按常规估算）" if name in self.estimated else ""
            return f"{_CALENDAR_FIELDS[name]}{format_date(value)}{note}"

        def blame(a: str, b: str) -> str:
            # point at a date the school wrote, preferring the later one
            return b if b not in self.estimated else a

        order = (("autumn_start", "autumn_end"), ("autumn_end", "spring_start"),
                 ("spring_start", "spring_end"), ("spring_end", "summer_end"))
        for a, b in order:
            if getattr(self, b) <= getattr(self, a):
                found.append((blame(a, b), f"{shown(b)}不晚于{shown(a)}",
                              "学期和假期应按“秋季开学 → 秋季学期结束 → 春季开学 → 春季学期结束 → 暑假结束”的顺序排列，"
                              "请检查年份和月份；没写的日期会按常规估算，必要时把它也写上"))
        if not found and not (self.autumn_end < self.spring_festival < self.spring_start):
            name = "spring_festival" if "spring_festival" not in self.estimated else (
                "spring_start" if "spring_start" not in self.estimated else "autumn_end")
            found.append((name, f"{shown('spring_festival')}不在寒假（{format_span(self.winter_start, self.winter_end)}）之内",
                          "寒假应包含春节；请检查秋季学期结束日和春季开学日（春节一般不必填写，会自动计算）"))
        return found

    @classmethod
    def default(cls, first_year: int) -> SchoolYear:
        """The usual dates of the school year starting in ``first_year`` (no school profile)."""
        return cls.build(first_year)

    @classmethod
    def for_school(cls, school: School, doc: SourceDoc | None = None, schedule: Schedule = Schedule()) -> SchoolYear:
        """The school's year: dates from ``school.calendar``, the rest estimated, its own days added;
        ``schedule``: the official holidays typed in from a notice (``plans/data/holidays.yml``).

        Contradictions (a term ending before it starts, the Spring Festival outside the winter
        vacation) are raised as one :class:`GongyuError`, located in ``doc`` when given.
        """
        cal = school.calendar
        given = {name: getattr(cal, name) for name in _CALENDAR_FIELDS}
        own = [OwnDay(d.date, d.to or d.date, d.name, d.type) for d in getattr(cal, "days", ())]
        year, errors = cls._collect(school.first_year, given, own, schedule)
        if not errors:
            for index, day in enumerate(getattr(cal, "days", ())):
                if not (year.earliest <= day.date and (day.to or day.date) <= year.last_day):
                    errors.append((("calendar", "days", index, "date"),
                                   f"本校日子“{day.name}”（{format_span(day.date, day.to or day.date)}）不在{year.label}"
                                   f"（{format_span(year.earliest, year.last_day)}）之内",
                                   "请检查年份；calendar.days 只写本学年内的日子"))
        if errors:
            problems = []
            for name, message, hint in errors:
                path: tuple[Any, ...]
                if isinstance(name, tuple):
                    path = name
                else:
                    path = ("calendar", name) if name not in year.estimated else ("calendar",)
                if doc is None:
                    problems.append(Problem(school.id, 0, 0, message, hint))
                else:
                    problems.append(doc.problem(path, message, hint))
            raise GongyuError(problems)
        return year

    # -- derived dates

    @property
    def label(self) -> str:
        """``2026—2027学年``."""
        return f"{self.first_year}—{self.first_year + 1}学年"

    @property
    def name(self) -> str:
        """``2026-2027`` as written in profiles."""
        return f"{self.first_year}-{self.first_year + 1}"

    @property
    def winter_start(self) -> dt.date:
        return self.autumn_end + ONE_DAY

    @property
    def winter_end(self) -> dt.date:
        return self.spring_start - ONE_DAY

    @property
    def summer_start(self) -> dt.date:
        return self.spring_end + ONE_DAY

    @property
    def first_day(self) -> dt.date:
        """Where the school year starts: 1 September, or the first day of term if that is earlier."""
        return min(dt.date(self.first_year, 9, 1), self.autumn_start)

    @property
    def prep_start(self) -> dt.date:
        """First day of the 预备周: the Monday of the week before the autumn term's first week."""
        return monday_of(self.autumn_start) - dt.timedelta(days=7)

    @property
    def earliest(self) -> dt.date:
        """Earliest day any rule may fall on (the 预备周 counts to the new year)."""
        return min(self.first_day, self.prep_start)

    @property
    def last_day(self) -> dt.date:
        """Latest day any rule may fall on: the end of the summer vacation (at least 31 August)."""
        return max(self.summer_end, dt.date(self.first_year + 1, 8, 31))

    @property
    def terms(self) -> tuple[Term, Term]:
        return (Term("秋季", self.autumn_start, self.autumn_end), Term("春季", self.spring_start, self.spring_end))

    @property
    def vacations(self) -> tuple[Term, Term]:
        return (Term("寒假", self.winter_start, self.winter_end), Term("暑假", self.summer_start, self.summer_end))

    def term(self, name: str) -> Term:
        for term in self.terms:
            if term.name == name:
                return term
        raise KeyError(name)

    def anchor(self, name: str) -> dt.date:
        """The day an anchor of :data:`~generator.models.daterule.ANCHORS` names."""
        table = {
            "秋季开学": self.autumn_start,
            "秋季学期结束": self.autumn_end,
            "寒假开始": self.winter_start,
            "春节": self.spring_festival,
            "寒假结束": self.winter_end,
            "春季开学": self.spring_start,
            "春季学期结束": self.spring_end,
            "暑假开始": self.summer_start,
            "暑假结束": self.summer_end,
        }
        return table[name]

    def contains(self, day: dt.date) -> bool:
        return self.earliest <= day <= self.last_day

    # -- the week grid

    def week_count(self, term: Term) -> int:
        return (monday_of(term.end) - monday_of(term.start)).days // 7 + 1

    def week(self, term: Term, number: int) -> Week:
        """Week ``number`` of ``term`` (1 = the week holding the first day; 0 = the days before)."""
        if number == 0:
            return Week(term.name, 0, monday_of(term.start) - dt.timedelta(days=7), term.start - ONE_DAY)
        monday = monday_of(term.start) + dt.timedelta(days=7 * (number - 1))
        return Week(term.name, number, max(monday, term.start), min(monday + dt.timedelta(days=6), term.end))

    def weeks(self, term: Term) -> list[Week]:
        """Weeks 1 … n of ``term``, Monday to Sunday, the first and last clipped to the term."""
        return [self.week(term, n) for n in range(1, self.week_count(term) + 1)]
    # -- school days and days off

    @property
    def calendar(self) -> DaysOff:
        """The working-day calendar (built on demand for a year made without one)."""
        if self.days_off is None:
            object.__setattr__(self, "days_off", DaysOff.build((self.first_year, self.first_year + 1)))
        return self.days_off  # type: ignore[return-value]

    @property
    def estimated_holiday_years(self) -> tuple[int, ...]:
        """Calendar years of this school year whose official holiday schedule is not yet known."""
        return self.calendar.official.estimated_years

    def window(self, day: dt.date) -> Term:
        """The term or vacation holding ``day`` (the days before the autumn term are 预备)."""
        for part in (*self.terms, *self.vacations):
            if part.start <= day <= part.end:
                return part
        if day < self.autumn_start:
            return Term("预备", min(day, self.earliest), self.autumn_start - ONE_DAY)
        return Term("暑假", self.summer_start, max(day, self.last_day))

    def is_school_day(self, day: dt.date) -> bool:
        """A day of term that is a working day (weekday, no holiday, or a 调休 make-up day)."""
        known = self._school_day.get(day)
        if known is None:
            known = self._school_day[day] = self.window(day).is_term and self.calendar.is_working_day(day)
        return known

    def is_open_day(self, day: dt.date) -> bool:
        """Where work may be placed: a school day in term, a working day in a vacation."""
        return self.calendar.is_working_day(day)

    def school_days(self, start: dt.date, end: dt.date) -> Iterator[dt.date]:
        day = start
        while day <= end:
            if self.is_school_day(day):
                yield day
            day += ONE_DAY

    def settle(self, day: dt.date, *, earlier: bool = False) -> dt.date:
        """``day`` if work may be done on it, else the next such day (``earlier``: the one before).

        The move stays inside the term or vacation holding ``day``; when there is none that way
        (a Saturday after the last day of term), it goes the other way. A day with no open day
        anywhere in its window is kept.
        """
        if self.is_open_day(day):
            return day
        part = self.window(day)
        for step in ((-ONE_DAY, ONE_DAY) if earlier else (ONE_DAY, -ONE_DAY)):
            probe = day + step
            while part.start <= probe <= part.end:
                if self.is_open_day(probe):
                    return probe
                probe += step
        return day

    def trim(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
        """Shrink a span to its first and last open day when it has any."""
        s, e = start, end
        while s <= e and not self.is_open_day(s):
            s += ONE_DAY
        while e >= s and not self.is_open_day(e):
            e -= ONE_DAY
        return (s, e) if s <= e else (start, end)
