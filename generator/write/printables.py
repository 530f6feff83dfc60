"""The site's printables: every lesson's and form's PDF rendered into the content-addressed cache."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ..base import urls
from ..base.memo import LatestMemo
from ..errors import GongyuError
from ..load.corpus import Corpus
from ..models.course import Course, Lesson
from ..models.download import Download
from ..render.pdf.typst_engine import get_engine
from ..render.printables import (
    PrintJob,
    download_name,
    form_job,
    form_label,
    lesson_jobs,
    lesson_qr_url,
    page_url,
    render_job,
)
from .cache import Cache


def job_inputs(job: PrintJob) -> dict[str, Any]:
    """What a PDF depends on besides the code: the model JSON and the data laid out (which holds the URL)."""
    return {"model": job.model, "template": job.template, "attempts": [list(a) for a in job.attempts],
            "save_page": job.save_page, "min_end_mm": job.min_end_mm}


def cached_render(job: PrintJob, cache: Cache) -> Path:
    """The PDF of ``job`` in ``cache``; rendered only if it is not there yet."""
    return cache.get(".pdf", job_inputs(job), lambda: render_job(job))


#: Each lesson's printables as last rendered in this process, kept while the lesson, its course, the
#: address and the cache are the same: `gongyu serve` rebuilds after every save, and working out
#: the cache keys of four PDFs for each of 1,000 lessons took longer than the rest of the rebuild.
_LESSONS: LatestMemo[tuple[Download, ...]] = LatestMemo()


def _lesson_downloads(lesson: Lesson, course: Course, url: str, cache: Cache) -> tuple[Download, ...]:
    made = []
    for kind, name, label, job in lesson_jobs(lesson, course, url):
        path = cached_render(job, cache)
        made.append(Download(owner=lesson.id, uri=urls.lesson_printable(lesson.id, name), label=label,
                             kind=kind, path=path, filename=download_name(lesson, label)))
    return tuple(made)


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
        downloads += cache.kept(_LESSONS, lesson_id, (lesson, course, url),
                                functools.partial(_lesson_downloads, lesson, course, url, cache))
    for form_id in sorted(corpus.forms):
        form = corpus.forms[form_id]
        downloads += cache.kept(_FORMS, form_id, (form,), functools.partial(_form_download, form, cache))
    return downloads


#: Each blank form's printable, kept like a lesson's (:data:`_LESSONS`).
_FORMS: LatestMemo[tuple[Download, ...]] = LatestMemo()


def _form_download(form: Any, cache: Cache) -> tuple[Download, ...]:
    path = cached_render(form_job(form), cache)
    return (Download(owner=form.id, uri=urls.form_printable(form.id), label=form_label(form), kind="form", path=path),)
