"""Lesson printables as data: the handout (regular and large print), sign-in sheet and feedback form.

Each function returns a :class:`~generator.render.printables.job.PrintJob`; :mod:`generator.render.printables` renders it.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any

from ...base import urls
from ...models import Course, Lesson
from .job import PrintJob, model_json

#: (type size in pt, page budget) tried in turn until a handout fits: one page at a comfortable
#: size if possible, else two pages; the last attempt is taken whatever its length.
HANDOUT_ATTEMPTS: tuple[tuple[float, int | None], ...] = (
    (12, 1), (11.5, 1), (11, 1), (10.5, 1), (12, 2), (11, 2), (10.5, 2), (10, 2), (9.5, 2), (9, None),
)
#: Large print is always 18 pt, at as many pages as it takes (see ``LARGE_MIN_END_MM``).
LARGE_SIZE = 18.0
#: A large-print handout of several pages should reach this far down its last page (mm from the
#: top edge: the 14 mm top margin plus half the 261 mm text height), else a tighter variant is
#: tried, and then one that ends with the emergency-numbers card (about 100 mm tall, so even then
#: the last page is well over a quarter full).
LARGE_MIN_END_MM = 14 + 0.5 * 261
#: The sign-in sheet numbers at least this many rows (over two pages when one will not hold them):
#: one row per family of a class of 50.
SIGNIN_ROWS = 50

#: (kind, file name, button label) of the printables of one lesson, in the order they are offered.
#: ``helpcard`` only for a lesson whose preparation asks for 求助卡 (see :func:`wants_help_card`).
LESSON_PRINTABLES: tuple[tuple[str, str, str], ...] = (
    ("handout", "handout.pdf", "讲义"),
    ("handout-large", "handout-large.pdf", "大字版讲义"),
    ("signin", "signin.pdf", "签到表"),
    ("feedback", "feedback.pdf", "反馈表"),
    ("organiser", "organiser.pdf", "组织者用页"),
    ("helpcard", "qiuzhu-ka.pdf", "求助卡"),
)
#: What a downloaded file is called, by audience: 家长课-<课名>-讲义.pdf (files of different
#: lessons no longer overwrite each other in a Downloads folder).
DOWNLOAD_PREFIX = {"家长": "家长课", "学生": "学生课", "教师": "教师培训课"}
#: Help lines on the 求助卡 (verified numbers only: 110, 120, 12356 — the national psychological
#: help line of the 国家卫生健康委, connected everywhere by 2025-05-01 — and 12355).
HELP_LINES: tuple[tuple[str, str, str], ...] = (
    ("110", "报警", "有人正在伤害孩子，孩子走失或被人带走"),
    ("120", "急救", "受了伤、生急病，或者已经伤到了自己"),
    ("12356", "心理援助热线", "心里难受、想不开，或者家长不知道怎么帮孩子"),
    ("12355", "青少年服务热线", "被人欺负、遇到难事，想找人说一说"),
)

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def page_url(site_url: str | None, path: str) -> str:
    """Absolute address of a site page (``lessons/<id>/``); empty when no site address is known."""
    return urls.absolute(site_url, path)


def lesson_qr_url(site_url: str | None, lesson_id: str) -> str:
    """What a lesson's QR code carries: its short address ``<site>/k/<id>/``, or "" when the site's
    address is unset or a placeholder (the handout then prints 「网址未设置」 instead of a code)."""
    urls.absolute(site_url, "")  # an incomplete address is an error even when it is a placeholder
    return urls.qr_target(site_url, urls.short_link(lesson_id))


@functools.lru_cache(maxsize=1024)
def qr_svg(url: str) -> str:
    """A QR code for ``url`` as SVG text: the symbol only, edge to edge.

    The template sizes the symbol itself (≥ 25 mm) and keeps the quiet zone scanners need as white
    space around it. Cached: choosing the best mask takes segno ~10 ms, and both handouts of a
    lesson share a code.
    """
    import segno

    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", border=0, xmldecl=False, dark="#000000", light="#ffffff")
    return buffer.getvalue().decode("utf-8")


_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|{}\[\]#%&=`\x00-\x1f\x7f]+')


def download_name(lesson: Lesson, label: str) -> str:
    """The name a downloaded printable is saved under, e.g. ``家长课-孩子被欺负了-讲义.pdf``.

    Characters Windows refuses in file names (and a few that would need quoting) become ``_``;
    long titles are cut so the name stays under 80 characters.
    """
    title = _UNSAFE_IN_NAME.sub("_", " ".join(lesson.title.split()))[:60].strip(" ._") or lesson.id
    return f"{DOWNLOAD_PREFIX.get(lesson.audience, '课')}-{title}-{label}.pdf"


def wants_help_card(lesson: Lesson) -> bool:
    """Whether the session hands out a 求助卡: its preparation says to print one."""
    return any("求助卡" in item for item in lesson.preparation)


def _you(lesson: Lesson) -> str:
    """How a sheet addresses its reader: 你 for pupils, 您 for adults."""
    return "你" if lesson.audience == "学生" else "您"


def _series(course: Course) -> str:
    return {"家长学校": "家长学校", "安全教育": "安全教育课"}.get(course.kind, course.kind)


# ---------------------------------------------------------------------------------------------
# Lesson printables
# ---------------------------------------------------------------------------------------------


def _teacher_labels(lesson: Lesson) -> dict[str, str]:
    """Handout headings that differ when the audience is teachers (a training session, not a parents' class)."""
    if lesson.audience != "教师":
        return {}
    return {"home_practice": "课后任务", "take_home_hint": "可沿虚线剪下，留在备课本或办公桌旁"}


def handout_job(lesson: Lesson, course: Course, url: str, *, large: bool = False) -> PrintJob:
    """The handout of a lesson; ``url`` is printed as a QR code, unless it is empty or on a
    placeholder host (then a 「网址未设置」 box stands in its place)."""
    if url and urls.is_placeholder(url):
        url = ""
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
        "qr_caption": "扫码看本课网页",
        # printed in the code's place when the site's address is unset or a placeholder: a code
        # to an address nobody controls could send parents to a stranger's site
        "qr_unset": {"title": "网址未设置", "hint": "本站网址设置后，这里印本课网页的二维码"},
        "labels": {
            "key_points": "本课要点",
            "home_practice": "亲子作业",
            "take_home": "带回家的要点",
            "take_home_hint": "可沿虚线剪下，贴在家里显眼的地方",
        } | _teacher_labels(lesson),
        "key_points": list(lesson.key_points),
        "home_practice": list(lesson.home_practice),
        "take_home": list(lesson.take_home),
        "footer": f"{course.title} · {lesson.title}",
        "card_title": "家里的应急电话",
        "card_numbers": [
            {"number": "110", "when": "遇到坏人、孩子走失或被人伤害"},
            {"number": "119", "when": "着火，或有人被困需要救援"},
            {"number": "120", "when": "有人受伤、生急病、昏倒"},
            {"number": "12356", "when": "孩子心里难受、想不开，或家长需要心理支持"},
            {"number": "12355", "when": "孩子被欺负，或家长想问怎么帮孩子"},
        ],
        "card_blanks": ["班主任的电话", "孩子父母的电话", "邻居或亲戚的电话"],
    }
    if large:
        # 18 pt always; a mostly empty last page is avoided by tighter spacing, else filled with
        # the emergency-numbers card (useful to a grandparent, and tall enough to fill a quarter)
        attempts = tuple(({**base, "size": LARGE_SIZE, "spacing": spacing, "card": card}, budget)
                         for spacing, card, budget in (("normal", False, 99), ("tight", False, 99),
                                                       ("normal", True, None)))
    else:
        attempts = tuple(({**base, "size": size, "spacing": "normal", "card": False}, budget)
                         for size, budget in HANDOUT_ATTEMPTS)
    return PrintJob(
        template="handout",
        attempts=attempts,
        model=model_json(lesson, course) | {"url": url},
        min_end_mm=LARGE_MIN_END_MM if large else None,
    )


def organiser_job(lesson: Lesson, course: Course, *, school_name: str | None = None) -> PrintJob:
    """The organiser's sheet: 课前准备 (never on the handout families take home), agenda, discussion."""
    data = {
        "doc_title": f"{lesson.title}（组织者用页）",
        "school": school_name,
        "title": f"{_series(course)}组织者用页",
        "subtitle": "供主讲老师和组织者课前准备、上课时对照，不发给听课的人",
        "lines": [
            {"label": "课题", "value": lesson.title},
            {"label": "课程", "value": course.title},
            {"label": "对象和时长", "value": f"{lesson.audience} · {lesson.stage} · {lesson.duration} 分钟 · {lesson.format}"},
        ],
        "preparation": {"label": "课前准备", "items": list(lesson.preparation)},
        "agenda": {
            "label": "上课流程",
            "header": ["环节", "分钟", "做什么"],
            "rows": [{"step": item.step, "minutes": item.minutes, "content": item.content} for item in lesson.agenda],
            "total_label": "合计",
            "total": lesson.duration,
        },
        "discussion": {"label": "讨论问题", "items": list(lesson.discussion)},
        "continued": f"{lesson.title}（组织者用页，续）",
        "footer": f"{course.title} · {lesson.title}",
    }
    # one sheet if a slightly smaller type gets it there (a last line alone on page 2 is a wasted page)
    return PrintJob(template="organiser", attempts=tuple(({**data, "size": size}, None) for size in (11, 10.5, 10)),
                    save_page=True, model=model_json(lesson, course))


def help_card_job(*, school_name: str | None = None) -> PrintJob:
    """The 求助卡: four cards to an A4 sheet, help lines and blanks for the school's own numbers."""
    data = {
        "doc_title": "求助卡",
        "school": school_name,
        "title": "求助卡",
        "intro": "遇到危险、受了伤害，或者心里难受得撑不住，马上打电话找人帮忙。",
        "lines": [{"number": number, "who": who, "when": when} for number, who, when in HELP_LINES],
        "blanks_hint": "下面由家长当场填好，放进钱包或贴在家里：",
        "blanks": ["学校联系电话", "班主任", "心理辅导老师", "就近医院（精神心理科）", "家里大人"],
    }
    return PrintJob(template="helpcard", attempts=((data, None),), model={})


def _signin_columns(lesson: Lesson) -> list[dict[str, Any]]:
    number = {"label": "序号", "width": 13, "fixed": True}
    if lesson.audience == "学生":
        rest = [("学生姓名", 3), ("班级", 2), ("签名", 3)]
    elif lesson.audience == "教师":
        rest = [("姓名", 3), ("任教学科或班级", 3), ("签名", 3)]
    else:
        rest = [("学生姓名", 2), ("班级", 1.4), ("家长姓名", 2), ("与学生关系", 1.6), ("签名", 2.6)]
    return [number] + [{"label": label, "width": width, "fixed": False} for label, width in rest]


def signin_job(lesson: Lesson, course: Course, *, school_name: str | None = None) -> PrintJob:
    """The sign-in sheet of a session: at least ``SIGNIN_ROWS`` ruled rows, numbered on over two pages."""
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
        "rows": SIGNIN_ROWS,
        "continued": f"{lesson.title}（签到表，续）",
        "tally": [
            {"label": "应到", "width": 16, "unit": "人"},
            {"label": "实到", "width": 16, "unit": "人"},
            {"label": "记录人：", "width": 30, "unit": ""},
        ],
        "privacy": "本表只用于统计本次活动的出勤，由学校保管，不张贴、不外传。",
        "footer": None,
    }
    return PrintJob(template="signin", attempts=((data, None),), model=model_json(lesson, course))


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
    return PrintJob(template="feedback", attempts=((data, None),), model=model_json(lesson, course))



def lesson_jobs(lesson: Lesson, course: Course, url: str,
                *, school_name: str | None = None) -> list[tuple[str, str, str, PrintJob]]:
    """(kind, file name, label, job) for every printable of a lesson, in display order."""
    jobs = {
        "handout": handout_job(lesson, course, url),
        "handout-large": handout_job(lesson, course, url, large=True),
        "signin": signin_job(lesson, course, school_name=school_name),
        "feedback": feedback_job(lesson, course, school_name=school_name),
        "organiser": organiser_job(lesson, course, school_name=school_name),
    }
    if wants_help_card(lesson):
        jobs["helpcard"] = help_card_job(school_name=school_name)
    return [(kind, name, label, jobs[kind]) for kind, name, label in LESSON_PRINTABLES if kind in jobs]

