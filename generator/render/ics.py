"""``calendar.ics``: a school's year of plan work for phone and desktop calendars (RFC 5545).

Every phase and event becomes an all-day ``VEVENT`` (``DTEND`` is the day after the last day, as
RFC 5545 wants for dates); a deadline becomes a one-day event on its (already moved) last day.
Duties: those done every week are gathered, term by term, into one recurring 本周例行工作 digest
on the first school day of each week, and those done every month into one 本月例行工作 digest
(``RRULE`` with ``EXDATE``/``RDATE`` where a holiday moves the day), so a term holds a handful of
routine events instead of hundreds; one done every term, half-year or year becomes one event
spanning its period; duties done every day, and duties done only in a situation
(``only_during: 停课期间``), are left out. No day starts more than :data:`MAX_STARTS` events: an
item whose dates are a span (a teaching week, a month) starts on the first school day of the span
that still has room, fixed single days being placed first. Only what a person must act on carries
a ``VALARM`` (events and deadlines, :data:`ALARMS`); a phone that buzzes for every item is switched off.

Identifiers are stable: ``UID`` is a hash of the school id, plan id, item id and occurrence index,
so importing a rebuilt calendar updates events instead of duplicating them. ``DTSTAMP`` is the
pinned build instant, so two builds give the same bytes. Text is escaped as RFC 5545 says
(commas, semicolons, backslashes, line breaks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..base.clock import build_instant
from ..schoolcal import ONE_DAY, Occurrence, ResolvedItem, ResolvedPlan, SchoolYear

PRODID = "-//gongyu//共育 学校方案包//ZH"
#: At most this many events start on one day.
MAX_STARTS = 6
#: Reminder lead time per kind of entry, as an RFC 5545 duration before the all-day start (00:00):
#: the day before at 09:00 for events, three days before at 09:00 for deadlines; ``None``: no alarm.
ALARMS: dict[str, tuple[str, str] | None] = {
    "event": ("-PT15H", "明天"),
    "phase": None,  # a stretch of work, shown as a banner; its own events and deadlines remind
    "deadline": ("-P2DT15H", "三天后截止"),
    "span": None,  # a duty of the whole term or year
}


def hash_index(text: str) -> int:
    """A stable small number for a name (part of a digest's UID)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big")


def event_uid(school_id: str, plan_id: str, item_id: str, index: int) -> str:
    """Stable identifier of one occurrence (or of the run of occurrences starting at ``index``)."""
    digest = hashlib.sha256(f"{school_id}\x1f{plan_id}\x1f{item_id}\x1f{index}".encode("utf-8")).hexdigest()
    return f"{digest[:32]}@gongyu"


def _description(rp: ResolvedPlan, item: ResolvedItem, entry: Entry | None = None,
                 start: dt.date | None = None, end: dt.date | None = None) -> str:
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
    if item.repeats:
        period = {"天": "每天", "周": "本周", "月": "本月", "学期": "本学期", "半年": "这半年", "年": "本学年"}[item.rule.every]
        return f"{period}：{rp.tag}：{item.title}"
    if item.kind == "phase":
        return f"{rp.tag}：{item.title}（阶段）"
    prefix = "截止：" if item.deadline else ""
    return f"{prefix}{rp.tag}：{item.title}"


@dataclass
class Digest:
    """One term's recurring routine reminder: the weekly or monthly duties of every plan."""

    period: str  # 周 or 月
    term: str  # 秋季学期 …
    days: list[dt.date]  # the school day of each period on which it shows
    items: list[tuple[ResolvedPlan, ResolvedItem]]
    in_term: bool = True


def _first_weekday_of_month(day: dt.date) -> dt.date:
    first = day.replace(day=1)
    while first.weekday() >= 5:
        first += ONE_DAY
    return first


#: Per period: the RRULE of a digest and the day its rule gives for the period holding a date.
DIGEST_RULES: dict[str, tuple[dict[str, Any], Callable[[dt.date], dt.date]]] = {
    "周": ({"FREQ": "WEEKLY", "BYDAY": ["MO"]}, lambda d: d - dt.timedelta(days=d.weekday())),
    "月": ({"FREQ": "MONTHLY", "BYDAY": ["MO", "TU", "WE", "TH", "FR"], "BYSETPOS": 1}, _first_weekday_of_month),
}


def _period_start(period: str, day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if period == "周" else day.replace(day=1)


def _period_end(period: str, day: dt.date) -> dt.date:
    if period == "周":
        return day - dt.timedelta(days=day.weekday()) + dt.timedelta(days=6)
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - ONE_DAY


def digests(year: SchoolYear, plans: Sequence[ResolvedPlan]) -> list[Digest]:
    """Per term and vacation, a weekly and a monthly digest of the routine duties due in it.

    A digest shows on the first school day of each week (month) of the term in which at least one
    of its duties is due (in a vacation: the first working day); weeks without one have none.
    """
    found: list[Digest] = []
    for term in (*year.terms, *year.vacations):
        for period in ("周", "月"):
            items: list[tuple[ResolvedPlan, ResolvedItem]] = []
            due: set[dt.date] = set()  # period starts in which something is due
            for rp in plans:
                for item in rp.duties:
                    if item.only_during or not item.repeats or item.rule.every != period:
                        continue
                    periods = {_period_start(period, max(occ.start, term.start))
                               for occ in item.occurrences if occ.start <= term.end and occ.end >= term.start}
                    if periods:
                        items.append((rp, item))
                        due |= periods
            days = []
            for begin in sorted(due):
                first = max(begin, term.start)
                last = min(_period_end(period, begin), term.end)
                if term.is_term:
                    school = next(year.school_days(first, last), None)
                else:  # vacation work (网格 reports, visits) falls on working days
                    school = next((d for d in _days(first, last) if year.is_open_day(d)), None)
                if school is not None:
                    days.append(school)
            if items and days:
                found.append(Digest(period, term.label, days, items, term.is_term))
    return found


def digest_recurrence(period: str, days: Sequence[dt.date]) -> tuple[dict[str, Any], list[dt.date], list[dt.date]]:
    """``(rrule, exdates, rdates)`` whose expansion from ``days[0]`` is exactly ``days``.

    The rule gives one day per period (Monday; the month's first weekday); ``EXDATE`` removes the
    rule's days that are not school days or not due, ``RDATE`` adds the day a holiday moved it to.
    ``DTSTART`` (``days[0]``) is also listed in ``RDATE`` when the rule would not produce it: RFC
    5545 counts ``DTSTART`` anyway, python-dateutil (used by ``vobject``) only through ``RDATE``.
    """
    rule, day_of = DIGEST_RULES[period]
    wanted = set(days)
    produced: set[dt.date] = set()
    cursor = days[0]
    while cursor <= days[-1]:
        produced.add(day_of(cursor))
        cursor = _period_end(period, cursor) + ONE_DAY
    produced = {d for d in produced if days[0] <= d <= days[-1]}
    exdates = sorted(produced - wanted)
    rdates = sorted(wanted - produced)
    return dict(rule, UNTIL=days[-1].strftime("%Y%m%d")), exdates, rdates


@dataclass
class Entry:
    """One VEVENT to be: ``first``…``last`` is where it may start (a fixed day when they are equal)."""

    rp: ResolvedPlan
    item: ResolvedItem
    index: int
    first: dt.date
    last: dt.date
    end: dt.date  # last day the event covers
    alarm: str
    start: dt.date | None = None


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _entries(year: SchoolYear, plans: Sequence[ResolvedPlan]) -> list[Entry]:
    entries: list[Entry] = []
    for rp in plans:
        for item in (*rp.phases, *rp.events, *rp.duties):
            if item.only_during:
                continue  # done only in a situation (停课期间): scheduling it all year would be noise
            for index, occ in enumerate(item.occurrences):
                if item.repeats:
                    every = item.rule.every
                    if every in ("天", "周", "月"):
                        # every day: listed under 常规工作 in the 行事历; every week or month: in the digests
                        continue
                    entries.append(Entry(rp, item, index, occ.start, occ.end, occ.end, "span"))
                elif item.deadline:
                    entries.append(Entry(rp, item, index, occ.end, occ.end, occ.end, "deadline"))
                else:
                    kind = "phase" if item.kind == "phase" else "event"
                    last = occ.start if item.kind == "phase" else occ.end
                    entries.append(Entry(rp, item, index, occ.start, last, occ.end, kind))
    return entries


def place_starts(year: SchoolYear, entries: Sequence[Entry], limit: int = MAX_STARTS,
                 taken: Counter[dt.date] | None = None) -> None:
    """Give every entry its start day: fixed days first, then each flexible entry (narrowest window
    first) on the earliest open day of its window with fewer than ``limit`` starts, else the
    least busy open day of its window. ``taken`` counts starts already placed (the digests)."""
    starts: Counter[dt.date] = Counter(taken or {})
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


#: Line breaks of every kind (a lone CR too: left in, a reader would take it for the end of the line).
_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
#: What RFC 5545 TEXT may not hold (CONTROL but tab), and bidirectional overrides.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping (backslash, semicolon, comma, line breaks of every kind as ``\\n``);
    control characters are dropped, so a name can never end a content line early."""
    value = _CONTROLS.sub("", value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _BREAKS.sub("\\\\n", value)


#: The order of the ``RRULE`` parts (that of RFC 5545's examples and of ``icalendar``).
_RECUR_ORDER = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS")


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

    def add(entry: Entry, start: dt.date, end: dt.date, uid_index: int) -> None:
        rp, item = entry.rp, entry.item
        summary = _summary(rp, item)
        alarm = ALARMS[entry.alarm]
        lines.extend([
            "BEGIN:VEVENT",
            f"SUMMARY:{_text(summary)}",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end + ONE_DAY:%Y%m%d}",
            f"DTSTAMP:{stamp}",
            f"UID:{event_uid(school_id, rp.id, item.id, uid_index)}",
            f"CATEGORIES:{_text(rp.tag)}",
            "CLASS:PUBLIC",
            f"DESCRIPTION:{_text(_description(rp, item, entry, start, end))}",
            "TRANSP:TRANSPARENT",
        ])
        if alarm is not None:
            trigger, word = alarm
            lines.extend(["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_text(f'{word}：{summary}')}",
                          f"TRIGGER:{trigger}", "END:VALARM"])
        lines.append("END:VEVENT")

    def add_digest(digest: Digest) -> None:
        rule, exdates, rdates = digest_recurrence(digest.period, digest.days)
        name = "本周例行工作" if digest.period == "周" else "本月例行工作"
        summary = f"{name}（{len(digest.items)}项）" if digest.in_term else f"{name}（{digest.term}，{len(digest.items)}项）"
        body = [f"{digest.term}每{digest.period}要做的常规工作（各方案中的经常性工作）："]
        body += [f"· {rp.tag}：{item.title}" + (f"（{item.unit}）" if item.unit else "") for rp, item in digest.items]
        lines.extend([
            "BEGIN:VEVENT",
            f"SUMMARY:{_text(summary)}",
            f"DTSTART;VALUE=DATE:{digest.days[0]:%Y%m%d}",
            f"DTEND;VALUE=DATE:{digest.days[0] + ONE_DAY:%Y%m%d}",
            f"DTSTAMP:{stamp}",
            f"UID:{event_uid(school_id, 'digest', digest.period, hash_index(digest.term))}",
            *([f"RRULE:{_recur(rule)}"] if len(digest.days) > 1 else []),
            *([f"EXDATE;VALUE=DATE:{','.join(f'{d:%Y%m%d}' for d in exdates)}"] if exdates and len(digest.days) > 1 else []),
            *([f"RDATE;VALUE=DATE:{','.join(f'{d:%Y%m%d}' for d in rdates)}"] if rdates and len(digest.days) > 1 else []),
            f"CATEGORIES:{_text('例行工作')}",
            "CLASS:PUBLIC",
            f"DESCRIPTION:{_text(chr(10).join(body))}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ])

    routine = digests(year, plans)
    taken: Counter[dt.date] = Counter(day for digest in routine for day in digest.days)
    entries = _entries(year, plans)
    place_starts(year, entries, taken=taken)
    for entry in entries:
        assert entry.start is not None
        add(entry, entry.start, max(entry.start, entry.end), entry.index)
    for digest in routine:
        add_digest(digest)
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


__all__ = ["ALARMS", "MAX_STARTS", "PRODID", "Digest", "Entry", "digest_recurrence", "digests", "calendar_ics", "place_starts", "event_uid", "fold_line", "occurrences_of"]
