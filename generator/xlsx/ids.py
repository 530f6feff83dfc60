"""School ids made from school names, for a sheet that has no ``学校编号`` column (or an empty cell).

``青山县石桥镇青山小学`` in 青山县 → ``shiqiaozhen-qingshan-xiaoxue``: the place the whole sheet
shares (province, city, county) is left out, the rest is written in pinyin without tones, a hyphen
after a place word (镇, 乡, 村 …) and before a school word (小学, 中学, 幼儿园 …). The same name
gives the same id on every run; two names that read alike get ``-2``, ``-3`` … in sheet order, and
an id written in the sheet is never taken.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: Longest generated id before a collision suffix (the model allows 64 characters).
MAX_BASE = 56
#: Words after which a new part starts (a place) and before which one starts (a kind of school).
_AFTER = ("街道", "自治县", "自治州", "省", "市", "州", "县", "区", "旗", "镇", "乡", "村", "社区")
_BEFORE = ("九年一贯制学校", "九年一贯制", "完全中学", "中心小学", "中心学校", "中心幼儿园", "中心校", "初级中学",
           "高级中学", "小学", "中学", "初中", "高中", "幼儿园", "学校", "完小", "教学点", "教育管理中心", "特殊教育学校")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _parts(name: str) -> list[str]:
    """``石桥镇青山小学`` → [石桥镇, 青山, 小学]."""
    parts: list[str] = []
    current = ""
    index = 0
    while index < len(name):
        before = next((w for w in _BEFORE if name.startswith(w, index)), None)
        if before is not None:
            if current:
                parts.append(current)
            parts.append(before)
            current = ""
            index += len(before)
            continue
        current += name[index]
        index += 1
        if any(current.endswith(w) for w in _AFTER) and len(current) > 1:
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    return parts


def _spell(part: str) -> str:
    """One part in pinyin (letters and digits kept, anything else dropped)."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(part, style=Style.NORMAL, errors=lambda chars: [chars], v_to_u=False)
    text = "".join(syllables).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


def base_id(name: str, prefixes: Iterable[str] = ()) -> str:
    """The id a school name reads as (without a collision suffix); empty when nothing is left."""
    plain = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    for prefix in prefixes:
        prefix = re.sub(r"\s+", "", unicodedata.normalize("NFKC", prefix or ""))
        if prefix and plain.startswith(prefix) and len(plain) > len(prefix) and _HAN.search(plain[len(prefix):]):
            plain = plain[len(prefix):]
    words = [w for w in (_spell(p) for p in _parts(plain)) if w]
    text = ""
    for word in words:
        candidate = f"{text}-{word}" if text else word
        if len(candidate) > MAX_BASE:
            if not text:
                text = word[:MAX_BASE]
            break
        text = candidate
    text = text.strip("-")
    if text and not text[0].isalnum():
        text = text.lstrip("-")
    from ..models.common import _WINDOWS_RESERVED

    if text in _WINDOWS_RESERVED:
        text += "-school"
    return text


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is not in ``taken`` (which it is added to)."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate
