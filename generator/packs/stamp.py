"""Blank forms for many schools: each form laid out once per process, each school's name stamped on.

A pack heads every blank form with its school's name; laying out 13 forms again for every school
took most of a warm pack's time. Here a form is laid out once (by ``form.typ``, exactly as
:func:`generator.printables.render_form` would, with the name drawn invisibly and its place
reported), and each school's PDF is that layout placed page by page with the name set on top
(``stamp.typ``): a few milliseconds instead of tens.

The result looks the same as a form rendered for the school directly (a test compares the two
rasterised). Where stamping cannot give that — the template reports no place for the name, or the
name is too long for one line — the form is rendered directly.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models.form import Form

#: The name laid out (invisibly) in the blank: any one-line name takes the same room.
PLACEHOLDER = "某某县某某镇某某学校"
SLOT_LABEL = "<gongyu-school-slot>"
#: The school name's type size in ``lib.typ``'s ``school-name``; a name wider than its line is not stamped.
NAME_PT = 13.0


@dataclass(frozen=True)
class Blank:
    """A form laid out once: its PDF, page count, orientation and where the school's name goes."""

    pdf: bytes
    pages: int
    flipped: bool
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
    from ..printables import form_job, render_job
    from ..render.typst_engine import get_engine

    engine = get_engine()
    job = form_job(form, school_name=PLACEHOLDER)
    job = replace(job, attempts=tuple(({**data, "school_slot": True}, budget) for data, budget in job.attempts))
    chosen = render_job(job)  # the variant render_form would pick (shrunk to save a page, …)
    for data, _budget in job.attempts:
        compiled, slots = engine.compile_located(job.template, data, SLOT_LABEL)
        if compiled.pdf == chosen:
            if len(slots) != 1:
                return None
            return Blank(pdf=chosen, pages=compiled.pages, flipped=bool(data.get("flipped")), slot=dict(slots[0]))
    return None


def _fits(name: str, slot: dict[str, Any]) -> bool:
    """Whether ``name`` surely fits on one line of the slot (every character counted full width)."""
    return len(name) * NAME_PT <= float(slot["width"]) * 0.95


def blank_for(form: Form) -> Blank | None:
    """The blank of ``form``, laid out on first use in this process (per form content and fonts)."""
    from ..render.typst_engine import get_engine

    key = _key(form, get_engine())
    with _lock:
        if key not in _blanks:
            _blanks[key] = lay_out(form)
        return _blanks[key]


def stamped_form(form: Form, school_name: str) -> bytes:
    """``form`` headed with ``school_name``, as :func:`generator.printables.render_form` draws it."""
    from ..printables import render_form
    from ..render.typst_engine import get_engine

    blank = blank_for(form)
    if blank is None or not school_name or not _fits(school_name, blank.slot):
        return render_form(form, school_name=school_name)
    data = {"doc_title": f"{school_name}{form.title}", "school": school_name, "pages": blank.pages,
            "flipped": blank.flipped, "slot": blank.slot}
    return get_engine().stamp(blank.pdf, data)
