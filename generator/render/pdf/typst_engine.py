"""Typst as a PDF engine: warm compilers, used from several threads at once, fonts limited to the CJK folders we found.

Typst is driven through the PyPI ``typst`` package. A template (``templates/<name>.typ``) is
compiled by a :class:`typst.Compiler` made once and kept for the life of the process: the fonts
it has parsed and the layout it has done are remembered, so the second document costs a tenth of
the first.

Typst lets go of Python's lock while it compiles, so documents compiled on different threads use
different cores (a pack renders its documents on a few threads, see ``packs.pack.pack_files``). One
compiler object serves one compilation at a time (typst-py refuses a second: "Already borrowed"),
so each template keeps a small pool: a thread takes an idle compiler or makes one more. Typst's
memo of parsed fonts and laid-out content is process-wide, so an extra compiler starts warm.

Data reaches a template only as JSON in ``sys.inputs.data``; a template decodes it with
``json(bytes(sys.inputs.data))`` and uses the strings as values, never as markup. Nothing from a
content file is ever spliced into Typst source.

Fonts: Typst sees only the folders of the fonts :func:`generator.base.fonts.find_fonts` picked (plus the
fonts built into Typst itself) and never the system at large, so a PDF comes out the same on every
machine with the same fonts. :func:`get_engine` calls ``find_fonts()`` before anything else, which
raises a Chinese error naming ``fonts-noto-cjk`` when no CJK font exists.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...base.fonts import FontSet, find_fonts
from ...errors import GongyuError

TEMPLATES_DIR = Path(__file__).parent / "templates"

#: Bumped whenever the way data is turned into a PDF changes outside the templates (Python-side
#: layout decisions); together with the ``typst`` package version it is part of every cache key.
LAYOUT_REVISION = 1

#: The label every template puts its final page count under (see ``lib.typ``).
_PAGES_LABEL = "<gongyu-pages>"



def _typst_version() -> str:
    try:
        return importlib.metadata.version("typst")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - an unusual install
        import typst

        return str(getattr(typst, "__version__", "unknown"))


ENGINE_VERSION = f"typst-py {_typst_version()} / gongyu-layout {LAYOUT_REVISION}"


def to_json(data: Any) -> str:
    """Canonical JSON (sorted keys, no ASCII escaping): the same data always gives the same text."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Compiled:
    """A compiled document: PDF bytes, page count, and how far down its last page the content ends."""

    pdf: bytes
    pages: int
    end_mm: float


class TypstEngine:
    """One warm Typst compiler per template, sharing one font book."""

    def __init__(self, fonts: FontSet) -> None:
        import typst

        self._typst = typst
        self.fonts = fonts
        # Only the folders of the fonts we chose; Typst's own bundled fonts stay available as the
        # last fallback (they ship inside the package, so they are the same everywhere).
        self._font_book = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                                      font_paths=list(fonts.folders))
        self._idle: dict[str, list[Any]] = {}  # compilers not compiling right now, by template
        self._lock = threading.Lock()
        #: Family names in our font folders, and the family of each font file (official-document fonts).
        self.installed_families = frozenset(self._font_book.families())
        self.family_of_file: dict[str, str] = {}
        for info in sorted(self._font_book.fonts(), key=lambda i: (str(i.path), i.index)):
            if info.path is not None:
                self.family_of_file.setdefault(str(info.path), info.family)
        self.families = {role: fonts.family(role) for role in ("serif", "sans")}
        self.fingerprint = ENGINE_VERSION + " / fonts " + to_json(
            {role: [fonts.family(role), Path(fonts.files.get(role, fonts.files["serif"])).name]
             for role in ("serif", "sans", "serif_bold", "sans_bold")}
        )
        self.compiles = 0  # how many documents were compiled (tests use it to see cache hits)
        #: The official-document faces chosen for these fonts (see ``plan_pdf.gbt_fonts``).
        self.gbt_fonts: dict[str, Any] | None = None

    def _take(self, template: str) -> Any:
        """An idle compiler of ``template`` (made when every one is busy); give it back with :meth:`_give`."""
        with self._lock:
            idle = self._idle.setdefault(template, [])
            if idle:
                return idle.pop()
        path = TEMPLATES_DIR / f"{template}.typ"
        if not path.is_file():
            raise GongyuError(f"找不到排版模板 {path}；安装可能不完整，请重新安装 gongyu")
        return self._typst.Compiler(str(path), root=str(TEMPLATES_DIR), font_paths=self._font_book,
                                    ignore_system_fonts=True)

    def _give(self, template: str, compiler: Any) -> None:
        with self._lock:
            self._idle[template].append(compiler)

    def compile(self, template: str, data: Mapping[str, Any]) -> Compiled:
        """Render ``template`` with ``data``: the PDF, its number of pages and where its text ends.

        ``data`` gains a ``fonts`` entry (the family per role) before it is handed to Typst.
        """
        payload = dict(data)
        payload["fonts"] = self.families
        pdf, pages = self._run(template, payload, label=_PAGES_LABEL)
        info = json.loads(pages)
        return Compiled(pdf=pdf, pages=int(info["pages"]), end_mm=float(info["end_mm"]))

    def compile_located(self, template: str, data: Mapping[str, Any], label: str) -> tuple[Compiled, list[Any]]:
        """Like :meth:`compile`, plus the value of every ``metadata`` under ``label`` (e.g. ``<gongyu-school-slot>``)."""
        payload = {**data, "fonts": self.families}
        pdf, (pages, found) = self._run(template, payload, label=_PAGES_LABEL, also=label)
        info = json.loads(pages)
        return Compiled(pdf=pdf, pages=int(info["pages"]), end_mm=float(info["end_mm"])), list(json.loads(found))

    def compile_pdf(self, template: str, data: Mapping[str, Any], *, tags: bool = True) -> bytes:
        """Render ``template`` with ``data`` as it is (the official-document templates pick their own fonts).

        ``tags=False`` leaves out the accessibility tags (for drawings copied into other PDFs).
        """
        pdf, _ = self._run(template, data, label=None, tags=tags)
        return pdf

    def _run(self, template: str, data: Mapping[str, Any], *, label: str | None,
             also: str | None = None, tags: bool = True) -> tuple[bytes, Any]:
        from ...base.clock import build_instant

        inputs = {"data": to_json(data)}
        timestamp = int(build_instant().timestamp())
        pages = None
        compiler = self._take(template)
        usable = True  # a compiler that failed inside (a panic, not a document error) is not used again
        try:
            pdf = compiler.compile(format="pdf", sys_inputs=inputs, timestamp=timestamp, pdf_tags=tags)
            if label is not None:
                pages = compiler.query(label, field="value", one=True)
            if also is not None:
                pages = (pages, compiler.query(also, field="value"))
        except self._typst.TypstError as exc:
            message = getattr(exc, "message", None) or str(exc)
            where = re.search(r"┌─ (\S+)", getattr(exc, "diagnostic", "") or "")
            if where:
                message += f"（{where.group(1)}）"
            raise GongyuError(
                f"排版 PDF 失败（模板 {template}.typ）：{message}。这是程序的问题而不是内容的问题，"
                "请加上 --debug 重新运行，并把输出发给维护人员"
            ) from exc
        except BaseException:
            usable = False
            raise
        finally:
            if usable:
                self._give(template, compiler)
        with self._lock:
            self.compiles += 1
        if not isinstance(pdf, bytes):  # pragma: no cover - a multi-file export is never asked for
            raise GongyuError(f"排版 PDF 失败（模板 {template}.typ）：没有得到 PDF 数据")
        return pdf, pages


_engine: TypstEngine | None = None
_engine_lock = threading.Lock()


def get_engine() -> TypstEngine:
    """The process-wide warm engine; finding the CJK fonts (or failing clearly) comes first."""
    global _engine
    fonts = find_fonts()  # raises the Chinese "install fonts-noto-cjk" error before any rendering
    with _engine_lock:
        if _engine is None or _engine.fonts != fonts:
            _engine = TypstEngine(fonts)
        return _engine
