"""Prints that fit the day (issue 21): the 求助卡, the organiser's sheet, the sign-in sheet's running
head, downloads named by lesson, ``gongyu print --school`` reading only the name.

Looked at as a reader would: text with poppler's ``pdftotext``, layout from the rendered pixels.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.load.corpus import Corpus
from generator.pipeline import load_corpus
from generator.render.printables.lessons import HELP_LINES, download_name, lesson_jobs, wants_help_card
from generator.render.printables import render_job

from .conftest import REPO, gongyu

needs_poppler = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftotext", "pdftoppm")),
                                   reason="需要 poppler-utils")


@pytest.fixture(scope="module")
def real() -> Corpus:
    return load_corpus(REPO, schools=False)


def _text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def _jobs(real: Corpus, lesson_id: str, **kwargs: str) -> dict[str, object]:
    lesson = real.lessons[lesson_id]
    course = real.courses[real.lesson_course[lesson_id]]
    return {kind: job for kind, _name, _label, job in lesson_jobs(lesson, course, "", **kwargs)}


def test_lessons_that_ask_for_a_help_card_offer_one(real: Corpus) -> None:
    asking = sorted(i for i, lesson in real.lessons.items() if wants_help_card(lesson))
    assert {"aqj-fangqiling", "gz-xinli-weiji"} <= set(asking)
    for lesson_id in real.lessons:
        assert ("helpcard" in _jobs(real, lesson_id)) == (lesson_id in asking), lesson_id


@needs_poppler
def test_help_card_carries_the_help_lines_and_the_schools_blanks(real: Corpus, tmp_path: Path) -> None:
    card = _jobs(real, "gz-xinli-weiji", school_name="青山县第一中学")["helpcard"]
    text = _text(render_job(card), tmp_path, "card")
    assert [number for number, _who, _when in HELP_LINES] == ["110", "120", "12356", "12355"]
    for number, who, _when in HELP_LINES:
        assert text.count(number) == 4 and text.count(who) == 4, number  # four cards to the sheet
    for blank in ("学校联系电话", "班主任", "心理辅导老师", "就近医院（精神心理科）"):
        assert text.count(blank) == 4, blank
    assert text.count("青山县第一中学") == 4
    assert subprocess.run(["pdfinfo", str(tmp_path / "card.pdf")], capture_output=True, text=True).stdout.count(
        "Pages:           1") == 1


@needs_poppler
def test_preparation_is_on_the_organisers_sheet_not_the_handouts(real: Corpus, tmp_path: Path) -> None:
    lesson = real.lessons["aqj-fangqiling"]
    jobs = _jobs(real, "aqj-fangqiling")
    organiser = _text(render_job(jobs["organiser"]), tmp_path, "organiser")
    assert "课前准备" in organiser and "组织者用页" in organiser
    for item in lesson.preparation:
        assert "".join(item.split())[:20] in organiser
    for step in lesson.agenda:
        assert "".join(step.content.split())[:15] in organiser
    for kind in ("handout", "handout-large"):
        text = _text(render_job(jobs[kind]), tmp_path, kind)
        assert "课前准备" not in text and "组织者" not in text, kind
        assert all("".join(item.split())[:12] not in text for item in lesson.preparation), kind


@needs_poppler
def test_signin_running_head_clears_the_table(real: Corpus, tmp_path: Path) -> None:
    from PIL import Image

    pdf = tmp_path / "signin.pdf"
    pdf.write_bytes(render_job(_jobs(real, "aqj-fangqiling")["signin"]))
    dpi = 150
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", "2", "-l", "2", "-singlefile", str(pdf),
                    str(tmp_path / "p2")], check=True)
    image = Image.open(tmp_path / "p2.png").convert("L")
    width, height = image.size
    pixels = image.load()
    dark_rows = [y for y in range(height // 3) if sum(pixels[x, y] < 128 for x in range(width)) > 0]
    # the table's top rule: the first row that is dark across most of the page's width
    rule = next(y for y in dark_rows if sum(pixels[x, y] < 128 for x in range(width)) > width * 0.6)
    head = [y for y in dark_rows if y < rule]
    assert head, "第2页没有页眉（……签到表，续）"
    gap_mm = (rule - max(head)) / dpi * 25.4
    assert gap_mm >= 2.0, f"页眉离表格只有 {gap_mm:.1f} mm"
    assert min(head) / dpi * 25.4 >= 10  # and it stays clear of the paper's edge for a copier


def test_download_names_carry_the_lesson(real: Corpus) -> None:
    lesson = real.lessons["aqj-fangqiling"]
    assert download_name(lesson, "讲义") == "家长课-孩子被欺负了，或者欺负了别人-讲义.pdf"
    names = {download_name(real.lessons[i], "讲义") for i in real.lessons}
    assert len(names) == len({(real.lessons[i].audience, real.lessons[i].title) for i in real.lessons})
    for name in names:
        assert not set(name) & set('\\/:*?"<>|{}'), name  # Windows refuses these; braces would break attr_list
    student = next(lesson for lesson in real.lessons.values() if lesson.audience == "学生")
    assert download_name(student, "签到表").startswith("学生课-")


def test_lesson_page_links_the_help_card_with_its_name(real: Corpus, tmp_path: Path) -> None:
    from generator.models.download import Download
    from generator.render.pages import PageBuilder

    lesson = real.lessons["gz-xinli-weiji"]
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    downloads = [Download(owner=lesson.id, uri=f"print/lessons/{lesson.id}/{name}", label=label, kind=kind, path=pdf,
                          filename=download_name(lesson, label))
                 for kind, name, label, _job in lesson_jobs(lesson, real.courses[real.lesson_course[lesson.id]], "")]
    page = PageBuilder(real, downloads).lesson_page(lesson)
    assert f"print/lessons/{lesson.id}/qiuzhu-ka.pdf" in page
    assert f'download="家长课-{lesson.title}-求助卡.pdf"' in page
    assert "求助卡" in page.split("!!! tip \"课前准备\"")[0]  # among the buttons above the preparation box


def test_print_with_a_school_needs_only_its_name(mini_project: Path, tmp_path: Path) -> None:
    kg = tmp_path / "kg.yml"
    kg.write_text("name: 青山县实验幼儿园\ntype: 幼儿园\n# 其余内容还没有写\n", encoding="utf-8")
    out = tmp_path / "out"
    result = gongyu("--root", str(mini_project), "print", "demo-form", "--school", str(kg), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "demo-form.pdf").is_file()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out / "demo-form.pdf"), "-"], capture_output=True, text=True).stdout
        assert "青山县实验幼儿园" in text

    nameless = tmp_path / "nameless.yml"
    nameless.write_text("type: 幼儿园\n", encoding="utf-8")
    result = gongyu("--root", str(mini_project), "print", "demo-form", "--school", str(nameless), "--out", str(out))
    assert result.returncode == 1
    assert f"{nameless}:1:1:" in result.stderr or "nameless.yml:1:1:" in result.stderr
    assert "name" in result.stderr and "--draft" in result.stderr and "Traceback" not in result.stderr
    result = gongyu("--root", str(mini_project), "print", "demo-form", "--school", str(nameless), "--out", str(out),
                    "--draft")
    assert result.returncode == 0, result.stderr
