"""Article pages: the author's Markdown with a header, related links, and call-out boxes.

Authors write an urgent-action box as a blockquote that opens with a bold title
(``> **遇到这些情况，请立即行动**``). A quote is the faintest thing on a page, so such a block is
rendered as a warning admonition instead; ordinary quotes stay quotes.
"""

from __future__ import annotations

import re

from ...models import Article
from .. import markdown as md
from ..emergency import EMERGENCY_NUMBERS, numbers_to_call
from .common import BuilderBase, unique

#: A blockquote's first line that makes it an urgent box: only a bold title about acting.
_URGENT_TITLE = re.compile(r"^>\s*\*\*(?P<title>[^*\n]*(?:遇到这些情况|立即|马上|及时|安全事项)[^*\n]*)\*\*\s*$")


def urgent_boxes(body: str) -> str:
    """Turn blockquotes opening with an urgent bold title into ``!!! warning`` admonitions."""
    lines = body.split("\n")
    out: list[str] = []
    index = 0
    fence = False
    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        match = None if fence else _URGENT_TITLE.match(line)
        if match and (not out or not out[-1].strip()):
            title = match.group("title").strip().replace('"', "＂")
            out.append(f'!!! warning "{title}"')
            index += 1
            while index < len(lines) and lines[index].startswith(">"):
                inner = re.sub(r"^> ?", "", lines[index])
                out.append(f"    {inner}" if inner.strip() else "")
                index += 1
            out.append("")
            continue
        out.append(line)
        index += 1
    return "\n".join(out)


def call_strip(body: str) -> str:
    """Tap-to-call buttons for the numbers a parents' article tells its reader to call, put under
    its summary: in an emergency the numbers are on the first screen, not at the end of the text."""
    numbers = numbers_to_call(body)
    if not numbers:
        return ""
    who = {number: name for number, name, _when in EMERGENCY_NUMBERS}
    buttons = " ".join(f"[{number} {who[number]}](tel:{number}){{ .gy-call__number }}" for number in numbers)
    return f'<div class="gy-call gy-call--strip gy-noindex" markdown>\n**遇到危险，点号码直接拨打：**{buttons}\n</div>\n'


class ArticlePages(BuilderBase):
    def article_markdown(self, article: Article) -> str:
        """The article page: its own Markdown body, with a header and related links added."""
        meta = article.meta
        uri = self.site.uris[meta.id]
        tags = unique([*meta.stages, *meta.topics])
        header = [md.front_matter(meta.title, tags=tags, description=meta.summary), f"# {md.text(meta.title)}\n",
                  f"<small>适合：{md.text('、'.join(meta.audience))} · 学段：{md.text('、'.join(meta.stages))} · "
                  f"更新：{meta.updated.isoformat()}</small>\n",
                  f"!!! abstract \"一句话\"\n    {md.text(meta.summary)}\n"]
        body = urgent_boxes(article.body.strip())
        strip = call_strip(body) if "家长" in meta.audience else ""
        if strip:
            header.append(strip)
        basis = self.cited_block(uri, article.body)  # type: ignore[attr-defined]
        return "\n".join(header) + "\n" + body + "\n\n" + (basis + "\n" if basis else "") + self.related(uri, meta.related)
