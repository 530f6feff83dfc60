"""Where the school list is in a workbook, and which of its rows and columns are not schools.

People keep lists the way they like: a title row above the header, a renamed sheet, a 序号 or
联系人 column of their own, a 合计 row and a 填表人 line at the bottom, the template's example
row left in. What is certainly not a school is passed over with a notice; what might be a
school written wrongly is refused with the fix, never guessed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any

from ..errors import Problem
from .cells import cell_text
from .columns import BY_HEADER, COLUMNS, SHEET_NAME, Column, SheetProblem

#: How many rows above the header a sheet may have (a title, a date line).
HEADER_SEARCH_ROWS = 6
#: Headers as typed with full-width letters or brackets, to the header they mean.
_PLAIN_HEADERS = {unicodedata.normalize("NFKC", header): header for header in BY_HEADER}
_REQUIRED_MARK = re.compile(r"^[*＊]+|[*＊]+$|[（(](必填|选填)[）)]$")


def header_name(value: Any) -> str:
    """A header cell as the template spells it: no spaces or line breaks inside, no “*” or “（必填）”."""
    text = re.sub(r"\s+", "", cell_text(value))
    return _REQUIRED_MARK.sub("", text)


def header_column(text: str) -> Column | None:
    return BY_HEADER.get(text) or BY_HEADER.get(_PLAIN_HEADERS.get(unicodedata.normalize("NFKC", text), ""))


def _header_score(values: tuple[Any, ...]) -> int:
    return sum(1 for value in values if header_column(header_name(value)) is not None)


def find_sheet(book: Any, shown: str) -> tuple[Any, list[Problem], list[Problem]]:
    """The sheet to read, problems that stop the file, and notices.

    The sheet ``学校名单`` if there is one (another sheet that looks like a school list is named
    in a notice: it is not read); else the one sheet whose top rows hold our headers; two such
    sheets are a question for the user, never a guess; none: the first sheet.
    """
    lists = [sheet for sheet in book.worksheets
             if any(_header_score(values) >= 3
                    for values in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True))]
    if SHEET_NAME in book.sheetnames:
        others = [sheet.title for sheet in lists if sheet.title != SHEET_NAME]
        notices = [Problem(shown, 0, 0, f"只读取了“{SHEET_NAME}”表；“{'”“'.join(others)}”表也像学校名单，没有读取",
                           f"如果要用的是另一张表，请把它改名为“{SHEET_NAME}”，"
                           f"并把原来的“{SHEET_NAME}”表改名或删除")] if others else []
        return book[SHEET_NAME], [], notices
    if len(lists) > 1:
        names = "”“".join(sheet.title for sheet in lists)
        return None, [Problem(shown, 0, 0, f"有几张表都像学校名单：“{names}”，不知道该读哪一张",
                              f"请把要用的那张表改名为“{SHEET_NAME}”")], []
    return (lists[0] if lists else book.worksheets[0]), [], []


def find_header(rows: list[tuple[Any, ...]]) -> int:
    """Index (0-based) of the header among the first rows: the row with most known headers
    (a title row above it, merged over the columns, has at most one)."""
    best, best_score = 0, 0
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = _header_score(values)
        if score > best_score:
            best, best_score = index, score
    return best


def read_header(shown: str, line: int, header: tuple[Any, ...]) -> tuple[dict[int, Column], list[Problem], list[Problem]]:
    """Columns by number, problems that stop the sheet, and notices (columns of the user's own, not read)."""
    columns: dict[int, Column] = {}
    problems: list[Problem] = []
    unknown: list[tuple[int, str]] = []
    for index, value in enumerate(header, start=1):
        text = header_name(value)
        if not text:
            continue
        column = header_column(text)
        if column is None:
            unknown.append((index, text))
        elif column in columns.values():
            problems.append(SheetProblem(shown, line, index, f"列名“{text}”重复出现", "请删去多余的一列"))
        else:
            columns[index] = column
    present = {column.header for column in columns.values()}
    notices: list[Problem] = []
    for index, text in unknown:
        # a header close to one of ours that the sheet lacks is probably that column misspelt: ask
        missing = [c.header for c in COLUMNS if c.header not in present]
        guess = difflib.get_close_matches(text, missing, n=1, cutoff=0.5)
        if not guess:
            guess = [h for h in missing if len(h) >= 2 and (h in text or text in h)][:1]
        if guess:
            problems.append(SheetProblem(shown, line, index, f"不认识的列名“{text}”，您是不是想写“{guess[0]}”？",
                                         f"如果是，请把列名改成“{guess[0]}”；如果这一列不是给本软件的，请改一个不同的列名"))
        else:
            notices.append(SheetProblem(shown, line, index, f"“{text}”一列不是模板中的列，没有读取",
                                        "这一列的内容不会写进方案包；要写进去的信息请填在模板的列中（见“填写说明”表）"))
    for column in COLUMNS:
        if column.required and column.header not in present:
            problems.append(SheetProblem(shown, line, 0, f"缺少必填的一列“{column.header}”",
                                         "请在列名一行加上这一列；列名要与模板一致"))
    return columns, problems, notices


#: Columns a school row always fills (besides its id and name).
_SCHOOL_FIELDS = ("学校类型", "省", "县", "主管单位", "学年", "采用方案")
_NOTE_WORDS = re.compile(r"^(合计|总计|小计|共计|汇总|注|备注|说明|填表|制表|审核|负责人|联系人|联系电话|签字|盖章|单位)")


def is_note_row(values: dict[str, str]) -> bool:
    """A 合计 / 填表人 / notes row: none of a school's own columns filled, and its id and name
    cells empty or starting with such a word. (A row with a school name but nothing else is a school
    written incompletely, and is reported as such.)"""
    if any(values.get(header) for header in _SCHOOL_FIELDS):
        return False
    labels = [values.get("学校编号", ""), values.get("学校名称", "")]
    return all(not label or _NOTE_WORDS.match(label) for label in labels)


def is_template_example(values: dict[str, str]) -> bool:
    """The template's own example row, left in."""
    example = {c.header: c.example for c in COLUMNS}
    return (values.get("学校编号") == example["学校编号"] and values.get("学校名称") == example["学校名称"]
            and values.get("校长", "") == example["校长"])


def merged_down(sheet: Any) -> dict[tuple[int, int], tuple[int, int]]:
    """Cells covered by a merge down one column (a 县 or 主管单位 typed once for many schools):
    (row, column) → the (row, column) whose value Excel shows there.

    The read-only reader does not keep merges, so they are read from the sheet's XML (streamed).
    A merge across columns is left alone: which column it meant is not clear.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    path, archive = getattr(sheet, "_worksheet_path", None), getattr(getattr(sheet, "parent", None), "_archive", None)
    if not path or archive is None:
        return {}
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    with archive.open(path) as stream:
        for _event, element in iterparse(stream):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                except (TypeError, ValueError):
                    continue
                if min_col == max_col and max_row > min_row:
                    for row in range(min_row + 1, min(max_row, MAX_MERGED_ROW) + 1):
                        covered[(row, min_col)] = (min_row, min_col)
            element.clear()
    return covered


#: Merges reaching beyond any school list are cut here (a hostile file cannot make the map huge).
MAX_MERGED_ROW = 10_000
