"""School lists in Excel: one school per row, for county bureaus that keep their schools in a sheet.

The sheet ``学校名单`` (or the first sheet) has a header row of Chinese column names — see
:data:`COLUMNS` — and one school per row below it. Each row becomes a school profile exactly as a
``plans/schools/*.yml`` file would; every problem is reported with the sheet row and column
letter, e.g. ``学校名单.xlsx:第5行 E列: 学年“2026”的格式不对``. The file's size, merged ranges and
shared strings are checked before it is opened (:mod:`.budget`); a sheet without ``学校编号`` gets
ids made from the schools' names (:mod:`.ids`). ``gongyu school xlsx-template``
writes an empty sheet with the header, a filled example row and a second sheet explaining the
columns.
"""

from __future__ import annotations

from .columns import COLUMNS, Column, SheetDoc, SheetProblem, column_letter
from .reading import read_schools
from .template import template_bytes

__all__ = ["COLUMNS", "Column", "SheetDoc", "SheetProblem", "column_letter", "read_schools", "template_bytes"]
