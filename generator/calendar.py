"""The school year and the date rules: turning "每年1月20日至31日" or "开学第一周" into real dates.

A :class:`SchoolYear` holds the dates of one school's year (terms, vacations, the Spring Festival);
every date a profile leaves out is estimated the usual way (see :meth:`SchoolYear.build`).
:func:`resolve` gives the concrete days of any :mod:`~generator.models.daterule` rule in that year,
and :func:`resolve_plan` applies a school's changes (``events``, ``skip``, ``targets``) to a plan
template and resolves every phase, event and duty, reporting impossible dates with the file, line
and column they came from.

The week grid is aligned to Mondays: week 1 of a term starts on the term's first day and ends on
the following Sunday, week 2 starts on the next Monday, and so on; week 0 (预备周) is the days
before the term. Work "in a week" means the school days (Monday–Friday) of that week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .errors import GongyuError, Problem
from .models.daterule import ANCHORS, AnchorRule, FixedRule, MonthDaysRule, RepeatRule, WeekRule
from .numbering import chinese_number

if TYPE_CHECKING:
    from .load import SourceDoc
    from .models.plan import PlanTemplate, Target
    from .models.school import Adoption, School

ONE_DAY = dt.timedelta(days=1)

_CALENDAR_FIELDS = {
    "autumn_start": "秋季开学日",
    "autumn_end": "秋季学期结束日",
    "spring_festival": "春节",
    "spring_start": "春季开学日",
    "spring_end": "春季学期结束日",
    "summer_end": "暑假最后一天",
}


from .clock import build_instant  # noqa: E402  (re-exported: renderers import it from here)


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


# --- dates in Chinese -----------------------------------------------------------------------------

def format_date(day: dt.date, *, year: bool = True) -> str:
    """``2027年1月20日`` (or ``1月20日``)."""
    return f"{day.year}年{day.month}月{day.day}日" if year else f"{day.month}月{day.day}日"


def format_span(start: dt.date, end: dt.date, *, year: bool = True, sep: str = "至") -> str:
    """``2027年1月20日至31日``, ``2027年1月20日至2月11日``, ``2026年12月1日至2027年1月8日``."""
    head = format_date(start, year=year)
    if end == start:
        return head
    if end.year != start.year:
        return f"{head}{sep}{format_date(end)}"
    if end.month != start.month:
        return f"{head}{sep}{end.month}月{end.day}日"
    return f"{head}{sep}{end.day}日"


def format_occurrences(occurrences: Sequence[Occurrence], *, sep: str = "、") -> str:
    """Several spans, the year written only when it changes: ``2027年1月20日至31日、7月20日至31日``."""
    parts: list[str] = []
    last_year: int | None = None
    for occ in occurrences:
        parts.append(format_span(occ.start, occ.end, year=occ.start.year != last_year))
        last_year = occ.end.year
    return sep.join(parts)


# --- the school year ----------------------------------------------------------------------------

def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _friday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def monday_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def spring_festival(year: int) -> dt.date:
    """The first day of the lunar new year in Gregorian ``year`` (2027 → 2027-02-06)."""
    from lunardate import LunarDate

    solar = LunarDate(year, 1, 1)
    convert = getattr(solar, "to_solar_date", None) or solar.toSolarDate
    return convert()


def trim_weekend(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """Shrink a span to its first and last school day (Mon–Fri) when it has any."""
    s, e = start, end
    while s <= e and s.weekday() >= 5:
        s += ONE_DAY
    while e >= s and e.weekday() >= 5:
        e -= ONE_DAY
    return (s, e) if s <= e else (start, end)


@dataclass(frozen=True, order=True)
class Occurrence:
    """One placement of a rule: the days ``start`` … ``end`` (both included)."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def describe(self, *, year: bool = True) -> str:
        return format_span(self.start, self.end, year=year)


@dataclass(frozen=True)
class Term:
    """A term (学期) or a vacation: a name and its first and last day."""

    name: str  # 秋季 / 春季 / 寒假 / 暑假
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.name}学期" if self.name in ("秋季", "春季") else self.name


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

    # -- construction

    @classmethod
    def build(cls, first_year: int, **given: dt.date | None) -> SchoolYear:
        """Fill in every date not given, then check that they make sense (raise :class:`CalendarError`).

        Defaults: autumn term from the first Monday on/after 1 September; the winter vacation of
        about four weeks starts on the Saturday after the Friday on/before ten days before the
        Spring Festival (so it always holds the festival); the spring term starts on the Monday a
        month later and ends on the first Friday of July; the summer vacation ends on 31 August.
        """
        problems = cls._collect(first_year, given)
        year, errors = problems
        if errors:
            raise GongyuError([Problem("校历", 0, 0, message, hint) for _name, message, hint in errors])
        return year

    @classmethod
    def _collect(cls, first_year: int, given: dict[str, dt.date | None]) -> tuple[SchoolYear, list[tuple[str, str, str]]]:
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
        year = cls(first_year, autumn_start, autumn_end, festival, spring_start, spring_end, summer_end,
                   frozenset(name for name in _CALENDAR_FIELDS if name not in g))
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
    def for_school(cls, school: School, doc: SourceDoc | None = None) -> SchoolYear:
        """The school's year: dates from ``school.calendar``, the rest estimated.

        Contradictions (a term ending before it starts, the Spring Festival outside the winter
        vacation) are raised as one :class:`GongyuError`, located in ``doc`` when given.
        """
        cal = school.calendar
        given = {name: getattr(cal, name) for name in _CALENDAR_FIELDS}
        year, errors = cls._collect(school.first_year, given)
        if errors:
            problems = []
            for name, message, hint in errors:
                path: tuple[Any, ...] = ("calendar", name) if name not in year.estimated else ("calendar",)
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

    def school_days(self, start: dt.date, end: dt.date) -> Iterator[dt.date]:
        day = start
        while day <= end:
            if day.weekday() < 5:
                yield day
            day += ONE_DAY


# --- resolving rules ----------------------------------------------------------------------------

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
        start, end = trim_weekend(year.week(term, first).start, year.week(term, last).end)
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
        return [Occurrence(*(trim_weekend(s, e) if school else (s, e))) for s, e, school in windows]
    if rule.every == "年":
        if rule.within == "学期":
            s, e = trim_weekend(year.autumn_start, year.spring_end)
        elif rule.within == "假期":
            s, e = year.winter_start, year.last_day
        else:
            s, e = year.first_day, year.last_day
        return [Occurrence(s, e)]
    for start, end, school in windows:
        if rule.every == "天":
            days = year.school_days(start, end) if school else _each_day(start, end)
            found += [Occurrence(d, d) for d in days]
        elif rule.every == "周":
            monday = monday_of(start)
            while monday <= end:
                s, e = max(monday, start), min(monday + dt.timedelta(days=6), end)
                if school:
                    if any(True for _ in year.school_days(s, e)):
                        found.append(Occurrence(*trim_weekend(s, e)))
                else:
                    found.append(Occurrence(s, e))
                monday += dt.timedelta(days=7)
        else:  # 月
            for s, e in _months(start, end):
                if school:
                    if any(True for _ in year.school_days(s, e)):
                        found.append(Occurrence(*trim_weekend(s, e)))
                else:
                    found.append(Occurrence(s, e))
    return found


def _each_day(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


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


def describe_when(rule: Any, occurrences: Sequence[Occurrence]) -> str:
    """How a plan states the time of an item for a concrete year.

    Fixed dates and month spans are shown as dates only; weeks and anchors keep their words
    before the dates (``每学期开学第一周：2026年9月7日至11日、2027年2月22日至26日``); repeats keep
    only their words (their dates are every week, month …).
    """
    if isinstance(rule, RepeatRule) or not occurrences:
        return rule.describe()
    dates = format_occurrences(occurrences)
    if isinstance(rule, (FixedRule, MonthDaysRule)):
        return dates
    return f"{rule.describe()}：{dates}"


# --- a plan for a school year -------------------------------------------------------------------

ItemKind = Literal["phase", "event", "duty"]


@dataclass(frozen=True)
class ResolvedItem:
    """A phase, event or duty of a plan with the school's rule and its dates in the year."""

    kind: ItemKind
    id: str
    title: str
    rule: Any
    occurrences: tuple[Occurrence, ...]
    unit: str | None = None
    details: str | None = None
    form: str | None = None
    deadline: bool = False
    phase_id: str | None = None
    tasks: tuple[str, ...] = ()
    overridden: bool = False

    @property
    def repeats(self) -> bool:
        return isinstance(self.rule, RepeatRule)

    def when(self) -> str:
        """The time in words and dates (see :func:`describe_when`)."""
        return describe_when(self.rule, self.occurrences)


@dataclass(frozen=True)
class ResolvedPlan:
    """A plan template as one school issues it for one school year (``year`` None: the bare template)."""

    plan: PlanTemplate
    year: SchoolYear | None
    title: str
    issue_date: dt.date | None
    targets: tuple[tuple[Target, float], ...]
    phases: tuple[ResolvedItem, ...]
    events: tuple[ResolvedItem, ...]
    duties: tuple[ResolvedItem, ...]

    @property
    def id(self) -> str:
        return self.plan.id

    @property
    def tag(self) -> str:
        """Short name used in the 行事历 and the calendar, e.g. 控辍保学 or 今冬明春."""
        return self.plan.variant or self.plan.kind

    def phase_events(self, phase_id: str) -> list[ResolvedItem]:
        return [e for e in self.events if e.phase_id == phase_id]

    def loose_events(self) -> list[ResolvedItem]:
        return [e for e in self.events if e.phase_id is None]

    def items(self) -> list[ResolvedItem]:
        return [*self.phases, *self.events, *self.duties]

    def form_ids(self) -> list[str]:
        """Forms the plan calls for (its list, then those its kept events and duties use), in order."""
        found = list(self.plan.forms)
        for item in (*self.events, *self.duties):
            if item.form and item.form not in found:
                found.append(item.form)
        return found


def resolve_plan(
    plan: PlanTemplate,
    year: SchoolYear | None,
    adoption: Adoption | None = None,
    *,
    plan_doc: SourceDoc | None = None,
    school_doc: SourceDoc | None = None,
    adoption_index: int | None = None,
    stages: set[str] | None = None,
) -> ResolvedPlan:
    """Apply a school's changes to ``plan`` and resolve every date in ``year``.

    ``adoption.events`` replaces the rule of a phase, event or duty, ``adoption.skip`` drops it
    (dropping a phase drops its events), ``adoption.targets`` replaces target values. Every rule
    that cannot be placed is reported at once: at the school's override when the school changed
    it, else at the plan template's rule. With ``stages`` (``School.stages``) only the targets
    that apply to those school stages are kept (no junior-secondary dropout rate for a 小学).
    """
    overrides = dict(adoption.events) if adoption else {}
    skipped = set(adoption.skip) if adoption else set()
    target_values = dict(adoption.targets) if adoption else {}
    problems: list[Problem] = []

    def place(item_id: str, rule: Any, path: tuple[Any, ...]) -> tuple[Any, tuple[Occurrence, ...], bool]:
        overridden = item_id in overrides
        chosen = overrides.get(item_id, rule)
        if year is None:
            return chosen, (), overridden
        try:
            return chosen, tuple(resolve(chosen, year)), overridden
        except CalendarError as exc:
            if overridden:
                problems.append(exc.located(school_doc, ("plans", adoption_index, "events", item_id),
                                            key=True, where=f"{plan.id}:{item_id}"))
            else:
                problems.append(exc.located(plan_doc, path, where=f"{plan.id}:{item_id}"))
            return chosen, (), overridden

    phases: list[ResolvedItem] = []
    events: list[ResolvedItem] = []
    duties: list[ResolvedItem] = []
    for p_index, phase in enumerate(plan.phases):
        if phase.id in skipped:
            continue
        rule, occ, over = place(phase.id, phase.when, ("phases", p_index, "when"))
        phases.append(ResolvedItem("phase", phase.id, phase.name, rule, occ, tasks=tuple(phase.tasks), overridden=over))
        for e_index, event in enumerate(phase.events):
            if event.id in skipped:
                continue
            rule, occ, over = place(event.id, event.when, ("phases", p_index, "events", e_index, "when"))
            events.append(ResolvedItem("event", event.id, event.title, rule, occ, unit=event.unit, details=event.details,
                                       form=event.form, deadline=event.deadline, phase_id=phase.id, overridden=over))
    for e_index, event in enumerate(plan.events):
        if event.id in skipped:
            continue
        rule, occ, over = place(event.id, event.when, ("events", e_index, "when"))
        events.append(ResolvedItem("event", event.id, event.title, rule, occ, unit=event.unit, details=event.details,
                                   form=event.form, deadline=event.deadline, overridden=over))
    for d_index, duty in enumerate(plan.duties):
        if duty.id in skipped:
            continue
        rule, occ, over = place(duty.id, duty.when, ("duties", d_index, "when"))
        duties.append(ResolvedItem("duty", duty.id, duty.title, rule, occ, unit=duty.unit, details=duty.details,
                                   form=duty.form, overridden=over))
    if problems:
        raise GongyuError(problems)
    title = (adoption.title if adoption and adoption.title else plan.title)
    issue = None
    if year is not None:
        issue = adoption.issue_date if adoption and adoption.issue_date else year.autumn_start
    targets = tuple((t, float(target_values.get(t.id, t.value))) for t in plan.targets
                    if stages is None or t.applies_to(stages) or t.id in target_values)
    return ResolvedPlan(plan, year, title, issue, targets, tuple(phases), tuple(events), tuple(duties))


def all_occurrences(plans: Iterable[ResolvedPlan]) -> Iterator[tuple[ResolvedPlan, ResolvedItem, int, Occurrence]]:
    """Every (plan, item, index, occurrence) of phases and events, in plan and item order."""
    for rp in plans:
        for item in (*rp.phases, *rp.events):
            for index, occ in enumerate(item.occurrences):
                yield rp, item, index, occ


__all__ = [
    "ANCHORS",
    "CalendarError",
    "Occurrence",
    "ResolvedItem",
    "ResolvedPlan",
    "SchoolYear",
    "Term",
    "Week",
    "build_instant",
    "chinese_number",
    "describe_when",
    "format_date",
    "format_occurrences",
    "format_span",
    "resolve",
    "resolve_plan",
    "spring_festival",
]
