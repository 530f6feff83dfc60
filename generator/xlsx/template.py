"""``gongyu school xlsx-template``: an empty school list with an example row and a sheet of help."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING

from ..models.school import SCHOOL_TYPES
from .columns import COLUMNS, HELP_SHEET_NAME, SHEET_NAME, column_letter

if TYPE_CHECKING:
    from ..load.corpus import Corpus

def template_bytes(corpus: Corpus | None = None) -> bytes:
    """An .xlsx with the header, one filled example row, and a sheet explaining every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..base.clock import build_instant
    from .safe import append_row, safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    head_font = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    optional_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=safe_cell(column.header))
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
                example.value = safe_cell(column.example)
        letter = column_letter(index)
        # wide enough for the header and the example (a Chinese character is two units wide)
        sheet.column_dimensions[letter].width = max(10, min(40, max(_width(column.header), _width(column.example)) + 3))
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
    append_row(help_sheet, ["列名", "是否必填", "说明", "示例"])
    for cell in help_sheet[1]:
        cell.font = head_font
    needed = _posts_needed(corpus)
    for column in COLUMNS:
        status = "必填" if column.required else "选填"
        text = column.help
        if column.kind == "post" and needed.get(column.path[-1]):
            status = "视方案"
            text += "；采用以下方案时必填：" + "、".join(needed[column.path[-1]])
        append_row(help_sheet, [column.header, status, text, column.example])
    help_sheet.append([])
    notes = [
        "第2行是示例，请改成本校的信息，或删除后从第2行开始填写；每一行是一所学校。",
        "只写学生人数，不写任何学生的姓名或个人情况。",
        "日期可以是 Excel 日期，或写成 2026-09-01、2026/9/1、2026.9.1、2026年9月1日；只写“9月1日”的，年份按“学年”一列推算；"
        "没写的校历日期会按常规估算（寒假包含春节）。",
        "空着不填、写“无”或“/”都当作没有填写。表中可以加自己的列（如 序号、联系人），这些列不会读取；"
        "最下面的合计行、填表人行会被跳过。",
        "“学校编号”可以不填（也可以删去这一列）：按学校名称的拼音生成，例如 青山县石桥镇青山小学 → shiqiaozhen-qingshan-xiaoxue，"
        "生成的编号写在 汇总.xlsx 中。同一所学校不要填两行。",
        "领导小组按岗位自动填入姓名；方案里用到而表中没有的岗位，请写在“其他人员”一列，例如 法治副校长：某某。",
        "填好后运行：gongyu school build 学校名单.xlsx --out dist/schools",
    ]
    for note in notes:
        append_row(help_sheet, [note])
        # one line across the sheet, not wrapped into the narrow first column
        help_sheet.merge_cells(start_row=help_sheet.max_row, start_column=1, end_row=help_sheet.max_row, end_column=4)
        # merged cells do not grow with their text: give the row the lines it needs (~130 units a line)
        help_sheet.row_dimensions[help_sheet.max_row].height = 16 * (1 + _width(note) // 130)
    if corpus is not None and corpus.plans:
        help_sheet.append([])
        append_row(help_sheet, ["可用的方案编号", "", "方案名称"])
        help_sheet[help_sheet.max_row][0].font = head_font
        for plan_id in sorted(corpus.plans):
            append_row(help_sheet, [plan_id, "", corpus.plans[plan_id].title])
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
    return pin_dates(buffer.getvalue())


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


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


def pin_dates(data: bytes) -> bytes:
    """openpyxl stamps the save time into ``docProps/core.xml``; pin it so the file is reproducible."""
    import zipfile

    from ..base.clock import build_instant
    from ..render.docx.gbt import write_zip

    when = build_instant().strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            content = archive.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + when + rb"\g<2>", content)
            entries.append((info.filename, content))
    return write_zip(entries)


