"""The site's five help numbers, and how to tell that a text says to call one.

Used by the home page's call box, the buttons under a parents' article's summary and the
tap-to-call links in running text (``tel_links``). No other number appears anywhere on the site.
"""

from __future__ import annotations

import re

#: (number, who answers, when to call): tap-to-call links on the home page. Only these five
#: numbers appear anywhere on the site. 12356 is the national psychological help line (every
#: local line connected to it by 2025-05-01, 国家卫生健康委); 12355 is the Youth League's service line.
EMERGENCY_NUMBERS = (
    ("110", "报警", "孩子走失、被拐骗，或有人在伤害孩子"),
    ("120", "急救", "受伤、溺水、中毒、昏迷或突发急病"),
    ("119", "火警", "着火、燃气泄漏，或有人被困"),
    ("12356", "心理援助热线", "心里难受、想不开，或需要心理支持"),
    ("12355", "青少年服务热线", "被欺凌，或需要权益和法律帮助"),
)

_NUMBERS = "|".join(sorted((re.escape(n) for n, _who, _when in EMERGENCY_NUMBERS), key=len, reverse=True))
#: A number after a word for calling (拨打/打/报警/热线 …) or joined to such a number by 或/和/、.
CALL = re.compile(
    rf"(?P<lead>(?:拨打|打|报警|急救|热线|电话)[：:]?\s*|(?<=\d)\s*[或和、/]\s*)(?P<number>{_NUMBERS})(?!\d)"
)


def numbers_to_call(text: str) -> list[str]:
    """The emergency numbers ``text`` tells its reader to call, in the home page's order."""
    found = {match.group("number") for match in CALL.finditer(text)}
    return [number for number, _who, _when in EMERGENCY_NUMBERS if number in found]
