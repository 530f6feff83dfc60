"""Reading one cell: text, dates, whole numbers, school years and “岗位：姓名” lists."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def cell_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(f"“{text}”不是日期")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{text}”不存在") from None


def cell_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("应为整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value).replace(",", "").replace("，", "").removesuffix("人").removesuffix("个")
    if not re.fullmatch(r"\d+", text):
        raise ValueError(f"“{cell_text(value)}”不是整数")
    return int(text)


def cell_year(value: Any) -> str:
    text = cell_text(value)
    match = re.fullmatch(r"(\d{4})\s*[-—–－~～至]+\s*(\d{2,4})(学年)?", text)
    if not match:
        raise ValueError(f"学年“{text}”的格式不对")
    first, second = match.group(1), match.group(2)
    if len(second) == 2:
        second = first[:2] + second
    return f"{first}-{second}"


def cell_people(value: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in re.split(r"[;；\n]+", cell_text(value)):
        part = part.strip()
        if not part:
            continue
        pieces = re.split(r"[:：]", part, maxsplit=1)
        if len(pieces) != 2 or not pieces[0].strip() or not pieces[1].strip():
            raise ValueError(f"“{part}”应写成“岗位：姓名”")
        found[pieces[0].strip()] = pieces[1].strip()
    return found


def set_path(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


