"""HTML sanitising of every page body: the last line of defence against script in content.

Text from YAML is already escaped when pages are generated; article Markdown may contain raw
HTML, which is cleaned here with an allow-list (no script, no event attributes, no ``javascript:``).
"""

from __future__ import annotations

import re

import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre",
    "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul", "input", "label", "nav", "section", "caption", "colgroup", "col",
}
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "name", "download"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "ol": {"start", "type"},
    "details": {"open"},
    "input": {"type", "checked", "disabled"},
    "label": {"for"},
    "col": {"span"},
}


def sanitize(html: str) -> str:
    """Clean page HTML; comments stay (theme plugins use them as markers) and never execute."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        strip_comments=False,
        link_rel=None,
    )


#: ``src`` (and ``poster``/``data``) of an element, as written in the HTML.
_SOURCE = re.compile(r"""<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?\s(?:src|poster|data|srcset)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def external_sources(html: str) -> list[str]:
    """Images and media ``html`` would load from another host (``http:``, ``https:``, ``//host``).

    Everything a page shows must come from the site itself: a host that is slow or blocked in
    mainland China stalls the page for 10–20 s, and a stranger's host sees every reader.
    """
    found: list[str] = []
    for match in _SOURCE.finditer(html):
        value = next(v for v in match.groups()[1:] if v is not None).strip()
        first = value.split(",")[0].strip().lower()
        # other schemes (javascript:, data:, file:) never survive sanitize(): only hosts are refused here
        if re.match(r"^(https?:|ftp:|//|\\\\)", first):
            found.append(value)
    return found
