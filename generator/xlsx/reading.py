"""Reading a school list: one profile per row, every problem located by row and column."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GongyuError, Problem
from ..models.school import SCHOOL_TYPES
from .cells import (
    cell_date,
    cell_id,
    cell_int,
    cell_people,
    cell_plain,
    cell_plans,
    cell_text,
    cell_type,
    cell_year,
    set_path,
    split_titles,
)
from .columns import OTHER_PEOPLE, SPLIT, Column, SheetDoc, SheetProblem
from .layout import (
    HEADER_SEARCH_ROWS,
    find_header,
    find_sheet,
    is_note_row,
    is_template_example,
    merged_down,
    read_header,
)

if TYPE_CHECKING:
    from ..load.corpus import Corpus
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


def read_schools(path: Path, corpus: Corpus | None = None, notices: list[tuple[str, list[Problem]]] | None = None,
                 labels: dict[str, tuple[str, str]] | None = None) -> tuple[list[tuple[School, SheetDoc, str]], list[tuple[str, list[Problem]]]]:
    """Read every school of a sheet; a damaged file is reported, never raised as another error.

    ``notices`` collects what was passed over without being an error (a column of the user's own,
    a 合计 row, the template's example row), by origin; ``labels`` the id and name of every row
    as written, by origin, so that a row that fails is still named.
    """
    from ..base.paths import shown_path

    try:
        return _read_schools(path, corpus, notices, labels)
    except GongyuError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl reads lazily and raises many kinds on damaged XML
        shown = shown_path(path)
        return [], [(shown, [Problem(shown, 0, 0, f"Excel 文件已损坏，无法读取（{type(exc).__name__}）",
                                     "请在 WPS 或 Excel 中打开并“另存为 Excel 工作簿（.xlsx）”后重试")])]


def _read_schools(path: Path, corpus: Corpus | None = None, notices: list[tuple[str, list[Problem]]] | None = None,
                  labels: dict[str, tuple[str, str]] | None = None) -> tuple[list[tuple[School, SheetDoc, str]], list[tuple[str, list[Problem]]]]:
    """Read every school of a sheet.

    Returns the schools that are valid (each with a :class:`SheetDoc` for later located messages
    and its origin ``file:第N行``) and, per bad row (or bad header), its problems. With ``corpus``
    each school is also checked against the plan templates it adopts.
    """
    from ..base.paths import shown_path
    from ..check.profile import profile_problems
    from ..load import validate
    from ..models.school import School

    shown = shown_path(path)
    try:
        book = _open(path, shown)
    except GongyuError as exc:
        return [], [(shown, list(exc.problems))]
    sheet, sheet_problems, sheet_notices = find_sheet(book, shown)
    if sheet is None:
        book.close()
        return [], [(shown, sheet_problems)]
    rows = sheet.iter_rows(values_only=True)
    top = [next(rows, None) for _ in range(HEADER_SEARCH_ROWS)]
    top = [r for r in top if r is not None]
    if not top or not any(cell_text(v) for r in top for v in r):
        book.close()
        return [], [(shown, [SheetProblem(shown, 1, 0, "表格是空的，第1行应是列名",
                                          "可以用“gongyu school xlsx-template”生成一份带列名的空表")])]
    header_index = find_header(top)
    header_line = header_index + 1
    columns, header_problems, header_notices = read_header(shown, header_line, top[header_index])
    if header_problems:
        book.close()
        return [], [(shown, header_problems)]
    if notices is not None and (sheet_notices or header_notices):
        notices.append((shown, [*sheet_notices, *header_notices]))
    rows = itertools.chain(top[header_index + 1:], rows)
    covered = merged_down(sheet)
    sources = set(covered.values())
    merged_values: dict[tuple[int, int], Any] = {}

    schools: list[tuple[School, SheetDoc, str]] = []
    failures: list[tuple[str, list[Problem]]] = []
    headers = {column.header: index for index, column in columns.items()}
    titles = {plan_id: plan.title for plan_id, plan in corpus.plans.items()} if corpus is not None else None
    for row_number, values in enumerate(rows, start=header_line + 1):
        if row_number > MAX_ROWS + 1:
            failures.append((shown, [SheetProblem(shown, row_number, 0, f"表格超过 {MAX_ROWS} 行，后面的行没有读取",
                                             "请把学校名单分成几个文件，分批生成")]))
            break
        known = {} if values is None else {column.header: cell_text(values[index - 1])
                                           for index, column in columns.items() if index - 1 < len(values)}
        if covered and values is not None:
            # an empty row under a merged 县 cell stays empty; a school row takes the merged value
            values = _unmerge(row_number, values, covered, sources, merged_values)
        if not any(known.values()):
            continue
        known = {column.header: cell_text(values[index - 1])
                 for index, column in columns.items() if index - 1 < len(values)}
        origin = f"{shown}:第{row_number}行"
        if is_note_row(known):
            if notices is not None:
                notices.append((origin, [SheetProblem(
                    shown, row_number, 0, "这一行没有学校编号、学校类型和采用方案，看起来是合计或备注行，已跳过",
                    "如果这是一所学校，请补全这一行；合计、填表人等可以留在表中，不影响生成")]))
            continue
        if is_template_example(known) and notices is not None:
            notices.append((origin, [SheetProblem(
                shown, row_number, 0, "这一行仍是模板自带的示例学校（青山县石桥镇青山小学），也会生成方案包",
                "如果不需要，请删除这一行；已生成的 qingshan-xiaoxue 文件夹（及压缩包）也可以删除")]))
        if labels is not None:
            labels[origin] = (cell_plain(known.get("学校编号", "")), known.get("学校名称", ""))
        doc = SheetDoc(shown, None, row=row_number, headers=headers, header_row=header_line)
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
    # the school year first: a date written without its year (“9月1日”) takes it from there
    for index, column in sorted(columns.items(), key=lambda item: item[1].kind != "year"):
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
                set_path(data, column.path, cell_date(value, _year_of(column, data.get("year"))))
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
            elif column.path == ("type",):
                set_path(data, column.path, cell_type(value, SCHOOL_TYPES))
            elif column.path == ("id",):
                set_path(data, column.path, cell_id(value))
            else:
                set_path(data, column.path, text)
        except ValueError as exc:
            problems.append(doc.problem(column.path, f"{column.header}：{exc}", column.help))
    if "students" in data and "total" not in data["students"]:
        problems.append(doc.problem(("students",), "写了学生人数但缺少“在校生人数”", "请填写在校生总数"))
    doc.data = data
    return sorted(problems)


def _year_of(column: Column, school_year: str | None) -> Callable[[int], int] | None:
    """The year of a month in ``column`` (秋季结束 in January is in the second year), or None."""
    if not school_year:
        return None
    first = int(school_year[:4])
    if column.path[-1] == "autumn_start":
        return lambda month: first
    if column.path[-1] == "autumn_end":
        return lambda month: first if month >= 7 else first + 1
    return lambda month: first + 1


def _unmerge(row: int, values: tuple[Any, ...], covered: dict[tuple[int, int], tuple[int, int]],
             sources: set[tuple[int, int]], seen: dict[tuple[int, int], Any]) -> tuple[Any, ...]:
    """The row as Excel shows it: a cell under a merge down its column has the merge's value."""
    cells = list(values)
    for column, value in enumerate(values, start=1):
        if (row, column) in sources:
            seen[(row, column)] = value
    for column in range(1, max(len(cells), max((c for _, c in sources), default=0)) + 1):
        source = covered.get((row, column))
        if source is not None and source in seen:
            while len(cells) < column:
                cells.append(None)
            if cells[column - 1] in (None, ""):
                cells[column - 1] = seen[source]
    return tuple(cells)
