"""What a rural class teacher sees on a black-and-white photocopy of the lesson printables.

Each check reads the PDF with tools other than Typst: pypdf (:mod:`tests.pdfscan`) for type sizes,
poppler's ``pdffonts`` for faces and ``pdftotext -bbox`` for where the row numbers stand.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from generator.render import printables
from generator.load.corpus import Corpus
from generator.pipeline import load_corpus
from tests import pdfscan
from tests.test_printables import REPO, SITE, _write, needs_poppler, pdf_fonts, pdf_pages

#: Families in one class that a sign-in sheet must hold (one row each).
CLASS_SIZE = 50
#: Smallest comfortable handwriting space, mm.
MIN_ROW_MM = 7.0
MM_PER_PT = 25.4 / 72
#: Lessons of the 家长学校 and safety courses the teacher prints: a one-page and a two-page handout
#: each, and a lesson for pupils (other columns on the sign-in sheet).
LESSONS = ("xg-gedai-peiban", "aqj-fangnishui", "aqs-fangnishui")


@pytest.fixture(scope="module")
def real() -> Corpus:
    return load_corpus(REPO)


def _lesson(real: Corpus, lesson_id: str):
    course = next(c for c in real.courses.values() if lesson_id in c.lessons)
    return real.lessons[lesson_id], course


def _row_numbers(path: Path) -> list[tuple[int, int, float]]:
    """(page, number, top in mm) of each bare number in the sign-in table's first column."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout
    rows = []
    for page, body in enumerate(html.split("<page ")[1:], start=1):
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', body):
            if word.isdigit() and float(x) < 100:  # the 序号 column, at the left margin
                rows.append((page, int(word), float(y) * MM_PER_PT))
    return rows


@needs_poppler
@pytest.mark.parametrize("lesson_id", LESSONS)
def test_large_print_is_18_pt_everywhere_including_footer_and_captions(tmp_path: Path, real: Corpus,
                                                                        lesson_id: str) -> None:
    lesson, course = _lesson(real, lesson_id)
    path = _write(tmp_path, "large.pdf", printables.render_handout(lesson, course, SITE, large=True))
    small = sorted({round(t.size, 1) for page in pdfscan.scan(path) for t in page.texts if t.size < 17.95})
    assert not small, f"大字版里有小于 18 磅的字：{small} 磅"
    if pdf_pages(path) > 1:  # the page numbers are there, in large print too
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, encoding="utf-8",
                              check=True).stdout
        assert re.search(r"第\s*2\s*页，共\s*2\s*页", text), "两页的大字版应印页码"


@needs_poppler
@pytest.mark.parametrize("lesson_id", LESSONS)
@pytest.mark.parametrize("school", [None, "青山县石桥镇青山小学"])
def test_signin_sheet_holds_a_class_of_50_on_two_pages(tmp_path: Path, real: Corpus, lesson_id: str,
                                                       school: str | None) -> None:
    lesson, course = _lesson(real, lesson_id)
    path = _write(tmp_path, "signin.pdf", printables.render_signin(lesson, course, school_name=school))
    assert pdf_pages(path) == 2, "签到表应正好两页（一张纸正反面）"
    rows = _row_numbers(path)
    assert [n for _, n, _ in rows] == list(range(1, len(rows) + 1))
    assert len(rows) >= CLASS_SIZE, f"签到表只有 {len(rows)} 行，一个班 {CLASS_SIZE} 户家长不够"
    pitches = [b[2] - a[2] for a, b in zip(rows, rows[1:]) if a[0] == b[0]]
    assert min(pitches) >= MIN_ROW_MM, f"签到表行距只有 {min(pitches):.1f} mm，不好手写"


@needs_poppler
@pytest.mark.parametrize("kind", ["signin", "feedback"])
def test_sheets_print_in_sans_only(tmp_path: Path, real: Corpus, kind: str) -> None:
    """Thin serif strokes break up on a worn copier: every face on the sheets is a sans (黑体) one."""
    lesson, course = _lesson(real, LESSONS[0])
    render = printables.render_signin if kind == "signin" else printables.render_feedback
    path = _write(tmp_path, f"{kind}.pdf", render(lesson, course))
    faces = [row["name"] for row in pdf_fonts(path)]
    assert faces and not [f for f in faces if "serif" in f.lower() or "song" in f.lower() or "fang" in f.lower()], faces


def _ink_margins_mm(path: Path, page: int, dpi: int = 100) -> tuple[float, float, float, float]:
    """Left, top, right, bottom distance (mm) from the paper's edge to the nearest dark pixel."""
    from tests.test_paper import gray_page

    image = gray_page(path, page, dpi)
    box = image.point(lambda v: 255 if v < 200 else 0).getbbox()
    mm = 25.4 / dpi
    return box[0] * mm, box[1] * mm, (image.width - box[2]) * mm, (image.height - box[3]) * mm


#: A copier shifts the page by up to 3 mm and loses up to ~5 mm at the edge: nothing printed,
#: page numbers and running heads included, comes closer than this to any edge.
MIN_EDGE_MM = 10.0


@needs_poppler
@pytest.mark.parametrize("kind", ["signin", "handout-large", "form", "form-landscape"])
def test_page_numbers_and_running_heads_keep_10_mm_from_the_edge(tmp_path: Path, real: Corpus, kind: str) -> None:
    lesson, course = _lesson(real, LESSONS[0])
    if kind == "signin":
        pdf = printables.render_signin(lesson, course)
    elif kind == "handout-large":
        pdf = printables.render_handout(lesson, course, SITE, large=True)
    else:  # a three-page portrait form, and a landscape one
        pdf = printables.render_form(real.forms["jiafang-jilu" if kind == "form" else "daili-wugeyi"])
    path = _write(tmp_path, f"{kind}.pdf", pdf)
    assert pdf_pages(path) > 1  # so there is a page number (and on the sign-in sheet a running head)
    for page in range(1, pdf_pages(path) + 1):
        margins = _ink_margins_mm(path, page)
        assert min(margins) >= MIN_EDGE_MM, f"第 {page} 页离纸边只有 {min(margins):.1f} mm（左上右下 {margins}）"


@needs_poppler
@pytest.mark.parametrize("form_id", ["qiangzhi-baogao", "tingke-jujia"])
def test_the_school_name_does_not_push_a_one_page_form_onto_two(tmp_path: Path, real: Corpus, form_id: str) -> None:
    """Headed with a school's name (a pack, or `gongyu print --school`), a one-page form stays one sheet:
    before, its 填表说明 alone spilled onto a second page and the form fell back to a two-page layout."""
    plain = _write(tmp_path, "plain.pdf", printables.render_form(real.forms[form_id]))
    headed = _write(tmp_path, "headed.pdf", printables.render_form(real.forms[form_id], school_name="青山县石桥镇青山小学"))
    assert pdf_pages(plain) == 1
    assert pdf_pages(headed) == 1, "印上学校名称后，一页的表格变成了两页"
    text = subprocess.run(["pdftotext", str(headed), "-"], capture_output=True, text=True, encoding="utf-8",
                          check=True).stdout
    assert "青山县石桥镇青山小学" in text and "填表说明" in text
    assert min(_ink_margins_mm(headed, 1)) >= MIN_EDGE_MM


@needs_poppler
def test_check_box_options_are_not_stretched_letter_by_letter(tmp_path: Path, real: Corpus) -> None:
    """A long option that wraps was justified: "监 护 人 无 监 护 能 力" with gaps a copy makes hard to read."""
    path = _write(tmp_path, "form.pdf", printables.render_form(real.forms["qiangzhi-baogao"], school_name="青山县石桥镇青山小学"))
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, encoding="utf-8",
                          check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)
    option = [(float(x1) - float(x0), float(y1) - float(y0), w) for x0, y0, x1, y1, w in words if w.startswith("监护人无")]
    assert option, "找不到选项“监护人无监护能力……”"
    for width, height, word in option:  # each character advances by about its own size (an em)
        assert width / len(word) <= 1.05 * height, f"“{word}”被拉开了：每字 {width / len(word):.1f} pt，字号 {height:.1f} pt"


def _cell_width_mm(path: Path, word: str) -> float:
    """Width of the ruled table cell holding the header ``word`` on page 1, from the rules in a 150-dpi render."""
    from tests.test_paper import gray_page

    image = gray_page(path, 1, 150)
    px = image.load()
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                          text=True, encoding="utf-8", check=True).stdout
    boxes = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">' + re.escape(word) + "</word>", html)
    assert boxes, word
    x0, y0, x1, y1 = (float(v) * 150 / 72 for v in boxes[0])
    y, left, right = int((y0 + y1) / 2), int(x0) - 2, int(x1) + 2
    while left > 0 and px[left, y] > 100:  # out to the rules either side (dark pixels)
        left -= 1
    while right < image.width - 1 and px[right, y] > 100:
        right += 1
    return (right - left) / 150 * 25.4


#: Room to write an 11-digit phone number by hand (about 2.7 mm a digit), and a name beside it.
PHONE_MM, NAME_AND_PHONE_MM = 30.0, 42.0


@needs_poppler
def test_phone_number_columns_hold_eleven_handwritten_digits(tmp_path: Path, real: Corpus) -> None:
    checked = []
    for form_id, form in sorted(real.forms.items()):
        labels = [c.label for b in form.blocks if getattr(b, "table", None) for c in b.table.columns]
        phones = [label for label in labels if "电话" in label or "联系方式" in label]
        if not phones:
            continue
        path = _write(tmp_path, f"{form_id}.pdf", printables.render_form(form))
        for label in phones:
            need = NAME_AND_PHONE_MM if re.search("[及和]", label) else PHONE_MM
            width = _cell_width_mm(path, label)
            checked.append((form_id, label, round(width)))
            assert width >= need, f"{form_id}：“{label}”一栏只有 {width:.0f} mm 宽，写不下 11 位手机号（至少 {need:.0f} mm）"
    assert len(checked) >= 3, checked


@pytest.fixture(scope="module")
def qingshan_pack(tmp_path_factory: pytest.TempPathFactory, real: Corpus) -> Path:
    from generator.packs import build_pack

    return build_pack(real.schools["qingshan-xiaoxue"], real, tmp_path_factory.mktemp("pack"))


@needs_poppler
def test_each_attachment_number_in_a_plan_leads_to_its_form_in_the_pack(qingshan_pack: Path) -> None:
    """A plan says “填写附件9”; the forms/ folder has English file names and no numbers. The README
    says, plan by plan, which file each 附件 number is, and that file is the form of that title."""
    readme = (qingshan_pack / "README.txt").read_text(encoding="utf-8-sig")
    checked = 0
    for plan_pdf in sorted(qingshan_pack.glob("*.pdf")):
        text = subprocess.run(["pdftotext", "-layout", str(plan_pdf), "-"], capture_output=True, text=True,
                              encoding="utf-8", check=True).stdout
        tail = text[text.rfind("附件："):] if "附件：" in text else ""
        listed = re.findall(r"^\s*(?:附件：)?(\d+)\. (\S+)", tail, re.MULTILINE)
        if not listed:
            continue
        section = readme[readme.index(f"（{plan_pdf.stem}.pdf）的附件"):].split("\r\n  《")[0]
        for number, title in listed:
            match = re.search(rf"附件{number}\s+{re.escape(title)}\s+forms/([\w-]+\.pdf)", section)
            assert match, f"README 没有说 {plan_pdf.name} 的附件{number}（{title}）是哪个文件"
            form = subprocess.run(["pdftotext", "-l", "1", str(qingshan_pack / "forms" / match.group(1)), "-"],
                                  capture_output=True, text=True, encoding="utf-8", check=True).stdout
            assert title in form.replace("\n", ""), (match.group(1), title)
            checked += 1
    assert checked >= 15, checked


#: A box a parent or grandparent ticks by hand.
MIN_TICK_BOX_MM = 5.0


@needs_poppler
def test_feedback_tick_boxes_are_5_mm(tmp_path: Path, real: Corpus) -> None:
    """The boxes of the five-point rows, measured in a 150-dpi render inside the first row's cells."""
    from tests.test_paper import gray_page

    lesson, course = _lesson(real, LESSONS[0])
    path = _write(tmp_path, "feedback.pdf", printables.render_feedback(lesson, course))
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                          text=True, encoding="utf-8", check=True).stdout
    words = [(float(x0), float(y0), float(x1), float(y1), w) for x0, y0, x1, y1, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]
    head = next(w for w in words if w[4] == "完全能")
    row = next(w for w in words if w[4] == "1" and w[0] < 100 and w[1] > head[3])
    dpi = 150
    s = dpi / 72
    cx, cy = (head[0] + head[2]) / 2 * s, (row[1] + row[3]) / 2 * s
    half_w, half_h = 6 / 25.4 * dpi, 3.6 / 25.4 * dpi  # inside the cell, clear of its rules
    image = gray_page(path, 1, dpi).crop((round(cx - half_w), round(cy - half_h), round(cx + half_w), round(cy + half_h)))
    box = image.point(lambda v: 255 if v < 128 else 0).getbbox()
    assert box, "反馈表第一行没有方框"
    width, height = ((box[2] - box[0]) / dpi * 25.4, (box[3] - box[1]) / dpi * 25.4)
    assert min(width, height) >= MIN_TICK_BOX_MM - 0.2, f"打勾的方框只有 {width:.1f}×{height:.1f} mm"
