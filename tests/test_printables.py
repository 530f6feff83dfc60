"""Printables: handouts, large print, sign-in sheets, feedback forms and blank forms (PDF via Typst).

Each test builds a tiny corpus of its own in ``tmp_path``; PDFs are checked with poppler's tools
(``pdftotext``, ``pdffonts``, ``pdftoppm``, ``pdfinfo``), skipped when those are not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.base.fonts import find_fonts
from generator.errors import GongyuError
from generator.load.corpus import Corpus
from generator.models import Course, Form, Lesson
from generator.pipeline import load_corpus
from generator.render import printables
from generator.render.pdf import typst_engine
from generator.render.printables import forms as print_forms
from generator.write.cache import Cache
from generator.write.printables import site_printables

from .conftest import REPO
from .helpers import (
    HOSTILE,
    LESSON,
    SITE,
    dump_yaml,
    needs_poppler,
    pdf_fonts,
    pdf_pages,
    pdf_text,
    squash,
    write_pdf,
)

# ------------------------------------------------------------------------------------------------
# Handouts
# ------------------------------------------------------------------------------------------------


@needs_poppler
def test_handout_embeds_subset_cjk_fonts_and_shows_the_title(tmp_path: Path, lesson: Lesson, course: Course) -> None:
    path = write_pdf(tmp_path, "handout.pdf", printables.render_handout(lesson, course, SITE + "lessons/demo-lesson/"))
    fonts = pdf_fonts(path)
    assert fonts, "讲义里没有字体"
    assert all(row["emb"] == "yes" and row["sub"] == "yes" for row in fonts), fonts
    family = re.sub(r"\W", "", find_fonts().family("sans")).lower()[:8]
    assert any(family in row["name"].lower() for row in fonts), (family, fonts)
    text = squash(pdf_text(path))
    for expected in (lesson.title, course.title, "小学低年级", "60分钟", "本课要点", "亲子作业", "带回家的要点",
                     lesson.home_practice[0], lesson.take_home[0]):
        assert squash(expected) in text, expected
    # the organiser's 课前准备 is on the organiser's sheet, never on what families take home
    assert "课前准备" not in text and squash(lesson.preparation[0]) not in text
    assert pdf_pages(path) <= 2


@needs_poppler
def test_handout_qr_code_decodes_to_the_lesson_page(tmp_path: Path, lesson: Lesson, course: Course) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    url = SITE + "lessons/demo-lesson/"
    for large in (False, True):
        path = write_pdf(tmp_path, f"h{int(large)}.pdf", printables.render_handout(lesson, course, url, large=large))
        prefix = tmp_path / f"page{int(large)}"
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(prefix)],
                       check=True)
        found = [r.text for r in zxingcpp.read_barcodes(Image.open(f"{prefix}.png"))]
        assert found == [url]


def test_handout_without_url_has_no_qr_code(lesson: Lesson, course: Course) -> None:
    job = printables.handout_job(lesson, course, "")
    assert printables._prepare(job.attempts[0][0])["qr"] is None
    assert printables.render_handout(lesson, course, "").startswith(b"%PDF-")


@needs_poppler
def test_large_print_is_bigger_and_regular_within_two_pages(tmp_path: Path, corpus: Corpus, course: Course) -> None:
    for lesson_id in ("demo-lesson", "demo-long"):
        lesson = corpus.lessons[lesson_id]
        regular = write_pdf(tmp_path, f"{lesson_id}.pdf", printables.render_handout(lesson, course, SITE))
        large = write_pdf(tmp_path, f"{lesson_id}-large.pdf", printables.render_handout(lesson, course, SITE, large=True))
        assert pdf_pages(regular) <= 2
        assert pdf_pages(large) >= pdf_pages(regular)
        assert squash(lesson.title) in squash(pdf_text(large))
    # the large variant is laid out at 18 pt only (see test_paper for the last page)
    job = printables.handout_job(corpus.lessons["demo-lesson"], course, SITE, large=True)
    assert {data["size"] for data, _ in job.attempts} == {18}
    assert max(data["size"] for data, _ in printables.handout_job(corpus.lessons["demo-lesson"], course, SITE).attempts) < 14


# ------------------------------------------------------------------------------------------------
# Sign-in sheet and feedback form
# ------------------------------------------------------------------------------------------------


@needs_poppler
def test_signin_sheet_has_the_columns_and_fills_two_pages(tmp_path: Path, lesson: Lesson, course: Course) -> None:
    path = write_pdf(tmp_path, "signin.pdf", printables.render_signin(lesson, course))
    text = pdf_text(path)
    for column in ("序号", "学生姓名", "班级", "家长姓名", "与学生关系", "签名"):
        assert column in text, column
    for header in ("签到表", "日期", "地点", squash(lesson.title)):
        assert header in squash(text), header
    assert pdf_pages(path) == 2
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\s*$", text, re.MULTILINE)]
    assert max(numbers) >= 40, "签到表应当能签 40 人（两页连续编号）"


@needs_poppler
def test_signin_sheet_can_carry_a_school_name(tmp_path: Path, lesson: Lesson, course: Course) -> None:
    path = write_pdf(tmp_path, "signin.pdf", printables.render_signin(lesson, course, school_name="某某县实验小学"))
    assert "某某县实验小学" in pdf_text(path)


@needs_poppler
def test_feedback_questions_follow_the_objectives(tmp_path: Path, lesson: Lesson, course: Course) -> None:
    path = write_pdf(tmp_path, "feedback.pdf", printables.render_feedback(lesson, course))
    text = squash(pdf_text(path))
    rated, open_questions = printables.feedback_questions(lesson)
    assert rated == list(lesson.objectives)
    positions = [text.find(squash(objective)) for objective in lesson.objectives]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions), "目标应按原顺序出现"
    for label in ("完全能", "基本能", "说不准", "不太能", "不能"):
        assert label in text
    assert len(open_questions) == 3
    assert [q for q in open_questions if "最有用" in q] and [q for q in open_questions if "建议" in q]
    assert [q for q in open_questions if "回家" in q]
    for question in open_questions:
        assert squash(question) in text
    assert pdf_pages(path) == 1


# ------------------------------------------------------------------------------------------------
# Blank forms
# ------------------------------------------------------------------------------------------------


@needs_poppler
def test_every_form_block_kind_renders(tmp_path: Path, form: Form) -> None:
    path = write_pdf(tmp_path, "form.pdf", printables.render_form(form))
    text = squash(pdf_text(path))
    for expected in ("演示登记表", "基本情况", "这是一段说明文字。", "学生班级", "性别", "男", "女", "家庭住址",
                     "情况说明", "序号", "日期", "发生了什么", "班主任（签字）", "学校（盖章）", "填表说明",
                     "填表说明的文字。"):
        assert squash(expected) in text, expected
    blocks = printables.form_job(form).attempts[0][0]["blocks"]
    kinds = {inner["kind"] for block in blocks for inner in block.get("blocks", [block])}
    assert kinds == {"heading", "text", "fields", "table", "signatures"}


@needs_poppler
def test_form_is_blank_by_default_and_headed_with_a_school_on_request(tmp_path: Path, form: Form) -> None:
    blank = pdf_text(write_pdf(tmp_path, "blank.pdf", printables.render_form(form)))
    headed = pdf_text(write_pdf(tmp_path, "headed.pdf", printables.render_form(form, school_name="青山镇中心小学")))
    assert "青山镇中心小学" not in blank
    assert "青山镇中心小学" in headed


@needs_poppler
def test_landscape_form_is_landscape(tmp_path: Path, corpus: Corpus) -> None:
    path = write_pdf(tmp_path, "wide.pdf", printables.render_form(corpus.forms["demo-wide"]))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())  # type: ignore[union-attr]
    assert width > height
    assert "第9栏" in squash(pdf_text(path))  # a narrow head may wrap


def test_field_rows_fill_each_row() -> None:
    from generator.models.form import FieldsBlock

    block = FieldsBlock.model_validate({"columns": 3, "fields": [
        {"label": "甲"}, {"label": "乙"}, {"label": "宽", "wide": True}, {"label": "丙"}, {"label": "多行", "lines": 2},
    ]})
    rows = print_forms._field_rows(block)
    assert [[(c["label"], c["span"]) for c in row] for row in rows] == [
        [("甲", 1), ("乙", 2)], [("宽", 3)], [("丙", 1), ("多行", 2)],
    ]
    assert [c["stacked"] for row in rows for c in row] == [False, False, False, False, False]


# ------------------------------------------------------------------------------------------------
# Safety and reproducibility
# ------------------------------------------------------------------------------------------------


@needs_poppler
def test_hostile_text_prints_literally(tmp_path: Path, lesson: Lesson, course: Course, form: Form) -> None:
    for name, pdf in (("handout.pdf", printables.render_handout(lesson, course, SITE)),
                      ("large.pdf", printables.render_handout(lesson, course, SITE, large=True)),
                      ("form.pdf", printables.render_form(form, school_name=HOSTILE))):
        text = squash(pdf_text(write_pdf(tmp_path, name, pdf)))
        assert squash(HOSTILE) in text, name
        assert "49" not in text  # {{ 7*7 }} was not evaluated by anything


def test_same_input_gives_the_same_bytes(lesson: Lesson, course: Course, form: Form) -> None:
    assert printables.render_handout(lesson, course, SITE) == printables.render_handout(lesson, course, SITE)
    assert printables.render_signin(lesson, course) == printables.render_signin(lesson, course)
    assert printables.render_form(form) == printables.render_form(form)


def test_same_bytes_in_a_fresh_process(tmp_path: Path, project: Path, form: Form) -> None:
    """A new process (cold fonts, new compilers) produces the very same file."""
    script = (
        "import sys; from pathlib import Path\n"
        "from generator.pipeline import load_corpus\n"
        "from generator.render.printables import render_form\n"
        "corpus = load_corpus(Path(sys.argv[1]))\n"
        "sys.stdout.buffer.write(render_form(corpus.forms['demo-form']))\n"
    )
    fresh = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, check=True, cwd=REPO).stdout
    assert fresh == printables.render_form(form)


def test_pdf_has_no_creation_date(lesson: Lesson, course: Course) -> None:
    pdf = printables.render_handout(lesson, course, SITE)
    assert b"/CreationDate" not in pdf and b"/ModDate" not in pdf


def test_missing_cjk_font_fails_before_rendering(monkeypatch: pytest.MonkeyPatch, lesson: Lesson, course: Course,
                                                 corpus: Corpus, tmp_path: Path) -> None:
    def no_fonts(*, refresh: bool = False):  # type: ignore[no-untyped-def]
        raise GongyuError("找不到中文字体，无法生成 PDF。请安装中文字体：sudo apt-get install fonts-noto-cjk")

    monkeypatch.setattr(typst_engine, "find_fonts", no_fonts)
    monkeypatch.setattr(typst_engine, "_engine", None)
    with pytest.raises(GongyuError, match="fonts-noto-cjk"):
        printables.render_handout(lesson, course, SITE)
    with pytest.raises(GongyuError, match="fonts-noto-cjk"):
        site_printables(corpus, SITE, Cache(tmp_path / "cache"))
    # the cache folder is claimed (its marker) when opened, but no object was written into it
    assert [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()] in ([], [".gongyu-output"])


# ------------------------------------------------------------------------------------------------
# The site's downloads and the cache
# ------------------------------------------------------------------------------------------------


def test_site_printables_records_and_cache(tmp_path: Path, project: Path) -> None:
    corpus = load_corpus(project)
    cache = Cache(tmp_path / "cache")
    engine = typst_engine.get_engine()

    before = engine.compiles
    downloads = site_printables(corpus, SITE, cache)
    assert engine.compiles > before
    uris = {d.uri: d for d in downloads}
    for lesson_id in ("demo-lesson", "demo-long"):
        for name, label in (("handout.pdf", "讲义"), ("handout-large.pdf", "大字版讲义"),
                            ("signin.pdf", "签到表"), ("feedback.pdf", "反馈表"), ("organiser.pdf", "组织者用页")):
            record = uris[f"print/lessons/{lesson_id}/{name}"]
            assert (record.owner, record.label) == (lesson_id, label)
            assert record.path.is_file() and record.path.read_bytes().startswith(b"%PDF-")
            assert cache.folder in record.path.parents
    for form_id in ("demo-form", "demo-wide"):
        record = uris[f"print/forms/{form_id}.pdf"]
        assert (record.owner, record.label, record.kind) == (form_id, "空白表格", "form")
    assert len(downloads) == 2 * 5 + 2  # no 求助卡: neither lesson's preparation asks for one

    # nothing changed: every file comes from the cache
    before = engine.compiles
    again = site_printables(corpus, SITE, cache)
    assert engine.compiles == before
    assert [(d.uri, d.path) for d in again] == [(d.uri, d.path) for d in downloads]

    # another site address changes the handouts (QR code) and nothing else
    before = engine.compiles
    moved = {d.uri: d.path for d in site_printables(corpus, "https://jx.hexi.edu.cn/", cache)}
    changed = sorted(uri for uri, path in moved.items() if path != uris[uri].path)
    assert changed == sorted(f"print/lessons/{lid}/{name}" for lid in ("demo-lesson", "demo-long")
                             for name in ("handout.pdf", "handout-large.pdf"))
    assert engine.compiles > before

    # an edited lesson is rendered again; the other lesson is not
    edited = dict(LESSON, title="睡前十分钟（修订）")
    dump_yaml(project / "courses" / "demo-course" / "demo-lesson.yml", edited)
    corpus = load_corpus(project)
    fresh = {d.uri: d.path for d in site_printables(corpus, SITE, cache)}
    assert fresh["print/lessons/demo-lesson/signin.pdf"] != uris["print/lessons/demo-lesson/signin.pdf"].path
    assert fresh["print/lessons/demo-long/signin.pdf"] == uris["print/lessons/demo-long/signin.pdf"].path


def test_site_url_must_be_complete(corpus: Corpus, tmp_path: Path) -> None:
    with pytest.raises(GongyuError, match="http"):
        site_printables(corpus, "gongyu.example.org", Cache(tmp_path / "cache"))
    assert printables.page_url("https://a.org", "lessons/x/") == "https://a.org/lessons/x/"
    assert printables.page_url("", "lessons/x/") == ""


# ------------------------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str]:
    from generator.cli.main import main

    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_cli_prints_a_lesson(project: Path) -> None:
    code, output = _cli("--root", str(project), "print", "demo-lesson", "--site-url", SITE)
    assert code == 0, output
    folder = project / "dist" / "print" / "demo-lesson"
    assert sorted(p.name for p in folder.iterdir()) == ["feedback.pdf", "handout-large.pdf", "handout.pdf", "organiser.pdf",
                                                              "signin.pdf"]
    assert "共 5 个 PDF" in output


def test_cli_prints_a_plan_and_a_course(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = _cli("--root", str(project), "print", "demo-plan", "--out", str(out))
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == ["demo-form.pdf", "demo-wide.pdf"]
    assert "二维码" not in output  # a plan has no handouts
    code, output = _cli("--root", str(project), "print", "demo-course", "--out", str(tmp_path / "course"))
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "course").iterdir()) == ["demo-lesson", "demo-long"]


def test_cli_prints_a_form_for_a_school(project: Path, tmp_path: Path) -> None:
    school = {
        "id": "demo-school", "name": "演示县青山小学", "type": "小学",
        "place": {"province": "贵州省", "county": "某县"}, "authority": "某县教育局", "year": "2026-2027",
        "plans": [{"plan": "demo-plan"}],
    }
    dump_yaml(tmp_path / "school.yml", school)
    out = tmp_path / "out"
    code, output = _cli("--root", str(project), "print", "demo-form", "--school", str(tmp_path / "school.yml"),
                        "--out", str(out))
    assert code == 0, output
    if shutil.which("pdftotext"):
        assert "演示县青山小学" in pdf_text(out / "demo-form.pdf")


def test_cli_explains_unknown_ids_in_chinese(project: Path) -> None:
    code, output = _cli("--root", str(project), "print", "demo-lesso")
    assert code == 1
    assert "找不到编号为“demo-lesso”的内容" in output and "demo-lesson" in output
    code, output = _cli("--root", str(project), "print", "demo-form", "--school", str(project / "nope.yml"))
    assert code == 1 and "找不到学校档案" in output
