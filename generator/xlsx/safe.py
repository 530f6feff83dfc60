"""Text written into a workbook we produce (汇总.xlsx, the template) is data, never a formula.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken for a
formula by Excel, LibreOffice or WPS (“CSV injection”): such text gets a ``'`` in front, as OWASP
advises, and is stored as text. Control characters (a lone CR too) and bidirectional overrides are
shown as “�”: a cell cannot hold some of them, and the others would make a name read differently.
"""

from __future__ import annotations

import re
from typing import Any

#: What a cell never shows as written: characters openpyxl refuses (XML 1.0 has no place for them),
#: a lone CR (a line break to some readers), C1 controls and the bidirectional overrides.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|\r(?!\n)")
#: A cell starting with one of these is a formula to Excel, LibreOffice or WPS (OWASP, “CSV injection”).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Longest text put in one cell (Excel's limit is 32,767 characters).
_MAX_CELL = 32_000


def safe_cell(value: object) -> object:
    """A value as written into any workbook we produce: text is never a formula (a leading ``=``,
    ``+``, ``-``, ``@``, tab or CR gets a ``'`` in front, as OWASP advises), characters a cell cannot
    hold are shown as “�”, and overlong text is cut. Numbers and empty cells are left alone."""
    if not isinstance(value, str):
        return value
    text = ("'" if value.startswith(_FORMULA_START) else "") + value.replace("\r\n", "\n")
    text = _UNWRITABLE.sub("\ufffd", text)
    return text if len(text) <= _MAX_CELL else text[:_MAX_CELL] + "…"


def append_row(sheet: Any, values: list[object]) -> None:
    """``sheet.append`` through :func:`safe_cell`, every text cell stored as text (never a formula)."""
    sheet.append([safe_cell(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
