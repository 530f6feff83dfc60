"""Printables that survive the photocopier (issue 13, "Paper") and the documents of issue 12.

Every check reads the PDF with a tool other than Typst: pypdf (:mod:`tests.pdfscan`) for type
sizes, colours and strokes, poppler for text, pages and pixels, zxing-cpp for the QR code.
"""

from __future__ import annotations

import io
import random
import re
import subprocess
from pathlib import Path

import pytest

from generator.render import printables
from generator.load.corpus import Corpus
from generator.pipeline import load_corpus
from generator.models import Course, Form, Lesson
from tests import pdfscan
from tests.test_printables import (  # noqa: F401  (fixtures)
    LESSON,
    REPO,
    SITE,
    _dump,
    _write,
    corpus,
    course,
    form,
    lesson,
    needs_poppler,
    pdf_fonts,
    pdf_pages,
    project,
    squash,
)

#: At least 60 % black: the darkest a light grey may be and still survive a copy.
MAX_LUMA = 0.40
MM_PER_PT = 25.4 / 72

#: The documents issue 12 asks for, by the ids the plans use.
DOCUMENTS = ("zhi-jiazhang-xin", "changyishu", "qiling-zicha-baogao", "jujia-xuexi-xuzhi", "weituo-zhaohu",
             "yingji-yanlian-jilu", "yinhuan-paicha-jilu", "xinli-zhuanjie", "jiaweihui-zhangcheng")


def page_texts(path: Path) -> list[str]:
    """The text of each page (pdftotext puts a form feed between pages)."""
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         text=True, encoding="utf-8", check=True).stdout
    return out.split("\f")[: pdf_pages(path)]


def gray_page(path: Path, page: int, dpi: int) -> "Image.Image":  # noqa: F821
    from PIL import Image

    png = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", str(path)],
                         capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


@pytest.fixture(scope="module")
def real() -> Corpus:
    return load_corpus(REPO)


def _sheets(tmp_path: Path, lesson: Lesson, course: Course, form: Form) -> dict[str, Path]:
    return {
        "signin": _write(tmp_path, "signin.pdf", printables.render_signin(lesson, course)),
        "feedback": _write(tmp_path, "feedback.pdf", printables.render_feedback(lesson, course)),
        "form": _write(tmp_path, "form.pdf", printables.render_form(form)),
    }


# ------------------------------------------------------------------------------------------------
# Sign-in sheet
# ------------------------------------------------------------------------------------------------


@needs_poppler
def test_signin_sheet_holds_40_names_numbered_on_over_two_pages(tmp_path: Path, lesson: Lesson, course: Course) -> None:
    path = _write(tmp_path, "signin.pdf", printables.render_signin(lesson, course))
    pages = page_texts(path)
    assert len(pages) == 2
    numbers = [[int(n) for n in re.findall(r"^\s*(\d+)\s", text, re.MULTILINE)] for text in pages]
    flat = numbers[0] + numbers[1]
    assert flat == list(range(1, len(flat) + 1)), "序号应从 1 起连续编号，第二页接着第一页"
    assert len(flat) >= 40 and numbers[1][0] == numbers[0][-1] + 1
    for text in pages:  # the column heads repeat on the second page
        assert "序号" in text and "签名" in text
    assert "续" in pages[1] and "实到" in pages[1]


# ------------------------------------------------------------------------------------------------
# Type sizes, colours, strokes
# ------------------------------------------------------------------------------------------------


def test_every_form_text_is_at_least_11_pt(tmp_path: Path, lesson: Lesson, course: Course, form: Form) -> None:
    for name, path in _sheets(tmp_path, lesson, course, form).items():
        sizes = [t.size for page in pdfscan.scan(path) for t in page.texts]
        assert sizes and min(sizes) >= 11 - 0.01, (name, min(sizes))


def test_text_rules_and_writing_guides_survive_a_copy(tmp_path: Path, lesson: Lesson, course: Course,
                                                     form: Form) -> None:
    paths = _sheets(tmp_path, lesson, course, form)
    paths["handout"] = _write(tmp_path, "handout.pdf", printables.render_handout(lesson, course, SITE))
    paths["large"] = _write(tmp_path, "large.pdf", printables.render_handout(lesson, course, SITE, large=True))
    for name, path in paths.items():
        pages = pdfscan.scan(path)
        texts = [t for page in pages for t in page.texts]
        strokes = [s for page in pages for s in page.strokes]
        assert max(t.luma for t in texts) <= MAX_LUMA, name
        assert strokes and max(s.luma for s in strokes) <= MAX_LUMA, name
        assert min(s.width for s in strokes) >= 0.5, name
        # no dotted guides: every dash is at least 2 pt long
        assert all(min(s.dash) >= 2 for s in strokes if s.dash), (name, {tuple(s.dash) for s in strokes})


@needs_poppler
def test_handouts_print_in_sans(tmp_path: Path, lesson: Lesson, course: Course) -> None:
    for large in (False, True):
        path = _write(tmp_path, f"h{large}.pdf", printables.render_handout(lesson, course, SITE, large=large))
        names = [row["name"] for row in pdf_fonts(path)]
        assert names and not [n for n in names if "serif" in n.lower() or "song" in n.lower()], names


# ------------------------------------------------------------------------------------------------
# Rows and boxes stay whole; table headers repeat
# ------------------------------------------------------------------------------------------------

TALL_FORM = {
    "id": "demo-tall",
    "title": "很长的登记表",
    "purpose": "测试分页。",
    "blocks": [
        {"fields": [{"label": f"栏目{n:02d}", "lines": 4, "wide": True} for n in range(1, 13)]},
        {"table": {"columns": [{"label": "日期"}, {"label": "记录内容", "width": 4}], "rows": 45}},
    ],
}


@needs_poppler
def test_rows_never_split_and_headers_repeat(tmp_path: Path, project: Path) -> None:
    _dump(project / "plans" / "forms" / "demo-tall.yml", TALL_FORM)
    path = _write(tmp_path, "tall.pdf", printables.render_form(load_corpus(project).forms["demo-tall"]))
    pages = page_texts(path)
    assert len(pages) >= 3
    scanned = pdfscan.scan(path)
    for number, (text, page) in enumerate(zip(pages, scanned), start=1):
        labels = len(re.findall(r"栏目\s*\d\d", text))
        guides = sum(1 for s in page.strokes if 0.3 <= s.luma <= MAX_LUMA)  # the writing guides' grey
        assert guides == 4 * labels, f"第 {number} 页：{labels} 个栏目却有 {guides} 条书写线（有栏目被分到两页）"
    table_pages = [text for text in pages if re.search(r"^\s*\d+\s*$", text, re.MULTILINE) or "记录内容" in text]
    assert len(table_pages) >= 2
    for text in table_pages:
        assert "记录内容" in text, "换页后表头应重复"
    rows = [int(n) for text in pages for n in re.findall(r"^\s*(\d+)\s*$", text, re.MULTILINE)]
    assert rows == list(range(1, 46))


# ------------------------------------------------------------------------------------------------
# QR code
# ------------------------------------------------------------------------------------------------


def _photocopy(image: "Image.Image", seed: int) -> "Image.Image":  # noqa: F821
    """A worn grey copy: blur, washed-out contrast, speckle noise and JPEG artefacts."""
    from PIL import Image, ImageEnhance, ImageFilter

    worn = image.filter(ImageFilter.GaussianBlur(radius=1.3))
    worn = ImageEnhance.Contrast(worn).enhance(0.45)
    worn = ImageEnhance.Brightness(worn).enhance(1.15)
    rng = random.Random(seed)
    pixels = worn.load()
    for y in range(worn.height):
        for x in range(worn.width):
            if rng.random() < 0.06:
                pixels[x, y] = max(0, min(255, pixels[x, y] + rng.randint(-90, 90)))
    buffer = io.BytesIO()
    worn.save(buffer, format="JPEG", quality=25)
    return Image.open(io.BytesIO(buffer.getvalue()))


@needs_poppler
def test_qr_code_is_25_mm_and_decodes_from_a_worn_150_dpi_copy(tmp_path: Path, lesson: Lesson,
                                                              course: Course) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    url = SITE + "lessons/demo-lesson/"
    assert len(url) <= 60
    for large in (False, True):
        path = _write(tmp_path, f"h{int(large)}.pdf", printables.render_handout(lesson, course, url, large=large))
        page = gray_page(path, 1, 150)
        top = page.crop((0, 0, page.width, page.height // 3))  # the code sits in the header
        clean = zxingcpp.read_barcodes(top)
        assert [r.text for r in clean] == [url]
        corners = clean[0].position
        width_px = ((corners.top_right.x - corners.top_left.x) ** 2 + (corners.top_right.y - corners.top_left.y) ** 2) ** 0.5
        assert width_px / 150 * 25.4 >= 25, f"二维码只有 {width_px / 150 * 25.4:.1f} mm 宽"
        for seed in (1, 2, 3):
            assert [r.text for r in zxingcpp.read_barcodes(_photocopy(top, seed))] == [url], (large, seed)


# ------------------------------------------------------------------------------------------------
# Large print
# ------------------------------------------------------------------------------------------------


def _last_page_fill(path: Path) -> float:
    """How far down the text area of the last page the ink goes (0 … 1), from the pixels."""
    dpi = 50
    image = gray_page(path, pdf_pages(path), dpi)
    px = dpi / 25.4
    top, bottom = round(14 * px), round((297 - 20) * px)  # text area (the 18 pt page numbers are below it)
    ink = image.crop((0, top, image.width, bottom)).point(lambda v: 255 if v < 128 else 0)
    box = ink.getbbox()  # the box around every dark pixel of the text area
    return box[3] / (bottom - top) if box else 0.0


@needs_poppler
@pytest.mark.parametrize("points", [2, 5, 8, 11, 14, 17])
def test_large_print_is_18_pt_and_never_ends_on_a_mostly_empty_page(tmp_path: Path, project: Path,
                                                                   points: int) -> None:
    lesson_data = dict(LESSON, id="demo-lesson", key_points=[
        f"第{n}条：出门要说清去哪里、和谁去、几点回来，到点没回马上找。" for n in range(1, points + 1)])
    _dump(project / "courses" / "demo-course" / "demo-lesson.yml", lesson_data)
    c = load_corpus(project)
    lesson, course = c.lessons["demo-lesson"], c.courses["demo-course"]
    path = _write(tmp_path, "large.pdf", printables.render_handout(lesson, course, SITE, large=True))
    sizes = [round(t.size, 1) for page in pdfscan.scan(path) for t in page.texts]
    assert max(set(sizes), key=sizes.count) == 18.0, "大字版正文应为 18 磅"
    assert all(data["size"] == 18 for data, _ in printables.handout_job(lesson, course, SITE, large=True).attempts)
    if pdf_pages(path) > 1:
        fill = _last_page_fill(path)
        assert fill >= 0.25, f"最后一页只用了 {fill:.0%}"


# ------------------------------------------------------------------------------------------------
# The documents of issue 12
# ------------------------------------------------------------------------------------------------


def test_the_documents_the_plans_call_for_exist(real: Corpus) -> None:
    assert set(DOCUMENTS) <= set(real.forms)
    assert len(real.forms) >= 19


@needs_poppler
@pytest.mark.parametrize("form_id", DOCUMENTS)
def test_each_document_prints_usably(tmp_path: Path, real: Corpus, form_id: str) -> None:
    document = real.forms[form_id]
    path = _write(tmp_path, f"{form_id}.pdf", printables.render_form(document))
    pages = page_texts(path)
    assert squash(document.title) in squash(pages[0])
    assert len(pages) <= 2
    sizes = [t.size for page in pdfscan.scan(path) for t in page.texts]
    assert min(sizes) >= 11 - 0.01
    cut = [b.cut for b in document.blocks if hasattr(b, "cut")]
    if cut:  # the tear-off slip is on the same page as its cut line, signature included
        page = next(text for text in pages if squash(cut[0]) in squash(text))
        assert "回执" in page and "签字" in page.split(cut[0][:4])[-1]
    if form_id == "jiaweihui-zhangcheng":
        text = squash("".join(pages))
        clauses = re.findall(r"第([一二三四五六七八九十]+)条", text)
        assert clauses[:3] == ["一", "二", "三"] and len(clauses) >= 20
        assert "第一章总则" in text


def test_documents_type_no_numbers_of_their_own(real: Corpus) -> None:
    typed = re.compile(r"^(第[一二三四五六七八九十]+[章条]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
    for form_id in DOCUMENTS:
        for block in real.forms[form_id].blocks:
            items = []
            if hasattr(block, "letter"):
                items = [*block.letter.points]
            elif hasattr(block, "clauses"):
                items = [*block.clauses.items] + ([block.clauses.chapter] if block.clauses.chapter else [])
            assert not [i for i in items if typed.match(i)], form_id


def test_letters_and_charters_are_offered_as_print_versions(real: Corpus) -> None:
    from generator.render.printables.forms import form_label

    assert form_label(real.forms["zhi-jiazhang-xin"]) == form_label(real.forms["jiaweihui-zhangcheng"]) == "打印版"
    assert form_label(real.forms["yinhuan-paicha-jilu"]) == "空白表格"


def test_signatures_stay_with_the_section_before_them(tmp_path: Path, real: Corpus) -> None:
    """A long record's sign-off shares its page with the last section, never a page of its own."""
    for form_id in ("jiafang-jilu", "qiling-chuzhi"):
        path = _write(tmp_path, f"{form_id}.pdf", printables.render_form(real.forms[form_id]))
        last = page_texts(path)[-1]
        signature = real.forms[form_id].blocks[-1].signatures[0].label
        assert squash(signature) in squash(last)
        heading = [b.heading for b in real.forms[form_id].blocks if hasattr(b, "heading")][-1]
        assert squash(heading) in squash(last), f"{form_id}：签字栏独占最后一页"
