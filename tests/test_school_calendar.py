"""China's days off in the school calendar: holidays, 调休 make-up days, the school's own days,
moving dates off days off, and what the packs make of it (calendar.ics, 行事历, weekdays).

The calendar files are read back with two independent parsers (icalendar and vobject) and
recurrences expanded with dateutil; the 行事历 and plans are read with python-docx and pdftotext.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import GongyuError
from generator.load.corpus import Corpus
from generator.pipeline import load_corpus
from generator.schoolcal import Occurrence, SchoolYear, official, settle_occurrences

from .helpers import SCHOOL_YAML, YEARS, example_packs, make_project

REPO = Path(__file__).resolve().parents[1]
D = dt.date


def _events(resolved, title: str):
    return [e for e in resolved.events if title in e.title]


# ------------------------------------------------------------------------------------------------
# The official schedule
# ------------------------------------------------------------------------------------------------


def test_2026_schedule_has_golden_week_and_make_up_days() -> None:
    days = SchoolYear.default(2026).calendar
    for day in (D(2026, 10, 1), D(2026, 10, 5), D(2026, 10, 7), D(2026, 9, 25)):
        assert not days.is_working_day(day), day
    assert days.holiday_name(D(2026, 10, 1)) == "国庆节"
    for day in (D(2026, 9, 20), D(2026, 10, 10)):  # a Sunday and a Saturday worked for the holiday
        assert days.is_working_day(day) and days.is_makeup_day(day)
    assert D(2026, 9, 19).weekday() == 5 and not days.is_working_day(D(2026, 9, 19))
    runs = {name: (a, b) for a, b, name in days.holiday_runs(D(2026, 9, 1), D(2026, 10, 31))}
    assert runs["国庆节"] == (D(2026, 10, 1), D(2026, 10, 7))


def test_unpublished_years_are_estimated() -> None:
    assert 2026 not in official((2026,)).estimated_years  # the 2026 schedule is published
    assert official((2040,)).estimated_years == (2040,)
    year = SchoolYear.default(2040)
    assert year.estimated_holiday_years == (2040, 2041)
    assert year.calendar.is_estimated(D(2040, 10, 1)) and not year.calendar.is_working_day(D(2040, 10, 1))


def test_china_alone_is_loaded_and_gives_the_packages_own_schedule() -> None:
    """``official`` loads the ``holidays`` package's China module without its 250 other countries (0.1 s of
    a school build); the days, make-up days and published years are those ``country_holidays`` gives."""
    script = """
import sys
from generator.schoolcal.daysoff import _published_years, official
years = tuple(range(2019, 2031))
ours = official(years)
assert "holidays.countries" not in sys.modules, "the whole holidays.countries package was imported"
import holidays
from holidays.countries import china
theirs = holidays.country_holidays("CN", years=years, language="zh_CN")
assert set(ours.holidays) == set(theirs) and ours.makeup == {d for d in theirs.weekend_workdays if d.year in years}
assert _published_years() == frozenset(china.ChinaStaticHolidays.special_public_holidays)
assert type(theirs) is sys.modules["holidays.countries.china"].CN
print("ok")
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr


# ------------------------------------------------------------------------------------------------
# Moving a date off a day off
# ------------------------------------------------------------------------------------------------


def test_event_moves_forward_and_deadline_backward_across_golden_week() -> None:
    year = SchoolYear.default(2026)  # autumn term from 2026-09-07
    assert year.settle(D(2026, 10, 1)) == D(2026, 10, 8)
    assert year.settle(D(2026, 10, 1), earlier=True) == D(2026, 9, 30)
    assert year.settle(D(2026, 10, 9)) == D(2026, 10, 9)  # a school day stays
    assert year.settle(D(2026, 10, 10)) == D(2026, 10, 10)  # a 调休 Saturday is a school day
    event, moved = settle_occurrences(year, [Occurrence(D(2026, 10, 3), D(2026, 10, 3))], kind="event",
                                      deadline=False, shift=None)
    assert event == (Occurrence(D(2026, 10, 8), D(2026, 10, 8)),) and moved == ((D(2026, 10, 3), D(2026, 10, 8)),)
    deadline, _ = settle_occurrences(year, [Occurrence(D(2026, 10, 3), D(2026, 10, 3))], kind="event",
                                     deadline=True, shift=None)
    assert deadline == (Occurrence(D(2026, 9, 30), D(2026, 9, 30)),)
    kept, _ = settle_occurrences(year, [Occurrence(D(2026, 10, 3), D(2026, 10, 3))], kind="event",
                                 deadline=False, shift="不调整")
    assert kept == (Occurrence(D(2026, 10, 3), D(2026, 10, 3)),)
    # a deadline span ending in Golden Week ends on the last school day before it
    span, _ = settle_occurrences(year, [Occurrence(D(2026, 9, 21), D(2026, 10, 4))], kind="event",
                                 deadline=True, shift=None)
    assert span == (Occurrence(D(2026, 9, 21), D(2026, 9, 30)),)


def test_move_stays_in_its_term_or_vacation() -> None:
    # a term that ends on a Saturday: forward would leave the term, so the date goes back
    year = SchoolYear.build(2026, autumn_start=D(2026, 9, 1), autumn_end=D(2027, 1, 23))
    assert year.window(D(2027, 1, 23)).name == "秋季"
    assert year.settle(D(2027, 1, 23)) == D(2027, 1, 22)
    assert year.window(D(2027, 1, 24)).name == "寒假"
    assert year.settle(D(2027, 1, 24)) == D(2027, 1, 25)  # in a vacation: the next working day
    assert year.settle(D(2026, 11, 21)) == D(2026, 11, 23)


_YEAR_2026 = SchoolYear.build(2026, autumn_start=D(2026, 9, 1), autumn_end=D(2027, 1, 22),
                              spring_start=D(2027, 2, 22), spring_end=D(2027, 7, 2))


@settings(max_examples=300, deadline=None)
@given(offset=st.integers(min_value=0, max_value=364), earlier=st.booleans())
def test_settled_dates_are_always_open_days_in_the_same_window(offset: int, earlier: bool) -> None:
    year = _YEAR_2026
    day = year.earliest + dt.timedelta(days=offset)
    if day > year.last_day:
        return
    moved = year.settle(day, earlier=earlier)
    window = year.window(day)
    assert year.is_open_day(moved)
    assert window.start <= moved <= window.end
    if window.is_term:
        assert year.is_school_day(moved)
    if year.is_open_day(day):
        assert moved == day
    else:  # the nearest open day the rule's way, unless that way has none
        way = -1 if earlier else 1
        between = [day + dt.timedelta(days=way * n) for n in range(1, abs((moved - day).days))]
        if (moved - day).days * way > 0:
            assert not any(year.is_open_day(d) for d in between)


# ------------------------------------------------------------------------------------------------
# The school's own days
# ------------------------------------------------------------------------------------------------

OWN_DAYS = """\
calendar:
  days:
    - {date: 2027-11-16, name: 本地民族节日, type: 放假}
    - {date: 2027-11-20, name: 调课上课, type: 上课}
    - {date: 2027-10-28, to: 2027-10-29, name: 秋季运动会, type: 活动}
"""


def test_own_days_change_school_days_and_show_in_the_xingshili(tmp_path: Path) -> None:
    from generator.render.xingshili import build_xingshili
    from generator.schoolcal import resolve_plan

    school_yaml = SCHOOL_YAML.replace("year: 2027-2028\n", "year: 2027-2028\n" + OWN_DAYS)
    corpus = load_corpus(make_project(tmp_path / "p", school=school_yaml), schools=True)
    school = corpus.schools["test-school"]
    year = SchoolYear.for_school(school)
    assert not year.is_school_day(D(2027, 11, 16)) and year.is_school_day(D(2027, 11, 20))
    assert year.is_school_day(D(2027, 10, 28))  # an activity changes nothing
    resolved = resolve_plan(corpus.plans["test-plan"], year, school.plans[0])
    launch = next(e for e in resolved.events if e.id == "e-launch")  # 11-16, the local holiday
    assert launch.occurrences == (Occurrence(D(2027, 11, 17), D(2027, 11, 17)),)
    lines = [line for table in build_xingshili(school.name, year, [resolved]).tables
             for row in table.rows for line in row.lines]
    assert any(line.startswith("【放假】本地民族节日") for line in lines)
    assert any(line.startswith("【上课】调课上课") for line in lines)
    assert any(line.startswith("【本校】秋季运动会：10月28日（星期四）—29日（星期五）") for line in lines)


def test_own_day_outside_the_year_is_located(tmp_path: Path) -> None:
    bad = OWN_DAYS.replace("2027-11-16", "2029-11-16")
    school_yaml = SCHOOL_YAML.replace("year: 2027-2028\n", "year: 2027-2028\n" + bad)
    with pytest.raises(GongyuError) as info:
        load_corpus(make_project(tmp_path / "p", school=school_yaml), schools=True)
    text = info.value.format()
    assert "test-school.yml:9:" in text and "不在2027—2028学年" in text


def test_own_day_type_is_checked(tmp_path: Path) -> None:
    school_yaml = SCHOOL_YAML.replace("year: 2027-2028\n", "year: 2027-2028\n" + OWN_DAYS.replace("type: 活动", "type: 开会"))
    with pytest.raises(GongyuError) as info:
        load_corpus(make_project(tmp_path / "p", school=school_yaml), schools=True)
    assert "test-school.yml:11:" in info.value.format()


def test_check_warns_in_chinese_about_estimated_years(tmp_path: Path) -> None:
    from .conftest import gongyu

    root = make_project(tmp_path / "p", school=SCHOOL_YAML.replace("year: 2027-2028", "year: 2040-2041"))
    result = gongyu("--root", str(root), "check")
    assert result.returncode == 0, result.stderr
    assert "警告：2040年的放假和调休安排还没有收录" in result.stderr
    assert "plans/data/holidays.yml" in result.stderr and "推定" in result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------------------------------------
# The example schools, built for 2026–2027 and 2027–2028
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> Corpus:
    return load_corpus(REPO, schools=True)


@pytest.fixture(scope="module")
def packs(real: Corpus) -> dict[tuple[str, str], object]:
    return example_packs(real)


def test_regressions_from_the_issue(packs: dict) -> None:
    content = packs[("qingshan-xiaoxue", "2026-2027")]
    by_plan = {p.id: p for p in content.plans}
    (bullying,) = _events(by_plan["qiling-zhili"], "防欺凌主题班会")
    assert bullying.occurrences[0].start == D(2026, 11, 23)  # not Saturday 2026-11-21
    (guardians,) = _events(by_plan["liushou-guanai"], "监护人家庭教育课")
    assert all(not (D(2026, 10, 1) <= o.start <= D(2026, 10, 7)) for o in guardians.occurrences)  # not 10-05
    assert guardians.occurrences[0].start == D(2026, 10, 8)


def _ics_instances(data: bytes):
    import icalendar
    from dateutil.rrule import rrulestr

    cal = icalendar.Calendar.from_ical(data)
    for event in cal.walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        days = [start]
        if "RRULE" in event:
            rule = event["RRULE"].to_ical().decode()
            days = [d.date() for d in rrulestr(rule, dtstart=dt.datetime.combine(start, dt.time()))]
        yield event, days, (end - start).days


@pytest.mark.parametrize("year_name", YEARS)
def test_example_calendars_keep_to_school_days(packs: dict, year_name: str) -> None:
    import vobject

    for (school_id, name), content in sorted(packs.items()):
        if name != year_name:
            continue
        data = content.files["calendar.ics"]
        year = content.year
        starts: Counter[dt.date] = Counter()
        alarms = singles = 0
        for event, days, length in _ics_instances(data):
            if "RRULE" in event:
                continue  # the weekly/monthly digests: expanded with EXDATE/RDATE in test_quiet_calendar.py
            valarms = event.walk("VALARM")
            assert len(valarms) <= 1, (school_id, str(event["SUMMARY"]))
            if str(event["SUMMARY"]).startswith("截止："):
                assert len(valarms) == 1, str(event["SUMMARY"])  # a deadline is acted on: it reminds
            if valarms:
                trigger = valarms[0].decoded("TRIGGER")
                assert trigger <= dt.timedelta(hours=8)
                if str(event["SUMMARY"]).startswith("截止："):
                    assert trigger <= -dt.timedelta(days=2)  # three days before, in the morning
                alarms += 1
            for day in days:
                starts[day] += 1
                if length == 1:
                    singles += 1
                    assert year.is_open_day(day), (school_id, name, day, str(event["SUMMARY"]))
                    if year.window(day).is_term:
                        assert year.is_school_day(day)
        assert singles > 5  # one-day events and deadlines (weekly/monthly duties are in the digests)
        assert max(starts.values()) <= 6, (school_id, starts.most_common(3))
        # a second, independent parser reads the same events and alarms
        parsed = vobject.readOne(data.decode("utf-8"))
        assert sum(len(getattr(v, "valarm_list", [])) for v in parsed.vevent_list) == alarms
        # a term duty is one event spanning its term, not a pile on the first day
        assert any(length > 60 for _event, _days, length in _ics_instances(data))


def _docx_texts(data: bytes) -> list[str]:
    from docx import Document

    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [p.text for t in document.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    return texts


_BARE_DATE = re.compile(r"\d{1,2}月\d{1,2}日(?!（星期[一二三四五六日]）)")
_SIGNATURE_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")  # 成文日期: GB/T 9704 gives no weekday
_DOCUMENT_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日(?:通过|公布|印发|发布|起施行|施行)")


@pytest.mark.parametrize("year_name", YEARS)
def test_every_printed_date_carries_its_weekday(packs: dict, year_name: str) -> None:
    for (school_id, name), content in sorted(packs.items()):
        if name != year_name:
            continue
        for file_name, data in sorted(content.files.items()):
            if not file_name.endswith(".docx"):
                continue
            for text in _docx_texts(data):
                if _SIGNATURE_DATE.match(text):
                    continue
                # the day a law was passed or took effect (written with its year) is not a date of school work
                assert not _BARE_DATE.search(_DOCUMENT_DATE.sub("", text)), (school_id, file_name, text)


@pytest.mark.parametrize("year_name", YEARS)
def test_xingshili_shows_holidays_make_up_days_and_vacations(packs: dict, year_name: str) -> None:
    for (school_id, name), content in sorted(packs.items()):
        if name != year_name:
            continue
        year = content.year
        text = "\n".join(_docx_texts(content.files["xingshili.docx"]))
        assert "【放假】国庆节：10月1日" in text and "春节" in text, school_id
        assert "寒假" in text and "暑假" in text
        for day in year.calendar.makeup_days(year.earliest, year.last_day):
            assert f"【调休上课】{day.month}月{day.day}日" in text or f"【调休上班】{day.month}月{day.day}日" in text
        if year.estimated_holiday_years:
            assert "（推定）" in text and "尚未收录" in text
            assert "推定" in content.files["README.txt"].decode("utf-8-sig")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_xingshili_pdf_shows_holidays(packs: dict) -> None:
    from generator.render.xingshili import build_xingshili, xingshili_pdf

    content = packs[("qingshan-xiaoxue", "2026-2027")]
    pdf = xingshili_pdf(build_xingshili(content.school.name, content.year, content.plans))
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    assert "【放假】国庆节" in flat and "【调休上课】9月20日（星期日）" in flat and "【调休上课】10月10日（星期六）" in flat
    assert "11月23日（星期一）" in flat
