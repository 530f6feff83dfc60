"""Printables: lesson handouts (regular and large print), sign-in sheets, feedback forms, blank forms.

Each printable is described as data (a plain ``dict`` built from the models here) and laid out by
a Typst template in :mod:`generator.render.templates`; :mod:`generator.render.typst_engine`
compiles it. Every user-visible word is chosen here or in a template; content text is passed as
JSON and always printed literally.

A document with a page budget (handouts: 2 pages, large print: 3) is tried at decreasing type
sizes until it fits. :func:`site_printables` renders everything for the site into a content-hash
cache, so an unchanged lesson is never laid out twice.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import urls
from .cache import Cache
from .corpus import Corpus
from .downloads import Download
from .errors import GongyuError
from .models import Course, Form, Lesson
from .models.form import FieldsBlock, FormField, HeadingBlock, SignaturesBlock, TableBlock, TextBlock
from .render.typst_engine import Compiled, get_engine

#: (type size in pt, page budget) tried in turn until a handout fits: one page at a comfortable
#: size if possible, else two pages; the last attempt is taken whatever its length.
HANDOUT_ATTEMPTS: tuple[tuple[float, int | None], ...] = (
    (12, 1), (11.5, 1), (11, 1), (10.5, 1), (12, 2), (11, 2), (10.5, 2), (10, 2), (9.5, 2), (9, None),
)
#: Large print stays at 14 pt or more and within three pages.
LARGE_ATTEMPTS: tuple[tuple[float, int | None], ...] = ((18, 3), (17, 3), (16, 3), (15, 3), (14, None))
#: Blank forms: (type size, row-height factor); a smaller step is taken only if it saves a page.
FORM_STEPS: tuple[tuple[float, float], ...] = ((10.5, 1.0), (10, 0.92), (9.5, 0.85), (9, 0.78))

#: Options up to this many characters are kept on one line with their check box.
_SHORT_OPTION = 8

#: (kind, file name, button label) of the printables of one lesson, in the order they are offered.
LESSON_PRINTABLES: tuple[tuple[str, str, str], ...] = (
    ("handout", "handout.pdf", "讲义"),
    ("handout-large", "handout-large.pdf", "大字版讲义"),
    ("signin", "signin.pdf", "签到表"),
    ("feedback", "feedback.pdf", "反馈表"),
)
FORM_LABEL = "空白表格"


@dataclass(frozen=True)
class PrintJob:
    """What to render: a template and the data variants to try.

    ``attempts`` pairs each variant with a page budget (``None``: accept it whatever its length);
    the first variant within its budget wins. With ``save_page`` the first variant is kept unless
    a later one comes out at fewer pages (a form should not leave its signatures alone on a page).
    """

    template: str
    attempts: tuple[tuple[dict[str, Any], int | None], ...]
    save_page: bool = False
    model: dict[str, Any] = field(default_factory=dict)  # the source model(s), for the cache key


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def page_url(site_url: str | None, path: str) -> str:
    """Absolute address of a site page (``lessons/<id>/``); empty when no site address is known."""
    return urls.absolute(site_url, path)


@functools.lru_cache(maxsize=1024)
def qr_svg(url: str) -> str:
    """A QR code for ``url`` as SVG text, with the quiet zone scanners need.

    Cached: choosing the best mask takes segno ~10 ms, and both handouts of a lesson share a code.
    """
    import segno

    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", border=4, xmldecl=False, dark="#000000", light="#ffffff")
    return buffer.getvalue().decode("utf-8")


def _you(lesson: Lesson) -> str:
    """How a sheet addresses its reader: 你 for pupils, 您 for adults."""
    return "你" if lesson.audience == "学生" else "您"


def _series(course: Course) -> str:
    return {"家长学校": "家长学校", "安全教育": "安全教育课"}.get(course.kind, course.kind)


def _model_json(*models: Any) -> dict[str, Any]:
    return {type(m).__name__ + str(i): m.model_dump(mode="json") for i, m in enumerate(models)}


# ---------------------------------------------------------------------------------------------
# Lesson printables
# ---------------------------------------------------------------------------------------------


def _teacher_labels(lesson: Lesson) -> dict[str, str]:
    """Handout headings that differ when the audience is teachers (a training session, not a parents' class)."""
    if lesson.audience != "教师":
        return {}
    return {"home_practice": "课后任务", "take_home_hint": "可沿虚线剪下，留在备课本或办公桌旁"}


def handout_job(lesson: Lesson, course: Course, url: str, *, large: bool = False) -> PrintJob:
    """The handout of a lesson; ``url`` (may be empty) is printed as a QR code."""
    base: dict[str, Any] = {
        "doc_title": f"{lesson.title}（{'大字版讲义' if large else '讲义'}）",
        "large": large,
        "kicker": f"{_series(course)}讲义" + (" · 大字版" if large else ""),
        "title": lesson.title,
        "course": {"label": "课程", "value": course.title},
        "meta": [
            {"label": "学段", "value": lesson.stage},
            {"label": "对象", "value": lesson.audience},
            {"label": "时长", "value": f"{lesson.duration} 分钟"},
            {"label": "形式", "value": lesson.format},
        ],
        "qr_url": url or None,  # turned into an SVG QR code just before compiling (see _prepare)
        "qr_caption": "扫码打开本课网页",
        "labels": {
            "key_points": "本课要点",
            "home_practice": "亲子作业",
            "take_home": "带回家的要点",
            "take_home_hint": "可沿虚线剪下，贴在家里显眼的地方",
        } | _teacher_labels(lesson),
        "key_points": list(lesson.key_points),
        "home_practice": list(lesson.home_practice),
        "take_home": list(lesson.take_home),
        # for whoever runs the session: printed last, in small type, after the cut-out box
        "preparation": {"label": "课前准备（供组织者参考）", "items": list(lesson.preparation)},
        "footer": f"{course.title} · {lesson.title}",
    }
    steps = LARGE_ATTEMPTS if large else HANDOUT_ATTEMPTS
    return PrintJob(
        template="handout",
        attempts=tuple(({**base, "size": size}, budget) for size, budget in steps),
        model=_model_json(lesson, course) | {"url": url},
    )


def _signin_columns(lesson: Lesson) -> list[dict[str, Any]]:
    number = {"label": "序号", "width": 12, "fixed": True}
    if lesson.audience == "学生":
        rest = [("学生姓名", 3), ("班级", 2), ("签名", 3)]
    elif lesson.audience == "教师":
        rest = [("姓名", 3), ("任教学科或班级", 3), ("签名", 3)]
    else:
        rest = [("学生姓名", 2), ("班级", 1.4), ("家长姓名", 2), ("与学生关系", 1.6), ("签名", 2.6)]
    return [number] + [{"label": label, "width": width, "fixed": False} for label, width in rest]


def signin_job(lesson: Lesson, course: Course, *, school_name: str | None = None) -> PrintJob:
    """The sign-in sheet of a session: as many ruled rows as fit under the header."""
    data = {
        "doc_title": f"{lesson.title}（签到表）",
        "school": school_name,
        "title": f"{_series(course)}签到表",
        "lines": [{"label": "课题", "value": lesson.title}, {"label": "课程", "value": course.title}],
        "blanks": [
            {"label": "日期", "width": 30},
            {"label": "时间", "width": 22},
            {"label": "地点", "width": 34},
            {"label": "主讲人", "width": 24},
        ],
        "columns": _signin_columns(lesson),
        "tally": [
            {"label": "应到", "width": 16, "unit": "人"},
            {"label": "实到", "width": 16, "unit": "人"},
            {"label": "记录人：", "width": 30, "unit": ""},
        ],
        "privacy": "本表只用于统计本次活动的出勤，由学校保管，不张贴、不外传。",
        "footer": None,
    }
    return PrintJob(template="signin", attempts=((data, None),), model=_model_json(lesson, course))


def feedback_questions(lesson: Lesson) -> tuple[list[str], list[str]]:
    """The rated statements (one per objective, in order) and the open questions of a feedback form."""
    you = _you(lesson)
    if lesson.audience == "学生":
        open_questions = [
            "这节课里，你觉得最有用的是哪一点？",
            "回家以后，你打算先试着做哪一件事？",
            "你对这样的课有什么建议？",
        ]
    else:
        open_questions = [
            f"这节课里，对{you}最有用的是哪一点？",
            f"回家以后，{you}打算先试着做哪一件事？",
            f"对今后的{'家长课堂' if lesson.audience == '家长' else '培训'}，{you}有什么建议？（内容、时间、形式都可以说）",
        ]
    return list(lesson.objectives), open_questions


def feedback_job(lesson: Lesson, course: Course, *, school_name: str | None = None) -> PrintJob:
    """The feedback form of a session: a five-point row per objective, then three open questions."""
    you = _you(lesson)
    objectives, questions = feedback_questions(lesson)
    identity = None
    if lesson.audience == "家长":
        identity = {"label": "您是孩子的", "options": ["父亲", "母亲", "祖辈", "其他亲属", "其他监护人"]}
    hand_in = "交给老师" if lesson.audience == "学生" else "交给班主任或主讲老师"
    data = {
        "doc_title": f"{lesson.title}（反馈表）",
        "school": school_name,
        "title": f"{_series(course)}反馈表",
        "lines": [{"label": "课题", "value": lesson.title}],
        "blanks": [{"label": "日期", "width": 34}, {"label": "班级", "width": 34}],
        "intro": (
            f"谢谢{you}来听这节课！请在每一行最符合{you}想法的方框里打“√”，再写几句{you}的想法。"
            f"本表不记名，填好后{hand_in}。"
        ),
        "identity": identity,
        "scale_title": f"听完这节课，{you}能做到下面这些吗？",
        "scale_header": "本课目标",
        "scale": ["完全能", "基本能", "说不准", "不太能", "不能"],
        "objectives": objectives,
        "open_title": f"说说{you}的想法",
        "questions": questions,
        "thanks": f"谢谢{you}的参与！",
        "footer": None,
    }
    return PrintJob(template="feedback", attempts=((data, None),), model=_model_json(lesson, course))


# ---------------------------------------------------------------------------------------------
# Blank forms
# ---------------------------------------------------------------------------------------------


def _option_list(options: Iterable[str]) -> list[dict[str, Any]]:
    return [{"text": text, "short": len(text) <= _SHORT_OPTION} for text in options]


def _field_rows(block: FieldsBlock) -> list[list[dict[str, Any]]]:
    """Arrange fields into rows of ``columns`` slots.

    A wide field takes a whole row; a wide or single-column field with several lines is
    "stacked" (its label on top, room to write below, across the full width). When a row is cut
    short by a wide field, its last field stretches to the end of the row instead of leaving an
    empty cell.
    """
    columns = block.columns
    rows: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []

    def cell(item: FormField, slot: int, span: int, stacked: bool) -> dict[str, Any]:
        return {"label": item.label, "options": _option_list(item.options), "lines": item.lines,
                "slot": slot, "span": span, "stacked": stacked}

    def close() -> None:
        if current:
            used = sum(c["span"] for c in current)
            current[-1]["span"] += columns - used
            rows.append(list(current))
            current.clear()

    for item in block.fields:
        if item.wide or columns == 1:
            close()
            rows.append([cell(item, 0, columns, stacked=item.lines > 1)])
            continue
        current.append(cell(item, len(current), 1, stacked=False))
        if len(current) == columns:
            close()
    close()
    return rows


def _form_blocks(form: Form) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for block in form.blocks:
        if isinstance(block, HeadingBlock):
            blocks.append({"kind": "heading", "text": block.heading})
        elif isinstance(block, TextBlock):
            blocks.append({"kind": "text", "paragraphs": list(block.text)})
        elif isinstance(block, FieldsBlock):
            blocks.append({"kind": "fields", "columns": block.columns, "rows": _field_rows(block)})
        elif isinstance(block, TableBlock):
            spec = block.table
            blocks.append({
                "kind": "table",
                "columns": [{"label": c.label, "width": c.width} for c in spec.columns],
                "rows": spec.rows,
                "numbered": spec.numbered,
                "number_label": "序号",
            })
        elif isinstance(block, SignaturesBlock):
            blocks.append({"kind": "signatures",
                           "items": [{"label": s.label, "date": s.date} for s in block.signatures]})
        else:  # pragma: no cover - the model admits no other block
            raise GongyuError(f"表格“{form.id}”中有无法排版的内容块：{type(block).__name__}")
    return blocks


def form_job(form: Form, *, school_name: str | None = None) -> PrintJob:
    """A blank form, optionally headed with a school's name."""
    data = {
        "doc_title": form.title if not school_name else f"{school_name}{form.title}",
        "school": school_name or None,
        "title": form.title,
        "flipped": form.orientation == "横向",
        "blocks": _form_blocks(form),
        "note_label": "填表说明",
        "note": form.note,
        "footer": None,
    }
    return PrintJob(
        template="form",
        attempts=tuple(({**data, "size": size, "row_scale": scale}, None) for size, scale in FORM_STEPS),
        save_page=True,
        model=_model_json(form) | {"school": school_name},
    )


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
        if first.pages > 1 and _may_save_page(first, job.attempts[0][0]):
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
        if budget is None or result.pages <= budget:
            break
        if result.pages > budget + 1:
            # far over budget: a slightly smaller type size will not do; skip to a larger budget
            hopeless.add(budget)
    return pdf


#: The smallest form step shrinks a form's height to about this share (type 9/10.5, rows 0.78).
_SHRINK = 0.82


def _may_save_page(result: Compiled, data: dict[str, Any]) -> bool:
    """Whether shrinking could plausibly pull the last page of a form back onto the one before."""
    page_mm = 210.0 if data.get("flipped") else 297.0
    used = (result.pages - 1) + min(1.0, result.end_mm / page_mm)
    return used * _SHRINK <= result.pages - 1


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


def lesson_jobs(lesson: Lesson, course: Course, url: str,
                *, school_name: str | None = None) -> list[tuple[str, str, str, PrintJob]]:
    """(kind, file name, label, job) for every printable of a lesson, in display order."""
    jobs = {
        "handout": handout_job(lesson, course, url),
        "handout-large": handout_job(lesson, course, url, large=True),
        "signin": signin_job(lesson, course, school_name=school_name),
        "feedback": feedback_job(lesson, course, school_name=school_name),
    }
    return [(kind, name, label, jobs[kind]) for kind, name, label in LESSON_PRINTABLES]


def job_inputs(job: PrintJob) -> dict[str, Any]:
    """What a PDF depends on besides the code: the model JSON and the data laid out (which holds the URL)."""
    return {"model": job.model, "template": job.template, "attempts": [list(a) for a in job.attempts],
            "save_page": job.save_page}


def cached_render(job: PrintJob, cache: Cache) -> Path:
    """The PDF of ``job`` in ``cache``; rendered only if it is not there yet."""
    return cache.get(".pdf", job_inputs(job), lambda: render_job(job))


def site_printables(corpus: Corpus, site_url: str, cache: Cache) -> list[Download]:
    """Render every lesson's and form's printables into the cache; return their download records.

    URIs: ``print/lessons/<lesson-id>/{handout,handout-large,signin,feedback}.pdf`` and
    ``print/forms/<form-id>.pdf``. ``site_url`` is the site's address for the QR codes (empty:
    no QR code). Unchanged sources are taken from ``cache`` without rendering.
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
        url = page_url(site_url, urls.page_path("lesson", lesson_id))
        for kind, name, label, job in lesson_jobs(lesson, course, url):
            path = cached_render(job, cache)
            downloads.append(Download(owner=lesson_id, uri=urls.lesson_printable(lesson_id, name), label=label,
                                      kind=kind, path=path))
    for form_id in sorted(corpus.forms):
        path = cached_render(form_job(corpus.forms[form_id]), cache)
        downloads.append(Download(owner=form_id, uri=urls.form_printable(form_id), label=FORM_LABEL,
                                  kind="form", path=path))
    return downloads
