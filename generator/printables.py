"""Printables: lesson handouts (regular and large print), sign-in sheets, feedback forms, blank forms.

Each printable is described as data (a :class:`PrintJob`: plain ``dict`` variants built in
:mod:`generator.print_lessons` and :mod:`generator.print_forms`) and laid out by a Typst template
in :mod:`generator.render.templates`; :mod:`generator.render.typst_engine` compiles it. Every
user-visible word is chosen there or in a template; content text is passed as JSON and always
printed literally.

A regular handout has a page budget (1, else 2 pages) and is tried at decreasing type sizes until
it fits; large print stays at 18 pt and avoids a mostly empty last page. :func:`site_printables`
renders everything for the site into a content-hash cache, so an unchanged lesson is never laid
out twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import urls
from .cache import Cache
from .corpus import Corpus
from .downloads import Download
from .errors import GongyuError
from .models import Course, Form, Lesson
from .print_forms import FORM_LABEL, FORM_STEPS, form_job, form_label
from .print_lessons import (
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
from .printjob import PrintJob
from .render.typst_engine import Compiled, get_engine

__all__ = [
    "FORM_LABEL", "FORM_STEPS", "HANDOUT_ATTEMPTS", "LESSON_PRINTABLES", "PrintJob", "cached_render",
    "feedback_job", "feedback_questions", "form_job", "form_label", "handout_job", "job_inputs", "lesson_jobs",
    "lesson_qr_url", "page_url", "qr_svg", "render_feedback", "render_form", "render_handout", "render_job", "render_signin",
    "signin_job", "site_printables",
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



def job_inputs(job: PrintJob) -> dict[str, Any]:
    """What a PDF depends on besides the code: the model JSON and the data laid out (which holds the URL)."""
    return {"model": job.model, "template": job.template, "attempts": [list(a) for a in job.attempts],
            "save_page": job.save_page, "min_end_mm": job.min_end_mm}


def cached_render(job: PrintJob, cache: Cache) -> Path:
    """The PDF of ``job`` in ``cache``; rendered only if it is not there yet."""
    return cache.get(".pdf", job_inputs(job), lambda: render_job(job))


def site_printables(corpus: Corpus, site_url: str, cache: Cache) -> list[Download]:
    """Render every lesson's and form's printables into the cache; return their download records.

    URIs: ``print/lessons/<lesson-id>/{handout,handout-large,signin,feedback}.pdf`` and
    ``print/forms/<form-id>.pdf``. ``site_url`` is the site's address for the QR codes (empty or a
    placeholder: no QR code, a 「网址未设置」 box instead). Unchanged sources are taken from ``cache`` without rendering.
    """
    get_engine()  # no CJK font: the Chinese error comes here, before any work
    page_url(site_url, "")  # an incomplete site address is reported even when there are no lessons
    downloads: list[Download] = []
    for lesson_id in sorted(corpus.lessons):
        lesson = corpus.lessons[lesson_id]
        course_id = corpus.lesson_course.get(lesson_id)
        if course_id is None or course_id not in corpus.courses:
            raise GongyuError(f"课时“{lesson_id}”不属于任何课程，无法生成打印材料；请在课程的 _course.yml 中列出它")
        course = corpus.courses[course_id]
        url = lesson_qr_url(site_url, lesson_id)
        for kind, name, label, job in lesson_jobs(lesson, course, url):
            path = cached_render(job, cache)
            downloads.append(Download(owner=lesson_id, uri=urls.lesson_printable(lesson_id, name), label=label,
                                      kind=kind, path=path, filename=download_name(lesson, label)))
    for form_id in sorted(corpus.forms):
        path = cached_render(form_job(corpus.forms[form_id]), cache)
        downloads.append(Download(owner=form_id, uri=urls.form_printable(form_id),
                                  label=form_label(corpus.forms[form_id]), kind="form", path=path))
    return downloads
