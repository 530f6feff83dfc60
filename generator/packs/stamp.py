"""Blank forms for many schools: each form laid out once per process, each school's name stamped on.

A pack heads every blank form with its school's name; laying out 16 forms again for every school
took most of a warm pack's time. Here a form is laid out once (by ``form.typ``, exactly as
:func:`generator.render.printables.render_form` would, with the name laid out invisibly and its place
reported). For each school, its name alone is laid out once (``school_name.typ``, one page per
width of name line) and drawn onto every blank at that place by an incremental PDF update
(:mod:`generator.render.pdf.update`): well under a millisecond a form, and only one Typst
compilation per school, so the plans' layout stays in Typst's memo from one school to the next.
Laid-out blanks are kept in the cache folder too (:func:`use_cache`): a new process (each
``gongyu school build``, each batch worker) finds them there instead of laying them out again.

The result looks the same as a form rendered for the school directly (a test compares the two
rasterised). Where stamping cannot give that (the template reports no place for the name, the
name is too long for one line, or the PDF is not laid out as expected) the form is rendered directly.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models.form import Form
    from ..render.pdf.update import Drawing
    from ..write.cache import Cache

#: The name laid out (invisibly) in the blank: any one-line name takes the same room.
PLACEHOLDER = "某某县某某镇某某学校"
SLOT_LABEL = "<gongyu-school-slot>"
#: The school name's type size in ``lib.typ``'s ``school-name``; a name wider than its line is not stamped.
NAME_PT = 13.0


@dataclass(frozen=True)
class Blank:
    """A form laid out once: its PDF and where the school's name goes (page, x, y, width in points)."""

    pdf: bytes
    slot: dict[str, Any]


_blanks: dict[str, Blank | None] = {}
_lock = threading.Lock()


_keys: dict[int, tuple[Form, str, str]] = {}


def _key(form: Form, engine: Any) -> str:
    """The form's content and the engine's fonts, hashed (remembered per form object: packs reuse the corpus's)."""
    known = _keys.get(id(form))
    if known is not None and known[0] is form and known[1] == engine.fingerprint:
        return known[2]
    text = json.dumps([form.model_dump(mode="json"), engine.fingerprint], ensure_ascii=False, sort_keys=True)
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    _keys[id(form)] = (form, engine.fingerprint, key)
    return key


def lay_out(form: Form) -> Blank | None:
    """The blank layout of ``form`` for stamping (None when the template reports no place for a name)."""
    from ..render.pdf.typst_engine import get_engine
    from ..render.printables import form_job, render_job

    engine = get_engine()
    job = form_job(form, school_name=PLACEHOLDER)
    job = replace(job, attempts=tuple(({**data, "school_slot": True}, budget) for data, budget in job.attempts))
    chosen = render_job(job)  # the variant render_form would pick (shrunk to save a page, …)
    for data, _budget in job.attempts:
        compiled, slots = engine.compile_located(job.template, data, SLOT_LABEL)
        if compiled.pdf == chosen:
            if len(slots) != 1:
                return None
            return Blank(pdf=chosen, slot=dict(slots[0]))
    return None


def _fits(name: str, slot: dict[str, Any]) -> bool:
    """Whether ``name`` surely fits on one line of the slot (every character counted full width)."""
    return len(name) * NAME_PT <= float(slot["width"]) * 0.95


#: The cache folder blanks are kept in between processes (None: this process's memory only).
_store: Path | None = None
#: The cache opened on ``_store``: opening one checks the folder and marks it as a cache, which took
#: longer than finding a blank in it; done again only when the folder has lost its mark (removed by hand).
_opened: tuple[Path, Cache] | None = None


def use_cache(folder: Path | None) -> None:
    """Keep laid-out blanks in the cache ``folder`` too, so the next process does not lay them out again;
    the Word packages every .docx is poured into as well (:func:`generator.render.docx.ooxml.use_store`)."""
    from ..render.docx.ooxml import use_store

    global _store
    _store = folder
    use_store(None if folder is None else _stored_package)


def _stored_package(name: str, make: Callable[[], bytes]) -> bytes:
    """A prepared Word package from the cache folder (made and stored there when missing)."""
    assert _store is not None
    return _cache(_store).get(".docx", ["word-package", name], make).read_bytes()


def _cache(folder: Path) -> Cache:
    global _opened
    from ..write.cache import Cache
    from ..write.outputs import MARKER

    if _opened is None or _opened[0] != folder or not (_opened[1].folder / MARKER).is_file():
        _opened = (folder, Cache(folder))
    return _opened[1]


def _stored_blank(form: Form, key: str) -> Blank | None:
    """The blank from the cache folder (laid out and stored there when missing)."""
    import base64

    def make() -> bytes:
        blank = lay_out(form)
        value = None if blank is None else {"pdf": base64.b64encode(blank.pdf).decode("ascii"), "slot": blank.slot}
        return json.dumps(value, sort_keys=True).encode("utf-8")

    assert _store is not None
    path = _cache(_store).get(".json", ["form-blank", key], make)
    value = json.loads(path.read_bytes())
    return None if value is None else Blank(pdf=base64.b64decode(value["pdf"]), slot=dict(value["slot"]))


def blank_for(form: Form) -> Blank | None:
    """The blank of ``form``: laid out once per form content and fonts, kept in memory and in the cache."""
    from ..render.pdf.typst_engine import get_engine

    key = _key(form, get_engine())
    with _lock:
        if key not in _blanks:
            _blanks[key] = _stored_blank(form, key) if _store is not None else lay_out(form)
        return _blanks[key]


_names: dict[tuple[str, tuple[float, ...], str], dict[float, Drawing]] = {}


def name_drawings(school_name: str, widths: Sequence[float]) -> dict[float, Drawing]:
    """The school's name laid out once per line width (the last few schools' are remembered)."""
    from ..render.pdf.typst_engine import get_engine
    from ..render.pdf.update import drawings

    engine = get_engine()
    key = (school_name, tuple(sorted(set(widths))), engine.fingerprint)
    with _lock:
        known = _names.get(key)
    if known is None:
        pdf = engine.compile_pdf("school_name", {"school": school_name, "widths": list(key[1]),
                                                 "fonts": engine.families}, tags=False)
        known = dict(zip(key[1], drawings(pdf), strict=False))
        with _lock:
            if len(_names) >= 8:
                _names.pop(next(iter(_names)))
            _names[key] = known
    return known


def stamped_forms(forms: Sequence[Form], school_name: str) -> list[bytes]:
    """Each of ``forms`` headed with ``school_name``, as :func:`generator.render.printables.render_form` draws it."""
    from ..render.pdf.update import UnsupportedPdf, stamp
    from ..render.printables import render_form

    blanks = [blank_for(form) for form in forms]
    usable = [b is not None and bool(school_name) and _fits(school_name, b.slot) for b in blanks]
    widths = [b.slot["width"] for b, ok in zip(blanks, usable, strict=True) if ok and b is not None]
    try:
        names = name_drawings(school_name, widths) if widths else {}
    except UnsupportedPdf:
        names = {}
    result = []
    for form, blank, ok in zip(forms, blanks, usable, strict=True):
        drawing = names.get(blank.slot["width"]) if ok and blank is not None else None
        if drawing is not None and blank is not None:
            slot = blank.slot
            try:
                result.append(stamp(blank.pdf, drawing, page=int(slot["page"]), x=float(slot["x"]),
                                    top=float(slot["y"]), title=f"{school_name}{form.title}"))
                continue
            except UnsupportedPdf:
                pass
        result.append(render_form(form, school_name=school_name))
    return result


def stamped_form(form: Form, school_name: str) -> bytes:
    """``form`` headed with ``school_name`` (see :func:`stamped_forms`)."""
    return stamped_forms([form], school_name)[0]
