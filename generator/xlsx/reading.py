"""Reading a school list: one profile per row, every problem located by row and column."""

from __future__ import annotations

import difflib
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GongyuError, Problem
from .cells import (
    cell_date,
    cell_int,
    cell_people,
    cell_plain,
    cell_plans,
    cell_text,
    cell_year,
    set_path,
    split_titles,
)
from .columns import BY_HEADER, COLUMNS, OTHER_PEOPLE, SHEET_NAME, SPLIT, Column, SheetDoc, SheetProblem

#: Headers as typed with full-width letters or brackets, to the header they mean.
_PLAIN_HEADERS = {unicodedata.normalize("NFKC", header): header for header in BY_HEADER}

if TYPE_CHECKING:
    from ..corpus import Corpus
    from ..models.school import School

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
    from ..corpus import shown_path

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
    from ..corpus import shown_path
    from ..load import validate
    from ..resolve import profile_problems
    from ..models.school import School

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
        text = cell_text(name)
        if not text:
            continue
        column = BY_HEADER.get(text) or BY_HEADER.get(_PLAIN_HEADERS.get(unicodedata.normalize("NFKC", text), ""))
        if column is None:
            guess = difflib.get_close_matches(text, list(BY_HEADER), n=1, cutoff=0.5)
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
    headers = {column.header: index for index, column in columns.items()}
    titles = {plan_id: plan.title for plan_id, plan in corpus.plans.items()} if corpus is not None else None
    for row_number, values in enumerate(rows, start=2):
        if row_number > MAX_ROWS + 1:
            failures.append((shown, [SheetProblem(shown, row_number, 0, f"表格超过 {MAX_ROWS} 行，后面的行没有读取",
                                             "请把学校名单分成几个文件，分批生成")]))
            break
        if values is None or all(cell_text(v) == "" for v in values):
            continue
        origin = f"{shown}:第{row_number}行"
        doc = SheetDoc(shown, None, row=row_number, headers=headers)
        problems = _read_row(doc, columns, values, titles)
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




def _read_row(doc: SheetDoc, columns: dict[int, Column], values: tuple[Any, ...],
              titles: dict[str, str] | None) -> list[Problem]:
    """Fill ``doc.data`` and ``doc.marks`` from one row; return the problems of its cells."""
    row_number = doc.row
    doc.marks[()] = (row_number, 0)
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    for index, column in columns.items():
        value = values[index - 1] if index - 1 < len(values) else None
        if column.path[0] in ("people", "plans", "calendar", "students", "place", "departments"):
            doc.marks.setdefault((column.path[0],), (row_number, index))
        doc.marks[column.path] = (row_number, index)
        if column.kind == "people":
            doc.marks[("people", OTHER_PEOPLE)] = (row_number, index)
        text = cell_text(value)
        if text == "":
            if column.required:
                problems.append(doc.problem(column.path, f"“{column.header}”不能为空", column.help))
            continue
        try:
            if column.kind == "date":
                set_path(data, column.path, cell_date(value))
            elif column.kind == "int":
                set_path(data, column.path, cell_int(value))
            elif column.kind == "year":
                set_path(data, column.path, cell_year(value))
            elif column.kind == "list":
                set_path(data, column.path, [p for p in SPLIT.split(text) if p])
            elif column.kind == "titles":
                found = split_titles(text)
                set_path(data, column.path, found)
                for i in range(len(found)):
                    doc.marks[(*column.path, i)] = (row_number, index)
            elif column.kind == "plans":
                ids = cell_plans(value, titles)
                data["plans"] = [{"plan": plan_id} for plan_id in ids]
                for i in range(len(ids)):
                    doc.marks[("plans", i)] = (row_number, index)
            elif column.kind == "people":
                people = data.setdefault("people", {})
                for post, name in cell_people(value).items():
                    people.setdefault(post, name)
                    doc.marks[("people", post)] = (row_number, index)
            elif column.path == ("id",):
                set_path(data, column.path, cell_plain(value))
            else:
                set_path(data, column.path, text)
        except ValueError as exc:
            problems.append(doc.problem(column.path, f"{column.header}：{exc}", column.help))
    if "students" in data and "total" not in data["students"]:
        problems.append(doc.problem(("students",), "写了学生人数但缺少“在校生人数”", "请填写在校生总数"))
    doc.data = data
    return problems
