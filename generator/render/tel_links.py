"""Emergency numbers in running text become tap-to-call links.

Articles say “有危险时拨打 110” in warning boxes and lists; on a phone a parent should be able to
tap the number, not copy it. Only the site's five help numbers (see
:data:`generator.render.emergency.EMERGENCY_NUMBERS`) are linked, and only where the words around
them say they are to be called (拨打 110, 打 110, 热线 12355, 120 或 110 …), so “120 分钟” or “第 110 页”
stay text. Text inside links, code, headings and the home page's call box is left alone.
"""

from __future__ import annotations

import re

from .emergency import CALL, EMERGENCY_NUMBERS

_SKIP = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"}
_TAG = re.compile(r"(<[^>]+>)")
_NAME = re.compile(r"</?\s*([a-zA-Z0-9]+)")


def _link(match: re.Match[str]) -> str:
    number = match.group("number")
    return f'{match.group("lead")}<a class="gy-tel" href="tel:{number}">{number}</a>'


def link_numbers(html: str) -> str:
    """``html`` with each emergency number that is to be called made a ``tel:`` link."""
    if not any(n in html for n, _who, _when in EMERGENCY_NUMBERS):
        return html
    out: list[str] = []
    skipping: list[str] = []
    for part in _TAG.split(html):
        if part.startswith("<"):
            name = _NAME.match(part)
            tag = name.group(1).lower() if name else ""
            if tag in _SKIP and not part.endswith("/>"):
                if part.startswith("</"):
                    if tag in skipping:
                        del skipping[len(skipping) - 1 - skipping[::-1].index(tag)]
                else:
                    skipping.append(tag)
            out.append(part)
        elif skipping or not part:
            out.append(part)
        else:
            out.append(CALL.sub(_link, part))  # one pass links “拨打 120 或 110” whole
    return "".join(out)
