"""A county sheet as a clerk writes it, with hostile names in it, run as the clerk runs it (issue 21).

Thirty rows with columns of her own (序号, 联系电话, 联系人), no 学校编号 column, a 合计 row and a
填表人 line under the schools, one school entered twice, and names that try to be formulas
(=HYPERLINK, =cmd|…), hold a control character or a lone carriage return; a second sheet with a
300-character 学校编号. The CLI runs as a subprocess with stderr to a pipe (a log, no terminal):
every good school is built, the rest are named by row, the log shows ``N/M 学校名`` lines, the
process stays within a memory budget, and LibreOffice reads 汇总.xlsx back with no live formula.
Workbooks built to exhaust memory (merged ranges, a huge shared-strings table) are refused before
they are opened.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from generator.load.corpus import Corpus
from generator.pipeline import load_corpus
from generator.xlsx import read_schools

REPO = Path(__file__).resolve().parents[1]
PEOPLE = {"校长": "王某", "分管副校长": "李某", "德育处主任": "张某", "教导处主任": "刘某", "总务处主任": "陈某",
          "心理辅导教师": "赵某", "法治副校长": "孙某"}
HEADERS = ["序号", "学校名称", "学校类型", "省", "县", "主管单位", "学年", *PEOPLE, "采用方案", "在校生人数",
           "联系电话", "联系人", "备注"]
HYPERLINK = '=HYPERLINK("http://evil.example/","点我")'
CMD = "=cmd|' /C calc'!A0"
#: Peak resident memory allowed to the whole build (measured: about 140 MB; the bombs took 3 to 4 GB).
MEMORY_BUDGET_MB = 500


@pytest.fixture(scope="module")
def real() -> Corpus:
    return load_corpus(REPO, schools=False)


def _row(n: int, name: str) -> dict[str, object]:
    return {"序号": n, "学校名称": name, "学校类型": "小学", "省": "贵州省", "县": "某县", "主管单位": "某县教育局",
            "学年": "2026-2027", **PEOPLE, "采用方案": "kongchuo-baoxue", "在校生人数": 300 + n,
            "联系电话": f"0851-8888{n:04d}", "联系人": "某某"}


def county_sheet(path: Path) -> Path:
    """The 30-row sheet: rows 2–24 good, 25/26 two names that read alike, then the hostile ones."""
    names = [f"某县第{n}小学" for n in range(1, 24)] + ["某县青山小学", "某县清山小学", HYPERLINK, CMD,
                                                      "某县第28\x9b小学", "某县第29\r小学", "某县第1小学"]
    assert len(names) == 30
    book = Workbook()
    sheet = book.active
    sheet.title = "学校名单"
    sheet.append(HEADERS)
    for n, name in enumerate(names, start=1):
        row = _row(n, name)
        sheet.append([row.get(h) for h in HEADERS])
    for row in sheet.iter_rows(min_row=27, max_row=28):  # the formulas stored as text, as a form's export keeps them
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    sheet.append([])
    sheet.append(["合计", "共30所", None, None, None, None, None, *([None] * len(PEOPLE)), None,
                  sum(300 + n for n in range(1, 31))])
    sheet.append(["填表人：张三", None, "审核人：李四", "日期：2026年9月1日"])
    book.save(path)
    return _real_carriage_returns(path)


def _real_carriage_returns(path: Path) -> Path:
    """openpyxl writes a CR as it is, and XML reads it back as a line feed; Excel writes ``&#13;``,
    which stays a CR. Write it as Excel does."""
    data = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/") and info.filename.endswith(".xml"):
                content = content.replace(b"\r", b"&#13;")
            target.writestr(info, content)
    path.write_bytes(data.getvalue())
    return path


def yaml_profile(path: Path) -> Path:
    """A school profile whose name holds a BEL (a YAML escape): refused where it is written."""
    path.write_text('id: di33-xiaoxue\nname: "某县第33\\a小学"\ntype: 小学\nplace:\n  province: 贵州省\n  county: 某县\n'
                    "authority: 某县教育局\nyear: 2026-2027\nplans:\n  - plan: kongchuo-baoxue\n", encoding="utf-8")
    return path


def late_sheet(path: Path) -> Path:
    """A second sheet, with a 学校编号 column: one good school and one 300-character id."""
    book = Workbook()
    sheet = book.active
    sheet.title = "学校名单"
    headers = ["学校编号", *HEADERS[1:]]
    sheet.append(headers)
    for school_id, row in (("bubao-xiaoxue", _row(31, "某县补报小学")), ("a" * 300, _row(32, "某县第32小学"))):
        sheet.append([school_id if h == "学校编号" else row.get(h) for h in headers])
    book.save(path)
    return path


MEASURE = """
import resource, subprocess, sys
run = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stdout.buffer.write(run.stdout)
sys.stderr.buffer.write(run.stderr)
print(f"\\nPEAK_KB={peak}", flush=True)
sys.exit(run.returncode)
"""


def _gongyu(*args: str, cwd: Path) -> tuple[int, str, str, int]:
    """Run the CLI as a subprocess, stderr to a pipe; return code, stdout, stderr and the peak
    resident memory (KB) of the build and of every process it waited for."""
    if sys.platform == "win32":
        pytest.skip("peak memory is measured with the resource module (POSIX)")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("COLUMNS", None)
    run = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "generator", "--root", str(REPO),
                          *args], cwd=cwd, capture_output=True, env=env, timeout=1800)
    stdout = run.stdout.decode("utf-8")
    peak = int(re.search(r"PEAK_KB=(\d+)", stdout).group(1))
    return run.returncode, stdout, run.stderr.decode("utf-8"), peak


def _said(failures: list[tuple[str, list]]) -> str:
    return "\n".join(p.format() for _, problems in failures for p in problems)


@pytest.mark.slow
def test_a_county_sheet_with_hostile_names_builds_every_good_school_in_a_log(tmp_path: Path) -> None:
    sheet, late = county_sheet(tmp_path / "全县名单.xlsx"), late_sheet(tmp_path / "补报.xlsx")
    profile = yaml_profile(tmp_path / "补报学校.yml")
    out = tmp_path / "out"
    code, stdout, stderr, peak_kb = _gongyu("school", "build", str(sheet), str(late), str(profile), "--out", str(out),
                                            "--no-pdf", "--jobs", "1", cwd=tmp_path)
    assert code == 1, stderr
    assert "Traceback" not in stderr and "内部错误" not in stderr, stderr
    # every good school, ids made from the names (the county's name left out), alike names told apart
    built = sorted(p.name for p in out.iterdir() if p.is_dir())
    expected = sorted([f"di{n}-xiaoxue" for n in range(1, 24)] + ["qingshan-xiaoxue", "qingshan-xiaoxue-2",
                                                                   "di29-xiaoxue", "bubao-xiaoxue"])
    assert built == expected
    # a log, not a terminal: one line per school as it is done, no progress bar
    lines = [line for line in stderr.splitlines() if re.fullmatch(r"\d+/\d+ .+", line)]
    assert len(lines) == 27 and lines[0].startswith("1/27 某县第1小学") and lines[-1].startswith("27/27 ")
    assert "生成方案包" not in stderr and "\r" not in stderr
    # the rest reported by row, with the column
    for where in ("全县名单.xlsx:第27行 B列", "全县名单.xlsx:第28行 B列", "全县名单.xlsx:第29行 B列",
                  "全县名单.xlsx:第31行 B列", "补报.xlsx:第3行 A列"):
        assert where in stderr, where
    assert "学校名称与第2行相同" in stderr and "编号有 300 个字符，太长了" in stderr
    assert "控制字符（U+009B）" in stderr and "像是公式" in stderr
    assert "补报学校.yml:2行" in stderr or "补报学校.yml:第2行" in stderr or "补报学校.yml:2:" in stderr, stderr
    assert "控制字符（U+0007）" in stderr
    # no false 不能为空 from the 合计 and 填表人 rows, which are skipped with a notice
    assert "不能为空" not in stderr and "第33行" not in stderr.split("未能生成")[1]
    assert "全县名单.xlsx:第33行: 这一行看起来是合计或备注行" in stderr and "全县名单.xlsx:第34行: 这一行看起来是合计或备注行" in stderr
    # her own columns: one note, and the missing id column explained
    assert "3 列不是模板中的列，没有读取：A列“序号”、Q列“联系电话”、R列“联系人”" in stderr
    assert "已按学校名称的拼音生成编号" in stderr
    assert "已生成的 27 所学校的方案包不受影响" in stderr
    assert peak_kb / 1024 < MEMORY_BUDGET_MB, f"peak {peak_kb / 1024:.0f} MB"
    # the lone CR was taken out of the name, and the calendar has no line break of its own
    ics = (out / "di29-xiaoxue" / "calendar.ics").read_bytes() if (out / "di29-xiaoxue" / "calendar.ics").exists() \
        else next((out / "di29-xiaoxue").rglob("*.ics")).read_bytes()
    assert b"\r" not in ics.replace(b"\r\n", b"") and "某县第29小学".encode() in ics.replace(b"\r\n ", b"")

    book = load_workbook(out / "汇总.xlsx")
    rows = {str(r[0]).rsplit("/", 1)[-1]: r for r in book["汇总"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["全县名单.xlsx:第27行"][2] == "'" + HYPERLINK and rows["全县名单.xlsx:第28行"][2] == "'" + CMD
    assert rows["全县名单.xlsx:第29行"][3] == "失败" and rows["全县名单.xlsx:第29行"][2] == "某县第28\ufffd小学"
    assert rows["全县名单.xlsx:第30行"][1:4] == ("di29-xiaoxue", "某县第29小学", "已生成")
    assert "共 33 所学校：已生成 27 所，失败 6 所；另跳过 2 行（合计、填表人等，不是学校）" in rows
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(out / "汇总.xlsx") as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice 未安装：汇总.xlsx 只由 openpyxl 读过")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "csv"),
                    str(out / "汇总.xlsx")], capture_output=True, timeout=240)
    csv = tmp_path / "csv" / "汇总.csv"
    if not csv.exists():
        pytest.skip("LibreOffice 无法转换 xlsx（可能缺少 libreoffice-calc）")
    text = csv.read_text(encoding="utf-8")
    # the formulas are text as written (a live one would show its result: 点我, or an error)
    assert "'=HYPERLINK(" in text and "'=cmd|' /C calc'!A0" in text, text
    assert "#NAME" not in text and "Err:" not in text and ",点我," not in text


def test_summary_and_signature_rows_are_skipped_not_reported(tmp_path: Path, real: Corpus) -> None:
    notices: list = []
    schools, failures = read_schools(county_sheet(tmp_path / "名单.xlsx"), real, notices)
    assert len(schools) == 26
    assert [o.rsplit(":", 1)[1] for o, _ in failures] == ["第27行", "第28行", "第29行", "第31行"]
    skipped = [o.rsplit(":", 1)[1] for o, problems in notices if "合计或备注行" in _said([(o, problems)])]
    assert skipped == ["第33行", "第34行"]
    assert "不能为空" not in _said(failures)


def test_ids_from_names_are_stable_unique_and_never_take_a_written_id(tmp_path: Path, real: Corpus) -> None:
    from generator.xlsx.ids import base_id

    assert base_id("青山县石桥镇青山小学", ["贵州省", "", "青山县"]) == "shiqiaozhen-qingshan-xiaoxue"
    assert len(base_id("某" * 200)) <= 64
    headers = ["学校编号", *HEADERS[1:]]
    book = Workbook()
    book.active.title = "学校名单"
    book.active.append(headers)
    for school_id, name in (("", "某县青山小学"), ("qingshan-xiaoxue-2", "某县青山中心完小"), ("", "某县清山小学")):
        row = _row(1, name)
        book.active.append([school_id if h == "学校编号" else row.get(h) for h in headers])
    book.save(tmp_path / "名单.xlsx")
    notices: list = []
    first, _ = read_schools(tmp_path / "名单.xlsx", real, notices)
    again, _ = read_schools(tmp_path / "名单.xlsx", real)
    ids = [s.id for s, _, _ in first]
    assert ids == [s.id for s, _, _ in again] == ["qingshan-xiaoxue", "qingshan-xiaoxue-2", "qingshan-xiaoxue-3"]
    assert "学校编号没有填写，已按学校名称生成：qingshan-xiaoxue" in _said(notices)
    # two sheets of one batch: an id made in the second avoids those of the first
    from generator.packs import load_profiles

    for name in ("某县青山小学", "某县清山小学"):
        book = Workbook()
        book.active.title = "学校名单"
        book.active.append(HEADERS)
        book.active.append([_row(1, name).get(h) for h in HEADERS])
        book.save(tmp_path / f"{name}.xlsx")
    profiles, failures = load_profiles([tmp_path / "某县青山小学.xlsx", tmp_path / "某县清山小学.xlsx"], real)
    assert failures == [] and [p.school.id for p in profiles] == ["qingshan-xiaoxue", "qingshan-xiaoxue-2"]


def test_a_near_miss_of_the_id_column_is_asked_about_without_stopping(tmp_path: Path, real: Corpus) -> None:
    book = Workbook()
    book.active.title = "学校名单"
    book.active.append(["学校代码", *HEADERS[1:]])
    row = _row(1, "某县第1小学")
    book.active.append(["5201230001", *[row.get(h) for h in HEADERS[1:]]])
    book.save(tmp_path / "名单.xlsx")
    notices: list = []
    schools, failures = read_schools(tmp_path / "名单.xlsx", real, notices)
    assert failures == [] and [s.id for s, _, _ in schools] == ["di1-xiaoxue"]
    assert "第1行 A列: “学校代码”一列没有读取，编号已按学校名称的拼音生成" in _said(notices)
    assert "请把列名改成“学校编号”" in _said(notices)


# --- workbooks built to exhaust memory ---------------------------------------------------------------

def _bomb(path: Path, *, merges: int = 0, strings: int = 0, cells: int = 1) -> Path:
    """A small valid .xlsx with ``merges`` merged ranges, a shared-strings table of ``strings`` and
    ``cells`` cells in its first row."""
    merge_xml = ""
    if merges:
        refs = "".join(f'<mergeCell ref="{_col(c)}1:{_col(c)}1048576"/>' for c in range(1, merges + 1))
        merge_xml = f'<mergeCells count="{merges}">{refs}</mergeCells>'
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
             + "".join(f'<c r="{_col(1 + i % 16000)}1"><v>1</v></c>' for i in range(1, cells))
             + '</row></sheetData>' + merge_xml + '</worksheet>')
    count = max(strings, 1)
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'
              '<si><t>学校名称</t></si>' + "<si><t/></si>" * (count - 1) + '</sst>')
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '</Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="学校名单" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '</Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return path


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


@pytest.mark.parametrize(("kind", "said"), [({"merges": 2500}, "合并单元格超过 1000 处"),
                                            ({"strings": 2_000_000}, "共享文字表超过 250,000 条"),
                                            ({"cells": 1_000_000}, "一行中有超过 2000 个单元格")])
def test_bombs_are_refused_before_the_workbook_is_opened(tmp_path: Path, real: Corpus, monkeypatch: pytest.MonkeyPatch,
                                                         kind: dict[str, int], said: str) -> None:
    # measured before: 2,500 merges ran past 300 s and 3 GB; 1,000,000 cells in a row 45 s and 770 MB
    path = _bomb(tmp_path / "名单.xlsx", **kind)
    assert path.stat().st_size < 3 * 1024 * 1024  # small files
    import openpyxl

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    schools, failures = read_schools(path, real)
    assert schools == [] and said in _said(failures) and "没有读取" in _said(failures)
    assert "请" in _said(failures)  # and what to do


def test_a_modest_workbook_of_the_same_make_is_still_read(tmp_path: Path, real: Corpus) -> None:
    """The budget is far from a real sheet: the same file with 40 merges and 1,000 strings opens."""
    from generator.xlsx.budget import check_budget

    assert check_budget(_bomb(tmp_path / "a.xlsx", merges=40, strings=1000, cells=200), "a.xlsx") == []
    assert check_budget(_bomb(tmp_path / "b.xlsx", merges=1001), "b.xlsx") != []


def test_a_workbook_with_a_dtd_is_refused(tmp_path: Path, real: Corpus) -> None:
    path = _bomb(tmp_path / "名单.xlsx")
    data = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(data, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                content = content.replace(b"?><sst", b'?><!DOCTYPE sst [<!ENTITY a "aaaa">]><sst')
            target.writestr(info, content)
    path.write_bytes(data.getvalue())
    schools, failures = read_schools(path, real)
    assert schools == [] and "文档类型定义" in _said(failures)


# --- hostile text in every output ----------------------------------------------------------------

def test_text_written_into_a_workbook_is_never_a_formula() -> None:
    from generator.packs.summary import Outcome, summary_bytes
    from generator.xlsx.safe import safe_cell

    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text).startswith("'"), text
    assert safe_cell("某县第1小学") == "某县第1小学" and safe_cell(3) == 3
    assert "\x07" not in safe_cell("a\x07b") and "\r" not in safe_cell("a\rb") and safe_cell("a\u202eb\x9b") == "a\ufffdb\ufffd"
    book = load_workbook(io.BytesIO(summary_bytes([Outcome("x.xlsx:第2行", "=1+1", "=HYPERLINK(\"http://a\")")])))
    row = [c for c in book["汇总"][2]]
    assert row[1].value == "'=1+1" and row[1].data_type == "s" and row[2].value.startswith("'=HYPERLINK")


def test_the_template_writes_no_formula(real: Corpus) -> None:
    from generator.xlsx import template_bytes

    with zipfile.ZipFile(io.BytesIO(template_bytes(real))) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml


def test_a_lone_carriage_return_never_breaks_a_calendar_line(real: Corpus) -> None:
    from generator.schoolcal import SchoolYear
    from generator.render.ics import _text, calendar_ics

    assert _text("某县\r第1小学") == "某县\\n第1小学" and "\x07" not in _text("a\x07b")
    school = load_corpus(REPO).schools
    any_school = next(iter(school.values()))
    ics = calendar_ics("x", "某县\r第1\u2028小学\x1b[31m", SchoolYear.for_school(any_school), [])
    assert b"\r" not in ics.replace(b"\r\n", b"") and b"\x1b" not in ics


def test_a_profile_refuses_control_characters_and_carriage_returns(real: Corpus) -> None:
    from pydantic import ValidationError

    from generator.models.school import School

    good = {"id": "a", "name": "某县第1小学", "type": "小学", "place": {"province": "贵州省", "county": "某县"},
            "authority": "某县教育局", "year": "2026-2027", "plans": [{"plan": "kongchuo-baoxue"}]}
    School.model_validate(good)
    assert School.model_validate({**good, "name": " 某县第1小学\n"}).name == "某县第1小学"
    for bad in ("某县\r第1小学", "某县\x07第1小学", "某县\u202e第1小学", "某县\n第1小学", "某县\u2028第1小学", HYPERLINK, CMD):
        with pytest.raises(ValidationError):
            School.model_validate({**good, "name": bad})


# --- whatever a cell holds -----------------------------------------------------------------------

def test_any_cell_text_gives_a_school_or_a_located_row_error(tmp_path_factory: pytest.TempPathFactory,
                                                             real: Corpus) -> None:
    """Random text in every column (what openpyxl can write: no C0 controls but tab and line feed):
    each row is a school, a located row problem or a skipped row; never an error for the whole file."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    alphabet = st.characters(blacklist_categories=("Cs",), blacklist_characters="".join(
        chr(c) for c in range(32) if chr(c) not in "\t\n"))
    pieces = st.one_of(st.text(alphabet, max_size=40), st.sampled_from(
        ["=1+1", "合计", "填表人：", "\u202e", "\x85", "\u2028", "a" * 300, "9月31日", "无", "-", "@x", "某县第1小学"]))
    cells = st.fixed_dictionaries({h: pieces for h in ("学校名称", "学校类型", "学年", "校长", "采用方案", "在校生人数")})

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(cells, min_size=1, max_size=4))
    def check(rows: list[dict[str, str]]) -> None:
        path = tmp_path_factory.mktemp("any") / "名单.xlsx"
        book = Workbook()
        book.active.title = "学校名单"
        book.active.append(HEADERS)
        for n, changes in enumerate(rows, start=1):
            row = {**_row(n, f"某县第{n}小学"), **changes}
            book.active.append([row.get(h) for h in HEADERS])
            for cell in book.active[book.active.max_row]:
                cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
        book.save(path)
        notices: list = []
        schools, failures = read_schools(path, real, notices)
        for origin, problems in failures:
            assert re.search(r":第\d+行$", origin), (origin, _said([(origin, problems)]))
            assert all(p.line > 1 for p in problems)
            assert "无法读取" not in _said([(origin, problems)])
        # every row (each has a province, a county …) is accounted for: built, refused or skipped
        seen = {o.rsplit("/", 1)[-1] for o in [*(o for _, _, o in schools), *(o for o, _ in failures),
                                               *(o for o, _ in notices)]}
        assert all(f"名单.xlsx:第{n + 1}行" in seen for n in range(1, len(rows) + 1)), seen

    check()
