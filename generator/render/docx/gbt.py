"""A plan as an official document (GB/T 9704-2012, 党政机关公文格式) in Word format.

The work is split along its seams: :mod:`~generator.resolve.document` (the neutral document
both writers lay out), :mod:`~generator.resolve.content` (what a plan says, as numbered
blocks), :mod:`~generator.render.docx.style` (GB/T geometry, fonts and styles in OOXML) and
:mod:`~generator.render.docx.ooxml` (the Word package writer and pinned zips). This module keeps the
names other modules import, so callers do not change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...base.numbering import number_label
from ...resolve.content import leading_group, plan_document, template_document
from ...resolve.document import BLANK, Block, GbtDocument
from .ooxml import (
    _WNS,
    DocxBase,
    append_to_body,
    char_width,
    core_xml,
    make_paragraph,
    normalize_zip,
    prepared,
    render_docx,
    signature_indents,
    write_zip,
    xml_text,
    zip_timestamp,
)
from .style import (
    BODY_PT,
    FONT_BODY,
    FONT_H1,
    FONT_H2,
    FONT_LATIN,
    FONT_PAGE,
    FONT_TITLE,
    LINE_PITCH,
    _el,
    _mm,
    _page_field_runs,
    _ppr,
    _restyle,
    _rpr,
    base_styles,
    setup_page,
)

if TYPE_CHECKING:
    from ...load.corpus import Corpus
    from ...schoolcal import ResolvedPlan


def plan_docx(
    resolved: ResolvedPlan,
    corpus: Corpus | None = None,
    **kwargs: Any,
) -> bytes:
    """Shortcut: :func:`plan_document` then :func:`render_docx`."""
    return render_docx(plan_document(resolved, corpus, **kwargs))


#: Everything callers import from here (the private names are used by the 行事历 writer).
__all__ = [
    "BLANK",
    "BODY_PT",
    "Block",
    "DocxBase",
    "FONT_BODY",
    "FONT_H1",
    "FONT_H2",
    "FONT_LATIN",
    "FONT_PAGE",
    "FONT_TITLE",
    "GbtDocument",
    "LINE_PITCH",
    "_WNS",
    "_el",
    "_mm",
    "_page_field_runs",
    "_ppr",
    "_restyle",
    "_rpr",
    "append_to_body",
    "base_styles",
    "char_width",
    "core_xml",
    "leading_group",
    "make_paragraph",
    "normalize_zip",
    "number_label",
    "plan_docx",
    "plan_document",
    "prepared",
    "render_docx",
    "setup_page",
    "signature_indents",
    "template_document",
    "write_zip",
    "xml_text",
    "zip_timestamp",
]
