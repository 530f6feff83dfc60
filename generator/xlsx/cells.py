"""Reading one cell: text, dates, whole numbers, school years and “岗位：姓名” lists."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def cell_plain(value: Any) -> str:
    """The cell as text with full-width digits, letters and punctuation made half-width (NFKC).

    For ids, dates, numbers and plan names only: names of people and posts keep their （）.
    """
    return unicodedata.normalize("NFKC", cell_text(value))


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def cell_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_plain(value)
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
    text = cell_plain(value).replace(",", "").removesuffix("人").removesuffix("个").strip()
    if not re.fullmatch(r"\d+", text):
        raise ValueError(f"“{cell_text(value)}”不是整数")
    return int(text)


def cell_year(value: Any) -> str:
    text = cell_plain(value)
    match = re.fullmatch(r"(\d{4})\s*[-—–－~～至]+\s*(\d{2,4})(学年)?", text)
    if not match:
        raise ValueError(f"学年“{text}”的格式不对")
    first, second = match.group(1), match.group(2)
    if len(second) == 2:
        second = first[:2] + second
    return f"{first}-{second}"


def split_titles(text: str) -> list[str]:
    """《甲》、《乙》 or one title per line → [《甲》, 《乙》]; a 、 inside 《》 stays in its title."""
    parts: list[str] = []
    current, depth = "", 0
    for ch in text:
        depth += (ch == "《") - (ch == "》")
        if depth <= 0 and ch in "、；;\n\r":
            parts.append(current)
            current, depth = "", 0
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


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


_PLAN_SPLIT = re.compile(r"[,，、;；\s]+")


def _bare_title(text: str) -> str:
    return re.sub(r"[\s《》“”\"]+", "", unicodedata.normalize("NFKC", text))


def cell_plans(value: Any, titles: Mapping[str, str] | None) -> list[str]:
    """Plan ids from a cell of ids or plan names (“控辍保学工作实施方案” → ``kongchuo-baoxue``).

    ``titles`` maps every plan id to its title (``None``: no corpus, ids are taken as written).
    A name is accepted when it is a plan's title, or part of (or contains) titles of which one is
    clearly the closest; otherwise :class:`ValueError` says which id was probably meant.
    """
    found: list[str] = []
    for token in (t for t in _PLAN_SPLIT.split(cell_plain(value)) if t):
        if titles is None or token in titles or token.lower() in titles:
            found.append(token.lower() if titles is not None and token.lower() in titles else token)
            continue
        bare = _bare_title(token)
        by_title = {_bare_title(title): plan_id for plan_id, title in titles.items()}
        matches = _closest(bare, [t for t in by_title if bare and (bare in t or t in bare)])
        matches = [by_title[bare]] if bare in by_title else [by_title[t] for t in matches]
        if len(matches) == 1:
            found.append(matches[0])
            continue
        raise ValueError(_plan_suggestion(token, bare, titles, by_title, matches))
    return found


def _closest(bare: str, titles: list[str]) -> list[str]:
    """The title meant by ``bare`` among ``titles`` that contain it (or that it contains): the one
    clearly closest (“控辍保学工作实施方案” → 义务教育控辍保学工作实施方案 rather than 辖区义务教育…),
    else all of them, closest first."""
    ranked = sorted(titles, key=lambda t: (-difflib.SequenceMatcher(None, bare, t).ratio(), t))
    if len(ranked) > 1:
        best, second = (difflib.SequenceMatcher(None, bare, t).ratio() for t in ranked[:2])
        if best - second >= 0.05:
            return ranked[:1]
    return ranked


def _plan_suggestion(token: str, bare: str, titles: Mapping[str, str], by_title: Mapping[str, str],
                     matches: list[str]) -> str:
    if len(matches) > 1:
        options = "、".join(f"{m}（{titles[m]}）" for m in matches)
        return f"方案“{token}”可能是以下几个之一：{options}，请写其中一个的编号"
    guess = difflib.get_close_matches(token.lower(), sorted(titles), n=1, cutoff=0.5)
    if not guess:
        near = difflib.get_close_matches(bare, sorted(by_title), n=1, cutoff=0.4)
        guess = [by_title[near[0]]] if near else []
    if guess:
        return f"没有方案“{token}”，您是不是想写“{guess[0]}”（{titles[guess[0]]}）？"
    return f"没有方案“{token}”"


def set_path(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


