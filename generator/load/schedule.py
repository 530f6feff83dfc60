"""The State Council's holiday schedule typed in by hand (``plans/data/holidays.yml``).

Each November the State Council's general office (国务院办公厅) publishes next year's holidays and
调休 make-up working days. Until a release of the ``holidays`` package carries them, the packs
estimate that year and say so. A county need not wait: whoever keeps the project copies the notice
into this file, and every pack built from then on uses it, with nothing marked 推定. A year in the
file replaces what the package says for that year.

The file ships with no year in it: a schedule is only typed in from the published notice, never
guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from ..errors import GongyuError, Problem
from ..models.common import Label, Strict, Text

if TYPE_CHECKING:
    from . import SourceDoc

#: Where the file is, inside ``plans/``.
FILE_NAME = "data/holidays.yml"


class HolidayRun(Strict):
    """One holiday as the notice gives it: its name and first and last day off."""

    name: Label = Field(description="节日名称，例如 春节")
    start: dt.date = Field(description="放假第一天，例如 2027-02-05")
    end: dt.date | None = Field(default=None, description="放假最后一天（只放一天可省略）")

    @model_validator(mode="after")
    def _ordered(self) -> HolidayRun:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"{self.name}的最后一天 {self.end} 早于第一天 {self.start}，请核对通知")
        if self.end is not None and (self.end - self.start).days > 15:
            raise ValueError(f"{self.name}放假超过 16 天，请核对日期")
        return self


class YearSchedule(Strict):
    """One calendar year's schedule, copied from the State Council's notice."""

    year: int = Field(description="年份，例如 2027")
    notice: Text = Field(description="通知的名称或文号，例如 国务院办公厅关于2027年部分节假日安排的通知")
    holidays: list[HolidayRun] = Field(min_length=1, description="各节日的放假日期")
    makeup: list[dt.date] = Field(default_factory=list, description="调休上班的日子（周末上班），例如 2027-02-07")


class ScheduleFile(Strict):
    """``plans/data/holidays.yml``."""

    years: list[YearSchedule] = Field(default_factory=list, description="已公布、holidays 软件包尚未收录的年份")


@dataclass(frozen=True)
class Schedule:
    """The typed-in years, hashable (the days-off calendar is cached per schedule)."""

    #: ``(year, ((day, holiday name), …), (make-up day, …))`` per year, sorted.
    years: tuple[tuple[int, tuple[tuple[dt.date, str], ...], tuple[dt.date, ...]], ...] = ()

    @classmethod
    def of(cls, data: ScheduleFile) -> Schedule:
        years = []
        for entry in sorted(data.years, key=lambda e: e.year):
            days: dict[dt.date, str] = {}
            for run in entry.holidays:
                day = run.start
                while day <= (run.end or run.start):
                    days[day] = run.name
                    day += dt.timedelta(days=1)
            years.append((entry.year, tuple(sorted(days.items())), tuple(sorted(set(entry.makeup)))))
        return cls(tuple(years))

    def covers(self, year: int) -> bool:
        return any(entry[0] == year for entry in self.years)

    def digest(self) -> list[object]:
        """What changes a pack when this file changes (for build caches)."""
        return [[year, [[d.isoformat(), n] for d, n in days], [d.isoformat() for d in makeup]]
                for year, days, makeup in self.years]


def _misplaced(doc: SourceDoc, index: int, entry: YearSchedule) -> list[Problem]:
    """Days outside their year, and make-up days that are not on a weekend, located."""
    problems = []
    for number, run in enumerate(entry.holidays):
        for key in ("start", "end"):
            day = getattr(run, key)
            # 元旦 may start on the last days of the year before
            if day is not None and not dt.date(entry.year - 1, 12, 29) <= day <= dt.date(entry.year, 12, 31):
                problems.append(doc.problem(("years", index, "holidays", number, key),
                                            f"{run.name}的日期 {day} 不在 {entry.year} 年", "请核对年份"))
    for number, day in enumerate(entry.makeup):
        if day.year != entry.year:
            problems.append(doc.problem(("years", index, "makeup", number), f"调休上班日 {day} 不在 {entry.year} 年",
                                        "请核对年份"))
        elif day.weekday() < 5:
            problems.append(doc.problem(("years", index, "makeup", number),
                                        f"调休上班日 {day} 是星期{'一二三四五'[day.weekday()]}",
                                        "调休上班的日子都是周六或周日，请核对通知"))
    return problems


def load_schedule(plans_dir: Path) -> Schedule:
    """Read ``plans_dir/data/holidays.yml`` (missing: nothing typed in); raise located problems."""
    path = plans_dir / FILE_NAME
    if not path.is_file():
        return Schedule()
    return load_schedule_file(path)


def load_schedule_file(path: Path) -> Schedule:
    """Read a schedule file in the format of ``plans/data/holidays.yml`` (``school build --holidays``)."""
    from ..base.paths import shown_path
    from .memo import remembered

    return remembered(path, shown_path(path), _schedule_file)


def _schedule_file(raw: bytes, shown: str) -> Schedule:
    """A schedule file's bytes → the schedule (a pure function, remembered per file)."""
    from . import parse_yaml, repeated, validate
    from .source import decode_text

    doc = parse_yaml(decode_text(raw, shown), shown)
    data = validate(ScheduleFile, doc)
    problems = repeated(doc, "years", [e.year for e in data.years], "year", lambda y: f"{y} 年写了两次", "请删去重复的一段")
    for index, entry in enumerate(data.years):
        problems += _misplaced(doc, index, entry)
    if problems:
        raise GongyuError(problems)
    return Schedule.of(data)


__all__ = ["FILE_NAME", "HolidayRun", "Schedule", "ScheduleFile", "YearSchedule", "load_schedule",
           "load_schedule_file"]
