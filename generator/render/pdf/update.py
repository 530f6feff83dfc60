"""Stamping a small PDF onto a page of another by appending an incremental update.

A school pack heads 16 blank forms with its school's name. Compiling each form again through
Typst (even with the blank embedded whole) cost 3.5 ms a form, and, worse, 16 more compilations
per school age Typst's layout memo out of its cache (typst-py evicts entries unused for ten
compilations), so every plan PDF of the next school was laid out from scratch.

Here the name is laid out once per school (one tiny Typst PDF, a page per slot width) and each
blank gets an *incremental update* (ISO 32000-1, 7.5.6): the original bytes stay as they are, and
appended after them come the name's font and drawing as a Form XObject, the page and its resource
dictionary redefined to draw it, the document title redefined, and a new cross-reference section
pointing back at the old one. Any PDF reader applies the update; nothing of the blank is parsed
beyond its cross-reference table and the few objects that change.

Only what Typst writes is supported: a classic ``xref`` table, objects written as
``N 0 obj … endobj`` at the offsets it lists, dictionaries on one line before ``stream``.
Anything else raises :class:`UnsupportedPdf`, and the caller renders the form directly instead.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

from ...base.markup import escape_xml

_XREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_TRAILER = re.compile(rb"trailer\s*(<<.*?>>)\s*startxref", re.S)
_REF = re.compile(rb"(\d+) 0 R")
_OBJ_HEAD = re.compile(rb"(\d+) 0 obj\s*")
#: The name of the stamped drawing in the page's resources (Typst names its own /F…, /Im…, /Gs…).
XOBJECT_NAME = b"/GongyuStamp"


class UnsupportedPdf(ValueError):
    """The PDF is not laid out as this module expects (caller falls back to rendering directly)."""


@dataclass(frozen=True)
class PdfFile:
    """A PDF as Typst writes it: its bytes, object offsets and trailer."""

    data: bytes
    offsets: dict[int, int]
    trailer: bytes
    xref_at: int

    @classmethod
    def parse(cls, data: bytes) -> PdfFile:
        found = _XREF.search(data[-64:])
        if found is None:
            raise UnsupportedPdf("no startxref")
        xref_at = int(found.group(1))
        if data[xref_at:xref_at + 4] != b"xref":
            raise UnsupportedPdf("not a classic xref table")
        trailer = _TRAILER.search(data, xref_at)
        if trailer is None:
            raise UnsupportedPdf("no trailer")
        offsets: dict[int, int] = {}
        lines = data[xref_at:trailer.start()].split(b"\n")[1:]
        number, left = 0, 0
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            parts = line.split()
            if left == 0 and len(parts) == 2:
                number, left = int(parts[0]), int(parts[1])
                continue
            if len(parts) != 3 or left == 0:
                raise UnsupportedPdf("bad xref entry")
            if parts[2] == b"n":
                offsets[number] = int(parts[0])
            number, left = number + 1, left - 1
        return cls(data, offsets, trailer.group(1), xref_at)

    def body(self, number: int) -> bytes:
        """The object's text between ``N 0 obj`` and ``endobj`` (streams included)."""
        start = self.offsets.get(number)
        if start is None:
            raise UnsupportedPdf(f"object {number} missing")
        head = _OBJ_HEAD.match(self.data, start)
        if head is None or int(head.group(1)) != number:
            raise UnsupportedPdf(f"object {number} not at its offset")
        end = self.data.find(b"endobj", head.end())
        if end < 0:
            raise UnsupportedPdf(f"object {number} unterminated")
        if b"stream" in self.data[head.end():end]:
            # stream data may contain "endobj": find the end from the declared length instead
            dictionary, data = self.split_stream(number)
            return dictionary + b"\nstream\n" + data + b"\nendstream"
        return self.data[head.end():end].rstrip()

    def split_stream(self, number: int) -> tuple[bytes, bytes]:
        """(dictionary, raw data) of a stream object whose /Length is a direct number."""
        start = self.offsets[number]
        head = _OBJ_HEAD.match(self.data, start)
        assert head is not None
        marker = self.data.find(b"stream", head.end())
        dictionary = self.data[head.end():marker].rstrip()
        length = re.search(rb"/Length (\d+)", dictionary)
        if marker < 0 or length is None:
            raise UnsupportedPdf(f"object {number}: stream without a direct /Length")
        begin = marker + len(b"stream")
        begin += 2 if self.data[begin:begin + 2] == b"\r\n" else 1
        return dictionary, self.data[begin:begin + int(length.group(1))]

    def trailer_ref(self, key: bytes) -> int:
        found = re.search(re.escape(key) + rb" (\d+) 0 R", self.trailer)
        if found is None:
            raise UnsupportedPdf(f"trailer has no {key.decode()}")
        return int(found.group(1))

    def page_numbers(self) -> list[int]:
        """The object numbers of the pages, in order (a one-level page tree, as Typst writes it)."""
        root = self.body(self.trailer_ref(b"/Root"))
        pages = re.search(rb"/Pages (\d+) 0 R", root)
        if pages is None:
            raise UnsupportedPdf("catalog without /Pages")
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", self.body(int(pages.group(1))))
        if kids is None:
            raise UnsupportedPdf("page tree without /Kids")
        numbers = [int(n) for n in _REF.findall(kids.group(1))]
        for number in numbers:
            if not re.search(rb"/Type\s*/Page(?![a-z])", self.body(number)):
                raise UnsupportedPdf("nested page tree")
        return numbers

    def size(self) -> int:
        found = re.search(rb"/Size (\d+)", self.trailer)
        if found is None:
            raise UnsupportedPdf("trailer has no /Size")
        return int(found.group(1))


def media_box(page: bytes) -> tuple[float, float]:
    """(width, height) in points of a page dictionary's /MediaBox (origin at 0 0, as Typst writes it)."""
    found = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", page)
    if found is None:
        raise UnsupportedPdf("page without a plain /MediaBox")
    return float(found.group(1)), float(found.group(2))


@dataclass(frozen=True)
class Drawing:
    """One page of a small PDF, ready to be copied into others as a Form XObject."""

    width: float
    height: float
    #: ``(old number, body)`` of every object the page's resources reach, in a fixed order.
    objects: tuple[tuple[int, bytes], ...]
    resources: int
    content_dict: bytes
    content_data: bytes


def drawings(pdf: bytes) -> list[Drawing]:
    """Each page of ``pdf`` (e.g. a school's name laid out by Typst) as a :class:`Drawing`."""
    source = PdfFile.parse(pdf)
    result = []
    for number in source.page_numbers():
        page = source.body(number)
        width, height = media_box(page)
        resources = re.search(rb"/Resources (\d+) 0 R", page)
        contents = re.search(rb"/Contents (\d+) 0 R", page)
        if resources is None or contents is None:
            raise UnsupportedPdf("page resources or contents not a single reference")
        reached: dict[int, bytes] = {}
        pending = [int(resources.group(1))]
        while pending:
            current = pending.pop()
            if current in reached:
                continue
            reached[current] = source.body(current)
            pending.extend(int(n) for n in _REF.findall(_dictionary_part(reached[current])))
        content_dict, content_data = source.split_stream(int(contents.group(1)))
        result.append(Drawing(width, height, tuple(sorted(reached.items())), int(resources.group(1)),
                              content_dict, content_data))
    return result


def _dictionary_part(body: bytes) -> bytes:
    marker = body.find(b"\nstream\n")
    return body if marker < 0 else body[:marker]


def _renumber(body: bytes, mapping: dict[int, int]) -> bytes:
    marker = body.find(b"\nstream\n")
    head, tail = (body, b"") if marker < 0 else (body[:marker], body[marker:])
    return _REF.sub(lambda m: b"%d 0 R" % mapping[int(m.group(1))], head) + tail


def _text_string(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _with_title(info: bytes, title: str) -> bytes:
    """The document information dictionary with its /Title replaced."""
    value = _text_string(title)
    if re.search(rb"/Title\s*(<[0-9A-Fa-f]*>|\((?:[^()\\]|\\.)*\))", info):
        return re.sub(rb"/Title\s*(<[0-9A-Fa-f]*>|\((?:[^()\\]|\\.)*\))", lambda _m: b"/Title" + value, info, count=1)
    return info[:-2] + b"/Title" + value + b">>"


def _with_xmp_title(source: PdfFile, number: int, title: str) -> bytes:
    dictionary, data = source.split_stream(number)
    if re.search(rb"/Filter", dictionary):
        raise UnsupportedPdf("compressed XMP")
    replaced, count = re.subn(rb"(<dc:title>\s*<rdf:Alt>\s*<rdf:li[^>]*>)[^<]*(</rdf:li>)",
                              lambda m: m.group(1) + escape_xml(title).encode("utf-8") + m.group(2), data, count=1)
    if count != 1:
        raise UnsupportedPdf("XMP without dc:title")
    dictionary = re.sub(rb"/Length \d+", b"/Length %d" % len(replaced), dictionary)
    return dictionary + b"\nstream\n" + replaced + b"\nendstream"


def _with_xobject(resources: bytes, number: int) -> bytes:
    entry = XOBJECT_NAME + b" %d 0 R" % number
    if XOBJECT_NAME in resources:
        raise UnsupportedPdf("stamp already present")
    if b"/XObject<<" in resources:
        return resources.replace(b"/XObject<<", b"/XObject<<" + entry, 1)
    if b"/XObject" in resources:
        raise UnsupportedPdf("indirect /XObject dictionary")
    if not resources.endswith(b">>"):
        raise UnsupportedPdf("resources not a dictionary")
    return resources[:-2] + b"/XObject<<" + entry + b">>>>"


def _stream(dictionary_inner: bytes, data: bytes) -> bytes:
    return b"<<" + dictionary_inner + b"/Length %d>>\nstream\n" % len(data) + data + b"\nendstream"


@dataclass(frozen=True)
class _Target:
    """What :func:`stamp` needs of a blank and one of its pages (parsed once per blank)."""

    source: PdfFile
    page_number: int
    page_dict: bytes
    page_height: float
    contents: re.Match[bytes]
    resources_number: int
    resources: bytes
    info: int
    info_body: bytes
    metadata: int | None


@functools.lru_cache(maxsize=256)
def _target(blank: bytes, page: int) -> _Target:
    source = PdfFile.parse(blank)
    pages = source.page_numbers()
    if not 1 <= page <= len(pages):
        raise UnsupportedPdf("no such page")
    page_dict = source.body(pages[page - 1])
    own_resources = re.search(rb"/Resources (\d+) 0 R", page_dict)
    contents = re.search(rb"/Contents (\d+) 0 R", page_dict)
    if own_resources is None or contents is None:
        raise UnsupportedPdf("page resources or contents not a single reference")
    info = source.trailer_ref(b"/Info")
    metadata = re.search(rb"/Metadata (\d+) 0 R", source.body(source.trailer_ref(b"/Root")))
    return _Target(source, pages[page - 1], page_dict, media_box(page_dict)[1], contents,
                   int(own_resources.group(1)), source.body(int(own_resources.group(1))), info, source.body(info),
                   int(metadata.group(1)) if metadata else None)


def stamp(blank: bytes, drawing: Drawing, *, page: int, x: float, top: float, title: str) -> bytes:
    """``blank`` with ``drawing`` placed on page ``page`` (1-based), its top-left corner ``x`` points
    from the left edge and ``top`` points from the top edge, and the document titled ``title``."""
    target = _target(blank, page)
    source, page_number, page_dict, page_height = target.source, target.page_number, target.page_dict, target.page_height
    contents = target.contents

    base = source.size()
    mapping = {old: base + index for index, (old, _body) in enumerate(drawing.objects)}
    xobject, before, after = base + len(mapping), base + len(mapping) + 1, base + len(mapping) + 2
    updated: dict[int, bytes] = {new: _renumber(body, mapping) for (old, body), new in
                                 zip(drawing.objects, (mapping[o] for o, _b in drawing.objects), strict=True)}
    content_keys = drawing.content_dict.strip()[2:-2]
    content_keys = re.sub(rb"/Length \d+", b"", content_keys)
    # The bounding box clips: glyphs reach above and below the line box Typst sized the page to.
    margin = 2 * drawing.height
    updated[xobject] = (b"<</Type/XObject/Subtype/Form/BBox[%s %s %s %s]/Resources %d 0 R"
                        % (_num(-margin), _num(-margin), _num(drawing.width + margin),
                           _num(drawing.height + margin), mapping[drawing.resources])
                        + content_keys + b"/Length %d>>\nstream\n" % len(drawing.content_data)
                        + drawing.content_data + b"\nendstream")
    updated[before] = _stream(b"", b"q\n")
    y = page_height - top - drawing.height
    updated[after] = _stream(b"", b"Q\nq 1 0 0 1 %s %s cm %s Do Q\n" % (_num(x), _num(y), XOBJECT_NAME))
    updated[page_number] = page_dict.replace(
        contents.group(0), b"/Contents[%d 0 R %s 0 R %d 0 R]" % (before, contents.group(1), after), 1)
    updated[target.resources_number] = _with_xobject(target.resources, xobject)
    updated[target.info] = _with_title(target.info_body, title)
    if target.metadata is not None:
        updated[target.metadata] = _with_xmp_title(source, target.metadata, title)
    return _append(source, updated)


def _num(value: float) -> bytes:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.encode("ascii")


def _append(source: PdfFile, objects: dict[int, bytes]) -> bytes:
    """``source`` followed by an incremental update redefining or adding ``objects``."""
    out = bytearray(source.data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n"
    numbers = sorted(offsets)
    run: list[int] = []
    for number in numbers + [-1]:
        if run and number != run[-1] + 1:
            out += b"%d %d\n" % (run[0], len(run))
            for item in run:
                out += b"%010d 00000 n\r\n" % offsets[item]
            run = []
        run.append(number)
    size = max(source.size(), numbers[-1] + 1)
    first_id = re.search(rb"/ID\s*\[\s*(<[0-9A-Fa-f]*>|\([^)]*\))", source.trailer)
    new_id = b"<" + hashlib.sha256(bytes(out)).hexdigest()[:32].encode("ascii") + b">"
    ids = b"/ID[" + (first_id.group(1) if first_id else new_id) + new_id + b"]"
    out += (b"trailer\n<</Size %d/Root %d 0 R/Info %d 0 R%s/Prev %d>>\nstartxref\n%d\n%%%%EOF\n"
            % (size, source.trailer_ref(b"/Root"), source.trailer_ref(b"/Info"), ids, source.xref_at, xref_at))
    return bytes(out)
