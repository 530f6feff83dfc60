"""China's provincial-level divisions and how a document refers to its own one.

A school profile names its province (``place.province``); documents then cite the province's own
regulations by name and, where a sentence refers to "our province", use the right word: 本省, 本自治区
or 本市 (the four 直辖市). Only the 31 provincial-level divisions of the mainland are accepted, so a
typo is caught by ``gongyu check`` instead of being printed.
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import Literal

ProvinceKind = Literal["省", "自治区", "直辖市"]

#: Full name → kind, in the order of the national administrative-division code.
PROVINCES: dict[str, ProvinceKind] = {
    "北京市": "直辖市",
    "天津市": "直辖市",
    "河北省": "省",
    "山西省": "省",
    "内蒙古自治区": "自治区",
    "辽宁省": "省",
    "吉林省": "省",
    "黑龙江省": "省",
    "上海市": "直辖市",
    "江苏省": "省",
    "浙江省": "省",
    "安徽省": "省",
    "福建省": "省",
    "江西省": "省",
    "山东省": "省",
    "河南省": "省",
    "湖北省": "省",
    "湖南省": "省",
    "广东省": "省",
    "广西壮族自治区": "自治区",
    "海南省": "省",
    "重庆市": "直辖市",
    "四川省": "省",
    "贵州省": "省",
    "云南省": "省",
    "西藏自治区": "自治区",
    "陕西省": "省",
    "甘肃省": "省",
    "青海省": "省",
    "宁夏回族自治区": "自治区",
    "新疆维吾尔自治区": "自治区",
}

_SHORT: dict[str, str] = {}
for _full in PROVINCES:
    _SHORT[_full] = _full
    for _suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市"):
        if _full.endswith(_suffix):
            _SHORT.setdefault(_full[: -len(_suffix)], _full)
            break
_SHORT.update({"广西自治区": "广西壮族自治区", "宁夏自治区": "宁夏回族自治区", "新疆自治区": "新疆维吾尔自治区"})

#: What a template says where the province is not known (the site's template pages).
NEUTRAL_SELF = "本省（自治区、直辖市）"


def normalise(name: str) -> str | None:
    """The full name of a province written in full, short (贵州) or with full-width characters; None if unknown."""
    cleaned = unicodedata.normalize("NFKC", name).strip().replace(" ", "")
    return _SHORT.get(cleaned)


def suggestion(name: str) -> str:
    """A hint naming the closest province, or listing how to write one."""
    cleaned = unicodedata.normalize("NFKC", name).strip()
    close = difflib.get_close_matches(cleaned, list(_SHORT), n=1, cutoff=0.5)
    if close:
        return f"您是不是想写“{_SHORT[close[0]]}”？请写省（自治区、直辖市）的全称，例如 贵州省、广西壮族自治区、重庆市"
    return "请写省（自治区、直辖市）的全称，例如 贵州省、广西壮族自治区、重庆市"


def self_reference(name: str | None) -> str:
    """How a document of a school in ``name`` says "our province": 本省, 本自治区 or 本市."""
    if name is None:
        return NEUTRAL_SELF
    kind = PROVINCES.get(name)
    if kind is None:
        return NEUTRAL_SELF
    return {"省": "本省", "自治区": "本自治区", "直辖市": "本市"}[kind]


__all__ = ["NEUTRAL_SELF", "PROVINCES", "normalise", "self_reference", "suggestion"]


def checked(value: str) -> str:
    """A pydantic validator: the province's full name for ``value`` (广西 → 广西壮族自治区), else a Chinese error."""
    full = normalise(value)
    if full is None:
        raise ValueError(f"“{value}”不是省（自治区、直辖市）的名称。{suggestion(value)}")
    return full
