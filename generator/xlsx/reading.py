"""Reading a school list: one profile per row, every problem located by row and column."""

from __future__ import annotations

import itertools
import re
import unicodedata
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
    control_problem,
    one_line,
    set_path,
    split_titles,
)
from .budget import check_budget
from .columns import ID_HEADER, OTHER_PEOPLE, SPLIT, Column, SheetDoc, SheetProblem
from .ids import base_id, unique_id
from .layout import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    find_header,
    find_sheet,
    is_note_row,
    is_template_example,
    note_label,
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
                 labels: dict[str, tuple[str, str]] | None = None, taken: set[str] | None = None) -> tuple[list[tuple[School, SheetDoc, str]], list[tuple[str, list[Problem]]]]:
    """Read every school of a sheet; a damaged file is reported, never raised as another error.

    ``notices`` collects what was passed over without being an error (a column of the user's own,
    a 合计 row, the template's example row), by origin; ``labels`` the id and name of every row
    as written, by origin, so that a row that fails is still named; ``taken``: ids already used by
    other inputs of the same batch, which an id made from a name avoids.
    """
    from ..base.paths import shown_path

    try:
        return _read_schools(path, corpus, notices, labels, taken or set())
    except GongyuError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl reads lazily and raises many kinds on damaged XML
        shown = shown_path(path)
        return [], [(shown, [Problem(shown, 0, 0, f"Excel 文件已损坏，无法读取（{type(exc).__name__}）",
                                     "请在 WPS 或 Excel 中打开并“另存为 Excel 工作簿（.xlsx）”后重试")])]


def _read_schools(path: Path, corpus: Corpus | None = None, notices: list[tuple[str, list[Problem]]] | None = None,
                  labels: dict[str, tuple[str, str]] | None = None, taken: set[str] | frozenset[str] = frozenset()) -> tuple[list[tuple[School, SheetDoc, str]], list[tuple[str, list[Problem]]]]:
    """Read every school of a sheet.

    Returns the schools that are valid (each with a :class:`SheetDoc` for later located messages
    and its origin ``file:第N行``) and, per bad row (or bad header), its problems. With ``corpus``
    each school is also checked against the plan templates it adopts.
    """
    from ..base.paths import shown_path

    shown = shown_path(path)
    too_big = check_budget(path, shown)
    if too_big:
        return [], [(shown, too_big)]
    try:
        book = _open(path, shown)
    except GongyuError as exc:
        return [], [(shown, list(exc.problems))]
    try:
        return _read_book(book, shown, corpus, notices, labels, taken)
    finally:
        book.close()


def _read_book(book: Any, shown: str, corpus: Corpus | None, notices: list[tuple[str, list[Problem]]] | None,
               labels: dict[str, tuple[str, str]] | None, taken: set[str] | frozenset[str],
               ) -> tuple[list[tuple[School, SheetDoc, str]], list[tuple[str, list[Problem]]]]:
    """The schools of an open workbook: every row read first (so that ids made from names can
    avoid ids written further down), then each checked."""
    from ..load import validate
    from ..models.school import School
    from ..check.profile import profile_problems

    sheet, sheet_problems, sheet_notices = find_sheet(book, shown)
    if sheet is None:
        return [], [(shown, sheet_problems)]
    rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    top = [next(rows, None) for _ in range(HEADER_SEARCH_ROWS)]
    top = [r for r in top if r is not None]
    if not top or not any(cell_text(v) for r in top for v in r):
        return [], [(shown, [SheetProblem(shown, 1, 0, "表格是空的，第1行应是列名",
                                          "可以用“gongyu school xlsx-template”生成一份带列名的空表")])]
    header_index = find_header(top)
    header_line = header_index + 1
    columns, header_problems, header_notices = read_header(shown, header_line, top[header_index])
    if header_problems:
        return [], [(shown, header_problems)]
    if notices is not None and (sheet_notices or header_notices):
        notices.append((shown, [*sheet_notices, *header_notices]))
    rows = itertools.chain(top[header_index + 1:], rows)
    last_row = header_line + MAX_ROWS
    merges = merged_down(sheet, last_row, set(columns))
    merged_values: dict[tuple[int, int], Any] = {}

    failures: list[tuple[str, list[Problem]]] = []
    headers = {column.header: index for index, column in columns.items()}
    titles = {plan_id: plan.title for plan_id, plan in corpus.plans.items()} if corpus is not None else None
    read: list[tuple[int, str, SheetDoc, list[Problem], list[Problem]]] = []
    for row_number, values in enumerate(rows, start=header_line + 1):
        raw = values or ()
        if row_number > last_row:
            if any(v is not None and v != "" for v in raw):
                failures.append((shown, [SheetProblem(shown, row_number, 0, f"表格超过 {MAX_ROWS} 行，后面的行没有读取",
                                                      "请把学校名单分成几个文件，分批生成")]))
                break
            continue
        written = {column.header: cell_text(raw[index - 1]) for index, column in columns.items() if index - 1 < len(raw)}
        # an empty row under a merged 县 cell stays empty; a school row takes the merged value
        values = _unmerge(row_number, raw, merges, merged_values) if merges else raw
        if not any(written.values()) and not note_label(written, raw):
            continue  # empty, or only columns of the user's own (a 序号 numbered ahead)
        origin = f"{shown}:第{row_number}行"
        if is_note_row(written, raw):
            if notices is not None:
                notices.append((origin, [SheetProblem(
                    shown, row_number, 0, "这一行看起来是合计或备注行，已跳过",
                    "如果这是一所学校，请补全这一行；合计、填表人、审核人、日期等可以留在表中，不影响生成")]))
            continue
        known = {column.header: cell_text(values[index - 1])
                 for index, column in columns.items() if index - 1 < len(values)}
        if is_template_example(known) and notices is not None:
            notices.append((origin, [SheetProblem(
                shown, row_number, 0, "这一行仍是模板自带的示例学校（青山县石桥镇青山小学），也会生成方案包",
                "如果不需要，请删除这一行；已生成的 qingshan-xiaoxue 文件夹（及压缩包）也可以删除")]))
        if labels is not None:
            labels[origin] = (cell_plain(known.get(ID_HEADER, ""))[:200], known.get("学校名称", "")[:200])
        doc = SheetDoc(shown, None, row=row_number, headers=headers, header_row=header_line)
        row_notices: list[Problem] = []
        try:
            problems = _read_row(doc, columns, values, titles, row_notices)
        except Exception as exc:  # noqa: BLE001 - one odd row must not cost the rest of the sheet
            problems = [_unreadable(shown, row_number, exc)]
        read.append((row_number, origin, doc, problems, row_notices))

    _give_ids(read, columns, labels, notices, taken)
    schools: list[tuple[School, SheetDoc, str]] = []
    for _row, origin, doc, problems, row_notices in read:
        if row_notices and notices is not None:
            notices.append((origin, row_notices))
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
        except Exception as exc:  # noqa: BLE001 - a located row error, never an internal error for the sheet
            failures.append((origin, [_unreadable(shown, _row, exc)]))
            continue
        schools.append((school, doc, origin))
    return schools, failures


def _unreadable(shown: str, row: int, exc: Exception) -> Problem:
    return SheetProblem(shown, row, 0, f"这一行的内容无法读取（{type(exc).__name__}）",
                        "请检查这一行有没有异常的内容（例如从网页粘贴的特殊字符），改后重新运行；"
                        "如果确认没有写错，请把这条信息告诉维护人员")


def _name_key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def _give_ids(read: list[tuple[int, str, SheetDoc, list[Problem], list[Problem]]], columns: dict[int, Column],
              labels: dict[str, tuple[str, str]] | None, notices: list[tuple[str, list[Problem]]] | None,
              used: set[str] | frozenset[str] = frozenset()) -> None:
    """Refuse a school named twice; give each school without an id one made from its name.

    Ids written in the sheet (or in ``used``, by other inputs) are never taken by a made one;
    made ids follow sheet order.
    """
    has_column = any(column.header == ID_HEADER for column in columns.values())
    taken = {doc.data["id"] for _r, _o, doc, _p, _n in read if isinstance(doc.data.get("id"), str)} | set(used)
    names: dict[str, int] = {}
    for row, origin, doc, problems, row_notices in read:
        name = doc.data.get("name")
        if not isinstance(name, str) or not name:
            continue
        key = _name_key(name)
        if key in names:
            problems.append(doc.problem(("name",), f"学校名称与第{names[key]}行相同：同一所学校填了两次？",
                                        f"如果是同一所学校，请删去其中一行（第{names[key]}行已生成）；"
                                        "如果是两所学校，请写各自的全称以便区分"))
            continue
        names[key] = row
        if "id" in doc.data or problems:
            continue
        place = doc.data.get("place") or {}
        made = base_id(name, (place.get("province", ""), place.get("city", ""), place.get("county", "")))
        if not made:
            problems.append(doc.problem(("name",), "无法按学校名称生成编号（名称中没有汉字、字母或数字）",
                                        f"请加上“{ID_HEADER}”一列并填写编号，例如 qingshan-xiaoxue"))
            continue
        doc.data["id"] = unique_id(made, taken)
        if has_column:
            row_notices.append(doc.problem(("id",), f"学校编号没有填写，已按学校名称生成：{doc.data['id']}",
                                           "如果要用自己定的编号，请填在这一格"))
        if labels is not None:
            labels[origin] = (doc.data["id"], labels.get(origin, ("", name))[1])


def _read_row(doc: SheetDoc, columns: dict[int, Column], values: tuple[Any, ...],
              titles: dict[str, str] | None, notices: list[Problem]) -> list[Problem]:
    """Fill ``doc.data`` and ``doc.marks`` from one row; return the problems of its cells
    (``notices``: what was tidied without being an error, such as a line break in a name)."""
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
        control = control_problem(text)
        if control:
            problems.append(doc.problem(column.path, f"{column.header}：{control}",
                                        "请删去这一格中看不见的字符（可以重新输入这一格）"))
            continue
        if column.kind in _ONE_LINE and column.path != ("note",) and ("\n" in text or "\t" in text):
            text = one_line(text)
            value = text
            notices.append(doc.problem(column.path, f"“{column.header}”中的换行已去掉，按一行读取",
                                       "不影响生成；如果换行是有意的，请核对生成的文件"))
        if column.path == ("name",) and text[0] in _FORMULA_START:
            problems.append(doc.problem(column.path, f"学校名称以“{text[0]}”开头，像是公式而不是学校名称",
                                        "请直接写学校全称，例如 青山县石桥镇青山小学"))
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


#: Kinds of cell that hold one line (all but 备注): a line break typed to wrap the text is taken out.
_ONE_LINE = frozenset({"text", "post", "date", "int", "year"})
#: A school name starting with one of these is a formula pasted as text (or written to become one).
_FORMULA_START = frozenset("=+-@")


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


def _unmerge(row: int, values: tuple[Any, ...], merges: dict[int, list[tuple[int, int]]],
             seen: dict[tuple[int, int], Any]) -> tuple[Any, ...]:
    """The row as Excel shows it: a cell under a merge down its column has the merge's value."""
    cells = list(values)
    for column, spans in merges.items():
        for first, last in spans:
            if row == first:
                seen[(first, column)] = values[column - 1] if column - 1 < len(values) else None
            elif first < row <= last and (first, column) in seen:
                while len(cells) < column:
                    cells.append(None)
                if cells[column - 1] in (None, ""):
                    cells[column - 1] = seen[(first, column)]
    return tuple(cells)
