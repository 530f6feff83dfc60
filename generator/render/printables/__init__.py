"""Printables: lesson handouts (regular and large print), sign-in sheets, feedback forms, blank forms.

Each printable is described as data (a :class:`PrintJob`: plain ``dict`` variants built in
:mod:`.lessons` and :mod:`.forms`) and laid out by a Typst template in
``generator/render/pdf/templates``; :mod:`generator.render.pdf.typst_engine` compiles it. Every
user-visible word is chosen there or in a template; content text is passed as JSON and always
printed literally.

A regular handout has a page budget (1, else 2 pages) and is tried at decreasing type sizes until
it fits; large print stays at 18 pt and avoids a mostly empty last page. :func:`generator.write.printables.site_printables`
renders everything for the site into a content-hash cache, so an unchanged lesson is never laid
out twice.
"""

from __future__ import annotations

from typing import Any

from ...models import Course, Form, Lesson
from ..pdf.typst_engine import Compiled, get_engine
from .forms import FORM_LABEL, FORM_STEPS, form_job, form_label
from .job import PrintJob
from .lessons import (
    HANDOUT_ATTEMPTS,
    LESSON_PRINTABLES,
    download_name,
    feedback_job,
    feedback_questions,
    handout_job,
    lesson_jobs,
    lesson_qr_url,
    page_url,
    qr_svg,
    signin_job,
)

__all__ = [
    "FORM_LABEL", "FORM_STEPS", "HANDOUT_ATTEMPTS", "LESSON_PRINTABLES", "PrintJob", "download_name", "feedback_job",
    "feedback_questions", "form_job", "form_label", "handout_job", "lesson_jobs", "lesson_qr_url", "page_url", "qr_svg",
    "render_feedback", "render_form", "render_handout", "render_job", "render_signin", "signin_job",
]

# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def _prepare(data: dict[str, Any]) -> dict[str, Any]:
    """Data as the template wants it: a ``qr_url`` becomes the SVG of its QR code, ``qr``."""
    if "qr_url" not in data:
        return data
    prepared = {key: value for key, value in data.items() if key != "qr_url"}
    prepared["qr"] = qr_svg(data["qr_url"]) if data["qr_url"] else None
    return prepared


def render_job(job: PrintJob) -> bytes:
    """Compile ``job``, trying its variants as described in :class:`PrintJob`."""
    engine = get_engine()
    if job.save_page:
        first = engine.compile(job.template, _prepare(job.attempts[0][0]))
        # with rows, boxes and sign-offs kept whole, pages do not shrink in proportion to the type:
        # every smaller step is tried (a few tens of ms each, and the result is cached)
        if first.pages > 1:
            for data, _budget in job.attempts[1:]:
                smaller = engine.compile(job.template, _prepare(data))
                if smaller.pages < first.pages:
                    return smaller.pdf
        return first.pdf
    pdf = b""
    hopeless: set[int | None] = set()
    for data, budget in job.attempts:
        if budget in hopeless:
            continue
        result = engine.compile(job.template, _prepare(data))
        pdf = result.pdf
        if budget is None or (result.pages <= budget and _fills_last_page(result, job)):
            break
        if result.pages > budget + 1:
            # far over budget: a slightly smaller type size will not do; skip to a larger budget
            hopeless.add(budget)
    return pdf


def _fills_last_page(result: Compiled, job: PrintJob) -> bool:
    """Whether a document of several pages reaches ``job.min_end_mm`` down its last page."""
    return job.min_end_mm is None or result.pages == 1 or result.end_mm >= job.min_end_mm


def render_handout(lesson: Lesson, course: Course, url: str, *, large: bool = False) -> bytes:
    """A4 handout of ``lesson`` (≤ 2 pages; large print ≤ 3 pages) with a QR code to ``url``.

    ``url`` is the full address of the lesson's page; an empty string leaves the QR code out.
    """
    return render_job(handout_job(lesson, course, url, large=large))


def render_signin(lesson: Lesson, course: Course, *, school_name: str | None = None) -> bytes:
    """A4 sign-in sheet (签到表) of a session of ``lesson``, rows down to the foot of the page."""
    return render_job(signin_job(lesson, course, school_name=school_name))


def render_feedback(lesson: Lesson, course: Course, *, school_name: str | None = None) -> bytes:
    """A4 feedback form (反馈表): a five-point scale per objective of ``lesson``, three open questions."""
    return render_job(feedback_job(lesson, course, school_name=school_name))


def render_form(form: Form, *, school_name: str | None = None) -> bytes:
    """A blank ``form`` laid out from its blocks; headed with ``school_name`` when given."""
    return render_job(form_job(form, school_name=school_name))
