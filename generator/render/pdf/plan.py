"""A plan (or the 行事历) as PDF through Typst, in the same GB/T 9704 layout as the Word file.

The document is the :class:`~generator.render.docx.gbt.GbtDocument` the Word writer uses; it is
handed to ``templates/gbt_plan.typ`` as JSON in ``sys.inputs`` (never spliced into markup). Typst
sees only the font folders :func:`generator.base.fonts.find_fonts` chose, never the system fonts, and
warm compilers are kept for the life of the process (a school pack compiles six documents; the
second costs a tenth of the first, and :func:`warm_up` lets a one-school build pay for the first
while it still reads its files). The creation date is pinned, so the same input gives the same bytes.

Fonts: 方正小标宋简体, 仿宋 (仿宋_GB2312 or Windows' simfang), 楷体 (楷体_GB2312 or simkai) and 黑体
(simhei) are used when they are in those folders (the system's or the one ``--fonts`` names);
otherwise the title falls back to the bold song (serif) face, the body to the song face, level-1
headings to the free 黑体 (Noto Sans CJK) and level-2 headings to a free 楷体 (LXGW WenKai or
AR PL UKai). :func:`font_report` says, in Chinese, which family each role got.
"""

from __future__ import annotations

from typing import Any

from ..docx.gbt import Block, GbtDocument, signature_indents
from .typst_engine import get_engine

#: Family names of the real official-document faces, per role, best first.
_PREFERRED: dict[str, tuple[str, ...]] = {
    "title": ("FZXiaoBiaoSong-B05S", "方正小标宋简体", "FZXiaoBiaoSong-B05", "方正小标宋_GBK"),
    "body": ("FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "Fangsong SC"),
    "h2": ("KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", "Kaiti SC"),
    "h1": ("SimHei", "黑体", "STHeiti", "Heiti SC"),
    "page": ("SimSun", "宋体"),
}
#: Free faces of the same style, tried before the generic fallbacks (a 楷体 rather than the song face).
_FREE: dict[str, tuple[str, ...]] = {
    "body": ("FandolFang R",),
    "h2": ("LXGW WenKai", "LXGW WenKai GB", "AR PL UKai CN", "AR PL UKai"),
}
#: Faces drawn larger than the body size so that they look as large as it (AR PL UKai's characters
#: sit small and thin in their square, so a heading in it looked smaller and letter-spaced).
_SCALE: dict[str, float] = {"AR PL UKai CN": 1.15, "AR PL UKai": 1.15}
#: What each role is, and the face GB/T 9704 asks for, for :func:`font_report`.
ROLE_NAMES: tuple[tuple[str, str, str], ...] = (
    ("title", "标题", "小标宋"),
    ("body", "正文", "仿宋"),
    ("h1", "一级标题", "黑体"),
    ("h2", "二级标题", "楷体"),
)


def _family(role: str) -> str | None:
    """The Typst family name for a role of :mod:`generator.base.fonts`, or None when it has none."""
    engine = get_engine()
    fontset, families, by_file = engine.fonts, engine.installed_families, engine.family_of_file
    if role not in fontset.files:
        return None
    name = fontset.families.get(role)
    if name in families:
        return name
    # fontconfig and Typst name some collections differently ("AR PL UKai CN" vs "AR PL UKai")
    return by_file.get(str(fontset.files[role]))


def gbt_fonts() -> dict[str, Any]:
    """Font family per role of an official document, the title weight, and which roles got the real face."""
    engine = get_engine()
    known = getattr(engine, "gbt_fonts", None)
    if known is not None:
        return known
    families = engine.installed_families
    real: dict[str, bool] = {}

    def pick(role: str, *fallback_roles: str) -> str:
        for name in _PREFERRED.get(role, ()):
            if name in families:
                real[role] = True
                return name
        real[role] = False
        for name in _FREE.get(role, ()):
            if name in families:
                return name
        for fallback in fallback_roles:
            found = _family(fallback)
            if found:
                return found
        return _family("serif") or "Noto Serif CJK SC"

    chosen: dict[str, Any] = {
        "title": pick("title", "xiaobiaosong", "serif_bold", "serif"),
        "body": pick("body", "fangsong", "serif"),
        "h1": pick("h1", "sans"),
        "h2": pick("h2", "kai", "fangsong", "serif"),
        "page": pick("page", "serif"),
    }
    chosen["table"] = chosen["body"]
    chosen["h2_scale"] = _SCALE.get(chosen["h2"], 1.0)
    chosen["title_weight"] = "regular" if real["title"] else "bold"
    chosen["real"] = real
    engine.gbt_fonts = chosen
    return chosen


def font_report() -> list[str]:
    """One Chinese line per role: “正文：仿宋（FangSong）” or “正文：Noto Serif CJK SC（未找到仿宋，已用替代字体）”."""
    fonts = gbt_fonts()
    lines = []
    for role, label, face in ROLE_NAMES:
        family = fonts[role]
        if fonts["real"][role]:
            lines.append(f"{label}：{face}（{family}）")
        else:
            lines.append(f"{label}：{family}（未找到{face}，已用替代字体）")
    return lines


def describe_fonts() -> str:
    """The fonts of the PDF plans, for the command line."""
    return "PDF 方案所用字体：" + "；".join(font_report()) + "。可用 --fonts 指定放公文字体的文件夹。"


def pdf_payload(doc: GbtDocument) -> dict[str, Any]:
    """The JSON handed to ``gbt_plan.typ``."""
    fonts = gbt_fonts()
    issuer_right, date_right = signature_indents(doc.issuer, doc.date)
    return {
        "gbt_fonts": {k: v for k, v in fonts.items() if k not in ("title_weight", "real", "h2_scale")},
        "title_weight": fonts["title_weight"],
        "h2_scale": fonts["h2_scale"],
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


def warm_up() -> None:
    """Compile a short sample plan and throw it away, so that the first real plan compiles warm.

    A process's first plan costs ~0.3 s more than the next: Typst reads the template and parses the
    official-document faces. Typst compiles outside Python's lock, so ``gongyu school build`` runs
    this on a thread of its own while it reads the templates and resolves the school; the compiler
    it used goes back to the engine's pool. The sample has every kind of block a plan has (title,
    headings of each level, numbered and plain paragraphs, attachments, signature), so every face is
    loaded. Typst's memo keeps no state that changes output: the plans' bytes are the same with or
    without it (a test compares them).
    """
    blocks = (
        Block("heading", "总体要求", 1, "一、"),
        Block("para", "家庭、学校和社会协同育人，共同关心学生健康成长。"),
        Block("heading", "工作安排", 2, "（一）"),
        Block("para", "每学期召开家长会，开展家访和安全教育。", 2, "1."),
        Block("heading", "责任分工", 3, "1."),
        Block("para", "班主任负责本班的联络和记录。", 3, "（1）"),
        Block("para", "学校统筹安排，按时检查。", 4, "①"),
    )
    render_pdf(GbtDocument(title_lines=("示例学校", "家校社协同育人工作方案"), blocks=blocks,
                           attachments=("家访记录表",), issuer="示例学校", date="2026年9月1日",
                           meta_title="示例", meta_author="共育"))


__all__ = ["compile_pdf", "describe_fonts", "font_report", "gbt_fonts", "pdf_payload", "render_pdf", "warm_up"]
