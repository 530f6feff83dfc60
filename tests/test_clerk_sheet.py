"""The county batch as a clerk fills it: the sheet as people really keep it.

Columns of their own (序号, 联系人), a title row, a renamed sheet, loose school types (九年制, 完小),
dates without a year (9月1日) or as Excel serials, “无” and “/” in empty cells, characters copied
from the web, a 合计 row and a 填表人 line, the template's example row left in. What is certainly
not a school is passed over with a notice; what might be a mistake is refused with the fix.
LibreOffice (when installed) reads 汇总.xlsx back as an independent reader.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
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
HEADERS = ["学校编号", "学校名称", "学校类型", "省", "县", "主管单位", "学年", "秋季开学", "秋季结束", "春季开学",
           "校长", "分管副校长", "德育处主任", "教导处主任", "总务处主任", "心理辅导教师", "法治副校长", "采用方案",
           "住校生人数"]
GOOD = {"学校编号": "a-school", "学校名称": "某县某镇小学", "学校类型": "小学", "省": "贵州", "县": "某县",
        "主管单位": "某县教育局", "学年": "2026-2027", "校长": "王某", "分管副校长": "李某", "德育处主任": "张某",
        "教导处主任": "刘某", "总务处主任": "陈某", "心理辅导教师": "赵某", "法治副校长": "孙某",
        "采用方案": "kongchuo-baoxue"}


@pytest.fixture(scope="module")
def real() -> Corpus:
    return load_corpus(REPO, schools=False)


def _sheet(path: Path, rows: list[dict[str, object] | None], *, headers: list[str] = HEADERS, title: str = "学校名单",
           above: list[list[object]] = (), before_sheet: str | None = None) -> Path:
    """A workbook with ``rows`` (``None``: an empty row) under ``headers``; ``above``: rows over the header."""
    book = Workbook()
    sheet = book.active
    if before_sheet:
        sheet.title = before_sheet
        sheet.append(["这是一张说明"])
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in above:
        sheet.append(row)
    sheet.append(headers)
    for row in rows:
        sheet.append([] if row is None else [row.get(h, row.get(re.sub(r"[*\s]", "", h))) for h in headers])
    book.save(path)
    return path


def _school(n: int, **changes: object) -> dict[str, object]:
    return {**GOOD, "学校编号": f"school-{n}", "学校名称": f"某县第{n}小学", **changes}


def _said(failures: list[tuple[str, list]]) -> str:
    return "\n".join(p.format() for _, problems in failures for p in problems)


def test_columns_of_the_clerks_own_are_passed_over_with_a_notice(tmp_path: Path, real: Corpus) -> None:
    headers = ["序号", *HEADERS, "联系人"]
    path = _sheet(tmp_path / "名单.xlsx", [{**_school(1), "序号": 1, "联系人": "某某"}], headers=headers)
    notices: list = []
    schools, failures = read_schools(path, real, notices)
    assert failures == [] and [s.id for s, _, _ in schools] == ["school-1"]
    text = _said(notices)
    # one note lists them all, with their letters
    assert "第1行: 2 列不是模板中的列，没有读取：A列“序号”、U列“联系人”" in text and text.count("没有读取") == 1
    assert "其他岗位" not in text  # the old hint spoke of posts, whatever the column was
    # a column of her own close to an optional one of ours is hers (联系电话 is not a misspelt 学校电话) …
    headers = [*HEADERS, "联系电话", "校长姓名"]
    notices = []
    path = _sheet(tmp_path / "电话.xlsx", [_school(2, 联系电话="0851-1234567", 校长姓名="王某")], headers=headers)
    schools, failures = read_schools(path, real, notices)
    assert failures == [] and [s.id for s, _, _ in schools] == ["school-2"]
    assert "“联系电话”、" in _said(notices) and "您是不是想写" not in _said(notices)
    # … but a header close to a required one that the sheet lacks is asked about, not ignored
    headers = [("学校名字" if h == "学校名称" else h) for h in HEADERS]
    path = _sheet(tmp_path / "拼错.xlsx", [_school(2, 学校名字="某县第2小学")], headers=headers)
    schools, failures = read_schools(path, real)
    assert schools == [] and "不认识的列名“学校名字”，您是不是想写“学校名称”？" in _said(failures)
    assert "缺少必填的一列“学校名称”" not in _said(failures)  # one message for one mistake
    # required marks and line breaks typed into a header are not part of its name
    headers = [("*学校编号" if h == "学校编号" else "学校\n名称" if h == "学校名称" else h) for h in HEADERS]
    schools, failures = read_schools(_sheet(tmp_path / "标记.xlsx", [_school(3)], headers=headers), real)
    assert failures == [] and len(schools) == 1


def test_school_types_as_people_write_them(tmp_path: Path, real: Corpus) -> None:
    written = {"九年制": "九年一贯制", "完小": "小学", "村小": "小学", "初级中学": "初中", " 中心小学　": "小学",
               "九年一贯制学校": "九年一贯制", "小学": "小学"}
    rows = [_school(n, 学校类型=text) for n, text in enumerate(written)]
    rows.append(_school(99, 学校类型="中学"))
    schools, failures = read_schools(_sheet(tmp_path / "名单.xlsx", rows), real)
    assert [s.type for s, _, _ in schools] == list(written.values())
    text = _said(failures)
    letter = "C"
    assert f"第{len(rows) + 1}行 {letter}列" in text and "“中学”可能是初中、完全中学、高中，请写明是哪一种" in text
    assert "您是不是想写" not in text  # ambiguous: asked, not guessed


def test_dates_without_a_year_serials_and_full_width(tmp_path: Path, real: Corpus) -> None:
    rows = [
        _school(1, 秋季开学="9月1日", 秋季结束="1月22日", 春季开学="2月22日"),
        _school(2, 秋季开学=46266, 秋季结束="２０２７年１月２２日", 春季开学="2027.2.22"),
        _school(3, 学年="2026-27", 秋季开学=dt.datetime(2026, 9, 1), 秋季结束="2027/1/22 ", 春季开学="2月22号"),
        _school(4, 学年="", 秋季开学="9月1日", 学校类型="中学"),
        _school(5, 秋季开学="9月31日", 学校类型="中学"),
    ]
    schools, failures = read_schools(_sheet(tmp_path / "名单.xlsx", rows), real)
    for school, _, _ in schools:
        cal = school.calendar
        assert (cal.autumn_start, cal.autumn_end, cal.spring_start) == (
            dt.date(2026, 9, 1), dt.date(2027, 1, 22), dt.date(2027, 2, 22)), school.id
    assert sorted(s.id for s, _, _ in schools) == ["school-1", "school-2", "school-3"]
    text = _said(failures)
    assert "第5行 H列: 秋季开学：“9月1日”没有写年份，而“学年”一列没有填好" in text
    assert "第6行 H列: 秋季开学：日期“9月31日”不存在" in text
    assert text.index("第5行 C列") < text.index("第5行 G列")  # a row's problems in column order


def test_placeholders_and_invisible_characters(tmp_path: Path, real: Corpus) -> None:
    rows = [
        _school(1, 学校名称="某县\u200b第1小学\ufeff", 校长="王　芳　", 住校生人数="/"),
        _school(2, 法治副校长="无", 住校生人数="—", 采用方案="qiling-zhili"),
    ]
    path = _sheet(tmp_path / "名单.xlsx", rows)
    schools, failures = read_schools(path, real)
    school = schools[0][0]
    assert school.name == "某县第1小学" and school.people["校长"] == "王　芳" and school.students is None
    # “无” is no name: the post is asked for when the school is built, not printed as a member
    result = build_packs([path], real, tmp_path / "out", jobs=1, pdf=False, forms=False, progress=False)
    assert [p.name for p in result.built] == ["school-1"]
    text = "\n".join(f.format() for f in result.failed)
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[HEADERS.index("法治副校长")]
    assert f"请在“法治副校长”一列填写姓名（第3行 {letter}列）" in text


def test_a_title_row_and_a_renamed_sheet_behind_another(tmp_path: Path, real: Corpus) -> None:
    path = _sheet(tmp_path / "名单.xlsx", [_school(1), _school(2, 学年="2026")], title="2026年全县学校",
                  above=[["某县2026—2027学年学校名单"], []], before_sheet="封面")
    schools, failures = read_schools(path, real)
    assert [s.id for s, _, _ in schools] == ["school-1"]
    assert [origin.rsplit(":", 1)[1] for origin, _ in failures] == ["第5行"]  # rows counted as Excel shows them
    assert "第5行 G列: 学年：学年“2026”的格式不对" in _said(failures)
    # a post the sheet has no column for: the column names are on row 3 here, not row 1
    result = build_packs([path], real, tmp_path / "out", jobs=1, pdf=False, forms=False, progress=False)
    assert [p.name for p in result.built] == ["school-1"]
    path = _sheet(tmp_path / "名单2.xlsx", [_school(1, 采用方案="anquan-jiaoyu")], title="2026年全县学校",
                  above=[["某县2026—2027学年学校名单"], []])
    result = build_packs([path], real, tmp_path / "out", jobs=1, pdf=False, forms=False, progress=False)
    said = "\n".join(f.format() for f in result.failed)
    assert "请在第3行加上“卫生保健教师”一列，在第4行填写姓名" in said and "第1行" not in said


def test_totals_notes_and_the_example_row(tmp_path: Path, real: Corpus) -> None:
    example = {c.header: c.example for c in COLUMNS}
    rows = [example, _school(1), None, _school(2), None,
            {"学校名称": "合计", "住校生人数": 96},
            {"学校编号": "填表人：张三　审核人：李四"},
            {"学校名称": "某县第9小学"}]
    path = _sheet(tmp_path / "名单.xlsx", rows, headers=[c.header for c in COLUMNS])
    notices: list = []
    schools, failures = read_schools(path, real, notices)
    assert sorted(s.id for s, _, _ in schools) == ["qingshan-xiaoxue", "school-1", "school-2"]
    assert [origin.rsplit(":", 1)[1] for origin, _ in notices] == ["第2行", "第7行", "第8行"]
    assert "模板自带的示例学校" in _said(notices[:1]) and "合计或备注行，已跳过" in _said(notices[1:])
    # a row with only a school name is a school written incompletely: an error, not a skipped row
    assert [origin.rsplit(":", 1)[1] for origin, _ in failures] == ["第9行"]


def test_the_summary_names_failed_rows_and_lists_what_was_passed_over(tmp_path: Path, real: Corpus) -> None:
    rows = [_school(1), _school(2, 学校类型="中学"), {"学校名称": "合计", "住校生人数": 12}]
    path = _sheet(tmp_path / "名单.xlsx", [{**r, "序号": i} for i, r in enumerate(rows, start=1)],
                  headers=["序号", *HEADERS])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--root", str(REPO), "school", "build", str(path), "--out", str(out),
                                       "--no-pdf", "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 1 and "请注意" in result.stderr and "不是模板中的列，没有读取：A列“序号”" in result.stderr
    assert result.stderr.index("请注意") < result.stderr.index("未能生成")
    book = load_workbook(out / "汇总.xlsx")
    by_origin = {row[0].rsplit("/", 1)[-1]: row for row in book["汇总"].iter_rows(min_row=2, values_only=True) if row[0]}
    failed = by_origin["名单.xlsx:第3行"]
    assert failed[1:4] == ("school-2", "某县第2小学", "失败")  # named, though it could not be built
    assert by_origin["名单.xlsx:第4行"][3] == "已跳过" and by_origin["名单.xlsx"][3] == "已跳过"
    assert "提醒：" in by_origin["名单.xlsx"][5]
    # schools are counted as schools: the skipped 合计 row and the note about the file are not schools
    assert "共 2 所学校：已生成 1 所，失败 1 所；另跳过 1 行（合计、填表人等，不是学校）" in by_origin
    assert "已生成的 1 所学校的方案包不受影响" in result.stderr
    problems = list(book["问题"].iter_rows(min_row=2, values_only=True))
    assert any(p[0].endswith("名单.xlsx:第3行") and p[2:4] == (3, "D") and "中学" in p[4] for p in problems)
    # only notices: exit 0
    path = _sheet(tmp_path / "好.xlsx", [{**_school(1), "序号": 1}], headers=["序号", *HEADERS])
    result = CliRunner().invoke(main, ["--root", str(REPO), "school", "build", str(path), "--out",
                                       str(tmp_path / "out2"), "--no-pdf", "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0 and "请注意" in result.stderr

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice 未安装：汇总.xlsx 只由 openpyxl 读过")
    converted = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                                "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir",
                                str(tmp_path / "csv"), str(out / "汇总.xlsx")], capture_output=True, timeout=240)
    csv = tmp_path / "csv" / "汇总.csv"
    if not csv.exists():
        pytest.skip(f"LibreOffice 无法转换 xlsx（可能缺少 libreoffice-calc）：{converted.stderr[-200:]!r}")
    text = csv.read_text(encoding="utf-8")
    assert "名单.xlsx:第3行,school-2,某县第2小学,失败" in text and "已跳过" in text, text


def test_the_template_is_readable_as_opened(real: Corpus) -> None:
    book = load_workbook(io.BytesIO(template_bytes(real)))
    sheet = book["学校名单"]
    for cell in sheet[1]:
        example = sheet.cell(row=2, column=cell.column).value
        width = sheet.column_dimensions[cell.column_letter].width
        if isinstance(example, dt.datetime):
            example = example.date().isoformat()
        for text in (str(cell.value), "" if example is None else str(example)):
            needed = min(40, sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))
            assert width >= needed, (cell.value, text, width)
    help_sheet = book["填写说明"]
    notes = [row[0] for row in help_sheet.iter_rows() if row[0].value and str(row[0].value).startswith("第2行是示例")]
    assert notes and any(notes[0].coordinate in r for r in help_sheet.merged_cells.ranges)


def test_plan_cells_as_people_write_them(tmp_path: Path, real: Corpus) -> None:
    rows = [
        _school(1, 采用方案="《家庭、学校、社会协同育人做法与建议》、义务教育控辍保学工作实施方案"),
        _school(2, 采用方案="家庭、学校、社会协同育人做法与建议\n学年安全教育工作安排；kongchuo-baoxue"),
        _school(3, 采用方案="控辍保学，欺凌治理"),
    ]
    schools, failures = read_schools(_sheet(tmp_path / "名单.xlsx", rows), real)
    plans = {s.id: [a.plan for a in s.plans] for s, _, _ in schools}
    assert plans == {"school-1": ["yuren-zuofa", "kongchuo-baoxue"],
                     "school-2": ["yuren-zuofa", "anquan-jiaoyu", "kongchuo-baoxue"]}
    text = _said(failures)  # every name that needs fixing, in one message, not one per run
    assert "方案“控辍保学”可能是以下几个之一" in text and "没有方案“欺凌治理”，您是不是想写“qiling-zhili”" in text


def test_help_is_chinese_throughout() -> None:
    result = CliRunner().invoke(main, ["school", "build", "--help"])
    assert "INTEGER" not in result.stdout and "--jobs 个数" in result.stdout


def test_merged_cells_ids_and_old_excel_files(tmp_path: Path, real: Corpus) -> None:
    rows = [_school(1), _school(2, 县=None, 主管单位=None), None, _school(3, 县=None, 主管单位=None),
            _school(4, 学校编号="School-004"), _school(5, 学校编号=5201230005), _school(6, 学校编号="青山小学"),
            _school(7, 学校编号="school_007")]
    path = _sheet(tmp_path / "名单.xlsx", rows)
    book = load_workbook(path)
    for header in ("县", "主管单位"):  # typed once for three schools, merged down the column
        column = HEADERS.index(header) + 1
        book.active.merge_cells(start_row=2, end_row=5, start_column=column, end_column=column)
    book.save(path)
    schools, failures = read_schools(path, real)
    by_id = {s.id: s for s, _, _ in schools}
    assert sorted(by_id) == ["5201230005", "school-004", "school-1", "school-2", "school-3"]
    assert by_id["school-3"].place.county == "某县" and by_id["school-3"].authority == "某县教育局"
    text = _said(failures)
    assert [o.rsplit(":", 1)[1] for o, _ in failures] == ["第8行", "第9行"]  # the empty row 4 is still empty
    assert "第8行 A列: 学校编号：“青山小学”只能用小写英文字母、数字和连字符“-”；可以用学校名称的拼音" in text
    assert "“school_007”只能用小写英文字母、数字和连字符“-”，例如改成“school-007”" in text
    # an old .xls (or WPS .et) is not read as something else: the clerk is told how to save it
    old = tmp_path / "名单.xls"
    old.write_bytes(path.read_bytes())
    result = build_packs([old], real, tmp_path / "out", jobs=1, pdf=False, progress=False)
    said = "\n".join(f.format() for f in result.failed)
    assert "不能直接读取 .xls 格式的表格" in said and "Excel 工作簿（*.xlsx）" in said


def test_which_sheet_is_read_is_said_or_asked(tmp_path: Path, real: Corpus) -> None:
    path = _sheet(tmp_path / "名单.xlsx", [_school(1)])
    book = load_workbook(path)
    copy = book.copy_worksheet(book.active)
    copy.title = "学校名单 (2)"
    book.save(path)
    notices: list = []
    schools, failures = read_schools(path, real, notices)
    assert len(schools) == 1 and "只读取了“学校名单”表；“学校名单 (2)”表也像学校名单，没有读取" in _said(notices)
    book.active.title = "去年"
    book.save(path)
    schools, failures = read_schools(path, real)
    assert schools == [] and "有几张表都像学校名单：“去年”“学校名单 (2)”，不知道该读哪一张" in _said(failures)


def test_a_pack_left_from_an_earlier_run_is_pointed_out(tmp_path: Path, real: Corpus) -> None:
    out = tmp_path / "out"
    path = _sheet(tmp_path / "名单.xlsx", [_school(1), _school(2)])
    assert build_packs([path], real, out, jobs=1, pdf=False, forms=False, progress=False, zipped=True).ok
    path = _sheet(tmp_path / "名单.xlsx", [_school(1), _school(2, 学年="2026"), _school(1, 学校名称="重复")])
    result = build_packs([path], real, out, jobs=1, pdf=False, forms=False, progress=False, summary=True)
    assert (out / "school-2" / "README.txt").is_file()  # nothing built before is lost …
    said = "\n".join(f.format() for f in result.notices)
    assert "第3行: 输出目录中的 school-2 文件夹和压缩包是以前生成的，这次没有更新" in said  # … and it is said
    assert "第4行" not in said  # school-1 was built now, by row 2: its folder is not stale
    rows = {r[0].rsplit(":", 1)[-1]: r for r in load_workbook(out / "汇总.xlsx")["汇总"].iter_rows(values_only=True)
            if r[0]}
    assert rows["第3行"][3] == "失败" and "提醒：输出目录中的 school-2 文件夹" in rows["第3行"][5]
