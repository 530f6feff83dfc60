"""Cross-checking the loaded documents: references, course listings, unique ids within a plan."""

from __future__ import annotations

import difflib

from ..base.paths import shown_path
from ..errors import ProblemList
from ..load import SourceDoc
from ..load.corpus import KIND_NAMES, Corpus
from .wording import check_plan


def check_references(corpus: Corpus, problems: ProblemList) -> None:
    """Every reference between documents points at a document of the right kind; lessons sit in their course.

    Also records each lesson's course (``corpus.lesson_course``) and checks each plan's placeholders.
    """
    def ref(doc: SourceDoc, path: tuple, target: str, allowed: tuple[str, ...], what: str) -> None:
        kind = corpus.kinds.get(target)
        if kind is None and target in corpus.broken:
            return
        if kind is None:
            own = doc.data.get("id") if isinstance(doc.data, dict) else None
            # only ids that would be accepted here, and never the document itself
            candidates = sorted(item for item, k in corpus.kinds.items() if k in allowed and item != own)
            guess = difflib.get_close_matches(target, candidates, n=1, cutoff=0.6)
            hint = f"您是不是想写“{guess[0]}”？" if guess else "请检查编号是否拼写正确，或先创建它"
            problems.add(doc.problem(path, f"{what}“{target}”不存在", hint))
        elif kind not in allowed:
            names = "、".join(KIND_NAMES[k] for k in allowed)
            problems.add(doc.problem(path, f"“{target}”是{KIND_NAMES[kind]}，这里需要{names}的编号"))

    any_kind = ("article", "course", "lesson", "plan", "form")
    for article_id, article in sorted(corpus.articles.items()):
        doc = corpus.sources[article_id]
        for index, target in enumerate(article.meta.related):
            ref(doc, ("related", index), target, any_kind, "相关内容")

    listed: dict[str, str] = {}
    for course_id, course in sorted(corpus.courses.items()):
        doc = corpus.sources[course_id]
        folder = corpus.files[course_id].parent
        for index, lesson_id in enumerate(course.lessons):
            if lesson_id in listed:
                problems.add(doc.problem(("lessons", index), f"课时“{lesson_id}”被列了两次",
                                         "每个课时只能属于一个课程、出现一次"))
                continue
            ref(doc, ("lessons", index), lesson_id, ("lesson",), "课时")
            if corpus.kinds.get(lesson_id) == "lesson":
                if corpus.files[lesson_id].parent != folder:
                    problems.add(doc.problem(("lessons", index), f"课时“{lesson_id}”不在本课程的文件夹里",
                                             f"请把 {corpus.sources[lesson_id].path} 移到 {shown_path(folder)}/ 中"))
                listed[lesson_id] = course_id
                corpus.lesson_course[lesson_id] = course_id
    for lesson_id, lesson in sorted(corpus.lessons.items()):
        doc = corpus.sources[lesson_id]
        lesson_file = corpus.files[lesson_id]
        if lesson_id not in listed and lesson_file not in corpus.misnamed and lesson_file.parent.name not in corpus.broken:
            problems.add(doc.problem(("id",), f"课时“{lesson_id}”没有列在所属课程 _course.yml 的 lessons 中",
                                     "请在 _course.yml 的 lessons 列表里加上这个编号"))
        course = corpus.courses.get(listed.get(lesson_id, ""))
        if course is not None and course.kind == "安全教育":
            if lesson.safety_topic is None:
                problems.add(doc.problem(("id",), "安全教育课缺少 safety_topic（安全专题）",
                                         "例如 safety_topic: 防溺水"))
            if not lesson.season:
                problems.add(doc.problem(("id",), "安全教育课缺少 season（适合开课的季节）",
                                         "例如 season: [夏季]，并用 season_note 说明原因"))
        for index, target in enumerate(lesson.related):
            ref(doc, ("related", index), target, any_kind, "相关内容")

    for plan_id, plan in sorted(corpus.plans.items()):
        doc = corpus.sources[plan_id]
        problems.extend(check_plan(plan, doc))
        for index, target in enumerate(plan.forms):
            ref(doc, ("forms", index), target, ("form",), "表格")
        for index, target in enumerate(plan.related):
            if not corpus.templates_only or target in corpus.kinds:
                ref(doc, ("related", index), target, any_kind, "相关内容")
        seen: dict[str, tuple] = {}

        def unique(item_id: str, path: tuple) -> None:
            if item_id in seen:
                line, _ = doc.where(seen[item_id])
                problems.add(doc.problem(path, f"编号“{item_id}”在本方案中已用过（第 {line} 行）",
                                         "方案内的指标、阶段、事项和经常性工作的编号不能重复"))
            else:
                seen[item_id] = path

        for index, target in enumerate(plan.targets):
            unique(target.id, ("targets", index, "id"))
        for p_index, phase in enumerate(plan.phases):
            unique(phase.id, ("phases", p_index, "id"))
            for e_index, event in enumerate(phase.events):
                unique(event.id, ("phases", p_index, "events", e_index, "id"))
                if event.form:
                    ref(doc, ("phases", p_index, "events", e_index, "form"), event.form, ("form",), "表格")
        for e_index, event in enumerate(plan.events):
            unique(event.id, ("events", e_index, "id"))
            if event.form:
                ref(doc, ("events", e_index, "form"), event.form, ("form",), "表格")
        for d_index, duty in enumerate(plan.duties):
            unique(duty.id, ("duties", d_index, "id"))
            if duty.form:
                ref(doc, ("duties", d_index, "form"), duty.form, ("form",), "表格")
