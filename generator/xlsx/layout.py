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
from .columns import BY_HEADER, COLUMNS, ID_HEADER, SHEET_NAME, Column, SheetProblem

#: How many rows above the header a sheet may have (a title, a date line).
HEADER_SEARCH_ROWS = 6
#: Columns beyond this are never read (a sheet that claims 16,384 columns is not padded to them).
MAX_COLUMNS = 200
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
                    for values in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, max_col=MAX_COLUMNS, values_only=True))]
    if SHEET_NAME in book.sheetnames:
        others = [_shown_header(sheet.title) for sheet in lists if sheet.title != SHEET_NAME]
        notices = [Problem(shown, 0, 0, f"只读取了“{SHEET_NAME}”表；“{'”“'.join(others)}”表也像学校名单，没有读取",
                           f"如果要用的是另一张表，请把它改名为“{SHEET_NAME}”，并把原来的“{SHEET_NAME}”表改名或删除")] if others else []
        return book[SHEET_NAME], [], notices
    if len(lists) > 1:
        names = "”“".join(_shown_header(sheet.title) for sheet in lists)
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
    """Columns by number, problems that stop the sheet, and notices.

    A column of the user's own (序号, 联系人, 联系电话 …) is passed over, all of them named in one
    notice. Only a header close to a required column the sheet lacks is asked about, and the sheet
    waits for the answer: reading past it would lose what it holds. One close to ``学校编号`` is
    asked about in a notice (the ids are made from the names meanwhile).
    """
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
            problems.append(SheetProblem(shown, line, index, f"列名“{_shown_header(text)}”重复出现", "请删去多余的一列"))
        else:
            columns[index] = column
    present = {column.header for column in columns.values()}
    needed = [c.header for c in COLUMNS if (c.required or c.header == ID_HEADER) and c.header not in present]
    notices: list[Problem] = []
    passed: list[tuple[int, str]] = []
    for index, text in unknown:
        guess = difflib.get_close_matches(text, needed, n=1, cutoff=0.5)
        if not guess:
            guess = [h for h in needed if len(h) >= 2 and (h in text or text in h)][:1]
        if guess and guess[0] == ID_HEADER:
            # ids are made from names when the column is missing: ask, but do not stop the sheet
            needed.remove(ID_HEADER)
            notices.append(SheetProblem(shown, line, index, f"“{_shown_header(text)}”一列没有读取，编号已按学校名称的拼音生成",
                                        f"如果这一列就是各校的编号（只用小写英文字母、数字和“-”），请把列名改成“{ID_HEADER}”"))
        elif guess:
            needed.remove(guess[0])
            problems.append(SheetProblem(shown, line, index, f"不认识的列名“{_shown_header(text)}”，您是不是想写“{guess[0]}”？",
                                         f"如果是，请把列名改成“{guess[0]}”；如果这一列不是给本软件的，请改一个不同的列名"))
        else:
            passed.append((index, text))
    if passed:
        from .columns import column_letter

        listed = "、".join(f"{column_letter(index)}列“{_shown_header(text)}”" for index, text in passed)
        notices.append(SheetProblem(shown, line, 0, f"{len(passed)} 列不是模板中的列，没有读取：{listed}",
                                    "这些列的内容不会写进方案包；要写进去的信息请填在模板的列中（见“填写说明”表）"))
    for header_text in needed:
        column = BY_HEADER[header_text]
        if header_text == ID_HEADER:
            notices.append(SheetProblem(shown, line, 0, f"表中没有“{ID_HEADER}”一列：已按学校名称的拼音生成编号（也是文件夹名），"
                                        "各校的编号见 汇总.xlsx",
                                        f"如果要用自己定的编号，请加上“{ID_HEADER}”一列；以后增删学校时，"
                                        "名称读音相同的学校编号后面的 -2、-3 可能会变"))
        elif column.required:
            problems.append(SheetProblem(shown, line, 0, f"缺少必填的一列“{header_text}”",
                                         "请在列名一行加上这一列；列名要与模板一致"))
    return columns, problems, notices


def _shown_header(text: str) -> str:
    """A header as quoted in a message: at most 30 characters, no control characters."""
    from .cells import CONTROL

    text = CONTROL.sub("\ufffd", text)
    return text if len(text) <= 30 else text[:30] + "…"


#: Columns a school row always fills (besides its id and name).
_SCHOOL_FIELDS = ("学校类型", "省", "县", "主管单位", "学年", "采用方案")
#: A summary row: 合计 or the like anywhere in its label (全县合计, 合计：30所).
_SUMMARY_WORDS = re.compile(r"合计|总计|小计|共计|累计")
#: A signature or note line under the list: its first cell starts with one of these.
_NOTE_WORDS = re.compile(r"^(汇总|注[:：]|注$|附注|备注|说明|填表|填报|制表|审核|审批|核对|复核|负责人|经办人|联系人|联系电话|"
                         r"日期|签字|签名|盖章|[（(]?单位|校长签|局长签|分管领导)")


def note_label(values: dict[str, str], cells: tuple[Any, ...] = ()) -> bool:
    """Whether the row is labelled as a summary or signature line: its first filled cell
    (whichever column it is in, also one of the user's own such as 序号), its id or its name is
    合计, 总计, 填表人：, 审核人：, 负责人, 日期 … (as the row is written, before merged cells are
    filled in)."""
    first = next((text for text in (cell_text(v) for v in cells) if text), "")
    for label in (first, values.get("学校编号", ""), values.get("学校名称", "")):
        label = re.sub(r"\s+", "", label)
        if label and ((len(label) <= 20 and _SUMMARY_WORDS.search(label)) or _NOTE_WORDS.match(label)):
            return True
    return False


def is_note_row(values: dict[str, str], cells: tuple[Any, ...] = ()) -> bool:
    """A 合计 / 填表人 / notes row: labelled so (:func:`note_label`), or none of a school's own
    columns filled and its id and name cells empty. (A row with a school name but nothing else is
    a school written incompletely, and is reported as such.)"""
    if note_label(values, cells):
        return True
    if any(values.get(header) for header in _SCHOOL_FIELDS):
        return False
    return not values.get("学校编号") and not values.get("学校名称")


def is_template_example(values: dict[str, str]) -> bool:
    """The template's own example row, left in."""
    example = {c.header: c.example for c in COLUMNS}
    return (values.get("学校编号") == example["学校编号"] and values.get("学校名称") == example["学校名称"]
            and values.get("校长", "") == example["校长"])


def merged_down(sheet: Any, last_row: int, columns: set[int]) -> dict[int, list[tuple[int, int]]]:
    """Merges down one column (a 县 or 主管单位 typed once for many schools), by column:
    column → [(first row, last row)], Excel showing the first row's value in the rows below.

    The read-only reader does not keep merges, so they are read from the sheet's XML (streamed;
    their number was checked before the file was opened). Only the columns read and the rows up
    to ``last_row`` count; a merge across columns is left alone: which column it meant is not clear.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    path, archive = getattr(sheet, "_worksheet_path", None), getattr(getattr(sheet, "parent", None), "_archive", None)
    if not path or archive is None:
        return {}
    found: dict[int, list[tuple[int, int]]] = {}
    with archive.open(path) as stream:
        for _event, element in iterparse(stream):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                except (TypeError, ValueError):
                    continue
                if min_col == max_col and max_row > min_row and min_col in columns and min_row <= last_row:
                    found.setdefault(min_col, []).append((min_row, min(max_row, last_row)))
            element.clear()
    return {column: sorted(spans) for column, spans in sorted(found.items())}
