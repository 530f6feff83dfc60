"""``calendar.ics``: a school's year of plan work for phone and desktop calendars (RFC 5545).

Every phase and event becomes an all-day ``VEVENT`` (``DTEND`` is the day after the last day, as
RFC 5545 wants for dates). Repeated work becomes a reminder on the first day of each period (每周
→ the week's first school day, 每月 → the month's), folded into ``RRULE``s wherever the days follow
a regular pattern; duties done every day are left out, they would fill every day of the calendar.
A deadline becomes a one-day event on its last day.

Identifiers are stable: ``UID`` is a hash of the school id, plan id, item id and occurrence index,
so importing a rebuilt calendar updates events instead of duplicating them. ``DTSTAMP`` is the
pinned build instant, so two builds give the same bytes. Escaping of commas, semicolons,
backslashes and newlines is done by the ``icalendar`` package.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from ..calendar import ONE_DAY, Occurrence, ResolvedItem, ResolvedPlan, SchoolYear, build_instant

PRODID = "-//gongyu//共育 学校方案包//ZH"


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


def _description(rp: ResolvedPlan, item: ResolvedItem) -> str:
    lines = [f"方案：{rp.title}"]
    if item.kind == "phase":
        lines.append("阶段工作：" + "；".join(t.rstrip("。") for t in item.tasks) if item.tasks else "实施阶段")
    if item.unit:
        lines.append(f"负责：{item.unit}")
    lines.append(f"时间：{item.when()}")
    if item.details:
        lines.append(item.details)
    return "\n".join(lines)


def _summary(rp: ResolvedPlan, item: ResolvedItem) -> str:
    if item.kind == "phase":
        return f"{rp.tag}：{item.title}（阶段）"
    prefix = "截止：" if item.deadline else ""
    return f"{prefix}{rp.tag}：{item.title}"


def calendar_ics(school_id: str, school_name: str, year: SchoolYear, plans: Sequence[ResolvedPlan]) -> bytes:
    """The school's ``calendar.ics`` for ``year``."""
    from icalendar import Calendar, Event, vRecur

    stamp = build_instant()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{school_name}{year.label}工作日历")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    cal.add("x-wr-caldesc", f"{school_name}采用的工作方案中的阶段和事项（{year.label}），由共育生成")

    def add(rp: ResolvedPlan, item: ResolvedItem, index: int, start: dt.date, end: dt.date,
            rrule: dict[str, Any] | None = None, summary: str | None = None) -> None:
        event = Event()
        event.add("uid", event_uid(school_id, rp.id, item.id, index))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end + ONE_DAY)
        if rrule:
            event.add("rrule", vRecur(rrule))
        event.add("summary", summary or _summary(rp, item))
        event.add("description", _description(rp, item))
        event.add("categories", [rp.tag])
        event.add("transp", "TRANSPARENT")
        event.add("class", "PUBLIC")
        cal.add_component(event)

    for rp in plans:
        for item in (*rp.phases, *rp.events, *rp.duties):
            if not item.occurrences:
                continue
            if item.repeats:
                if item.rule.every == "天" and item.kind == "duty":
                    continue
                firsts = [occ.start for occ in item.occurrences]
                period = {"天": "今天", "周": "本周", "月": "本月", "学期": "本学期", "半年": "这半年", "年": "本学年"}[item.rule.every]
                summary = f"{period}：{rp.tag}：{item.title}"
                for first, count, rule in fold_runs(firsts):
                    day = firsts[first]
                    add(rp, item, first, day, day, dict(rule, COUNT=count) if rule else None, summary)
            else:
                for index, occ in enumerate(item.occurrences):
                    add(rp, item, index, occ.end if item.deadline else occ.start, occ.end)
    return b"".join(fold_line(str(line)) + b"\r\n" for line in cal.content_lines() if line)


def fold_line(line: str, limit: int = 75) -> bytes:
    """RFC 5545 folding of one content line: at most 75 octets per line, never inside a UTF-8
    character or right after a backslash. (``icalendar`` folds character by character, which is
    most of the time a school's calendar takes; its escaping is used unchanged.)
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


__all__ = ["PRODID", "calendar_ics", "event_uid", "fold_line", "fold_runs", "occurrences_of"]
