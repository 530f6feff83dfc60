"""China's days off and the school's own days: which days are working days.

The official schedule (public holidays and the 调休 make-up working days the State Council
announces each year for the next) comes from the ``holidays`` package. A year whose schedule the
installed package does not carry yet is *estimated*: the package then gives the statutory days
only (a holiday on a weekend moved to the next workday) and no make-up day, and every place that
shows those dates says so. On top of the official schedule a school profile adds its own days
(``calendar.days``): local holidays (放假), extra school days from a 调课 swap (上课), and its own
activities such as a 运动会 (活动), which change nothing but are shown in the 行事历 and calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Literal

from ..load.schedule import Schedule
from .dates import ONE_DAY, each_day

DayType = Literal["放假", "上课", "活动"]
_NAME_CLEAN = re.compile(r"（[^）]*）")


@dataclass(frozen=True)
class OwnDay:
    """A day (or days) of the school's own: ``type`` 放假, 上课 or 活动, with a name."""

    start: dt.date
    end: dt.date
    name: str
    type: DayType


@dataclass(frozen=True)
class Official:
    """The official schedule of some calendar years: holidays (day → name) and make-up days."""

    holidays: dict[dt.date, str]
    makeup: frozenset[dt.date]
    estimated_years: tuple[int, ...]


_CHINA = "holidays.countries.china"


def _china() -> ModuleType:
    """The ``holidays`` package's module for China, loaded on its own.

    ``holidays.country_holidays("CN")`` and ``from holidays.countries import china`` first import the
    package's 250 other countries (0.1 s of the 2 s a school takes from the command line). The module
    file is executed as the import system would (``importlib.util``, its usual name in ``sys.modules``,
    its bytecode cache), without the ``holidays.countries`` package's ``__init__``; where the file is not
    where this version of the package keeps it, the ordinary import is used.
    """
    import importlib
    import importlib.util
    import sys
    from pathlib import Path

    module = sys.modules.get(_CHINA)
    if module is not None:
        return module
    import holidays  # the base classes and calendars China's module imports

    path = Path(holidays.__file__).parent / "countries" / "china.py"
    spec = importlib.util.spec_from_file_location(_CHINA, path) if path.is_file() else None
    if spec is None or spec.loader is None:  # pragma: no cover - another layout of the package
        return importlib.import_module(_CHINA)
    module = importlib.util.module_from_spec(spec)
    sys.modules[_CHINA] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:  # pragma: no cover - as the import system does: no half-made module left behind
        sys.modules.pop(_CHINA, None)
        raise
    return module


def _published_years() -> frozenset[int] | None:
    """Years whose State Council schedule the installed ``holidays`` package carries (None: unknown)."""
    table = getattr(getattr(_china(), "ChinaStaticHolidays", None), "special_public_holidays", None)
    return frozenset(table) if isinstance(table, dict) else None


#: Answers of :func:`official`, by its arguments.
Known = dict[tuple[tuple[int, ...], Schedule], Official]
#: Schedules worked out by an earlier process (:func:`remember`): a school build that finds its year
#: here does not import the ``holidays`` package at all (0.05 s of a new process).
_REMEMBERED: Known = {}


def remember(known: Known) -> None:
    """Take ``known`` (what :func:`official` gave an earlier process with this ``holidays`` release, by its
    arguments) as the answers of :func:`official`. The caller vouches for the release being the same."""
    _REMEMBERED.update(known)


def official(years: tuple[int, ...], schedule: Schedule = Schedule()) -> Official:
    """China's public holidays and 调休 working days in ``years``: from the ``holidays`` package,
    except for the years typed in from the State Council's notice (``plans/data/holidays.yml``)."""
    known = _REMEMBERED.get((years, schedule))
    return known if known is not None else _official(years, schedule)


@lru_cache(maxsize=32)
def _official(years: tuple[int, ...], schedule: Schedule) -> Official:
    cn = _china().CN(years=years, language="zh_CN")  # = holidays.country_holidays("CN", years=…, language=…)
    wanted = set(years)
    typed = {year for year in wanted if schedule.covers(year)}
    days = {day: _clean(name) for day, name in cn.items() if day.year in wanted - typed}
    makeup = {d for d in getattr(cn, "weekend_workdays", ()) if d.year in wanted - typed}
    for year, year_days, year_makeup in schedule.years:
        if year in wanted:
            days.update((day, name) for day, name in year_days if day.year in wanted)
            makeup.update(year_makeup)
    published = _published_years()
    if published is None:  # fall back on a sign: a published year always has a make-up day so far
        estimated = tuple(y for y in years if y not in typed and not any(d.year == y for d in makeup))
    else:
        estimated = tuple(y for y in years if y not in published and y not in typed)
    return Official(dict(sorted(days.items())), frozenset(makeup), estimated)


def _clean(name: str) -> str:
    """``春节（补假）`` → ``春节``; ``休息日（由 2026-09-20 调休）`` → ``调休``."""
    if name.startswith("休息日"):
        return "调休"
    return _NAME_CLEAN.sub("", name).strip() or name


@dataclass(frozen=True)
class DaysOff:
    """The working-day calendar of one school year: official schedule plus the school's own days."""

    official: Official
    own: tuple[OwnDay, ...] = ()
    _own_off: frozenset[dt.date] = field(default=frozenset(), repr=False)
    _own_on: frozenset[dt.date] = field(default=frozenset(), repr=False)

    @classmethod
    def build(cls, years: Iterable[int], own: Iterable[OwnDay] = (), schedule: Schedule = Schedule()) -> DaysOff:
        own = tuple(sorted(own, key=lambda o: (o.start, o.end, o.name)))
        off = frozenset(d for o in own if o.type == "放假" for d in each_day(o.start, o.end))
        on = frozenset(d for o in own if o.type == "上课" for d in each_day(o.start, o.end))
        return cls(official(tuple(sorted(set(years))), schedule), own, off, on)

    # -- questions about one day

    def is_working_day(self, day: dt.date) -> bool:
        """A weekday that is no holiday, a 调休 make-up day, or a day the school itself works."""
        if day in self._own_on:
            return True
        if day in self._own_off or day in self.official.holidays:
            return False
        return day.weekday() < 5 or day in self.official.makeup

    def holiday_name(self, day: dt.date) -> str | None:
        """``国庆节``, ``春节``, ``调休`` (a weekday off for a make-up day), a school's own day off, or None."""
        for own in self.own:
            if own.type == "放假" and own.start <= day <= own.end:
                return own.name
        return self.official.holidays.get(day)

    def is_makeup_day(self, day: dt.date) -> bool:
        """A weekend day worked in exchange for a holiday (调休上班)."""
        return day in self.official.makeup or (day in self._own_on and day.weekday() >= 5)

    def is_estimated(self, day: dt.date) -> bool:
        return day.year in self.official.estimated_years

    # -- spans for the 行事历

    def holiday_runs(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date, str]]:
        """Runs of consecutive days off that hold a holiday, between ``start`` and ``end``.

        A run is named after its festival (a 调休 weekday takes the name of the run it extends);
        weekends joined to a holiday belong to its run, so 国庆节 reads 10月1日至8日.
        """
        runs: list[tuple[dt.date, dt.date, str]] = []
        day = start
        while day <= end:
            if self.holiday_name(day) is None:
                day += ONE_DAY
                continue
            first = day
            while first - ONE_DAY >= start and not self.is_working_day(first - ONE_DAY):
                first -= ONE_DAY
            last = day
            while last + ONE_DAY <= end and not self.is_working_day(last + ONE_DAY):
                last += ONE_DAY
            names = [self.holiday_name(d) for d in each_day(first, last)]
            real = [n for n in names if n and n != "调休"]
            label = "、".join(dict.fromkeys(real)) or "调休"
            runs.append((first, last, label))
            day = last + ONE_DAY
        return runs

    def makeup_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        return [d for d in each_day(start, end) if self.is_makeup_day(d)]

    def own_days(self, start: dt.date, end: dt.date) -> list[OwnDay]:
        return [o for o in self.own if start <= o.start <= end]
