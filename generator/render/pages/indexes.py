"""List pages: courses, safety lessons, plans, forms, and browsing by stage and by topic.

A topic page lists what a parent needs first: parents' articles, then teachers', then lessons,
then what schools use (school articles such as timetables, and plan templates).
"""

from __future__ import annotations

from collections import defaultdict

from ...models import Lesson
from ...models.common import PLAN_KINDS, SAFETY_TOPICS, STAGES, TOPICS
from .. import markdown as md
from .audience import AudiencePages
from .common import STAGE_NOTES, STAGE_SLUGS, TOPIC_SLUGS


class IndexPages(AudiencePages):
    def courses_index(self) -> str:
        uri = "courses/index.md"
        lines = [md.front_matter("家长学校课程", searchable=False), "# 家长学校课程\n",
                 "每个学段一门课程，跨学段的专题课程排在最后；每课 45—90 分钟，附讲义、大字版讲义、签到表和反馈表。\n"]
        lines.append(self.course_links(uri, lambda c: c.kind == "家长学校"))
        lines.append("\n另见：" + md.link("安全教育课", uri, "safety/index.md") + "\n")
        return "\n".join(lines)

    def safety_index(self) -> str:
        uri = "safety/index.md"
        lines = [md.front_matter("安全教育课", searchable=False), "# 安全教育课\n",
                 "按专题和季节安排：夏季前讲防溺水，冬季讲防火，雨季讲防汛。学生课和家长课各一套。\n"]
        by_topic: dict[str, list[Lesson]] = defaultdict(list)
        for lesson in self.corpus.lessons.values():
            if lesson.safety_topic:
                by_topic[lesson.safety_topic].append(lesson)
        rows = []
        for topic in SAFETY_TOPICS:
            for lesson in sorted(by_topic.get(topic, []), key=lambda l: (l.audience, l.id)):
                rows.append([md.text(topic), md.link(lesson.title, uri, self.site.uris[lesson.id]), md.text(lesson.audience),
                             md.text("、".join(lesson.season)), f"{lesson.duration} 分钟"])
        lines.append(md.raw_table(["专题", "课题", "对象", "季节", "时长"], rows) if rows else "（暂无）")
        lines.append("\n## 课程\n")
        lines.append(self.course_links(uri, lambda c: c.kind == "安全教育"))
        return "\n".join(lines)

    def plans_index(self) -> str:
        uri = "plans/index.md"
        lines = [md.front_matter("方案模板", searchable=False), "# 方案模板\n",
                 "每份模板都按公文格式组织。学校填好本校档案后，用 `gongyu school build` 生成带真实日期的 Word、PDF、"
                 "工作行事历和日历文件。\n"]
        rows = []
        for plan in sorted(self.corpus.plans.values(), key=lambda p: (PLAN_KINDS.index(p.kind), p.variant or "", p.id)):
            rows.append([md.text(plan.kind + (f"（{plan.variant}）" if plan.variant else "")),
                         md.link(plan.title, uri, self.site.uris[plan.id]), md.text(plan.summary)])
        lines.append(md.raw_table(["类别", "模板", "简介"], rows) if rows else "（暂无）")
        if self.downloads_of_kind("pack-zip"):
            lines.append("\n## 示例学校方案包\n")
            lines.append(self.pack_links(uri))
        return "\n".join(lines)

    def forms_index(self) -> str:
        uri = "forms/index.md"
        lines = [md.front_matter("表格下载", searchable=False), "# 表格下载\n",
                 "全部是空白表格，打印后手填。学生的个人信息只写在纸上、存在学校，不要上传到网上。\n"]
        rows = [[md.link(form.title, uri, self.site.uris[form.id]), md.text(form.purpose)]
                for form in sorted(self.corpus.forms.values(), key=lambda f: f.id)]
        lines.append(md.raw_table(["表格", "用途"], rows) if rows else "（暂无）")
        return "\n".join(lines)

    def stages_index(self) -> str:
        uri = "stages/index.md"
        lines = [md.front_matter("按学段", searchable=False), "# 按学段浏览\n"]
        for stage in STAGES:
            count = len(self.articles_for(stage=stage)) + len(self.lessons_for(stage=stage))
            lines.append(f"- {md.link(stage, uri, f'stages/{STAGE_SLUGS[stage]}.md')}（{md.text(STAGE_NOTES[stage])}，{count} 项）")
        return "\n".join(lines) + "\n"

    def topics_index(self) -> str:
        uri = "topics/index.md"
        lines = [md.front_matter("按主题", searchable=False), "# 按主题浏览\n"]
        for topic in TOPICS:
            count = len(self.articles_for(topic=topic)) + len(self.lessons_for(topic=topic))
            lines.append(f"- {md.link(topic, uri, f'topics/{TOPIC_SLUGS[topic]}.md')}（{count} 项）")
        return "\n".join(lines) + "\n"

    def stage_page(self, stage: str) -> str:
        uri = f"stages/{STAGE_SLUGS[stage]}.md"
        lines = [md.front_matter(stage, tags=[stage], searchable=False), f"# {md.text(stage)}（{md.text(STAGE_NOTES[stage])}）\n",
                 "## 文章\n", self.article_list(uri, self.articles_for(stage=stage)),
                 "## 课程与课时\n", self.lesson_list(uri, self.lessons_for(stage=stage))]
        return "\n".join(lines)

    def topic_page(self, topic: str) -> str:
        """Parents' articles first (as cards), then teachers', lessons, and what schools use."""
        uri = f"topics/{TOPIC_SLUGS[topic]}.md"
        lines = [md.front_matter(topic, tags=[topic], searchable=False), f"# {md.text(topic)}\n"]
        listed: set[str] = set()
        for audience, heading in (("家长", "给家长"), ("教师", "给老师"), ("社会", "给社区和志愿者")):
            articles = [a for a in self.articles_for(audience=audience, topic=topic) if a.meta.id not in listed]
            listed |= {a.meta.id for a in articles}
            if articles:
                lines.append(f"## {heading}\n")
                lines.append(self.article_cards(uri, articles) if audience == "家长" else self.article_list(uri, articles))
        lessons = self.lessons_for(topic=topic)
        if lessons:
            lines.append("## 课程与课时\n")
            lines.append(self.lesson_list(uri, lessons))
        school = [a for a in self.articles_for(topic=topic) if a.meta.id not in listed]
        shown = {a.meta.id for a in school} | listed | {lesson.id for lesson in lessons}
        plans = sorted(plan.id for plan in self.corpus.plans.values() if topic in plan.kind or shown & set(plan.related))
        if school or plans:
            lines.append("## 给学校（方案与行事安排）\n")
            if school:
                lines.append(self.article_list(uri, school))
            if plans:
                lines.append("\n".join(f"- {self.link_to(uri, plan_id)}（方案模板）" for plan_id in plans) + "\n")
        if len(lines) == 2:
            lines.append("（暂无）\n")
        return "\n".join(lines)
