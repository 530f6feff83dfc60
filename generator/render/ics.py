"""``calendar.ics``: a school's year of plan work for phone and desktop calendars (RFC 5545).

Every phase and event becomes an all-day ``VEVENT`` (``DTEND`` is the day after the last day, as
RFC 5545 wants for dates); a deadline becomes a one-day event on its (already moved) last day.
Duties: one done every week or month becomes a reminder on one school day of each period, folded
into ``RRULE``s wherever the days follow a regular pattern; one done every term, half-year or year
becomes one event spanning its period; duties done every day are left out (they are listed under
常规工作 in the 行事历). No day starts more than :data:`MAX_STARTS` events: an item whose dates
are a span (a teaching week, a month) starts on the first school day of the span that still has
room, fixed single days being placed first. Every event carries a ``VALARM`` whose lead time
depends on its kind (:data:`ALARMS`).

Identifiers are stable: ``UID`` is a hash of the school id, plan id, item id and occurrence index,
so importing a rebuilt calendar updates events instead of duplicating them. ``DTSTAMP`` is the
pinned build instant, so two builds give the same bytes. Text is escaped as RFC 5545 says
(commas, semicolons, backslashes, line breaks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..base.clock import build_instant
from ..schoolcal import (
    ONE_DAY,
    Occurrence,
    ResolvedItem,
    ResolvedPlan,
    SchoolYear,
    format_span,
)

PRODID = "-//gongyu//共育 学校方案包//ZH"
#: At most this many events start on one day.
MAX_STARTS = 6
#: Reminder lead time per kind of entry, as an RFC 5545 duration before the all-day start (00:00):
#: the day before at 09:00 for events and phases, three days before at 09:00 for deadlines, the
#: same day at 08:00 for a routine reminder.
ALARMS: dict[str, tuple[str, str]] = {
    "event": ("-PT15H", "明天"),
    "phase": ("-PT15H", "明天开始"),
    "deadline": ("-P2DT15H", "三天后截止"),
    "span": ("-PT15H", "明天开始"),
    "routine": ("PT8H", "今天"),
}


def event_uid(school_id: str, plan_id: str, item_id: str, index: int) -> str:
    """Stable identifier of one occurrence (or of the run of occurrences starting at ``index``)."""
    digest = hashlib.sha256(f"{school_id}\x1f{plan_id}\x1f{item_id}\x1f{index}".encode("utf-8")).hexdigest()
    return f"{digest[:32]}@gongyu"


def _next_weekday(day: dt.date) -> dt.date:
    nxt = day + ONE_DAY
    while nxt.weekday() >= 5:
        nxt += ONE_DAY
    return nxt


def _next_month(day: dt.date) -> dt.date | None:
    if day.day > 28:
        return None
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, day.day)


#: (RRULE parts, step) tried when folding reminder days into recurrences; the longest run wins.
_PATTERNS: tuple[tuple[dict[str, Any], Callable[[dt.date], dt.date | None]], ...] = (
    ({"FREQ": "DAILY", "BYDAY": ["MO", "TU", "WE", "TH", "FR"]}, _next_weekday),
    ({"FREQ": "DAILY"}, lambda d: d + ONE_DAY),
    ({"FREQ": "WEEKLY"}, lambda d: d + dt.timedelta(days=7)),
    ({"FREQ": "MONTHLY"}, _next_month),
)


def fold_runs(days: Sequence[dt.date]) -> list[tuple[int, int, dict[str, Any] | None]]:
    """Split sorted ``days`` into ``(first index, count, rrule)`` runs; ``rrule`` None for a lone day."""
    runs: list[tuple[int, int, dict[str, Any] | None]] = []
    i = 0
    while i < len(days):
        best_count, best_rule = 1, None
        for rule, step in _PATTERNS:
            if rule.get("BYDAY") and days[i].weekday() >= 5:
                continue
            j, current = i + 1, days[i]
            while j < len(days) and step(current) == days[j]:
                current = days[j]
                j += 1
            if j - i > best_count:
                best_count, best_rule = j - i, rule
        runs.append((i, best_count, best_rule))
        i += best_count
    return runs


def _description(rp: ResolvedPlan, item: ResolvedItem, entry: Entry | None = None,
                 start: dt.date | None = None, end: dt.date | None = None) -> str:
    lines = [f"方案：{rp.title}"]
    if item.kind == "phase":
        lines.append("阶段工作：" + "；".join(t.rstrip("。") for t in item.tasks) if item.tasks else "实施阶段")
    if item.unit:
        lines.append(f"负责：{item.unit}")
    lines.append(f"时间：{item.when()}")
    if entry is not None and entry.reminder and start is not None:
        occ = item.occurrences[entry.index]
        lines.append(f"本次：{format_span(occ.start, occ.end, weekday=True)}内完成")
    if item.details:
        lines.append(item.details)
    return "\n".join(lines)


def _summary(rp: ResolvedPlan, item: ResolvedItem) -> str:
    if item.repeats:
        period = {"天": "每天", "周": "本周", "月": "本月", "学期": "本学期", "半年": "这半年", "年": "本学年"}[item.rule.every]
        return f"{period}：{rp.tag}：{item.title}"
    if item.kind == "phase":
        return f"{rp.tag}：{item.title}（阶段）"
    prefix = "截止：" if item.deadline else ""
    return f"{prefix}{rp.tag}：{item.title}"


@dataclass
class Entry:
    """One VEVENT to be: ``first``…``last`` is where it may start (a fixed day when they are equal)."""

    rp: ResolvedPlan
    item: ResolvedItem
    index: int
    first: dt.date
    last: dt.date
    end: dt.date  # last day the event covers (``None``-free: a reminder covers its own day)
    alarm: str
    reminder: bool = False  # a one-day routine reminder (its end is its start)
    start: dt.date | None = None


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _entries(year: SchoolYear, plans: Sequence[ResolvedPlan]) -> list[Entry]:
    entries: list[Entry] = []
    for rp in plans:
        for item in (*rp.phases, *rp.events, *rp.duties):
            for index, occ in enumerate(item.occurrences):
                if item.repeats:
                    every = item.rule.every
                    if every == "天":
                        continue  # listed under 常规工作 in the 行事历; a daily reminder would fill the calendar
                    if every in ("周", "月"):
                        if not any(year.is_open_day(d) for d in _days(occ.start, occ.end)):
                            continue  # a weekend at the edge of a vacation: the next period's reminder covers it
                        entries.append(Entry(rp, item, index, occ.start, occ.end, occ.end, "routine", reminder=True))
                    else:
                        entries.append(Entry(rp, item, index, occ.start, occ.end, occ.end, "span"))
                elif item.deadline:
                    entries.append(Entry(rp, item, index, occ.end, occ.end, occ.end, "deadline"))
                else:
                    kind = "phase" if item.kind == "phase" else "event"
                    last = occ.start if item.kind == "phase" else occ.end
                    entries.append(Entry(rp, item, index, occ.start, last, occ.end, kind))
    return entries


def place_starts(year: SchoolYear, entries: Sequence[Entry], limit: int = MAX_STARTS) -> None:
    """Give every entry its start day: fixed days first, then each flexible entry (narrowest window
    first) on the earliest open day of its window with fewer than ``limit`` starts, else the
    least busy open day of its window."""
    starts: Counter[dt.date] = Counter()
    fixed = [e for e in entries if e.first == e.last]
    flexible = sorted((e for e in entries if e.first != e.last), key=lambda e: ((e.last - e.first).days, e.first))
    for entry in fixed:
        entry.start = entry.first
        starts[entry.first] += 1
    for entry in flexible:
        days = _days(entry.first, entry.last)
        open_days = [d for d in days if year.is_open_day(d)] or days
        free = [d for d in open_days if starts[d] < limit]
        entry.start = free[0] if free else min(open_days, key=lambda d: (starts[d], d))
        starts[entry.start] += 1


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping (backslash, semicolon, comma, line breaks)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


#: The order of the ``RRULE`` parts (that of RFC 5545's examples and of ``icalendar``).
_RECUR_ORDER = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH")


def _recur(rule: dict[str, Any]) -> str:
    parts = []
    for key in sorted(rule, key=lambda k: (_RECUR_ORDER.index(k) if k in _RECUR_ORDER else len(_RECUR_ORDER), k)):
        value = rule[key]
        parts.append(f"{key}={','.join(map(str, value)) if isinstance(value, (list, tuple)) else value}")
    return ";".join(parts)


def calendar_ics(school_id: str, school_name: str, year: SchoolYear, plans: Sequence[ResolvedPlan]) -> bytes:
    """The school's ``calendar.ics`` for ``year``.

    Written line by line (a school's year is several hundred events; building them as ``icalendar``
    objects took a third of a pack's time). The tests read every calendar back with two independent
    parsers, ``icalendar`` and ``vobject``.
    """
    stamp = build_instant().astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    note = ""
    if year.estimated_holiday_years:
        shown = "、".join(f"{y}年" for y in year.estimated_holiday_years)
        note = f"；{shown}的放假和调休安排生成时尚未收录，相关日期按常规推定，请以国务院办公厅通知为准"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_text(PRODID)}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
        f"X-WR-CALDESC:{_text(f'{school_name}采用的工作方案中的阶段和事项（{year.label}），由共育生成{note}')}",
        f"X-WR-CALNAME:{_text(f'{school_name}{year.label}工作日历')}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]

    def add(entry: Entry, start: dt.date, end: dt.date, uid_index: int, rrule: dict[str, Any] | None = None) -> None:
        rp, item = entry.rp, entry.item
        summary = _summary(rp, item)
        trigger, word = ALARMS[entry.alarm]
        lines.extend([
            "BEGIN:VEVENT",
            f"SUMMARY:{_text(summary)}",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end + ONE_DAY:%Y%m%d}",
            f"DTSTAMP:{stamp}",
            f"UID:{event_uid(school_id, rp.id, item.id, uid_index)}",
            *([f"RRULE:{_recur(rrule)}"] if rrule else []),
            f"CATEGORIES:{_text(rp.tag)}",
            "CLASS:PUBLIC",
            f"DESCRIPTION:{_text(_description(rp, item, entry, start, end))}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_text(f'{word}：{summary}')}",
            f"TRIGGER:{trigger}",
            "END:VALARM",
            "END:VEVENT",
        ])

    entries = _entries(year, plans)
    place_starts(year, entries)
    reminders: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        assert entry.start is not None
        if entry.reminder:
            reminders.setdefault((entry.rp.id, entry.item.id), []).append(entry)
        else:
            add(entry, entry.start, max(entry.start, entry.end), entry.index)
    for group in reminders.values():
        days = [e.start for e in group]
        for first, count, rule in fold_runs(days):  # type: ignore[arg-type]
            entry = group[first]
            add(entry, days[first], days[first], entry.index, dict(rule, COUNT=count) if rule else None)  # type: ignore[arg-type]
    lines.append("END:VCALENDAR")
    return b"".join(fold_line(line) + b"\r\n" for line in lines)


def fold_line(line: str, limit: int = 75) -> bytes:
    """RFC 5545 folding of one content line: at most 75 octets per line, never inside a UTF-8
    character or right after a backslash.
    """
    data = line.encode("utf-8")
    if len(data) <= limit:
        return data
    parts = []
    start = 0
    room = limit
    while len(data) - start > room:
        cut = start + room
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: step back to the character's start
            cut -= 1
        if data[cut - 1] == 0x5C and cut - 1 > start:  # keep "\," "\n" … together
            cut -= 1
        parts.append(data[start:cut])
        start = cut
        room = limit - 1  # continuation lines begin with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def occurrences_of(plans: Sequence[ResolvedPlan]) -> list[tuple[str, str, int, Occurrence]]:
    """(plan id, item id, index, occurrence) of every phase and event, for checks and tests."""
    return [(rp.id, item.id, i, occ) for rp in plans for item in (*rp.phases, *rp.events)
            for i, occ in enumerate(item.occurrences)]


__all__ = ["ALARMS", "MAX_STARTS", "PRODID", "Entry", "calendar_ics", "place_starts", "event_uid", "fold_line", "fold_runs", "occurrences_of"]
