"""The searchable text of a built page: its ``<article>`` cut into sections at each ``<h2>``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*)</article>', re.S)
_SKIP = {"script", "style", "template", "svg", "nav", "button"}
#: Elements with this class are for reading, not for finding (a note on every lesson, call buttons).
NOINDEX = "gy-noindex"
_BLOCK = {"p", "li", "tr", "td", "th", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote", "pre"}


@dataclass
class Section:
    anchor: str = ""
    heading: str = ""
    headings: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text)).strip()


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections = [Section()]
        self.title = ""
        self.skip = 0
        self.heading: tuple[str, str] | None = None  # (tag, id) while inside h1–h4
        self.heading_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if self.skip or tag in _SKIP or "headerlink" in classes or NOINDEX in classes:
            if tag not in {"br", "img", "input", "hr"}:
                self.skip += 1
            return
        if tag in {"h1", "h2", "h3", "h4"}:
            self.heading = (tag, attributes.get("id") or "")
            self.heading_text = []
        elif tag in _BLOCK:
            self._text(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skip and tag == "br":
            self._text(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        if self.heading and tag == self.heading[0]:
            level, anchor = self.heading
            text = re.sub(r"\s+", " ", "".join(self.heading_text)).strip()
            self.heading = None
            if level == "h1" and not self.title:
                self.title = text
            elif level == "h2":
                self.sections.append(Section(anchor=anchor, heading=text))
            else:
                self.sections[-1].headings.append(text)
        elif tag in _BLOCK:
            self._text(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._text(data)

    def _text(self, data: str) -> None:
        if self.heading:
            self.heading_text.append(data)
        else:
            self.sections[-1].text.append(data)


#: Sections that only list other pages (their titles would count as this page's words).
SKIPPED_SECTIONS = {"相关内容"}


def page_sections(html: str) -> tuple[str, list[Section]]:
    """(the page's ``<h1>``, its sections); section 0 is everything before the first ``<h2>``."""
    match = _ARTICLE.search(html)
    parser = _Parser()
    parser.feed(match.group(1) if match else "")
    parser.close()
    return parser.title, [s for s in parser.sections if s.heading not in SKIPPED_SECTIONS]
