"""School lists in Excel: one school per row, for county bureaus that keep their schools in a sheet.

The sheet ``学校名单`` (or the first sheet) has a header row of Chinese column names — see
:data:`COLUMNS` — and one school per row below it. Each row becomes a school profile exactly as a
``plans/schools/*.yml`` file would; every problem is reported with the sheet row and column
letter, e.g. ``学校名单.xlsx:第5行 E列: 学年“2026”的格式不对``. ``gongyu school xlsx-template``
writes an empty sheet with the header, a filled example row and a second sheet explaining the
columns.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import GongyuError, Problem
from .load import SourceDoc
from .models.school import SCHOOL_TYPES

if TYPE_CHECKING:
    from .corpus import Corpus
    from .models.school import School

SHEET_NAME = "学校名单"
HELP_SHEET_NAME = "填写说明"

CellKind = Literal["text", "date", "int", "year", "list", "plans", "people", "post"]


@dataclass(frozen=True)
class Column:
    """One column of the sheet: its header, where the value goes in a profile, and how to read it."""

    header: str
    path: tuple[str, ...]
    kind: CellKind
    required: bool
    help: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("学校编号", ("id",), "text", True,
           "只用小写英文字母、数字和连字符“-”，每所学校不同；也是生成的文件夹名", "qingshan-xiaoxue"),
    Column("学校名称", ("name",), "text", True, "学校全称，会写在每份方案的标题前面", "青山县石桥镇青山小学"),
    Column("学校类型", ("type",), "text", True,
           "、".join(SCHOOL_TYPES) + "，选其一", "小学"),
    Column("省", ("place", "province"), "text", True, "省（自治区、直辖市）", "某省"),
    Column("市", ("place", "city"), "text", False, "市（州），可不填", ""),
    Column("县", ("place", "county"), "text", True, "县（市、区）", "青山县"),
    Column("乡镇", ("place", "town"), "text", False, "乡镇（街道），可不填", "石桥镇"),
    Column("主管单位", ("authority",), "text", True, "方案报送给谁，例如 某某县教育局 或 某某镇教育管理中心",
           "青山县石桥镇教育管理中心"),
    Column("学年", ("year",), "year", True, "前后两个年份，例如 2026-2027", "2026-2027"),
    Column("秋季开学", ("calendar", "autumn_start"), "date", False, "日期，例如 2026-09-01；不填按常规估算", "2026-09-01"),
    Column("秋季结束", ("calendar", "autumn_end"), "date", False, "秋季学期最后一天（散学典礼）；不填按春节估算", "2027-01-22"),
    Column("春季开学", ("calendar", "spring_start"), "date", False, "春季学期开学日；不填按常规估算", "2027-02-22"),
    Column("春季结束", ("calendar", "spring_end"), "date", False, "春季学期最后一天；不填按 7 月上旬估算", "2027-07-02"),
    Column("暑假结束", ("calendar", "summer_end"), "date", False, "暑假最后一天；不填为 8 月 31 日", ""),
    Column("校长", ("people", "校长"), "post", False, "姓名；领导小组组长等按岗位自动填写", "王建国"),
    Column("分管副校长", ("people", "分管副校长"), "post", False, "姓名", "李秀梅"),
    Column("德育处主任", ("people", "德育处主任"), "post", False, "姓名（德育处或政教处负责人）", "张志强"),
    Column("教导处主任", ("people", "教导处主任"), "post", False, "姓名", "刘芳"),
    Column("总务处主任", ("people", "总务处主任"), "post", False, "姓名", "陈永红"),
    Column("心理辅导教师", ("people", "心理辅导教师"), "post", False, "姓名（专职或兼职）", "赵丽华"),
    Column("家长委员会主任", ("people", "家长委员会主任"), "post", False, "姓名", "周德明"),
    Column("法治副校长", ("people", "法治副校长"), "post", False, "姓名", "孙立平"),
    Column("少先队辅导员（团委书记）", ("people", "少先队辅导员（团委书记）"), "post", False, "姓名", "吴海燕"),
    Column("卫生保健教师", ("people", "卫生保健教师"), "post", False, "姓名", "马晓燕"),
    Column("信息科技教师", ("people", "信息科技教师"), "post", False, "姓名", "黄磊"),
    Column("其他人员", ("people",), "people", False,
           "其他岗位和姓名，写成“岗位：姓名”，多个用分号隔开，例如 小学部主任：蒋淑芬；初中部主任：韩国栋", ""),
    Column("处室", ("departments",), "list", False, "本校设有的处室，用逗号或顿号隔开", "德育处、教导处、总务处"),
    Column("学校电话", ("phone",), "text", False, "对外公开的电话，可不填", ""),
    Column("采用方案", ("plans",), "plans", True, "方案编号，多个用逗号隔开（见“填写说明”表中的方案列表）",
           "kongchuo-baoxue, liushou-guanai, qiling-zhili, jiazhang-xuexiao, anquan-jiaoyu"),
    Column("在校生人数", ("students", "total"), "int", False, "只写总数", "486"),
    Column("留守儿童人数", ("students", "left_behind"), "int", False, "只写人数，不写任何学生的情况", "213"),
    Column("住校生人数", ("students", "boarding"), "int", False, "人数", "96"),
    Column("班级数", ("students", "classes"), "int", False, "班级个数", "12"),
    Column("备注", ("note",), "text", False, "只出现在本校的方案包说明里，可不填", ""),
)
_BY_HEADER = {c.header: c for c in COLUMNS}
_SPLIT = re.compile(r"[,，、;；\s]+")


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


class SheetProblem(Problem):
    """A problem in a sheet, shown as ``学校名单.xlsx:第5行 E列: …`` (``column`` 0: the whole row).

    It sorts together with plain :class:`Problem` objects (a school's problems may come from the
    sheet and from a plan template at once).
    """

    def _key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.message, self.hint)

    def __lt__(self, other: object) -> bool:
        return self._key() < _key_of(other)

    def __gt__(self, other: object) -> bool:
        return self._key() > _key_of(other)

    def __le__(self, other: object) -> bool:
        return self._key() <= _key_of(other)

    def __ge__(self, other: object) -> bool:
        return self._key() >= _key_of(other)

    def format(self) -> str:
        where = f"第{self.line}行" + (f" {column_letter(self.column)}列" if self.column else "")
        text = f"{self.path}:{where}: {self.message}"
        if self.hint:
            text += f"\n    提示：{self.hint}"
        return text


def _key_of(other: object) -> tuple[str, int, int, str, str]:
    if not isinstance(other, Problem):
        raise TypeError(f"cannot compare a problem with {type(other).__name__}")
    return (other.path, other.line, other.column, other.message, other.hint)


@dataclass
class SheetDoc(SourceDoc):
    """A sheet row as a parsed document: model paths map to (row, column) for located messages."""

    def problem(self, path: tuple[Any, ...], message: str, hint: str = "", *, key: bool = False) -> Problem:
        line, col = self.where(path, key=key)
        return SheetProblem(self.path, line, col, message, hint)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(f"“{text}”不是日期")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{text}”不存在") from None


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("应为整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value).replace(",", "").replace("，", "").removesuffix("人").removesuffix("个")
    if not re.fullmatch(r"\d+", text):
        raise ValueError(f"“{_text(value)}”不是整数")
    return int(text)


def _year(value: Any) -> str:
    text = _text(value)
    match = re.fullmatch(r"(\d{4})\s*[-—–－~～至]+\s*(\d{2,4})(学年)?", text)
    if not match:
        raise ValueError(f"学年“{text}”的格式不对")
    first, second = match.group(1), match.group(2)
    if len(second) == 2:
        second = first[:2] + second
    return f"{first}-{second}"


def _people(value: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in re.split(r"[;；\n]+", _text(value)):
        part = part.strip()
        if not part:
            continue
        pieces = re.split(r"[:：]", part, maxsplit=1)
        if len(pieces) != 2 or not pieces[0].strip() or not pieces[1].strip():
            raise ValueError(f"“{part}”应写成“岗位：姓名”")
        found[pieces[0].strip()] = pieces[1].strip()
    return found


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def _open(path: Path, shown: str) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise GongyuError(Problem(shown, 0, 0, f"无法打开 Excel 文件（{type(exc).__name__}）",
                                  "请确认文件是 .xlsx 格式（WPS 或 Excel 中“另存为 Excel 工作簿”），且没有加密")) from None


#: More schools than any county has; a sheet beyond this is a mistake (or hostile) and is cut off.
MAX_ROWS = 5000


def read_schools(path: Path, corpus: Corpus | None = None) -> tuple[list[tuple[School, SheetDoc, str]], list[tuple[str, list[Problem]]]]:
    """Read every school of a sheet; a damaged file is reported, never raised as another error."""
    from .corpus import shown_path

    try:
        return _read_schools(path, corpus)
    except GongyuError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl reads lazily and raises many kinds on damaged XML
        shown = shown_path(path)
        return [], [(shown, [Problem(shown, 0, 0, f"Excel 文件已损坏，无法读取（{type(exc).__name__}）",
                                     "请在 WPS 或 Excel 中打开并“另存为 Excel 工作簿（.xlsx）”后重试")])]


def _read_schools(path: Path, corpus: Corpus | None = None) -> tuple[list[tuple[School, SheetDoc, str]], list[tuple[str, list[Problem]]]]:
    """Read every school of a sheet.

    Returns the schools that are valid (each with a :class:`SheetDoc` for later located messages
    and its origin ``file:第N行``) and, per bad row (or bad header), its problems. With ``corpus``
    each school is also checked against the plan templates it adopts.
    """
    from .corpus import shown_path
    from .load import validate
    from .resolve import profile_problems
    from .models.school import School

    shown = shown_path(path)
    try:
        book = _open(path, shown)
    except GongyuError as exc:
        return [], [(shown, list(exc.problems))]
    sheet = book[SHEET_NAME] if SHEET_NAME in book.sheetnames else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        book.close()
        return [], [(shown, [SheetProblem(shown, 1, 0, "表格是空的，第1行应是列名",
                                          "可以用“gongyu school xlsx-template”生成一份带列名的空表")])]
    columns: dict[int, Column] = {}
    header_problems: list[Problem] = []
    for index, name in enumerate(header, start=1):
        text = _text(name)
        if not text:
            continue
        column = _BY_HEADER.get(text)
        if column is None:
            guess = difflib.get_close_matches(text, list(_BY_HEADER), n=1, cutoff=0.5)
            header_problems.append(SheetProblem(shown, 1, index, f"不认识的列名“{text}”" + (f"，您是不是想写“{guess[0]}”？" if guess else ""),
                                                "其他岗位的姓名请写在“其他人员”一列；可用的列名见“填写说明”表"))
        elif column in columns.values():
            header_problems.append(SheetProblem(shown, 1, index, f"列名“{text}”重复出现", "请删去多余的一列"))
        else:
            columns[index] = column
    for column in COLUMNS:
        if column.required and column not in columns.values():
            header_problems.append(SheetProblem(shown, 1, 0, f"缺少必填的一列“{column.header}”",
                                                "请在第1行加上这一列；列名要与模板一致"))
    if header_problems:
        book.close()
        return [], [(shown, header_problems)]

    schools: list[tuple[School, SheetDoc, str]] = []
    failures: list[tuple[str, list[Problem]]] = []
    for row_number, values in enumerate(rows, start=2):
        if row_number > MAX_ROWS + 1:
            failures.append((shown, [SheetProblem(shown, row_number, 0, f"表格超过 {MAX_ROWS} 行，后面的行没有读取",
                                             "请把学校名单分成几个文件，分批生成")]))
            break
        if values is None or all(_text(v) == "" for v in values):
            continue
        origin = f"{shown}:第{row_number}行"
        doc = SheetDoc(shown, None)
        doc.marks[()] = (row_number, 0)
        problems: list[Problem] = []
        data: dict[str, Any] = {}
        for index, column in columns.items():
            value = values[index - 1] if index - 1 < len(values) else None
            if column.path[0] in ("people", "plans", "calendar", "students", "place", "departments"):
                doc.marks.setdefault((column.path[0],), (row_number, index))
            doc.marks[column.path] = (row_number, index)
            text = _text(value)
            if text == "":
                if column.required:
                    problems.append(doc.problem(column.path, f"“{column.header}”不能为空", column.help))
                continue
            try:
                if column.kind == "date":
                    _set(data, column.path, _date(value))
                elif column.kind == "int":
                    _set(data, column.path, _int(value))
                elif column.kind == "year":
                    _set(data, column.path, _year(value))
                elif column.kind == "list":
                    _set(data, column.path, [p for p in _SPLIT.split(text) if p])
                elif column.kind == "plans":
                    ids = [p for p in _SPLIT.split(text) if p]
                    data["plans"] = [{"plan": plan_id} for plan_id in ids]
                    for i in range(len(ids)):
                        doc.marks[("plans", i)] = (row_number, index)
                elif column.kind == "people":
                    people = data.setdefault("people", {})
                    for post, name in _people(value).items():
                        people.setdefault(post, name)
                        doc.marks[("people", post)] = (row_number, index)
                else:
                    _set(data, column.path, text)
            except ValueError as exc:
                problems.append(doc.problem(column.path, f"{column.header}：{exc}", column.help))
        if "students" in data and "total" not in data["students"]:
            problems.append(doc.problem(("students",), "写了学生人数但缺少“在校生人数”", "请填写在校生总数"))
        doc.data = data
        if problems:
            failures.append((origin, problems))
            continue
        try:
            school = validate(School, doc)
            if corpus is not None:
                more = profile_problems(school, doc, corpus)
                if more:
                    raise GongyuError(more)
        except GongyuError as exc:
            failures.append((origin, list(exc.problems)))
            continue
        schools.append((school, doc, origin))
    book.close()
    return schools, failures


def template_bytes(corpus: Corpus | None = None) -> bytes:
    """An .xlsx with the header, one filled example row, and a sheet explaining every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from .calendar import build_instant

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    head_font = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    optional_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = head_font
        cell.fill = required_fill if column.required else optional_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        example = sheet.cell(row=2, column=index)
        if column.example:
            if column.kind == "int":
                example.value = int(column.example)
            elif column.kind == "date":
                example.value = dt.date.fromisoformat(column.example)
                example.number_format = "yyyy-mm-dd"
            else:
                example.value = column.example
        letter = column_letter(index)
        sheet.column_dimensions[letter].width = max(10, min(40, len(column.header) * 2 + 4, len(column.example) + 4 if column.example else 10))
        # whole-column formats: dates stay dates, and ids such as 2026-2027 are not turned into numbers
        if column.kind == "date":
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        elif column.kind != "int":
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "C2"
    type_col = column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.header == "学校类型"))
    validation = DataValidation(type="list", formula1='"' + ",".join(SCHOOL_TYPES) + '"',
                                allow_blank=False, showErrorMessage=True, errorTitle="学校类型", error="请从下拉列表中选择")
    validation.add(f"{type_col}2:{type_col}1000")
    sheet.add_data_validation(validation)

    help_sheet = book.create_sheet(HELP_SHEET_NAME)
    help_sheet.append(["列名", "是否必填", "说明", "示例"])
    for cell in help_sheet[1]:
        cell.font = head_font
    needed = _posts_needed(corpus)
    for column in COLUMNS:
        status = "必填" if column.required else "选填"
        text = column.help
        if column.kind == "post" and needed.get(column.path[-1]):
            status = "视方案"
            text += "；采用以下方案时必填：" + "、".join(needed[column.path[-1]])
        help_sheet.append([column.header, status, text, column.example])
    help_sheet.append([])
    notes = [
        "第2行是示例，请改成本校的信息，或删除后从第2行开始填写；每一行是一所学校。",
        "只写学生人数，不写任何学生的姓名或个人情况。",
        "日期写成 2026-09-01 或 2026/9/1；没写的校历日期会按常规估算（寒假包含春节）。",
        "领导小组按岗位自动填入姓名；方案里用到而表中没有的岗位，请写在“其他人员”一列，例如 法治副校长：某某。",
        "填好后运行：gongyu school build 学校名单.xlsx --out dist/schools",
    ]
    for note in notes:
        help_sheet.append([note])
    if corpus is not None and corpus.plans:
        help_sheet.append([])
        help_sheet.append(["可用的方案编号", "", "方案名称"])
        help_sheet[help_sheet.max_row][0].font = head_font
        for plan_id in sorted(corpus.plans):
            help_sheet.append([plan_id, "", corpus.plans[plan_id].title])
    for letter, width in (("A", 26), ("B", 10), ("C", 70), ("D", 36)):
        help_sheet.column_dimensions[letter].width = width
    for row in help_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    instant = build_instant().replace(tzinfo=None)
    book.properties.created = instant
    book.properties.modified = instant
    book.properties.creator = "共育 gongyu"
    book.properties.lastModifiedBy = "共育 gongyu"
    book.properties.title = "学校名单"
    buffer = io.BytesIO()
    book.save(buffer)
    return _pin_dates(buffer.getvalue())


def _posts_needed(corpus: Corpus | None) -> dict[str, list[str]]:
    """Post → the plans whose leading group needs a name for it (so the sheet can say when it is required)."""
    needed: dict[str, list[str]] = {}
    if corpus is None:
        return needed
    for plan_id, plan in sorted(corpus.plans.items()):
        for role in plan.organisation.roles if plan.organisation else ():
            if not role.many and plan_id not in needed.get(role.holder, []):
                needed.setdefault(role.holder, []).append(plan_id)
    return needed


def _pin_dates(data: bytes) -> bytes:
    """openpyxl stamps the save time into ``docProps/core.xml``; pin it so the file is reproducible."""
    import zipfile

    from .calendar import build_instant
    from .render.docx_gbt import write_zip

    when = build_instant().strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            content = archive.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + when + rb"\g<2>", content)
            entries.append((info.filename, content))
    return write_zip(entries)


__all__ = ["COLUMNS", "Column", "SheetDoc", "SheetProblem", "column_letter", "read_schools", "template_bytes"]
