"""Cross-checking the loaded documents: references, course listings, unique ids within a plan."""

from __future__ import annotations

import difflib
from typing import Any

from ..base.paths import shown_path
from ..errors import ProblemList
from ..load import SourceDoc
from ..load.corpus import KIND_NAMES, Corpus, Kind
from ..load.memo import remembered_for
from ..models import PlanTemplate
from .wording import check_plan

#: Every kind of document a ``related`` list may name.
ANY_KIND: tuple[Kind, ...] = ("article", "course", "lesson", "plan", "form")


def check_references(corpus: Corpus, problems: ProblemList) -> None:
    """Every reference between documents points at a document of the right kind; lessons sit in their course.

    Also records each lesson's course (``corpus.lesson_course``) and checks each plan's placeholders.
    """
    checker = _References(corpus, problems)
    for article_id, article in sorted(corpus.articles.items()):
        doc = corpus.sources[article_id]
        for index, target in enumerate(article.meta.related):
            checker.ref(doc, ("related", index), target, ANY_KIND, "相关内容")
    listed = checker.courses()
    checker.lessons(listed)
    checker.form_variants()
    for plan_id, plan in sorted(corpus.plans.items()):
        checker.plan(plan, corpus.sources[plan_id])


class _References:
    def __init__(self, corpus: Corpus, problems: ProblemList) -> None:
        self.corpus = corpus
        self.problems = problems

    def ref(self, doc: SourceDoc, path: tuple[Any, ...], target: str, allowed: tuple[Kind, ...], what: str) -> None:
        """``target`` exists and is one of the ``allowed`` kinds (a close id is suggested when it does not exist)."""
        corpus = self.corpus
        kind = corpus.kinds.get(target)
        if kind is None and target in corpus.broken:
            return
        if kind is None:
            own = doc.data.get("id") if isinstance(doc.data, dict) else None
            # only ids that would be accepted here, and never the document itself
            candidates = sorted(item for item, k in corpus.kinds.items() if k in allowed and item != own)
            guess = difflib.get_close_matches(target, candidates, n=1, cutoff=0.6)
            hint = f"您是不是想写“{guess[0]}”？" if guess else "请检查编号是否拼写正确，或先创建它"
            self.problems.add(doc.problem(path, f"{what}“{target}”不存在", hint))
        elif kind not in allowed:
            names = "、".join(KIND_NAMES[k] for k in allowed)
            self.problems.add(doc.problem(path, f"“{target}”是{KIND_NAMES[kind]}，这里需要{names}的编号"))

    def courses(self) -> dict[str, str]:
        """Each course's lessons exist, are listed once and sit in its folder; returns lesson id → course id."""
        corpus, problems = self.corpus, self.problems
        listed: dict[str, str] = {}
        for course_id, course in sorted(corpus.courses.items()):
            doc = corpus.sources[course_id]
            folder = corpus.files[course_id].parent
            for index, lesson_id in enumerate(course.lessons):
                if lesson_id in listed:
                    problems.add(doc.problem(("lessons", index), f"课时“{lesson_id}”被列了两次",
                                             "每个课时只能属于一个课程、出现一次"))
                    continue
                self.ref(doc, ("lessons", index), lesson_id, ("lesson",), "课时")
                if corpus.kinds.get(lesson_id) == "lesson":
                    if corpus.files[lesson_id].parent != folder:
                        problems.add(doc.problem(("lessons", index), f"课时“{lesson_id}”不在本课程的文件夹里",
                                                 f"请把 {corpus.sources[lesson_id].path} 移到 {shown_path(folder)}/ 中"))
                    listed[lesson_id] = course_id
                    corpus.lesson_course[lesson_id] = course_id
        return listed

    def lessons(self, listed: dict[str, str]) -> None:
        """Each lesson is listed by its course; a safety lesson names its topic and season."""
        corpus, problems = self.corpus, self.problems
        for lesson_id, lesson in sorted(corpus.lessons.items()):
            doc = corpus.sources[lesson_id]
            lesson_file = corpus.files[lesson_id]
            if (lesson_id not in listed and lesson_file not in corpus.misnamed
                    and lesson_file.parent.name not in corpus.broken):
                problems.add(doc.problem(("id",), f"课时“{lesson_id}”没有列在所属课程 _course.yml 的 lessons 中",
                                         "请在 _course.yml 的 lessons 列表里加上这个编号"))
            own_course = corpus.courses.get(listed.get(lesson_id, ""))
            if own_course is not None and own_course.kind == "安全教育":
                if lesson.safety_topic is None:
                    problems.add(doc.problem(("id",), "安全教育课缺少 safety_topic（安全专题）",
                                             "例如 safety_topic: 防溺水"))
                if not lesson.season:
                    problems.add(doc.problem(("id",), "安全教育课缺少 season（适合开课的季节）",
                                             "例如 season: [夏季]，并用 season_note 说明原因"))
            for index, target in enumerate(lesson.related):
                self.ref(doc, ("related", index), target, ANY_KIND, "相关内容")

    def form_variants(self) -> None:
        """A form that is another version of a form names that form and the schools it is for."""
        corpus, problems = self.corpus, self.problems
        for form_id, form in sorted(corpus.forms.items()):
            if form.variant_of:
                doc = corpus.sources[form_id]
                self.ref(doc, ("variant_of",), form.variant_of, ("form",), "表格")
                if not (form.stages or form.school_types):
                    problems.add(doc.problem(
                        ("variant_of",), f"表格“{form_id}”是“{form.variant_of}”的另一个版本，却没有写给哪类学校用",
                        "请加上 school_types（例如 [幼儿园]）或 stages，并在原表上写 not_for"))

    def plan(self, plan: PlanTemplate, doc: SourceDoc) -> None:
        """A plan's placeholders, the forms and documents it names, and ids unique within it."""
        corpus, problems = self.corpus, self.problems
        problems.extend(remembered_for((plan, doc), check_plan, lambda: check_plan(plan, doc)))
        for index, target in enumerate(plan.forms):
            self.ref(doc, ("forms", index), target, ("form",), "表格")
        for index, target in enumerate(plan.related):
            if not corpus.templates_only or target in corpus.kinds:
                self.ref(doc, ("related", index), target, ANY_KIND, "相关内容")
        seen: dict[str, tuple[Any, ...]] = {}

        def unique(item_id: str, path: tuple[Any, ...]) -> None:
            if item_id in seen:
                line, _ = doc.where(seen[item_id])
                problems.add(doc.problem(path, f"编号“{item_id}”在本方案中已用过（第 {line} 行）",
                                         "方案内的指标、阶段、事项和经常性工作的编号不能重复"))
            else:
                seen[item_id] = path

        def form(path: tuple[Any, ...], form_id: str | None) -> None:
            if form_id:
                self.ref(doc, path, form_id, ("form",), "表格")

        for index, plan_target in enumerate(plan.targets):
            unique(plan_target.id, ("targets", index, "id"))
        for p_index, phase in enumerate(plan.phases):
            unique(phase.id, ("phases", p_index, "id"))
            for e_index, event in enumerate(phase.events):
                unique(event.id, ("phases", p_index, "events", e_index, "id"))
                form(("phases", p_index, "events", e_index, "form"), event.form)
        for e_index, event in enumerate(plan.events):
            unique(event.id, ("events", e_index, "id"))
            form(("events", e_index, "form"), event.form)
        for d_index, duty in enumerate(plan.duties):
            unique(duty.id, ("duties", d_index, "id"))
            form(("duties", d_index, "form"), duty.form)
