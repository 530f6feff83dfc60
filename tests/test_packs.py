"""School packs: GB/T Word and PDF plans, the 行事历, calendar.ics, Excel school lists and the CLI.

Small projects are built in ``tmp_path`` (see tests/test_calendar.py); the real example profiles
are built where they are valid. The 300-school sheet is marked slow; a 40-row variant runs by
default.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from generator.errors import GongyuError
from generator.load.corpus import Corpus
from generator.packs import build_pack, build_packs, load_profiles, pack_files, resolve_profile, site_downloads
from generator.pipeline import load_corpus
from generator.render.docx.gbt import BLANK, render_docx, template_document
from generator.render.ics import calendar_ics, fold_line
from generator.render.timeline import timeline_svg
from generator.render.xingshili import build_xingshili
from generator.schoolcal import SchoolYear, resolve_plan
from generator.write.cache import Cache
from generator.xlsx import COLUMNS, read_schools, template_bytes

from .helpers import SCHOOL_YAML, make_project, project_corpus

REPO = Path(__file__).resolve().parents[1]
EMU_PER_MM = 36000
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

needs_poppler = pytest.mark.skipif(not shutil.which("pdfinfo"), reason="需要 poppler-utils（pdfinfo）")


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return project_corpus(tmp_path)


def _docx_xml(data: bytes, name: str) -> ElementTree.Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return ElementTree.fromstring(archive.read(name))


def _paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style id, text) of every body paragraph."""
    body = _docx_xml(data, "word/document.xml").find(f"{W}body")
    found = []
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        found.append((style.get(f"{W}val") if style is not None else "", "".join(t.text or "" for t in p.iter(f"{W}t"))))
    return found


# ------------------------------------------------------------------------------------------------
# The plan in GB/T 9704 layout
# ------------------------------------------------------------------------------------------------


def test_docx_page_setup_follows_gbt_9704(tmp_path: Path, corpus: Corpus) -> None:
    import docx

    pack = build_pack(corpus.schools["test-school"], corpus, tmp_path / "out", pdf=False)
    path = pack / "test-plan.docx"
    section = docx.Document(str(path)).sections[0]
    assert abs(section.page_width - 210 * EMU_PER_MM) < EMU_PER_MM and abs(section.page_height - 297 * EMU_PER_MM) < EMU_PER_MM
    for margin, mm in ((section.top_margin, 37), (section.left_margin, 28), (section.right_margin, 26),
                       (section.bottom_margin, 35)):
        assert abs(margin - mm * EMU_PER_MM) < 0.1 * EMU_PER_MM, (margin, mm)
    data = path.read_bytes()
    grid = _docx_xml(data, "word/document.xml").find(f"{W}body/{W}sectPr/{W}docGrid")
    assert grid.get(f"{W}type") == "lines" and grid.get(f"{W}linePitch") == "579"
    # body characters are condensed just enough for 28 of 16 pt in 156 mm
    spacing = _docx_xml(data, "word/styles.xml").find(f".//{W}rPr/{W}spacing")
    assert spacing is not None and -6 <= int(spacing.get(f"{W}val")) <= -4
    settings = _docx_xml(data, "word/settings.xml")
    assert settings.find(f"{W}evenAndOddHeaders") is not None
    refs = {r.get(f"{W}type") for r in _docx_xml(data, "word/document.xml").iter(f"{W}footerReference")}
    assert refs == {"default", "even"}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        footers = [archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer")]
    assert len(footers) == 2 and all("PAGE" in f and "— " in f and " —" in f for f in footers)
    assert any('w:val="right"' in f for f in footers) and any('w:val="left"' in f for f in footers)
    styles = _docx_xml(data, "word/styles.xml")
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    fonts = {sid: by_id[sid].find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia")
             for sid in ("GbTitle", "Normal", "Heading1", "Heading2")}
    assert fonts == {"GbTitle": "方正小标宋简体", "Normal": "仿宋_GB2312", "Heading1": "黑体", "Heading2": "楷体_GB2312"}
    assert by_id["GbTitle"].find(f"{W}rPr/{W}sz").get(f"{W}val") == "44"
    assert by_id["Normal"].find(f"{W}rPr/{W}sz").get(f"{W}val") == "32"
    assert by_id["Normal"].find(f"{W}pPr/{W}ind").get(f"{W}firstLineChars") == "200"


def test_docx_content_numbered_from_structure(tmp_path: Path, corpus: Corpus) -> None:
    pack = build_pack(corpus.schools["test-school"], corpus, tmp_path / "out", pdf=False)
    paragraphs = _paragraphs((pack / "test-plan.docx").read_bytes())
    texts = [t for _, t in paragraphs]
    assert texts[0] == "测试县测试镇测试小学" and texts[1] == "测试控辍保学工作实施方案"
    h1 = [t for s, t in paragraphs if s == "Heading1"]
    h2 = [t for s, t in paragraphs if s == "Heading2"]
    h3 = [t for s, t in paragraphs if s == "Heading3"]
    assert h1[:4] == ["一、背景和依据", "二、工作目标", "三、工作原则", "四、组织机构和职责"]
    assert "五、重点对象和重点时段" in h1 and "六、实施步骤和时间安排" in h1
    # after the item （一）: the junior-only item （二） is not in a 小学 pack
    assert "（一）总体目标" in h2 and "（二）两个重点时段" in h2
    assert "3.第三层" in h3  # after the items 1. 2.
    assert "（1）第四层的一条。" in texts
    assert "（二）第二阶段：春节前后走访（2028年1月15日（星期六）至24日（星期一））" in h2
    assert ("（三）开学到校情况核查（每学期开学第一周：2027年9月6日（星期一）至10日（星期五）、"
            "2028年2月14日（星期一）至18日（星期五）；教导处负责）。") in texts
    holidays = "假前宣传和重点家访（2028年1月20日（星期四）至31日（星期一）、7月20日（星期四）至31日（星期一））"
    assert any(holidays in t for t in h2)
    assert "组\u3000长：王校长（校长）" in texts
    assert "成\u3000员：刘主任（教导处主任）、各年级组长" in texts
    assert any(t.startswith("1.小学年辍学率低于0.18%") for t in texts)
    assert not any("初中年辍学率" in t for t in texts)  # not for a 小学
    assert "附件：1. 家访记录表" in texts
    assert texts[-2:] == ["测试县测试镇测试小学", "2027年9月6日"]


def test_missing_people_are_all_listed_with_location(tmp_path: Path) -> None:
    school = SCHOOL_YAML.replace("  校长: 王校长\n", "").replace("  教导处主任: 刘主任\n", "")
    with pytest.raises(GongyuError) as checked:  # ``gongyu check`` finds what the Word file needs
        project_corpus(tmp_path, school=school)
    corpus = load_corpus(tmp_path / "project", schools=False)
    profiles, failures = load_profiles([tmp_path / "project" / "plans" / "schools"], corpus)
    assert not failures
    with pytest.raises(GongyuError) as info:
        build_pack(profiles[0].school, corpus, tmp_path / "out", pdf=False, doc=profiles[0].doc)
    assert checked.value.problems == info.value.problems  # check and build fail the same way
    text = info.value.format()
    assert "缺少组长" in text and "“校长”" in text and "缺少成员" in text and "“教导处主任”" in text
    assert len(info.value.problems) == 2 and "test-school.yml:8:3:" in text  # the people block
    assert not (tmp_path / "out" / "test-school").exists()  # nothing half-written
    pack = build_pack(profiles[0].school, corpus, tmp_path / "out", pdf=False, draft=True, doc=profiles[0].doc)
    texts = [t for _, t in _paragraphs((pack / "test-plan.docx").read_bytes())]
    assert f"组\u3000长：{BLANK}（校长）" in texts


def test_group_from_adoption_and_empty_role(tmp_path: Path) -> None:
    school = SCHOOL_YAML.replace("  - plan: test-plan\n", "  - plan: test-plan\n    group: {组长: [赵某], 成员: []}\n")
    with pytest.raises(GongyuError) as info:
        project_corpus(tmp_path, school=school)
    assert "“成员”没有填写姓名" in info.value.format()


def test_template_draft_has_blanks(corpus: Corpus) -> None:
    document = template_document(corpus.plans["test-plan"], corpus)
    texts = [t for _, t in _paragraphs(render_docx(document))]
    assert texts[0] == BLANK and document.issuer == BLANK and "____年__月__日" in texts[-1]
    assert any("每年1月和7月的20日至月底" in t for t in texts)  # rules in words, no year


@needs_poppler
def test_pdf_is_a4_with_alternating_page_numbers(tmp_path: Path, corpus: Corpus) -> None:
    pack = build_pack(corpus.schools["test-school"], corpus, tmp_path / "out")
    info = subprocess.run(["pdfinfo", str(pack / "test-plan.pdf")], capture_output=True, text=True).stdout
    assert "595.2" in info and "841.8" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2
    text = subprocess.run(["pdftotext", "-layout", str(pack / "test-plan.pdf"), "-"], capture_output=True, text=True).stdout
    assert "一、背景和依据" in text and "（一）总体目标" in text
    first, second = text.split("\f")[:2]
    line1 = next(line for line in first.splitlines() if re.fullmatch(r"\s*— ?1 ?—\s*", line))
    line2 = next(line for line in second.splitlines() if re.fullmatch(r"\s*— ?2 ?—\s*", line))
    assert len(line1) - len(line1.lstrip()) > len(line2) - len(line2.lstrip())  # odd right, even left
    info = subprocess.run(["pdfinfo", str(pack / "xingshili.pdf")], capture_output=True, text=True).stdout
    assert "841.8" in info.split("Page size:")[1].split("x")[0]  # landscape


# ------------------------------------------------------------------------------------------------
# 行事历 and calendar.ics
# ------------------------------------------------------------------------------------------------


def test_xingshili_rows_follow_the_week_grid(corpus: Corpus) -> None:
    school = corpus.schools["test-school"]
    year = SchoolYear.for_school(school)
    resolved = resolve_plan(corpus.plans["test-plan"], year, school.plans[0])
    sheet = build_xingshili(school.name, year, [resolved])
    autumn, spring = sheet.tables
    assert autumn.rows[0].label == "预备周" and autumn.rows[0].end == year.autumn_start.replace(day=year.autumn_start.day - 1)
    assert autumn.rows[1].label == "第1周" and autumn.rows[1].start == year.autumn_start
    assert spring.rows[0].label == "第1周" and spring.rows[0].start == year.spring_start
    assert autumn.rows[-1].label == "寒假" and spring.rows[-1].label == "暑假"
    winter = autumn.rows[-1]
    assert any("假前宣传和重点家访阶段（1月20日（星期四）—31日（星期一））" in line for line in winter.lines)
    assert any("假前宣传和重点家访阶段（7月20日（星期四）—31日（星期一））" in line for line in spring.rows[-1].lines)
    assert any("开学到校情况核查" in line for line in autumn.rows[1].lines)
    # every numbered work line has its own numbered owner
    week1 = autumn.rows[1]
    numbered = [line for line in week1.lines if line[0].isdigit()]
    assert len(numbered) == len(week1.units) and any(u.endswith(". 教导处") for u in week1.units)
    assert [u.split(".")[0] for u in week1.units] == [line.split(".")[0] for line in numbered]
    assert any("清点到校人数" in line and line.startswith("每天") for line in sheet.routine)
    assert not any("清点到校人数" in line for table in sheet.tables for row in table.rows for line in row.lines)


def test_calendar_parses_with_two_libraries_and_uids_are_stable(tmp_path: Path, corpus: Corpus) -> None:
    import icalendar
    import vobject

    school = corpus.schools["test-school"]
    first = pack_files(resolve_profile(school, corpus), corpus, pdf=False).files["calendar.ics"]
    second = pack_files(resolve_profile(school, corpus), corpus, pdf=False).files["calendar.ics"]
    assert first == second
    cal = icalendar.Calendar.from_ical(first)
    events = cal.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    for event in events:
        assert event.decoded("DTSTART").__class__.__name__ == "date" and event.decoded("DTEND") > event.decoded("DTSTART")
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "控辍保学：重点学生假前家访" in summaries and "截止：控辍保学：报送材料" in summaries
    report = next(e for e in events if str(e["SUMMARY"]) == "截止：控辍保学：报送材料")
    assert "逗号,分号;反斜杠\\ 和“引号”都要原样保留。" in str(report["DESCRIPTION"])
    assert b"\\,\xe5\x88\x86\xe5\x8f\xb7\\;" in first.replace(b"\r\n ", b"")  # escaped per RFC 5545
    assert any("RRULE" in e for e in events)
    assert not any("清点到校人数" in s for s in summaries)  # daily duties stay out of the calendar
    parsed = vobject.readOne(first.decode("utf-8"))
    assert len(parsed.vevent_list) == len(events)
    assert {v.uid.value for v in parsed.vevent_list} == set(uids)
    assert all(len(line) <= 75 for line in first.split(b"\r\n"))
    # changing the school's name does not change the identifiers
    renamed = school.model_copy(update={"name": "另一个名字"})
    third = icalendar.Calendar.from_ical(pack_files(resolve_profile(renamed, corpus), corpus, pdf=False).files["calendar.ics"])
    assert [str(e["UID"]) for e in third.walk("VEVENT")] == uids


def test_fold_line_never_splits_characters() -> None:
    line = "DESCRIPTION:" + "控辍保学\\," * 40
    folded = fold_line(line)
    assert all(len(part) <= 75 for part in folded.split(b"\r\n"))
    assert folded.replace(b"\r\n ", b"").decode("utf-8") == line


# ------------------------------------------------------------------------------------------------
# Whole packs
# ------------------------------------------------------------------------------------------------


def test_two_builds_are_byte_identical(tmp_path: Path, corpus: Corpus) -> None:
    school = corpus.schools["test-school"]
    a = build_pack(school, corpus, tmp_path / "a")
    b = build_pack(school, corpus, tmp_path / "b")
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert {"test-plan.docx", "test-plan.pdf", "xingshili.docx", "xingshili.pdf", "calendar.ics", "README.txt"} <= set(names)
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    with zipfile.ZipFile(a / "test-plan.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2020, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2020-01-01T00:00:00Z" in core and "测试县测试镇测试小学" in core
    readme = (a / "README.txt").read_bytes()
    assert readme.startswith(b"\xef\xbb\xbf") and "家访记录表".encode() in readme


def test_forms_are_headed_with_the_school_name(tmp_path: Path, corpus: Corpus) -> None:
    pytest.importorskip("generator.render.printables")
    if not shutil.which("pdftotext"):
        pytest.skip("需要 pdftotext")
    pack = build_pack(corpus.schools["test-school"], corpus, tmp_path / "out")
    text = subprocess.run(["pdftotext", str(pack / "forms" / "f-visit.pdf"), "-"], capture_output=True, text=True).stdout
    assert "测试县测试镇测试小学" in text and "家访记录表" in text


def test_year_override_estimates_a_new_calendar(tmp_path: Path, corpus: Corpus) -> None:
    pack = build_pack(corpus.schools["test-school"], corpus, tmp_path / "out", pdf=False, year="2028-2029")
    texts = [t for _, t in _paragraphs((pack / "test-plan.docx").read_bytes())]
    assert any("2029年1月20日（星期六）至31日（星期三）" in t for t in texts)


def _sheet(rows: int, bad: dict[int, tuple[str, object]]) -> bytes:
    """A school list with ``rows`` schools; ``bad`` maps a sheet row number to (column, bad value)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "学校名单"
    headers = ["学校编号", "学校名称", "学校类型", "省", "县", "主管单位", "学年", "校长", "分管副校长", "教导处主任",
               "采用方案", "在校生人数"]
    sheet.append(headers)
    for index in range(rows):
        values = [f"school-{index:03d}", f"测试县第{index}小学", "小学", "贵州省", "测试县", "测试县教育局", "2027-2028",
                  "王校长", "李副校长", "刘主任", "test-plan", 300]
        row_number = index + 2
        if row_number in bad:
            column, value = bad[row_number]
            values[headers.index(column)] = value
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _batch(tmp_path: Path, corpus: Corpus, rows: int) -> None:
    bad = {5: ("学年", "2027"), rows // 2: ("采用方案", "no-such-plan"), rows + 1: ("在校生人数", "很多")}
    path = tmp_path / "学校名单.xlsx"
    path.write_bytes(_sheet(rows, bad))
    result = build_packs([path], corpus, tmp_path / "out", jobs=2, pdf=False, progress=False)
    assert len(result.built) == rows - 3
    assert sorted(f.origin.rsplit(":", 1)[1] for f in result.failed) == sorted(f"第{r}行" for r in bad)
    assert all(f.origin.startswith(str(path)) or f.origin.endswith(f"{path.name}:{f.origin.rsplit(':', 1)[1]}")
               for f in result.failed)
    messages = "\n".join(f.format() for f in result.failed)
    assert "第5行 G列:" in messages and f"第{rows // 2}行 K列:" in messages and f"第{rows + 1}行 L列:" in messages
    assert "学年“2027”的格式不对" in messages
    assert len(list((tmp_path / "out").iterdir())) == rows - 3


def test_sheet_with_bad_rows_builds_the_rest(tmp_path: Path, corpus: Corpus) -> None:
    _batch(tmp_path, corpus, 40)


@pytest.mark.slow
def test_300_row_sheet_with_three_bad_rows(tmp_path: Path, corpus: Corpus) -> None:
    _batch(tmp_path, corpus, 300)


def test_sheet_header_problems(tmp_path: Path, corpus: Corpus) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["学校编号", "学校明称", "学校类型"])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    schools, failures = read_schools(path, corpus)
    text = "\n".join(p.format() for _, problems in failures for p in problems)
    assert not schools and "名单.xlsx:第1行 B列: 不认识的列名“学校明称”，您是不是想写“学校名称”？" in text
    assert "缺少必填的一列“主管单位”" in text


def test_xlsx_template_round_trips(tmp_path: Path) -> None:
    try:
        real = load_corpus(REPO, schools=False)
    except GongyuError:
        pytest.skip("内容库暂时无法加载")
    path = tmp_path / "学校名单.xlsx"
    path.write_bytes(template_bytes(real))
    from openpyxl import load_workbook

    book = load_workbook(path)
    assert book.sheetnames == ["学校名单", "填写说明"]
    assert [c.value for c in book["学校名单"][1]] == [c.header for c in COLUMNS]
    schools, failures = read_schools(path, real)
    assert not failures and [s.id for s, _, _ in schools] == ["qingshan-xiaoxue"]
    assert template_bytes(real) == template_bytes(real)


# ------------------------------------------------------------------------------------------------
# Command line, site and timeline
# ------------------------------------------------------------------------------------------------


def test_cli_new_build_and_template(tmp_path: Path) -> None:
    from generator.cli.main import main
    from generator.load import load_yaml_file, validate
    from generator.models import School

    root = make_project(tmp_path / "project")
    runner = CliRunner()
    profile = tmp_path / "new.yml"
    result = runner.invoke(main, ["--root", str(root), "school", "new", "--out", str(profile)])
    assert result.exit_code == 0, result.output
    text = profile.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=") and "学校全称" in text
    validate(School, load_yaml_file(profile, "new.yml"))
    again = runner.invoke(main, ["--root", str(root), "school", "new", "--out", str(profile)])
    assert again.exit_code == 1 and "已经存在" in again.output
    out = tmp_path / "dist"
    result = runner.invoke(main, ["--root", str(root), "school", "build", str(root / "plans" / "schools"),
                                  "--out", str(out), "--no-pdf", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "已生成 1 所学校的方案包" in result.output and (out / "test-school" / "test-plan.docx").is_file()
    broken = tmp_path / "broken.yml"
    # another school (a name given twice is refused, issue 21), without its 校长
    broken.write_text(SCHOOL_YAML.replace("id: test-school", "id: broken-school").replace("  校长: 王校长\n", "")
                      .replace("name: 测试县测试镇测试小学", "name: 测试县测试镇第二小学"), encoding="utf-8")
    result = runner.invoke(main, ["--root", str(root), "school", "build", str(broken), str(root / "plans" / "schools"),
                                  "--out", str(out), "--no-pdf", "--jobs", "1"])
    assert result.exit_code == 1 and "缺少组长" in result.output and "已生成 1 所学校" in result.output
    sheet = tmp_path / "名单.xlsx"
    result = runner.invoke(main, ["--root", str(root), "school", "xlsx-template", "--out", str(sheet)])
    assert result.exit_code == 0 and sheet.is_file()
    result = runner.invoke(main, ["--root", str(root), "school", "build", str(broken), "--year", "2027"])
    assert result.exit_code == 1 and "--year" in result.output


def test_one_profile_gets_no_summary_a_batch_does(tmp_path: Path) -> None:
    """汇总.xlsx is the county clerk's list: one .yml profile writes none (and says so), a folder of
    profiles does, and one profile built into a folder holding a batch's summary rewrites it."""
    from generator.cli.main import main

    root = make_project(tmp_path / "project")
    profile = root / "plans" / "schools" / "test-school.yml"
    runner = CliRunner()

    def build(source: Path, out: Path) -> str:
        result = runner.invoke(main, ["--root", str(root), "school", "build", str(source), "--out", str(out),
                                      "--no-pdf", "--jobs", "1"])
        assert result.exit_code == 0, result.output
        return result.output

    alone = tmp_path / "alone"
    output = build(profile, alone)
    assert (alone / "test-school" / "test-plan.docx").is_file() and not (alone / "汇总.xlsx").exists()
    assert "没有另写 汇总.xlsx" in output and "各校结果见" not in output
    batch = tmp_path / "batch"
    output = build(profile.parent, batch)
    assert (batch / "汇总.xlsx").is_file() and "各校结果见" in output and "没有另写" not in output
    (batch / "汇总.xlsx").write_bytes(b"from an earlier batch")
    output = build(profile, batch)
    assert (batch / "汇总.xlsx").read_bytes().startswith(b"PK") and "各校结果见" in output


def test_site_downloads_are_cached_and_deterministic(tmp_path: Path, corpus: Corpus) -> None:
    downloads = site_downloads(corpus, Cache(tmp_path / "cache"))
    by_uri = {d.uri: d for d in downloads}
    assert set(by_uri) == {"packs/test-school.zip", "plans/test-plan/test-plan-draft.docx", "plans/test-plan/test-plan-draft.pdf"}
    assert by_uri["packs/test-school.zip"].owner == "test-school"
    assert by_uri["plans/test-plan/test-plan-draft.docx"].owner == "test-plan"
    assert by_uri["plans/test-plan/test-plan-draft.docx"].label == "Word 模板（空白）"
    digest = hashlib.sha256(by_uri["packs/test-school.zip"].path.read_bytes()).hexdigest()
    with zipfile.ZipFile(by_uri["packs/test-school.zip"].path) as archive:
        names = archive.namelist()
    assert "test-school/test-plan.docx" in names and names == sorted(names)
    warm = Cache(tmp_path / "cache")
    again = site_downloads(corpus, warm)
    assert again == downloads and warm.made == 0  # nothing rendered again
    fresh = {d.uri: d for d in site_downloads(corpus, Cache(tmp_path / "cache2"))}
    assert hashlib.sha256(fresh["packs/test-school.zip"].path.read_bytes()).hexdigest() == digest


def test_timeline_svg_is_safe_and_deterministic(corpus: Corpus) -> None:
    plan = corpus.plans["test-plan"].model_copy(update={"title": "<b>危险 & “标题”</b>"})
    svg = timeline_svg(plan, SchoolYear.default(2026))
    assert svg == timeline_svg(plan, SchoolYear.default(2026))
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "&lt;b&gt;危险 &amp; “标题”&lt;/b&gt;" in svg and "<b>" not in svg
    assert "href" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    texts = "".join(root.itertext())
    assert "假前宣传和重点家访" in texts and "春节" in texts and "9月" in texts
    months = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text and t.text.isdigit()]
    assert months == ["10", "11", "12", "1", "2", "3", "4", "5", "6", "7", "8"]
    assert root.get("viewBox").startswith("0 0 320 ")


def test_real_example_profiles_build(tmp_path: Path) -> None:
    try:
        real = load_corpus(REPO, schools=False)
    except GongyuError:
        pytest.skip("内容库暂时无法加载")
    profiles, failures = load_profiles([REPO / "plans" / "schools"], real)
    assert not failures, "\n".join(f.format() for f in failures)
    for profile in profiles:
        try:
            build_pack(profile.school, real, tmp_path / "strict", pdf=False, doc=profile.doc)
        except GongyuError as exc:  # only missing people may stop an example; --draft must then work
            assert all("缺少" in p.message or "没有填写姓名" in p.message for p in exc.problems), exc.format()
            pack = build_pack(profile.school, real, tmp_path / "draft", pdf=False, doc=profile.doc, draft=True)
            assert (pack / "xingshili.docx").is_file()




def test_weekly_and_monthly_duties_are_in_each_terms_digest(corpus: Corpus) -> None:
    import icalendar

    school = corpus.schools["test-school"]
    year = SchoolYear.for_school(school)
    resolved = resolve_plan(corpus.plans["test-plan"], year, school.plans[0])
    cal = icalendar.Calendar.from_ical(calendar_ics(school.id, school.name, year, [resolved]))
    digests = [e for e in cal.walk("VEVENT") if "RRULE" in e]
    for duty in resolved.duties:
        if duty.rule.every not in ("周", "月"):
            continue
        name = "本周例行工作" if duty.rule.every == "周" else "本月例行工作"
        for term in (*year.terms, *year.vacations):
            due = any(o.start <= term.end and o.end >= term.start for o in duty.occurrences)
            holding = [e for e in digests if str(e["SUMMARY"]).startswith(name)
                       and term.start <= e.decoded("DTSTART") <= term.end
                       and duty.title in str(e["DESCRIPTION"])]
            assert len(holding) == (1 if due else 0), (duty.id, term.name)
        # and never an event of its own
        assert not [e for e in cal.walk("VEVENT") if duty.title in str(e["SUMMARY"])], duty.id


def test_damaged_xlsx_is_reported_not_crashed(tmp_path: Path) -> None:
    import io
    import zipfile

    from generator.pipeline import load_corpus
    from generator.xlsx import read_schools, template_bytes

    from .conftest import REPO, gongyu

    corpus = load_corpus(REPO)
    good = zipfile.ZipFile(io.BytesIO(template_bytes(corpus)))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as out:
        for item in good.infolist():
            data = good.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet1"):
                data = data[: len(data) // 2]  # cut the sheet's XML in the middle
            out.writestr(item, data)
    path = tmp_path / "学校名单.xlsx"
    path.write_bytes(broken.getvalue())
    schools, failures = read_schools(path, corpus)
    assert schools == [] and "Excel 文件已损坏" in failures[0][1][0].message
    result = gongyu("school", "build", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr and "内部错误" not in result.stderr


def test_an_education_office_pack_speaks_as_the_office(tmp_path: Path) -> None:
    """教育管理中心 is not a school: its README and 行事历 say 本中心 and 辖区学校, never 本校."""
    real = load_corpus(REPO)
    profile = real.schools["shiqiao-zhongxin"]
    assert profile.is_office
    files = pack_files(resolve_profile(profile, real), real, pdf=False).files
    readme = files["README.txt"].decode("utf-8-sig")
    sheet = " ".join(text for _style, text in _paragraphs(files["xingshili.docx"]))
    sheet += " ".join(t.text or "" for t in _docx_xml(files["xingshili.docx"], "word/document.xml").iter(f"{W}t"))
    for text in (readme, sheet):
        assert "本校" not in text and "学校方案包" not in text and "学校档案" not in text
    assert "辖区学校校历" in readme and "辖区学校校历" in sheet and "以教育管理中心通知为准" in sheet
    school = real.schools["qingshan-xiaoxue"]
    school_files = pack_files(resolve_profile(school, real), real, pdf=False).files
    assert "学校方案包" in school_files["README.txt"].decode("utf-8-sig")
    assert "本校校历" in " ".join(t.text or "" for t in
                               _docx_xml(school_files["xingshili.docx"], "word/document.xml").iter(f"{W}t"))


def test_a_plan_for_the_school_year_names_the_year_in_its_title() -> None:
    real = load_corpus(REPO)
    assert real.plans["anquan-jiaoyu"].title.startswith("学年")
    resolved = resolve_profile(real.schools["qingshan-xiaoxue"], real)
    plan = next(p for p in resolved.plans if p.id == "anquan-jiaoyu")
    assert plan.title == f"{resolved.year.label}安全教育工作安排"
    document = resolved.documents[list(resolved.plans).index(plan)]
    assert document.title_lines[-1] == f"{resolved.year.label}安全教育工作安排"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="需要 poppler-utils")
def test_an_education_office_hands_on_blank_forms_without_its_name() -> None:
    """Its schools fill in the 台账 and the 学校—教师 责任书: the office's name on them would be wrong."""
    real = load_corpus(REPO)
    office = real.schools["shiqiao-zhongxin"]
    files = pack_files(resolve_profile(office, real), real).files
    forms = sorted(name for name in files if name.startswith("forms/"))
    assert forms
    for name in forms:
        text = subprocess.run(["pdftotext", "-", "-"], input=files[name], capture_output=True, check=True).stdout
        assert office.name.encode("utf-8") not in text, name
    assert "没有印单位名称" in files["README.txt"].decode("utf-8-sig")
