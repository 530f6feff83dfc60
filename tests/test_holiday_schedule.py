"""A year's official holiday schedule typed in from the notice (plans/data/holidays.yml).

The shipped file holds no year (nothing guessed). Here a test project types in a made-up schedule
for 2027 and 2028, and the pack follows it: those years are no longer estimated, a typed holiday is
a day off, a typed make-up Saturday a school day, and bad entries are located errors in Chinese.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.schoolcal import SchoolYear
from generator.load.schedule import FILE_NAME
from generator.pipeline import load_corpus
from generator.errors import GongyuError
from generator.packs import pack_files, resolve_profile

from .test_calendar import make_project

REPO = Path(__file__).resolve().parents[1]

#: Made up for the test (a weekday holiday in term, a make-up Saturday): not a real schedule.
TYPED = """\
years:
  - year: 2027
    notice: 测试用通知（不是真实安排）
    holidays:
      - {name: 元旦, start: 2027-01-01, end: 2027-01-03}
      - {name: 国庆节, start: 2027-10-01, end: 2027-10-07}
      - {name: 测试节, start: 2027-11-10}
    makeup: [2027-11-13]
  - year: 2028
    notice: 测试用通知（不是真实安排）
    holidays:
      - {name: 元旦, start: 2028-01-01}
"""


def _project(tmp_path: Path, typed: str) -> Path:
    root = make_project(tmp_path / "p")
    (root / "plans" / FILE_NAME).parent.mkdir(parents=True, exist_ok=True)
    (root / "plans" / FILE_NAME).write_text(typed, encoding="utf-8")
    return root


def test_the_shipped_file_guesses_no_year() -> None:
    corpus = load_corpus(REPO, schools=False)
    assert (REPO / "plans" / FILE_NAME).is_file() and corpus.schedule.years == ()


def test_typed_years_replace_the_estimate(tmp_path: Path) -> None:
    corpus = load_corpus(_project(tmp_path, TYPED), schools=True)
    school = corpus.schools["test-school"]
    estimated = SchoolYear.for_school(school)
    year = SchoolYear.for_school(school, schedule=corpus.schedule)
    assert estimated.estimated_holiday_years == (2027, 2028)
    assert year.estimated_holiday_years == ()
    assert not year.is_school_day(dt.date(2027, 11, 10))  # 测试节, a Wednesday in term
    assert year.is_school_day(dt.date(2027, 11, 13))  # the typed make-up Saturday
    assert estimated.is_school_day(dt.date(2027, 11, 10)) and not estimated.is_school_day(dt.date(2027, 11, 13))
    files = pack_files(resolve_profile(school, corpus), corpus, pdf=False).files
    readme = files["README.txt"].decode("utf-8-sig")
    assert "推定" not in readme
    assert b"PRODID" in files["calendar.ics"] and "推定".encode() not in files["calendar.ics"]


@pytest.mark.parametrize(("typed", "where", "words"), [
    (TYPED.replace("makeup: [2027-11-13]", "makeup: [2027-11-12]"), ":8:", "是星期五"),
    (TYPED.replace("start: 2027-11-10}", "start: 2026-11-10}"), ":7:", "不在 2027 年"),
    (TYPED.replace("  - year: 2028", "  - year: 2027").replace("start: 2028-01-01", "start: 2027-01-01"), ":9:",
     "2027 年写了两次"),
    (TYPED.replace("end: 2027-10-07", "end: 2027-09-07"), ":6:", "早于第一天"),
])
def test_bad_entries_are_located_errors(tmp_path: Path, typed: str, where: str, words: str) -> None:
    with pytest.raises(GongyuError) as info:
        load_corpus(_project(tmp_path, typed), schools=True)
    message = info.value.format()
    assert "holidays.yml" + where in message and words in message, message


def test_check_no_longer_warns_about_a_typed_year(tmp_path: Path) -> None:
    from .conftest import gongyu

    result = gongyu("--root", str(_project(tmp_path, TYPED)), "check")
    assert result.returncode == 0, result.stderr
    assert "2027年的放假和调休安排还没有收录" not in result.stderr and "推定" not in result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_school_build_takes_a_schedule_file(tmp_path: Path, jobs: str) -> None:
    """A county running the wheel has no plans/ folder: `school build --holidays FILE`, also in workers."""
    from .conftest import gongyu

    typed = tmp_path / "放假安排.yml"
    typed.write_text(TYPED, encoding="utf-8")
    root = make_project(tmp_path / "p")
    schools = root / "plans" / "schools"
    profile = schools / "test-school.yml"
    # two schools, so that --jobs 2 really builds in worker processes
    (schools / "test-school-2.yml").write_text(profile.read_text(encoding="utf-8").replace(
        "id: test-school", "id: test-school-2"), encoding="utf-8")
    out = tmp_path / "out"
    result = gongyu("--root", str(root), "school", "build", str(schools), "--out", str(out), "--no-pdf",
                    "--jobs", jobs, "--holidays", str(typed))
    assert result.returncode == 0, result.stderr
    for school_id in ("test-school", "test-school-2"):
        assert "推定" not in (out / school_id / "README.txt").read_text(encoding="utf-8-sig"), school_id
    plain = gongyu("--root", str(root), "school", "build", str(schools), "--out", str(tmp_path / "out2"),
                   "--no-pdf", "--jobs", jobs)
    assert plain.returncode == 0 and "推定" in (tmp_path / "out2" / "test-school" / "README.txt").read_text(
        encoding="utf-8-sig")
    bad = tmp_path / "错的.yml"
    bad.write_text(TYPED.replace("makeup: [2027-11-13]", "makeup: [2027-11-12]"), encoding="utf-8")
    failed = gongyu("--root", str(root), "school", "build", str(profile), "--out", str(out), "--no-pdf",
                    "--holidays", str(bad))
    assert failed.returncode == 1 and "错的.yml:8:14:" in failed.stderr + failed.stdout
    assert "Traceback" not in failed.stderr


def test_the_template_for_counties_reads_back_and_its_example_is_valid(tmp_path: Path) -> None:
    """`school holidays-template` in an empty folder: the commented example, once uncommented, loads."""
    from generator.load.schedule import load_schedule_file

    from .conftest import gongyu

    result = gongyu("school", "holidays-template", "--out", str(tmp_path / "放假安排.yml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = (tmp_path / "放假安排.yml").read_text(encoding="utf-8")
    assert load_schedule_file(tmp_path / "放假安排.yml").years == ()
    example = [line[2:] for line in written.splitlines() if line.startswith("#   ") or line.startswith("# years:")]
    (tmp_path / "example.yml").write_text("\n".join(example) + "\n", encoding="utf-8")
    schedule = load_schedule_file(tmp_path / "example.yml")
    assert schedule.covers(2027) and not schedule.covers(2026)
