"""The Word writer: a prepared package with the GB/T styles, paragraphs built with lxml, pinned zips.

:func:`render_docx` pours a :class:`~generator.resolve.document.GbtDocument` into the package
prepared once per process (:class:`DocxBase`); every file is zipped with fixed timestamps, so the
same input gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...base.clock import build_instant
from ...base.markup import escape_xml
from ...resolve.document import GbtDocument
from .style import _W, BODY_PT, _setup_footers, base_styles, setup_page


@dataclass(frozen=True)
class DocxBase:
    """A prepared Word package (styles, fonts, page set-up, footers) to pour a body into.

    Built once per process with python-docx, then every document only replaces
    ``word/document.xml`` and ``docProps/core.xml`` and is zipped once with pinned timestamps.
    """

    entries: tuple[tuple[str, bytes], ...]

    @classmethod
    def from_document(cls, document: Any) -> DocxBase:
        return cls.from_saved(saved(document))

    @classmethod
    def from_saved(cls, data: bytes) -> DocxBase:
        """The package of a saved python-docx document (what :func:`saved` gives)."""
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            entries = tuple((info.filename, source.read(info.filename)) for info in source.infolist())
        return cls(entries)

    def part(self, name: str) -> bytes:
        for entry, data in self.entries:
            if entry == name:
                return data
        raise KeyError(name)

    def body_root(self) -> Any:
        """A fresh parsed ``word/document.xml`` whose body holds only the section properties."""
        from lxml import etree

        return etree.fromstring(self.part("word/document.xml"))

    def fill(self, document_root: Any, *, title: str, author: str) -> bytes:
        """The finished .docx: this package with the given body and core properties."""
        from lxml import etree

        xml = etree.tostring(document_root, xml_declaration=True, encoding="UTF-8", standalone=True)
        replaced = {"word/document.xml": xml, "docProps/core.xml": core_xml(title, author), "docProps/app.xml": _APP_XML}
        entries = [(name, replaced.get(name, data)) for name, data in self.entries]
        first = [e for e in entries if e[0] == "[Content_Types].xml"]
        return write_zip(first + [e for e in entries if e[0] != "[Content_Types].xml"])


#: ``docProps/app.xml`` naming the generator (python-docx's template claims "Microsoft Macintosh Word").
_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template>Normal.dotm</Template><TotalTime>0</TotalTime><Application>共育 gongyu</Application>"
    "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
).encode()


def saved(document: Any) -> bytes:
    """A python-docx document as the bytes of its .docx file."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


#: Where prepared packages are kept between processes (see :func:`use_store`); None: made in each process.
_store: Callable[[str, Callable[[], bytes]], bytes] | None = None
_prepared: dict[str, DocxBase] = {}


def use_store(store: Callable[[str, Callable[[], bytes]], bytes] | None) -> None:
    """Keep the prepared packages in ``store``: ``store(name, make)`` gives the bytes ``make()`` gave,
    kept by an earlier process when it can. A process that finds them never imports python-docx
    (0.1 s of a school's Word files). The packages depend on the code and python-docx alone."""
    global _store
    _store = store


def prepared(name: str, make_document: Callable[[], Any]) -> DocxBase:
    """The package ``name``: ``make_document()`` (a python-docx document) saved, once per process, or
    found in the store (:func:`use_store`)."""
    base = _prepared.get(name)
    if base is None:
        def make() -> bytes:
            return saved(make_document())

        base = _prepared[name] = DocxBase.from_saved(make() if _store is None else _store(name, make))
    return base


def _plan_document() -> Any:
    from docx import Document

    document = Document()
    base_styles(document)
    setup_page(document.sections[0])
    _setup_footers(document)
    return document


def _plan_base() -> DocxBase:
    return prepared("plan", _plan_document)


_WNS = f"{{{_W}}}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])


def xml_text(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot hold (pasted from Word, say)."""
    return text.translate(_CONTROL)


def make_paragraph(style_id: str, text: str = "", *, number: str = "", right_twips: int | None = None,
                   left_twips: int | None = None, first_twips: int | None = None, jc: str | None = None) -> Any:
    """``<w:p>`` with a style (by id) and plain runs, built directly with lxml.

    python-docx looks styles up by name with a linear scan per paragraph; building the XML
    directly is many times faster and gives the same markup.
    """
    from lxml import etree

    p = etree.Element(_WNS + "p")
    ppr = etree.SubElement(p, _WNS + "pPr")
    etree.SubElement(ppr, _WNS + "pStyle").set(_WNS + "val", style_id)
    if right_twips is not None or left_twips is not None or first_twips is not None:
        ind = etree.SubElement(ppr, _WNS + "ind")
        if left_twips is not None:
            ind.set(_WNS + "left", str(left_twips))
            ind.set(_WNS + "leftChars", "0")
        if right_twips is not None:
            ind.set(_WNS + "right", str(right_twips))
            ind.set(_WNS + "rightChars", "0")
        if first_twips is not None:
            ind.set(_WNS + "firstLine", str(first_twips))
            ind.set(_WNS + "firstLineChars", "0")
    if jc:
        etree.SubElement(ppr, _WNS + "jc").set(_WNS + "val", jc)
    for chunk in (number, text):
        if not chunk:
            continue
        r = etree.SubElement(p, _WNS + "r")
        t = etree.SubElement(r, _WNS + "t")
        t.text = xml_text(chunk)
        if chunk != chunk.strip():
            t.set(_XML_SPACE, "preserve")
    return p


def append_to_body(root: Any, element: Any) -> None:
    """Add a paragraph or table at the end of the body, before its ``sectPr``."""
    body = root.find(_WNS + "body")
    last = body[-1] if len(body) else None  # the sectPr is always the body's last child: no scan
    if last is not None and last.tag == _WNS + "sectPr":
        last.addprevious(element)
    else:
        body.append(element)


def core_xml(title: str, author: str) -> bytes:
    """``docProps/core.xml`` with pinned dates (``SOURCE_DATE_EPOCH`` or a constant)."""
    when = build_instant().strftime("%Y-%m-%dT%H:%M:%SZ")
    title, author = escape_xml(xml_text(title)), escape_xml(xml_text(author))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>"
        f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        "<dc:language>zh-CN</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def render_docx(doc: GbtDocument) -> bytes:
    """The document as a .docx in the GB/T 9704 layout (deterministic bytes)."""
    base = _plan_base()
    root = base.body_root()

    def add(style_id: str, text: str = "", **kwargs: Any) -> None:
        append_to_body(root, make_paragraph(style_id, text, **kwargs))

    for line in doc.title_lines:
        add("GbTitle", line)
    add("Normal")  # one empty line under the title
    for block in doc.blocks:
        if block.kind == "heading" and 1 <= block.level <= 4:
            add(f"Heading{block.level}", block.text, number=block.number)
        else:
            add("Normal", block.text, number=block.number)
    if doc.attachments:
        add("Normal")
        for index, name in enumerate(doc.attachments, start=1):
            if index == 1:
                add("Normal", f"附件：{index}. {name}")
            else:  # aligned under the first number: 2 characters of indent + "附件："
                add("Normal", f"{index}. {name}", first_twips=5 * BODY_PT * 20)
    add("Normal")
    add("Normal")
    issuer_right, date_right = signature_indents(doc.issuer, doc.date)
    add("GbSignature", doc.issuer, right_twips=round(issuer_right * BODY_PT * 20))
    add("GbSignature", doc.date, right_twips=round(date_right * BODY_PT * 20))
    return base.fill(root, title=doc.meta_title, author=doc.meta_author)


def char_width(text: str) -> float:
    """Width in characters: CJK 1, ASCII ½ (for right-aligned signature blocks)."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch != "—" else 1.0 for ch in text)


def signature_indents(issuer: str, date: str) -> tuple[float, float]:
    """Right indents in characters: the date 4 characters in, the issuer centred over the date."""
    date_right = 4.0
    issuer_right = max(0.0, date_right + (char_width(date) - char_width(issuer)) / 2)
    return issuer_right, date_right



# --- deterministic zip --------------------------------------------------------------------------

def zip_timestamp() -> tuple[int, int, int, int, int, int]:
    """The pinned instant as a zip ``date_time`` (zip cannot go before 1980)."""
    instant = build_instant()
    if instant.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (instant.year, instant.month, instant.day, instant.hour, instant.minute, instant.second - instant.second % 2)


def write_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``entries`` in the given order with fixed timestamps and attributes."""
    stamp = zip_timestamp()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buffer.getvalue()


def normalize_zip(data: bytes) -> bytes:
    """Rewrite an Office file's zip with pinned timestamps (python-docx writes the current time)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    content_types = [e for e in entries if e[0] == "[Content_Types].xml"]
    rest = [e for e in entries if e[0] != "[Content_Types].xml"]
    return write_zip(content_types + rest)

