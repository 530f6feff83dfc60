"""Course pages and lesson pages (the lesson plan a teacher runs, with its printables)."""

from __future__ import annotations

from ...models import Course, Lesson
from .. import markdown as md
from .common import BuilderBase, unique


def agenda_table(lesson: Lesson) -> str:
    """The agenda in two columns, step and minutes stacked on the left, so the content column
    keeps the width of a phone screen."""
    rows = [[f"{md.text(item.step)}<br>{item.minutes} 分钟", md.text(item.content)] for item in lesson.agenda]
    rows.append(["**合计**", f"**{lesson.duration} 分钟**"])
    return '<div class="gy-agenda" markdown>\n\n' + md.raw_table(["环节", "内容"], rows) + "\n\n</div>\n"


#: Anchors of the parts a family reads (the note at the top links to them).
KEY_POINTS, HOME_PRACTICE, TAKE_HOME = "yaodian", "zuoye", "dai-hui-jia"

#: Who opens a lesson page sent by a teacher, and what the page is to them.
_WHAT_IT_IS = {
    "家长": "这一页是学校上家长课用的材料，老师照着它讲课。老师把它发给您，是请您来听这节课，或者先在家看一看。",
    "学生": "这一页是学校给孩子上安全课用的材料。老师把它发给您，是想请您在家和孩子再说一说这节课讲的事。",
}


def family_note(lesson: Lesson) -> str:
    """A box under the title for a parent or grandparent who got the link from a teacher: what the
    page is, which parts are the teacher's, and where the parts for the family are."""
    what = _WHAT_IT_IS.get(lesson.audience)
    if not what:
        return ""
    return (f'!!! info gy-family gy-noindex "家长请先看这里"\n    {what}\n\n'
            f"    “打印与下载”“课前准备”“教学目标”“议程”是给老师用的，您不用管。"
            f"要记住的几件事在[要点](#{KEY_POINTS})和[带回家的要点](#{TAKE_HOME})里，"
            f"回家可以做的事在[亲子作业](#{HOME_PRACTICE})里。\n")


class LessonPages(BuilderBase):
    @staticmethod
    def lesson_preparation(lesson: Lesson) -> str:
        """What the organiser prints, brings or arranges before the session (a tip box near the top)."""
        items = "\n".join(f"    - {md.text(item)}" for item in lesson.preparation)
        return f"!!! tip \"课前准备\"\n{items}\n"

    def course_page(self, course: Course) -> str:
        uri = self.site.uris[course.id]
        lines = [md.front_matter(course.title, tags=[course.kind, course.stage], description=course.summary, searchable=False),
                 f"# {md.text(course.title)}\n",
                 f"**{md.text(course.kind)}** · 对象：{md.text('、'.join(course.audience))} · 学段：{md.text(course.stage)}\n",
                 md.paragraphs(course.summary) + "\n", "## 课时\n"]
        rows = []
        for index, lesson in enumerate(self.corpus.course_lessons(course.id), start=1):
            rows.append([str(index), md.link(lesson.title, uri, self.site.uris[lesson.id]), md.text(lesson.format),
                         f"{lesson.duration} 分钟"])
        lines.append(md.raw_table(["序号", "课题", "形式", "时长"], rows))
        return "\n".join(lines) + "\n"

    def lesson_page(self, lesson: Lesson) -> str:
        uri = self.site.uris[lesson.id]
        course = self.corpus.courses.get(self.corpus.lesson_course.get(lesson.id, ""))
        tags = [lesson.stage, *lesson.topics] + ([lesson.safety_topic] if lesson.safety_topic else [])
        lines = [md.front_matter(lesson.title, tags=unique(tags), description=lesson.take_home[0]),
                 f"# {md.text(lesson.title)}\n"]
        facts = [f"对象：{md.text(lesson.audience)}", f"学段：{md.text(lesson.stage)}", f"时长：{lesson.duration} 分钟",
                 f"形式：{md.text(lesson.format)}"]
        if course:
            facts.insert(0, f"课程：{self.link_to(uri, course.id)}")
        if lesson.safety_topic:
            facts.append(f"专题：{md.text(lesson.safety_topic)}")
        if lesson.season:
            facts.append(f"建议季节：{md.text('、'.join(lesson.season))}")
        lines.append(" · ".join(facts) + "\n")
        note = family_note(lesson)
        if note:
            lines.append(note)
        buttons = self.download_buttons(uri, lesson.id)
        if buttons:
            lines.append(buttons)
        if lesson.season_note:
            lines.append(f"!!! info \"为什么在这个时候上\"\n    {md.text(lesson.season_note)}\n")
        lines.append(self.lesson_preparation(lesson))
        lines.append("## 教学目标\n")
        lines.append(md.bullets(lesson.objectives) + "\n")
        lines.append("## 议程\n")
        lines.append(agenda_table(lesson))
        lines.append(f"## 要点 {{#{KEY_POINTS}}}\n")
        lines.append(md.bullets(lesson.key_points) + "\n")
        lines.append(f"## 案例：{md.text(lesson.case.title)}\n")
        lines.append(md.paragraphs(lesson.case.story) + "\n")
        lines.append(f"!!! note \"分析与启示\"\n    {md.text(lesson.case.analysis)}\n")
        lines.append("## 讨论\n")
        lines.append(md.bullets(lesson.discussion, ordered=True) + "\n")
        teachers = lesson.audience == "教师"
        lines.append(f"## {'课后任务' if teachers else '亲子作业'} {{#{HOME_PRACTICE}}}\n")
        lines.append(md.bullets(lesson.home_practice) + "\n")
        lines.append(f"## 带回家的要点 {{#{TAKE_HOME}}}\n")
        lines.append(("!!! abstract \"请老师收好\"\n" if teachers else "!!! abstract \"请家长收好\"\n")
                     + "\n".join(f"    - {md.text(item)}" for item in lesson.take_home) + "\n")
        basis = self.cited_block(uri, "\n".join(text for _path, text in _texts(lesson)))  # type: ignore[attr-defined]
        if basis:
            lines.append(basis)
        lines.append(self.related(uri, lesson.related))
        return "\n".join(lines)


def _texts(lesson: Lesson):  # type: ignore[no-untyped-def]
    """Every text of a lesson (for the documents it cites)."""
    from ...check.wording import iter_texts

    return iter_texts(lesson)
