"""Safe Markdown building blocks: every piece of text from YAML passes through :func:`text`.

YAML text is data. It is HTML-escaped and every character Markdown would interpret is
backslash-escaped, so neither ``<script>`` nor ``[x](javascript:…)`` nor ``{{ 7*7 }}`` can become
markup in the site.
"""

from __future__ import annotations

import html
import posixpath
import re

# Characters Python-Markdown (with the tables and attr_list extensions) treats as syntax.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def text(value: object) -> str:
    """Escape one line of YAML text for safe inclusion in Markdown (newlines become spaces)."""
    raw = " ".join(str(value).split())
    escaped = html.escape(raw, quote=True)
    # html.escape produced entities such as &lt; and &#x27;: keep their own characters intact
    parts = re.split(r"(&(?:[a-z]+|#x?[0-9a-f]+);)", escaped)
    return "".join(part if part.startswith("&") and part.endswith(";") else _MD_SPECIAL.sub(r"\\\1", part)
                   for part in parts)


def paragraphs(value: object) -> str:
    """Escape multi-paragraph text: blank lines separate paragraphs."""
    blocks = re.split(r"\n\s*\n", str(value).strip())
    return "\n\n".join(text(block) for block in blocks if block.strip())


def cell(value: object) -> str:
    """Escape text for a table cell (pipes are escaped by :func:`text`)."""
    return text(value) or "—"


def bullets(items: list[str], *, ordered: bool = False) -> str:
    lines = []
    for index, item in enumerate(items, start=1):
        marker = f"{index}." if ordered else "-"
        lines.append(f"{marker} {text(item)}")
    return "\n".join(lines)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; header and cells are escaped here."""
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell(value) for value in row) + " |")
    return "\n".join(lines)


def raw_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table whose cells are already-safe Markdown (links built by :func:`link`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def rel(from_uri: str, to_uri: str) -> str:
    """Relative link from one source file to another (both POSIX paths inside the site)."""
    base = posixpath.dirname(from_uri) or "."
    return posixpath.relpath(to_uri, base)


def link(label: str, from_uri: str, to_uri: str) -> str:
    return f"[{text(label)}]({rel(from_uri, to_uri)})"


def button(label: str, from_uri: str, to_uri: str, *, primary: bool = False, download: str = "") -> str:
    """A link styled as a button; ``download`` names the file a browser saves (no quotes or braces)."""
    classes = ".md-button .md-button--primary" if primary else ".md-button"
    if download:
        if any(c in download for c in '"{}\\\n'):
            raise ValueError(f"download name {download!r} would break the attribute list")
        classes += f' download="{download}"'
    return f"[{text(label)}]({rel(from_uri, to_uri)}){{ {classes} }}"


def front_matter(title: str, *, tags: list[str] | None = None, description: str | None = None,
                 hide: list[str] | None = None, searchable: bool = True) -> str:
    """A YAML front-matter block; values are JSON-quoted so YAML reads them as plain strings."""
    import json

    # The theme prints these into <title>, <meta> and the header without escaping: escape them here.
    def value(raw: str) -> str:
        return json.dumps(html.escape(" ".join(raw.split()), quote=True), ensure_ascii=False)

    lines = ["---", f"title: {value(title)}"]
    if description:
        lines.append(f"description: {value(description)}")
    if tags:
        lines.append("tags:")
        lines += [f"  - {value(tag)}" for tag in tags]
    if hide:
        lines.append("hide:")
        lines += [f"  - {item}" for item in hide]
    if not searchable:
        # list pages only repeat other pages' titles: in the index they push real answers down
        lines += ["search:", "  exclude: true"]
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def heading(level: int, value: str) -> str:
    return f"{'#' * level} {text(value)}"
