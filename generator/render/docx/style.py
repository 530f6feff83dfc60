"""GB/T 9704 in OOXML: page geometry, fonts, paragraph and run properties, styles, page numbers.

Page geometry: A4; top margin 37 mm, binding-side (left) margin 28 mm, text block 156 × 225 mm
(right 26 mm, bottom 35 mm); 22 lines of 28 characters; title 2号 (22 pt) 方正小标宋简体, body 3号
(16 pt) 仿宋_GB2312, level-1 headings 黑体, level-2 楷体_GB2312; page numbers 4号 (14 pt) 宋体
"— 1 —", odd pages right and even pages left, one character in from the edge of the text block.
Fonts a computer lacks are substituted by Word or WPS through the alternative names written in
the font table (仿宋_GB2312 → 仿宋 …).
"""

from __future__ import annotations

import math
from typing import Any

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: GB/T 9704 geometry in twentieths of a point (twips); 1 mm = 56.6929 twips.
def _mm(value: float) -> int:
    return round(value * 1440 / 25.4)


PAGE_W, PAGE_H = 11906, 16838  # A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = _mm(37), _mm(35), _mm(28), _mm(26)
FOOTER_DISTANCE = _mm(22)  # puts the page number's dashes about 7 mm below the text block
LINE_PITCH = 579  # 225 mm / 22 lines, in twips
BODY_PT = 16

#: East-Asian font per role, with the name Word/WPS should fall back to.
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE = "宋体"
FONT_LATIN = "Times New Roman"
_FONT_TABLE = {
    # name: (altName, panose, family, pitch)
    "方正小标宋简体": ("宋体", "02000000000000000000", "script", "variable"),
    "仿宋_GB2312": ("仿宋", "02010609030101010101", "modern", "fixed"),
    "仿宋": ("FangSong", "02010609060101010101", "modern", "fixed"),
    "楷体_GB2312": ("楷体", "02010609030101010101", "modern", "fixed"),
    "楷体": ("KaiTi", "02010609060101010101", "modern", "fixed"),
    "黑体": ("SimHei", "02010609060101010101", "modern", "fixed"),
    "宋体": ("SimSun", "02010600030101010101", "auto", "variable"),
}


def _condense_twips() -> int:
    """Character spacing (twentieths of a point, negative) that fits 28 body characters in a line."""
    width_pt = (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) / 20
    return math.floor((width_pt / 28 - BODY_PT) * 20) - 1



def _el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def _rpr(east: str, size_pt: float, *, latin: str = FONT_LATIN, bold: bool = False) -> Any:
    rpr = _el("w:rPr")
    rpr.append(_el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east, cs=latin, hint="eastAsia"))
    if bold:
        rpr.append(_el("w:b"))
        rpr.append(_el("w:bCs"))
    rpr.append(_el("w:color", val="000000"))
    if size_pt == BODY_PT:
        rpr.append(_el("w:spacing", val=str(_condense_twips())))
    rpr.append(_el("w:kern", val="0"))
    rpr.append(_el("w:sz", val=str(round(size_pt * 2))))
    rpr.append(_el("w:szCs", val=str(round(size_pt * 2))))
    rpr.append(_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    return rpr


def _ppr(*, jc: str = "both", first_chars: int = 200, first_twips: int = 640, line: int = LINE_PITCH,
         outline: int | None = None, keep_next: bool = False, snap: bool = True, right_chars: int = 0) -> Any:
    ppr = _el("w:pPr")
    if keep_next:
        ppr.append(_el("w:keepNext"))
    ppr.append(_el("w:widowControl", val="0"))
    # no automatic gap between Chinese and digits/Latin: dates read 2026年9月1日, not 2026 年 9 月
    ppr.append(_el("w:autoSpaceDE", val="0"))
    ppr.append(_el("w:autoSpaceDN", val="0"))
    if not snap:
        ppr.append(_el("w:snapToGrid", val="0"))
    ppr.append(_el("w:spacing", before="0", after="0", line=str(line), lineRule="exact"))
    ind = {"firstLineChars": str(first_chars), "firstLine": str(first_twips)} if first_chars else {"firstLine": "0", "firstLineChars": "0"}
    if right_chars:
        ind.update(rightChars=str(right_chars), right=str(right_chars * 160))
    ppr.append(_el("w:ind", **ind))
    ppr.append(_el("w:jc", val=jc))
    if outline is not None:
        ppr.append(_el("w:outlineLvl", val=str(outline)))
    return ppr


def _restyle(styles: Any, style_id: str, name: str, ppr: Any, rpr: Any, *, based_on: str | None = "Normal") -> None:
    from docx.oxml.ns import qn

    element = None
    for candidate in styles.findall(qn("w:style")):
        if candidate.get(qn("w:styleId")) == style_id:
            element = candidate
            break
    if element is None:
        element = _el("w:style", type="paragraph", styleId=style_id, customStyle="1")
        element.append(_el("w:name", val=name))
        styles.append(element)
    for child in list(element):
        if child.tag in (qn("w:pPr"), qn("w:rPr"), qn("w:rsid"), qn("w:link"), qn("w:basedOn")):
            element.remove(child)
    if based_on:
        element.insert(1, _el("w:basedOn", val=based_on))
    element.append(ppr)
    element.append(rpr)


def _font_table_xml() -> bytes:
    entries = []
    for name, (alt, panose, family, pitch) in _FONT_TABLE.items():
        entries.append(
            f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
            f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        )
    entries.append('<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/>'
                   '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>')
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<w:fonts xmlns:w="{_W}">' + "".join(entries) + "</w:fonts>").encode("utf-8")


def _page_field_runs(paragraph: Any) -> None:
    """``— PAGE —`` as a real field, so Word and WPS number every page."""
    def run(child: Any = None, text: str | None = None) -> None:
        r = _el("w:r")
        if child is not None:
            r.append(child)
        if text is not None:
            t = _el("w:t")
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.append(t)
        paragraph._p.append(r)

    run(text="— ")
    run(_el("w:fldChar", fldCharType="begin"))
    instr = _el("w:instrText")
    instr.text = " PAGE "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run(instr)
    run(_el("w:fldChar", fldCharType="separate"))
    run(text="1")
    run(_el("w:fldChar", fldCharType="end"))
    run(text=" —")


def setup_page(section: Any, *, landscape: bool = False, grid: bool = True, margins_mm: tuple[float, float, float, float] | None = None) -> None:
    """Page size, margins and (for GB/T documents) the 22 × 28 document grid of a section."""
    from docx.oxml.ns import qn

    sect = section._sectPr
    for tag in ("w:pgSz", "w:pgMar", "w:docGrid", "w:cols"):
        for old in sect.findall(qn(tag)):
            sect.remove(old)
    if landscape:
        sect.append(_el("w:pgSz", w=str(PAGE_H), h=str(PAGE_W), orient="landscape"))
    else:
        sect.append(_el("w:pgSz", w=str(PAGE_W), h=str(PAGE_H)))
    if margins_mm:
        top, right, bottom, left = (str(_mm(v)) for v in margins_mm)
    else:
        top, right, bottom, left = (str(v) for v in (MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT))
    sect.append(_el("w:pgMar", top=top, right=right, bottom=bottom, left=left,
                    header=str(_mm(15)), footer=str(FOOTER_DISTANCE if not margins_mm else _mm(8)), gutter="0"))
    sect.append(_el("w:cols", space="425"))
    if grid:
        # A line grid plus slightly condensed body characters gives 28 per line in Word, WPS and
        # LibreOffice alike; a character grid (linesAndChars) is drawn at 14 per line by LibreOffice.
        sect.append(_el("w:docGrid", type="lines", linePitch=str(LINE_PITCH)))
    else:
        sect.append(_el("w:docGrid", linePitch="312"))


def _setup_footers(document: Any) -> None:
    """Odd pages: number right; even pages: number left (evenAndOddHeaders)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = document.styles["Footer"]
        paragraph.alignment = align
        _page_field_runs(paragraph)
        ind = paragraph.paragraph_format
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            ind.right_indent = 14 * 12700  # one 4号 character from the text block's edge
        else:
            ind.left_indent = 14 * 12700


def base_styles(document: Any) -> None:
    """Replace python-docx's default styles with the GB/T ones (shared by every Word file we write)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    defaults = parse_xml(
        f'<w:docDefaults xmlns:w="{_W}"><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii="{FONT_LATIN}" w:hAnsi="{FONT_LATIN}" w:eastAsia="{FONT_BODY}" w:cs="{FONT_LATIN}"/>'
        '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>'
    )
    styles.insert(0, defaults)
    _restyle(styles, "Normal", "Normal", _ppr(), _rpr(FONT_BODY, BODY_PT), based_on=None)
    _restyle(styles, "GbTitle", "公文标题", _ppr(jc="center", first_chars=0), _rpr(FONT_TITLE, 22, latin=FONT_TITLE))
    _restyle(styles, "Heading1", "heading 1", _ppr(outline=0, keep_next=True), _rpr(FONT_H1, BODY_PT, latin=FONT_H1))
    _restyle(styles, "Heading2", "heading 2", _ppr(outline=1, keep_next=True), _rpr(FONT_H2, BODY_PT, latin=FONT_H2))
    _restyle(styles, "Heading3", "heading 3", _ppr(outline=2, keep_next=True), _rpr(FONT_BODY, BODY_PT))
    _restyle(styles, "Heading4", "heading 4", _ppr(outline=3, keep_next=True), _rpr(FONT_BODY, BODY_PT))
    _restyle(styles, "GbSignature", "发文机关署名", _ppr(jc="right", first_chars=0), _rpr(FONT_BODY, BODY_PT))
    _restyle(styles, "Footer", "footer", _ppr(jc="right", first_chars=0, line=340, snap=False),
             _rpr(FONT_PAGE, 14, latin=FONT_PAGE))
    for package_part in document.part.package.iter_parts():
        if str(package_part.partname) == "/word/fontTable.xml":
            package_part._blob = _font_table_xml()
    rels = document.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            rels.pop(rid)  # python-docx's preview picture shows an empty page
    for preview in document.settings.element.findall(qn("w:savePreviewPicture")):
        document.settings.element.remove(preview)
    _declare_chinese(document)
    _prune(document)


def _declare_chinese(document: Any) -> None:
    """East Asian text is Simplified Chinese: python-docx's template says ``ja-JP`` in settings.xml
    (``w:themeFontLang``), and Word, WPS and LibreOffice then pick the Japanese forms of CJK glyphs
    (and the theme's Japanese fonts) for text without an explicit font."""
    from docx.oxml.ns import qn

    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = _el("w:themeFontLang")
        settings.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


#: Styles every file keeps; python-docx's template carries ~160 more (and 800 KB of XML).
_KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Footer", "Header",
                "Heading1", "Heading2", "Heading3", "Heading4"}


def _prune(document: Any) -> None:
    """Drop what the template carries but no generated file uses, so each file is small and quick."""
    from docx.oxml.ns import qn

    styles = document.styles.element
    for style in list(styles.findall(qn("w:style"))):
        style_id = style.get(qn("w:styleId")) or ""
        if style_id not in _KEEP_STYLES and not style_id.startswith("Gb"):
            styles.remove(style)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    kept = {style.get(qn("w:styleId")) for style in styles.findall(qn("w:style"))}
    for style in styles.findall(qn("w:style")):
        for ref in ("w:link", "w:next", "w:basedOn"):
            for child in style.findall(qn(ref)):
                if child.get(qn("w:val")) not in kept:
                    style.remove(child)
    rels = document.part.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.rsplit("/", 1)[-1] in ("stylesWithEffects", "webSettings", "customXml", "numbering"):
            rels.pop(rid)

