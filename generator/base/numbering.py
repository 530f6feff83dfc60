"""Official-document numbering (GB/T 9704): 一、 → （一） → 1. → （1） → ①, derived from nesting."""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (used for 一、 and （一）)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def number_label(level: int, n: int) -> str:
    """The generated number of the ``n``-th item at ``level``: 一、 （一） 1. （1） ①."""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    if level == 5 and n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    return ""
