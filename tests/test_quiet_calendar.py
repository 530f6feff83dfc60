"""A pack's calendar.ics holds each term's real events, not a buzzing pile (issue 21).

Duties done only in a situation (停课期间) are not scheduled; weekly and monthly duties are one
recurring digest per term (RRULE, with EXDATE/RDATE where a holiday moves the day); alarms only on
what a person must act on (events, deadlines). Read back with two independent readers,
``icalendar`` (expanded with python-dateutil's ``rruleset``) and ``vobject`` (its own
``getrruleset``), which must agree on every instance.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from generator.load.corpus import Corpus
from generator.pipeline import load_corpus
from generator.render.ics import digest_recurrence

from .helpers import YEARS, example_packs

REPO = Path(__file__).resolve().parents[1]
#: At most this many VEVENTs start in one term (the autumn term had ~170 before, with ~130 weekly
#: and monthly reminders); every recurring event counts once.
MAX_EVENTS_PER_TERM = 80


@pytest.fixture(scope="module")
def real() -> Corpus:
    return load_corpus(REPO, schools=True)


@pytest.fixture(scope="module")
def packs(real: Corpus) -> dict[tuple[str, str], object]:
    return example_packs(real)


def _icalendar_instances(data: bytes) -> dict[str, tuple[object, list[dt.date]]]:
    """UID → (event, every day it occurs), expanded with dateutil from icalendar's parse."""
    import icalendar
    from dateutil.rrule import rruleset, rrulestr

    found = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        start = event.decoded("DTSTART")
        assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)
        days = {start}
        if "RRULE" in event:
            rules = rruleset()
            begin = dt.datetime.combine(start, dt.time())
            rules.rrule(rrulestr(event["RRULE"].to_ical().decode(), dtstart=begin))
            for key, method in (("RDATE", rules.rdate), ("EXDATE", rules.exdate)):
                values = event.get(key)
                for value in values if isinstance(values, list) else [values] if values is not None else []:
                    for item in value.dts:
                        method(dt.datetime.combine(item.dt, dt.time()))
            days = {d.date() for d in rules}
            assert min(days) == start  # DTSTART is an instance for every reader (it is also an RDATE)
        found[str(event["UID"])] = (event, sorted(days))
    return found


def _vobject_instances(data: bytes) -> dict[str, list[dt.date]]:
    import vobject

    found = {}
    for event in vobject.readOne(data.decode("utf-8")).vevent_list:
        days = sorted({d.date() if isinstance(d, dt.datetime) else d for d in event.getrruleset(addRDate=True)}) \
            if hasattr(event, "rrule") else [event.dtstart.value]
        found[event.uid.value] = days
    return found


@pytest.mark.parametrize("year_name", YEARS)
def test_calendars_are_quiet_and_keep_to_school_days(packs: dict, year_name: str) -> None:
    for (school_id, name), content in sorted(packs.items()):
        if name != year_name:
            continue
        data = content.files["calendar.ics"]
        year = content.year
        by_icalendar = _icalendar_instances(data)
        by_vobject = _vobject_instances(data)
        assert by_icalendar.keys() == by_vobject.keys()
        per_term: Counter[str] = Counter()
        recurring = alarms = 0
        for uid, (event, days) in by_icalendar.items():
            summary = str(event["SUMMARY"])
            assert by_vobject[uid] == days, (school_id, summary)
            assert "停课期间" not in summary and "停课期间" not in str(event.get("DESCRIPTION", ""))
            per_term[year.window(days[0]).label] += 1
            if summary.startswith(("本周例行工作", "本月例行工作")):
                assert "VALARM" not in event.to_ical().decode()
            if "RRULE" in event:
                recurring += 1
                assert summary.startswith(("本周例行工作", "本月例行工作")), summary
                assert len(days) >= 2
                for day in days:  # a digest lands on school days only (in a vacation: on working days)
                    in_term = year.window(day).is_term
                    assert year.is_school_day(day) if in_term else year.is_open_day(day), (school_id, summary, day)
                    assert year.window(day) == year.window(days[0])  # one digest per term or vacation
                # one per week (month): no two instances in the same period
                key = (lambda d: d.isocalendar()[:2]) if summary.startswith("本周") else (lambda d: (d.year, d.month))
                assert len({key(d) for d in days}) == len(days), (school_id, summary)
            valarms = event.walk("VALARM")
            if valarms:
                alarms += 1
                # only what a person must act on: an event or a deadline, never a digest or a phase
                assert "RRULE" not in event and not summary.endswith("（阶段）"), summary
                assert not summary.startswith(("本学期", "这半年", "本学年")), summary
        assert recurring >= 2, school_id  # a weekly and a monthly digest, at least in one term
        assert 0 < alarms < len(by_icalendar), school_id
        for term in year.terms:
            assert per_term[term.label] <= MAX_EVENTS_PER_TERM, (school_id, name, per_term)


def test_suspension_only_duties_are_in_the_plan_not_the_calendar(packs: dict, real: Corpus) -> None:
    only = {d.title for d in real.plans["tingke-buting"].duties if d.only_during}
    assert len(only) == 4  # the four 停课期间 duties of the template
    content = packs[("hexi-zhongxue", "2026-2027")]
    assert any(p.id == "tingke-buting" for p in content.plans)
    text = content.files["calendar.ics"].decode("utf-8").replace("\r\n ", "")
    for title in only:
        assert title not in text


def test_digest_recurrence_expands_to_exactly_its_days() -> None:
    from dateutil.rrule import rruleset, rrulestr

    D = dt.date
    cases = {
        # the week of 国庆 has no school day before Thursday; the first day is a Tuesday
        "周": [D(2026, 9, 1), D(2026, 9, 7), D(2026, 9, 14), D(2026, 10, 8), D(2026, 10, 12), D(2026, 10, 26)],
        # 1 October is a holiday; January's first weekday is 元旦
        "月": [D(2026, 9, 1), D(2026, 10, 8), D(2026, 11, 2), D(2026, 12, 1), D(2027, 1, 4)],
    }
    for period, days in cases.items():
        rule, exdates, rdates = digest_recurrence(period, days)
        parts = ";".join(f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}" for k, v in rule.items())
        rules = rruleset()
        rules.rrule(rrulestr(parts, dtstart=dt.datetime.combine(days[0], dt.time())))
        for day in rdates:
            rules.rdate(dt.datetime.combine(day, dt.time()))
        for day in exdates:
            rules.exdate(dt.datetime.combine(day, dt.time()))
        assert [d.date() for d in rules] == days, (period, rule, exdates, rdates)
