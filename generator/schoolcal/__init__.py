"""The school calendar: school year, days off, date rules and plans placed in a year.

Split along its seams:

- :mod:`.dates` — dates in Chinese (:func:`format_date` with the weekday), :class:`Occurrence`;
- :mod:`.daysoff` — China's public holidays and 调休 make-up days (``holidays`` package) plus the
  school's own days;
- :mod:`.schoolyear` — :class:`SchoolYear`: terms, vacations, the week grid, school days and
  moving a date off a day off;
- :mod:`.rules` — :func:`resolve`: the days of a date rule in a year;
- :mod:`.adoption` — :func:`resolve_plan`: a plan template with a school's changes, every date
  placed on a school day.
"""

from __future__ import annotations

from ..base.numbering import chinese_number
from ..models.daterule import ANCHORS
from .adoption import (
    SHIFTS,
    ResolvedItem,
    ResolvedPlan,
    all_occurrences,
    resolve_plan,
    settle_occurrences,
)
from .dates import (
    ONE_DAY,
    WEEKDAY_NAMES,
    CalendarError,
    Occurrence,
    format_date,
    format_occurrences,
    format_span,
    monday_of,
    weekday_name,
)
from .daysoff import DaysOff, OwnDay, official
from .rules import describe_rule, describe_when, resolve
from .schoolyear import SchoolYear, Term, Week, spring_festival

__all__ = [
    "ANCHORS",
    "ONE_DAY",
    "SHIFTS",
    "WEEKDAY_NAMES",
    "CalendarError",
    "DaysOff",
    "Occurrence",
    "OwnDay",
    "ResolvedItem",
    "ResolvedPlan",
    "SchoolYear",
    "Term",
    "Week",
    "all_occurrences",
    "chinese_number",
    "describe_rule",
    "describe_when",
    "format_date",
    "format_occurrences",
    "format_span",
    "monday_of",
    "official",
    "resolve",
    "resolve_plan",
    "settle_occurrences",
    "spring_festival",
    "weekday_name",
]
