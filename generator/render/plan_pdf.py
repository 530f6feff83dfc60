"""A plan (or the 行事历) as PDF through Typst, in the same GB/T 9704 layout as the Word file.

The document is the :class:`~generator.render.docx_gbt.GbtDocument` the Word writer uses; it is
handed to ``templates/gbt_plan.typ`` as JSON in ``sys.inputs`` (never spliced into markup). Typst
sees only the font folders :func:`generator.fonts.find_fonts` chose, never the system fonts, and
one warm compiler per template is kept for the life of the process (a school pack compiles six
documents; the second costs a few milliseconds). The creation date is pinned, so the same input
gives the same bytes.

Fonts: real 方正小标宋简体, 仿宋_GB2312 and 楷体_GB2312 are used when they are in those folders;
otherwise the title falls back to the bold song (serif) face, the body to 仿宋 or the song face,
level-1 headings to 黑体 (sans) and level-2 headings to 楷体 or the song face.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .docx_gbt import GbtDocument, signature_indents
from .typst_engine import get_engine

#: Family names tried first for each role, before the fonts :mod:`generator.fonts` found.
_PREFERRED: dict[str, tuple[str, ...]] = {
    "title": ("FZXiaoBiaoSong-B05S", "方正小标宋简体", "FZXiaoBiaoSong-B05"),
    "body": ("FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong"),
    "h2": ("KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti"),
    "h1": ("SimHei", "黑体"),
    "page": ("SimSun", "宋体"),
}


def _family(role: str) -> str | None:
    """The Typst family name for a role of :mod:`generator.fonts`, or None when it has none."""
    engine = get_engine()
    fontset, families, by_file = engine.fonts, engine.installed_families, engine.family_of_file
    if role not in fontset.files:
        return None
    name = fontset.families.get(role)
    if name in families:
        return name
    # fontconfig and Typst name some collections differently ("AR PL UKai CN" vs "AR PL UKai")
    return by_file.get(str(fontset.files[role]))


@lru_cache(maxsize=1)
def gbt_fonts() -> dict[str, Any]:
    """Font family per role of an official document, with the title weight to use."""
    families = get_engine().installed_families

    def pick(role: str, *fallback_roles: str) -> str:
        for name in _PREFERRED.get(role, ()):
            if name in families:
                return name
        for fallback in fallback_roles:
            found = _family(fallback)
            if found:
                return found
        return _family("serif") or "Noto Serif CJK SC"

    title_real = any(name in families for name in _PREFERRED["title"])
    return {
        "title": pick("title", "serif_bold", "serif"),
        "title_weight": "regular" if title_real else "bold",
        "body": pick("body", "fangsong", "serif"),
        "h1": pick("h1", "sans"),
        "h2": pick("h2", "kai", "fangsong", "serif"),
        "page": pick("page", "serif"),
        "table": pick("body", "fangsong", "serif"),
    }


def pdf_payload(doc: GbtDocument) -> dict[str, Any]:
    """The JSON handed to ``gbt_plan.typ``."""
    fonts = gbt_fonts()
    issuer_right, date_right = signature_indents(doc.issuer, doc.date)
    return {
        "gbt_fonts": {k: v for k, v in fonts.items() if k != "title_weight"},
        "title_weight": fonts["title_weight"],
        "title_lines": list(doc.title_lines),
        "blocks": [{"kind": b.kind, "level": b.level, "number": b.number, "text": b.text} for b in doc.blocks],
        "attachments": list(doc.attachments),
        "issuer": doc.issuer,
        "date": doc.date,
        "issuer_right": issuer_right,
        "date_right": date_right,
        "meta": {"title": doc.meta_title or "方案", "author": doc.meta_author or "共育"},
    }


def compile_pdf(template: str, data: dict[str, Any]) -> bytes:
    """Compile one of our ``gbt_*`` templates with ``data`` as JSON in ``sys.inputs.data``."""
    return get_engine().compile_pdf(template, data)


def render_pdf(doc: GbtDocument) -> bytes:
    """The document as PDF (deterministic bytes for the same fonts and input)."""
    return compile_pdf("gbt_plan", pdf_payload(doc))


__all__ = ["compile_pdf", "gbt_fonts", "pdf_payload", "render_pdf"]
