"""``汇总.xlsx``: what a batch did, school by school, for the county clerk once the terminal is closed.

Sheet ``汇总``: one row per school (or per input that could not be read) — where it came from
(file and row), its id and name, 已生成 or 失败, the files written and its problems. Sheet
``问题``: one row per problem with its file, row and column, the message and the fix. The file is
written atomically into the output root, also (above all) when some schools failed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import Problem
from ..write.atomic import write_bytes
from ..xlsx.safe import append_row
from .outcome import BUILT, FAILED, PASSED_OVER, SUMMARY_NAME, BatchResult, Outcome, natural_key


def where(problem: Problem) -> tuple[str, str]:
    """(row or line, column letter or number) of a problem, empty where it has none."""
    from ..xlsx import SheetProblem, column_letter

    line = str(problem.line) if problem.line > 0 else ""
    if not problem.column:
        return line, ""
    column = column_letter(problem.column) if isinstance(problem, SheetProblem) else str(problem.column)
    return line, column


def _problem_text(problem: Problem, notice: bool = False) -> str:
    line, column = where(problem)
    place = (f"第{line}行" if line else "") + (f" {column}列" if column else "")
    text = f"{place.strip()}：{problem.message}" if place else problem.message
    return ("提醒：" if notice else "") + text + (f"（{problem.hint}）" if problem.hint else "")


def _is_row(origin: str) -> bool:
    """``名单.xlsx:第5行`` is a row of a sheet; ``名单.xlsx`` the file itself."""
    return re.search(r":第\d+行$", origin) is not None


def count_line(outcomes: list[Outcome]) -> str:
    """``共 30 所学校：已生成 28 所，失败 2 所；另跳过 2 行（合计、填表人等，不是学校）``.

    Schools are the rows (or YAML files) that are schools: a skipped row and a note about a
    whole file are not counted as schools.
    """
    built = sum(1 for o in outcomes if o.status == BUILT)
    failed = [o for o in outcomes if o.status == FAILED]
    files = [o for o in failed if not _is_row(o.origin) and not o.school_id and o.origin.lower().endswith(".xlsx")]
    schools = len(failed) - len(files)
    skipped = sum(1 for o in outcomes if o.status == PASSED_OVER and _is_row(o.origin))
    text = f"共 {built + schools} 所学校：已生成 {built} 所，失败 {schools} 所"
    if files:
        text += f"；{len(files)} 个表格文件无法读取"
    if skipped:
        text += f"；另跳过 {skipped} 行（合计、填表人等，不是学校）"
    return text


def summary_bytes(outcomes: list[Outcome], earlier: Sequence[str] = ()) -> bytes:
    """The workbook (deterministic bytes: sorted by origin, pinned document dates).

    ``earlier``: pack folders of other runs in the same output folder; a line under the table
    says the table covers this run only and names them.

    Every text is data: names and ids as the sheet had them are written through :func:`~generator.xlsx.safe.safe_cell`.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from ..base.clock import build_instant
    from ..xlsx.template import pin_dates

    ordered = sorted(outcomes, key=lambda o: natural_key(o.origin))
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    append_row(sheet, ["来源（文件和行）", "学校编号", "学校名称", "状态", "生成的文件", "问题"])
    bad_fill = PatternFill("solid", fgColor="FCE4D6")
    for outcome in ordered:
        append_row(sheet, [outcome.origin, outcome.school_id, outcome.name, outcome.status,
                           "\n".join(outcome.files),
                           "\n".join([*(_problem_text(p) for p in outcome.problems),
                                      *(_problem_text(p, notice=True) for p in outcome.notices)])])
        if outcome.status == FAILED:
            for cell in sheet[sheet.max_row]:
                cell.fill = bad_fill
    sheet.append([])
    append_row(sheet, [count_line(ordered)])
    if earlier:
        append_row(sheet, [f"本表只列出这一次运行的学校。输出文件夹中另有 {len(earlier)} 个以前生成的方案包（不在本表中）："
                           + "、".join(earlier)])
    problems = book.create_sheet("问题")
    append_row(problems, ["来源（文件和行）", "出错的文件", "行", "列", "问题", "修改方法"])
    for outcome in ordered:
        for problem, notice in [*((p, False) for p in outcome.problems), *((p, True) for p in outcome.notices)]:
            line, column = where(problem)
            append_row(problems, [outcome.origin, problem.path, int(line) if line else None, column or None,
                                  ("提醒：" if notice else "") + problem.message, problem.hint])
    for ws, widths in ((sheet, (30, 22, 28, 8, 40, 80)), (problems, (30, 30, 6, 6, 60, 60))):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for index, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + index)].width = width
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    instant = build_instant().replace(tzinfo=None)
    book.properties.created = book.properties.modified = instant
    book.properties.creator = book.properties.lastModifiedBy = "共育 gongyu"
    book.properties.title = "方案包生成汇总"
    buffer = io.BytesIO()
    book.save(buffer)
    return pin_dates(buffer.getvalue())


def write_summary(result: BatchResult) -> Path:
    """Write ``汇总.xlsx`` for ``result`` into its output root (atomically) and return its path."""
    path = Path(result.out_root) / SUMMARY_NAME
    write_bytes(path, summary_bytes(result.outcomes(), result.earlier))
    return path
