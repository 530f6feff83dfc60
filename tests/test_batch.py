"""The county batch: the sheet template builds, sheet hints name cells, plan names, 汇总.xlsx, zips,
the progress bar, ``--fonts`` and the fonts reported, and forms stamped with a school's name.

Independent checks where they exist: openpyxl reads 汇总.xlsx back, pdffonts lists the PDF's
fonts, pdftotext and poppler's rasteriser compare a stamped form with one rendered directly.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from generator.cli.main import main
from generator.load.corpus import Corpus
from generator.pipeline import load_corpus
from generator.packs import build_packs
from generator.xlsx import COLUMNS, read_schools, template_bytes

REPO = Path(__file__).resolve().parents[1]
needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm") or not shutil.which("pdffonts"),
                                   reason="需要 poppler-utils")


@pytest.fixture(scope="module")
def real() -> Corpus:
    return load_corpus(REPO, schools=False)


def _template_rows(corpus: Corpus, rows: dict[int, dict[str, object]]) -> bytes:
    """The shipped template with its example row copied to ``rows`` (sheet row → changed cells)."""
    book = load_workbook(io.BytesIO(template_bytes(corpus)))
    sheet = book["学校名单"]
    headers = [c.value for c in sheet[1]]
    example = [c.value for c in sheet[2]]
    for row, changes in rows.items():
        for index, value in enumerate(example, start=1):
            sheet.cell(row=row, column=index).value = value
        sheet.cell(row=row, column=headers.index("学校编号") + 1).value = f"school-{row}"
        # a copy of the example row is another school: a name given twice is refused (issue 21)
        sheet.cell(row=row, column=headers.index("学校名称") + 1).value = f"青山县石桥镇第{row}小学"
        for header, value in changes.items():
            sheet.cell(row=row, column=headers.index(header) + 1).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _run(cwd: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--root", str(REPO), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# --- the template as shipped ---------------------------------------------------------------------

@needs_poppler
def test_the_template_builds_as_shipped_and_reports_its_fonts(tmp_path: Path) -> None:
    from generator.render.pdf.plan import font_report

    sheet = tmp_path / "学校名单.xlsx"
    code, out, err = _run(tmp_path, "school", "xlsx-template", "--out", str(sheet))
    assert code == 0, out + err
    code, out, err = _run(tmp_path, "school", "build", str(sheet), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert code == 0, out + err
    assert "已生成 1 所学校的方案包" in out
    lines = font_report()
    assert all(line in out for line in lines) and "正文：" in out
    pack = tmp_path / "out" / "qingshan-xiaoxue"
    readme = (pack / "README.txt").read_text(encoding="utf-8-sig")
    assert all(line in readme for line in lines)
    # the PDF holds the faces the command reported (pdffonts names embedded subsets)
    fonts = subprocess.run(["pdffonts", str(pack / "kongchuo-baoxue.pdf")], capture_output=True, text=True).stdout
    from generator.render.pdf.plan import gbt_fonts

    chosen = gbt_fonts()
    for role in ("body", "h1", "h2"):
        stem = chosen[role].replace(" ", "").replace("CJKSC", "CJKsc").replace("ARPL", "")[:8]
        assert stem.lower() in fonts.replace(" ", "").lower(), (role, chosen[role], fonts)


def test_fonts_option_reaches_find_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.base import fonts

    folder = tmp_path / "公文字体"
    folder.mkdir()
    seen: list[object] = []
    real_find = fonts.find_fonts

    def spy(**kwargs: object) -> object:
        seen.append(kwargs.get("dirs"))
        return real_find(**kwargs)

    monkeypatch.setattr(fonts, "find_fonts", spy)
    profile = REPO / "plans" / "schools"
    try:
        code, out, err = _run(tmp_path, "school", "build", str(sorted(profile.glob("*.yml"))[0]), "--out",
                              str(tmp_path / "out"), "--jobs", "1", "--fonts", str(folder))
        assert (folder,) in seen, seen
        assert fonts.user_font_dirs() == (folder.resolve(),)
        assert str(folder.resolve()) in real_find().folders
        assert "PDF 方案所用字体：" in out and "正文：" in out, out + err
    finally:
        fonts.use_font_dirs(())
    missing = tmp_path / "没有这个文件夹"
    code, out, err = _run(tmp_path, "school", "build", str(profile), "--fonts", str(missing))
    assert code == 1 and "--fonts" in (out + err)


def test_site_build_takes_the_fonts_folder_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`gongyu build --fonts DIR`: the site's example packs are rendered with the folder's fonts."""
    from generator.mkdocs_plugin import build as build_module
    from generator.base import fonts

    folder = tmp_path / "公文字体"
    folder.mkdir()
    seen: list[tuple[Path, ...]] = []

    def fake_build(root: Path, **_kwargs: object) -> object:
        seen.append(fonts.user_font_dirs())
        raise build_module.GongyuError("停在这里")

    monkeypatch.setattr(build_module, "build_site", fake_build)
    try:
        code, out, err = _run(tmp_path, "build", "--no-pdf", "--fonts", str(folder))
        assert code == 1 and "停在这里" in out + err
        assert seen == [(folder.resolve(),)]
    finally:
        fonts.use_font_dirs(())


# --- hints name cells, plans by name ----------------------------------------------------------------

def test_missing_people_are_asked_for_in_their_cells(tmp_path: Path, real: Corpus) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(_template_rows(real, {3: {"校长": None}}))
    result = build_packs([path], real, tmp_path / "out", jobs=1, pdf=False, progress=False)
    messages = "\n".join(f.format() for f in result.failed)
    assert [f.origin.rsplit(":", 1)[1] for f in result.failed] == ["第3行"]
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[[c.header for c in COLUMNS].index("校长")]
    assert f"名单.xlsx:第3行 {letter}列:" in messages
    assert f"请在“校长”一列填写姓名（第3行 {letter}列）" in messages
    said = "\n".join(p.message + p.hint for f in result.failed for p in f.problems)
    assert "people" not in said and "group:" not in said

    # a sheet without the post's own column: the hint names the 其他人员 column, or adding a column
    headers = ["学校编号", "学校名称", "学校类型", "省", "县", "主管单位", "学年", "校长", "其他人员", "采用方案"]
    row = ["a-school", "某县某小学", "小学", "贵州省", "某县", "某县教育局", "2026-2027", "王某", "", "kongchuo-baoxue"]
    paths = []
    for name, drop in (("有其他人员.xlsx", None), ("无其他人员.xlsx", "其他人员")):
        book = Workbook()
        book.active.title = "学校名单"
        keep = [i for i, h in enumerate(headers) if h != drop]
        book.active.append([headers[i] for i in keep])
        # two schools (two ids, two names: one name in two files is refused, issue 21)
        book.active.append([(f"{row[i]}-{len(paths)}" if i == 0 else f"{row[i]}（{len(paths) + 1}）" if i == 1 else row[i])
                            for i in keep])
        paths.append(tmp_path / name)
        book.save(paths[-1])
    result = build_packs(paths, real, tmp_path / "out2", jobs=1, pdf=False, progress=False)
    messages = "\n".join(f.format() for f in result.failed)
    assert "请在“其他人员”一列写“分管副校长：姓名”（第2行 I列）" in messages
    assert "请在第1行加上“分管副校长”一列，在第2行填写姓名" in messages


def test_plans_by_chinese_name_and_full_width_text(tmp_path: Path, real: Corpus) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(_template_rows(real, {
        3: {"学校编号": "ｓｃｈｏｏｌ－３", "采用方案": "控辍保学工作实施方案，《校园欺凌专项治理工作方案》",
            "在校生人数": "４８６人", "学年": "２０２６－２０２７"},
        4: {"采用方案": "控辍方案"},
        5: {"采用方案": "工作方案"},
    }))
    schools, failures = read_schools(path, real)
    by_id = {s.id: s for s, _, _ in schools}
    assert [a.plan for a in by_id["school-3"].plans] == ["kongchuo-baoxue", "qiling-zhili"]
    assert by_id["school-3"].students.total == 486 and by_id["school-3"].year == "2026-2027"
    text = "\n".join(p.format() for _, problems in failures for p in problems)
    assert "第4行" in text and "没有方案“控辍方案”，您是不是想写“kongchuo-" in text
    assert "第5行" in text and "可能是以下几个之一" in text


# --- 汇总.xlsx, zips, progress ------------------------------------------------------------------------

def test_a_batch_with_one_bad_row_writes_a_summary_naming_it(tmp_path: Path, real: Corpus) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(_template_rows(real, {3: {"学年": "2026"}, 4: {}}))
    out = tmp_path / "out"
    code, stdout, stderr = _run(tmp_path, "school", "build", str(path), "--out", str(out), "--no-pdf",
                                "--jobs", "2", "--zip")
    assert code == 1 and "第3行" in stderr and "汇总.xlsx" in stdout
    book = load_workbook(out / "汇总.xlsx")
    rows = list(book["汇总"].iter_rows(min_row=2, values_only=True))
    status = {row[0].rsplit(":", 1)[1]: row for row in rows if row[0] and ":" in str(row[0])}
    assert set(status) == {"第2行", "第3行", "第4行"}
    assert status["第3行"][3] == "失败" and "学年“2026”的格式不对" in status["第3行"][5]
    assert status["第2行"][3] == "已生成" and "qingshan-xiaoxue/README.txt" in status["第2行"][4]
    assert "qingshan-xiaoxue.zip" in status["第2行"][4] and status["第4行"][1] == "school-4"
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[[c.header for c in COLUMNS].index("学年")]
    problems = list(book["问题"].iter_rows(min_row=2, values_only=True))
    assert any(p[2] == 3 and p[3] == letter and "学年" in p[4] for p in problems)
    # one zip per built school, deterministic, holding the pack under its id
    with zipfile.ZipFile(out / "school-4.zip") as archive:
        names = archive.namelist()
    assert "school-4/README.txt" in names and not (out / "school-3").exists() and not (out / "school-3.zip").exists()
    first = (out / "school-4.zip").read_bytes()
    summary = (out / "汇总.xlsx").read_bytes()
    _run(tmp_path, "school", "build", str(path), "--out", str(out), "--no-pdf", "--jobs", "1", "--zip")
    assert (out / "school-4.zip").read_bytes() == first and (out / "汇总.xlsx").read_bytes() == summary
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # nothing half-written left


def test_progress_bar_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real: Corpus) -> None:
    import sys

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    path = tmp_path / "名单.xlsx"
    path.write_bytes(_template_rows(real, {3: {}}))
    for stream, shown in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        result = build_packs([path], real, tmp_path / "out", jobs=1, pdf=False)
        monkeypatch.undo()
        assert len(result.built) == 2
        assert ("生成方案包" in stream.getvalue()) is shown, stream.getvalue()
        # not a terminal (a log): one plain line per school instead, as it is done (issue 21)
        lines = [line for line in stream.getvalue().splitlines() if line[:1].isdigit()]
        assert (lines == ["1/2 青山县石桥镇青山小学", "2/2 青山县石桥镇第3小学"]) is not shown, stream.getvalue()


# --- forms: laid out once, the school's name stamped ---------------------------------------------

@needs_poppler
def test_stamped_forms_look_like_forms_rendered_for_the_school(tmp_path: Path, real: Corpus) -> None:
    from PIL import Image, ImageChops, ImageFilter, ImageStat

    from generator.packs.stamp import blank_for, stamped_form
    from generator.render.printables import render_form

    name = "青山县石桥镇青山小学"
    # a portrait form of two pages and a landscape one
    chosen = [f for f in ("jiafang-jilu", "baogan-fenjie") if f in real.forms]
    assert chosen
    for form_id in chosen:
        form = real.forms[form_id]
        assert blank_for(form) is not None, "form.typ no longer reports where the school's name goes"
        stamped, direct = stamped_form(form, name), render_form(form, school_name=name)
        assert stamped_form(form, name) == stamped  # deterministic
        paths = {}
        for kind, pdf in (("stamped", stamped), ("direct", direct)):
            paths[kind] = tmp_path / f"{form_id}-{kind}.pdf"
            paths[kind].write_bytes(pdf)
            subprocess.run(["pdftoppm", "-png", "-r", "100", str(paths[kind]), str(tmp_path / f"{form_id}-{kind}")],
                           check=True)

        def text(path: Path) -> list[str]:
            out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
            return sorted(line.strip() for line in out.splitlines() if line.strip())

        assert text(paths["stamped"]) == text(paths["direct"]) and name in text(paths["stamped"])
        pages = sorted(tmp_path.glob(f"{form_id}-stamped-*.png"))
        assert pages and len(pages) == len(list(tmp_path.glob(f"{form_id}-direct-*.png")))
        for page in pages:
            a = Image.open(page).convert("L").filter(ImageFilter.GaussianBlur(1.5))
            b = Image.open(str(page).replace("-stamped-", "-direct-")).convert("L").filter(ImageFilter.GaussianBlur(1.5))
            assert a.size == b.size
            diff = ImageChops.difference(a, b)
            # the blank's own drawing is kept as it is, so only the name could differ: a shift of
            # 0.6 mm gave 98 (glyph tops clipped by the drawing's box); a missing name > 200
            assert diff.getextrema()[1] < 40 and ImageStat.Stat(diff).mean[0] < 0.5, page.name


def test_a_name_too_long_for_one_line_is_rendered_directly(real: Corpus) -> None:
    from generator.packs.stamp import stamped_form
    from generator.render.printables import render_form

    form = real.forms["jiafang-jilu"]
    name = "某" * 60
    assert stamped_form(form, name) == render_form(form, school_name=name)
