"""Reading one cell: text, dates, whole numbers, school years and “岗位：姓名” lists."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

#: Invisible characters that copying from web pages and chat apps leaves in a cell.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
#: What people type into a cell that has nothing to say: it counts as empty.
PLACEHOLDERS = frozenset({"/", "／", "\\", "-", "－", "—", "——", "--", "无", "暂无", "没有", "空", "不详", "未定", "待定"})


#: Every kind of line break a cell may hold (Excel's Alt+Enter, a lone CR from an old Mac file, U+2028).
_LINE_BREAKS = re.compile(r"\r\n|[\r\v\f\x85\u2028\u2029]")
#: Characters no cell of a school list has a use for: control characters (a line break and a tab
#: excepted) and the bidirectional overrides that make text read differently from what it holds.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")


def cell_text(value: Any) -> str:
    """The cell as text, without surrounding spaces (also 全角空格) or invisible characters;
    a placeholder such as “无” or “/” is empty. Line breaks of every kind are ``\\n``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    text = _LINE_BREAKS.sub("\n", str(value).translate(_INVISIBLE)).strip()
    return "" if text in PLACEHOLDERS else text


def control_problem(text: str) -> str:
    """Why ``text`` cannot be used (it holds a control character), or ``""``; never quotes the text."""
    match = CONTROL.search(text)
    if match is None:
        return ""
    return f"第{match.start() + 1}个字符是看不见的控制字符（U+{ord(match.group()):04X}）"


def one_line(text: str) -> str:
    """A cell of one line (a name, a post): line breaks typed to wrap it go, tabs become spaces;
    a space is put back only between two Latin words (第29⏎小学 → 第29小学, Primary⏎School → Primary School)."""
    lines = [line.strip() for line in text.replace("\t", " ").split("\n")]
    lines = [line for line in lines if line]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        latin = joined[-1].isascii() and joined[-1].isalnum() and line[0].isascii() and line[0].isalnum()
        joined += (" " if latin else "") + line
    return re.sub(r" {2,}", " ", joined)


def cell_plain(value: Any) -> str:
    """The cell as text with full-width digits, letters and punctuation made half-width (NFKC).

    For ids, dates, numbers and plan names only: names of people and posts keep their （）.
    """
    return unicodedata.normalize("NFKC", cell_text(value))


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


_MONTH_DAY_RE = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
#: Excel's serial numbers of 2000-01-01 and 2100-01-01: a number in a date column whose format was lost.
_SERIALS = (36526, 73051)


def cell_date(value: Any, year_of: Callable[[int], int] | None = None) -> dt.date:
    """A date cell: an Excel date, its serial number, or text such as 2026-09-01, 2026.9.1, 2026年9月1日.

    ``year_of(month)`` gives the year of a date written without one (“9月1日”), from the school
    year of the row; without it such a date is refused.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and _SERIALS[0] <= value < _SERIALS[1]:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    text = cell_plain(value)
    match = _DATE_RE.match(text)
    if not match:
        short = _MONTH_DAY_RE.match(text)
        if short is None:
            raise ValueError(f"“{text}”不是日期")
        if year_of is None:
            raise ValueError(f"“{text}”没有写年份，而“学年”一列没有填好，无法推断")
        month, day = int(short.group(1)), int(short.group(2))
        try:
            return dt.date(year_of(month), month, day)
        except ValueError:
            raise ValueError(f"日期“{text}”不存在") from None
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
    errors: list[str] = []
    text = re.sub(r"[《》]", " ", cell_plain(value))
    if titles is not None:
        # whole titles first: some hold a 、 (家庭、学校、社会协同育人做法与建议) that also separates plans
        for plan_id, title in sorted(titles.items(), key=lambda item: -len(item[1])):
            plain = unicodedata.normalize("NFKC", title)
            if plain in text:
                text = text.replace(plain, f" {plan_id} ")
    for token in (t for t in _PLAN_SPLIT.split(text) if t):
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
        errors.append(_plan_suggestion(token, bare, titles, by_title, matches))
    if errors:
        raise ValueError("；".join(errors))
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


#: School types as people write them, to the type they mean (“完小” is a 完全小学, a full primary school).
_TYPE_ALIASES = {
    "九年制": "九年一贯制", "九年制学校": "九年一贯制", "九年一贯": "九年一贯制", "九年一贯制学校": "九年一贯制",
    "完小": "小学", "完全小学": "小学", "中心小学": "小学", "中心完小": "小学", "村小": "小学", "村小学": "小学",
    "村级小学": "小学", "小学校": "小学",
    "初级中学": "初中", "初中学校": "初中", "独立初中": "初中",
    "高级中学": "高中", "普通高中": "高中", "普通高级中学": "高中",
    "完中": "完全中学",
    "村级教学点": "教学点", "小学教学点": "教学点",
    "特校": "特殊教育学校", "特教学校": "特殊教育学校", "特殊学校": "特殊教育学校",
    "中心幼儿园": "幼儿园", "幼儿学校": "幼儿园",
    "教管中心": "教育管理中心", "乡镇教育管理中心": "教育管理中心",
}
#: Words that name more than one type: the row is refused with the choices, never guessed.
_TYPE_AMBIGUOUS = {
    "中学": ("初中", "完全中学", "高中"),
    "中心校": ("小学", "九年一贯制", "教育管理中心"),
    "学校": ("小学", "初中", "九年一贯制"),
}


def cell_type(value: Any, types: tuple[str, ...]) -> str:
    """A school type among ``types``, also as commonly written (九年制, 完小, 初级中学, 村小 …)."""
    text = re.sub(r"\s+", "", cell_plain(value))
    if text in types:
        return text
    if text in _TYPE_ALIASES:
        return _TYPE_ALIASES[text]
    if text in _TYPE_AMBIGUOUS:
        raise ValueError(f"“{text}”可能是{'、'.join(_TYPE_AMBIGUOUS[text])}，请写明是哪一种")
    return text  # the model refuses it with the list of types and the closest one


#: The longest school id (the model's limit; it is also a folder name).
MAX_ID = 64


def cell_id(value: Any) -> str:
    """A school id: full-width and capital letters are made plain (ＳＣＨＯＯＬ－１ → school-1);
    anything else wrong is refused with a corrected id where one is obvious."""
    from ..models.common import _ID_RE

    text = cell_plain(value).lower()
    if len(text) > MAX_ID:
        raise ValueError(f"编号有 {len(text)} 个字符，太长了：最多 {MAX_ID} 个（它也是文件夹名）")
    if _ID_RE.match(text):
        return text
    fixed = re.sub(r"[\s_.·/]+", "-", text).strip("-")
    if fixed != text and _ID_RE.match(fixed):
        raise ValueError(f"“{cell_text(value)}”只能用小写英文字母、数字和连字符“-”，例如改成“{fixed}”")
    raise ValueError(f"“{cell_text(value)}”只能用小写英文字母、数字和连字符“-”；"
                     "可以用学校名称的拼音（例如 qingshan-xiaoxue）或学校标识码")


def set_path(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


