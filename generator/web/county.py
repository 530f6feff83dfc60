"""The county's side outside the browser: importing the school list, county accounts, workbooks."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GongyuError, Problem
from . import codes
from .db import Admin, Database, SchoolRow

if TYPE_CHECKING:
    from ..load.corpus import Corpus

CODES_NAME = "登录码.xlsx"
SUMMARY_NAME = "汇总.xlsx"
NOT_STARTED = "未开始"
DRAFT = "草稿"
READY = "方案包已就绪"
SAVED = "已保存"


@dataclass(frozen=True)
class Imported:
    """What an import did: new schools with their codes, schools updated, rows that failed."""

    new: list[tuple[str, str, str]]  # id, name, code
    updated: list[str]
    failures: list[tuple[str, list[Problem]]]


def import_schools(db: Database, path: Path, corpus: Corpus, actor: str) -> Imported:
    """Read a county school list with the same reader as ``school build``; create or update every good row.

    A new school gets a code (returned, stored only hashed); an existing school keeps its code and
    its saved profile, only its name and imported row are refreshed. Problems are located by sheet
    row and column exactly as on the command line.
    """
    from ..xlsx import read_schools

    rows, failures = read_schools(path, corpus)
    new: list[tuple[str, str, str]] = []
    updated: list[str] = []
    with db.session() as s, s.begin():
        for school, _doc, _origin in rows:
            data = school.model_dump(mode="json", exclude_none=True)
            row = s.get(SchoolRow, school.id)
            if row is None:
                s.add(SchoolRow(id=school.id, name=school.name, imported=json.dumps(data, ensure_ascii=False, sort_keys=True)))
                s.flush()
                new.append((school.id, school.name, codes.issue(s, "school", school.id)))
                db.audit(s, actor, "新增学校", f"{school.name}（{path.name}）", school.id)
            else:
                row.imported = json.dumps(data, ensure_ascii=False, sort_keys=True)
                if row.profile is None:
                    row.name = school.name
                updated.append(school.id)
                db.audit(s, actor, "更新学校名单中的信息", path.name, school.id)
    return Imported(new, updated, failures)


def add_admin(db: Database, name: str) -> str:
    """Make a county account; return its code (shown once, stored hashed)."""
    name = name.strip()
    if not name:
        raise GongyuError("姓名不能为空：请写成 gongyu web add-admin 张三")
    with db.session() as s, s.begin():
        admin = Admin(name=name)
        s.add(admin)
        s.flush()
        code = codes.issue(s, "admin", str(admin.id))
        db.audit(s, "命令行", "新增县管理员", name)
    return code


def sheet_bytes(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]) -> bytes:
    """A one-sheet workbook; every text stays text (a value starting with “=” is never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for r, values in enumerate([headers, *rows], start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == 1:
                cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    book.properties.creator = book.properties.lastModifiedBy = "共育 gongyu"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def codes_bytes(new: Sequence[tuple[str, str, str]]) -> bytes:
    """``登录码.xlsx``: 学校编号, 学校名称, 登录码 (the only place a code is ever shown)."""
    return sheet_bytes("登录码", ("学校编号", "学校名称", "登录码"), [list(r) for r in new], (24, 36, 20))


def failure_text(failures: Sequence[tuple[str, list[Problem]]]) -> str:
    lines = []
    for origin, problems in failures:
        lines.append(f"{origin}：")
        lines += ["  " + p.format().replace("\n", "\n  ") for p in problems]
    return "\n".join(lines)
