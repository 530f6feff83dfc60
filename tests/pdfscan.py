"""A second reading of our PDFs: type sizes, colours and strokes straight from the content streams.

pypdf parses the page content independently of Typst; this module follows the graphics state
(``q``/``Q``, ``cm``, colours, line width, dash) through the operators Typst emits and records
every text run and every stroked path. Typst draws solid block borders as thin filled rectangles:
a filled path at most 2 pt thick counts as a stroke too. Colours are reduced to luma (0 black …
1 white).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream


@dataclass
class Text:
    size: float  # effective type size in pt
    luma: float  # fill colour


@dataclass
class Stroke:
    width: float  # effective line width in pt
    luma: float
    dash: list[float]


@dataclass
class Page:
    texts: list[Text] = field(default_factory=list)
    strokes: list[Stroke] = field(default_factory=list)


def _luma(values: list[float]) -> float:
    if len(values) >= 3:
        r, g, b = values[:3]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    if len(values) == 1:
        return values[0]
    return 0.0


def _mul(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _scale(m: list[float]) -> float:
    """The vertical scale of a matrix (no rotation or skew in Typst's output)."""
    return (m[2] ** 2 + m[3] ** 2) ** 0.5


def scan(path: Path) -> list[Page]:
    reader = PdfReader(str(path))
    pages = []
    for pdf_page in reader.pages:
        page = Page()
        stack: list[tuple] = []
        ctm = [1.0, 0, 0, 1.0, 0, 0]
        fill, stroke, width, dash = 0.0, 0.0, 1.0, []
        tm = [1.0, 0, 0, 1.0, 0, 0]
        size = 0.0
        path: list[tuple[float, float]] = []
        for operands, op in ContentStream(pdf_page.get_contents(), reader).operations:
            nums = [float(x) for x in operands if isinstance(x, (int, float))]
            if op == b"q":
                stack.append((ctm, fill, stroke, width, dash))
            elif op == b"Q":
                ctm, fill, stroke, width, dash = stack.pop()
            elif op == b"cm":
                ctm = _mul(nums, ctm)
            elif op in (b"scn", b"sc", b"rg", b"g"):
                fill = _luma(nums)
            elif op in (b"SCN", b"SC", b"RG", b"G"):
                stroke = _luma(nums)
            elif op == b"w":
                width = nums[0]
            elif op == b"d":
                dash = [float(x) for x in operands[0]]
            elif op == b"Tf":
                size = float(operands[1])
            elif op == b"Tm":
                tm = nums
            elif op in (b"Tj", b"TJ"):
                page.texts.append(Text(size=size * _scale(_mul(tm, ctm)), luma=fill))
            elif op in (b"m", b"l"):
                path.append((nums[0], nums[1]))
            elif op == b"S":
                page.strokes.append(Stroke(width=width * _scale(ctm), luma=stroke, dash=list(dash)))
                path = []
            elif op in (b"f", b"f*"):
                if path:
                    xs, ys = [x for x, _ in path], [y for _, y in path]
                    w, h = (max(xs) - min(xs)) * abs(ctm[0]), (max(ys) - min(ys)) * abs(ctm[3])
                    if min(w, h) <= 2 and max(w, h) >= 5:
                        page.strokes.append(Stroke(width=min(w, h), luma=fill, dash=[]))
                path = []
            elif op == b"n":
                path = []
        pages.append(page)
    return pages
