"""The three audience pages (家长, 教师, 学校 管理者) and the link lists they share with indexes.

The parents' page is the short path for a grandmother on a phone: jump links first, then the
urgent topics every family meets whatever the child's age, then the articles by stage.
"""

from __future__ import annotations

from ...models import Article
from ...models.common import PLAN_KINDS, STAGES
from ...models.download import Download
from .. import markdown as md
from .common import (
    STAGE_NOTES,
    STAGE_SLUGS,
    TOPIC_SLUGS,
    BuilderBase,
    download_label,
    stage_order,
)

#: (anchor, heading, topic): the cross-stage topics at the top of the parents' page. An article
#: joins the first of these topics in its own list of topics, so it is shown once.
URGENT_TOPICS = (
    ("qiling", "孩子被欺负或欺负人", "校园欺凌"),
    ("anquan", "防溺水与居家安全", "安全"),
    ("gedai", "爷爷奶奶带孩子", "隔代教育"),
    ("liushou", "父母在外打工（留守家庭）", "留守儿童"),
)


class AudiencePages(BuilderBase):
    def audience_page(self, audience: str, section: str) -> str:
        uri = f"{section}/index.md"
        titles = {"家长": "家长", "教师": "教师", "学校": "学校管理者", "社会": "社区与社会力量"}
        intro = {
            "家长": "先看最要紧的几件事，再按孩子所在的学段挑您关心的话题。每篇文章开头都有一句话要点，忙的时候只看要点也行。",
            "教师": "上家长课、做家访、当代理家长、上安全教育课，都能在这里找到现成的材料和做法。",
            "学校": "从模板出发写本校的工作方案，组织家长委员会和家长学校，做好评价和保密。",
            "社会": "写给村（居）委会和儿童主任、妇联、关工委和志愿者：怎样和学校、家庭一起关爱孩子，发现危险怎样报告。",
        }[audience]
        lines = [md.front_matter(titles[audience], searchable=False), f"# {md.text(titles[audience])}\n", md.text(intro) + "\n"]
        if audience == "家长":
            lines.append(self.parents_body(uri))
        elif audience == "教师":
            lines.append("## 工作指引\n")
            lines.append(self.article_list(uri, self.articles_for(audience="教师")))
            lines.append("## 课程（可打印讲义、签到表、反馈表）\n")
            lines.append(self.course_links(uri, lambda c: True))
            lines.append("## 常用表格\n")
            lines.append(self.form_links(uri))
        elif audience == "社会":
            lines.append("## 工作指引\n")
            lines.append(self.article_list(uri, self.articles_for(audience="社会")))
        else:
            lines.append("## 方案模板\n")
            lines.append(self.plan_links(uri))
            lines.append("## 管理指引\n")
            lines.append(self.article_list(uri, self.articles_for(audience="学校")))
            lines.append("## 常用表格\n")
            lines.append(self.form_links(uri))
            if self.downloads_of_kind("pack-zip"):
                lines.append("## 示例学校方案包\n")
                lines.append(self.pack_links(uri))
        return "\n".join(lines)

    def parents_body(self, uri: str) -> str:
        """Jump links, the urgent topics, then the stages (articles shown above are not repeated)."""
        articles = self.articles_for(audience="家长")
        urgent: dict[str, list[Article]] = {topic: [] for _, _, topic in URGENT_TOPICS}
        for article in articles:
            first = next((t for t in article.meta.topics if t in urgent), None)
            if first is not None:
                urgent[first].append(article)
        shown = {a.meta.id for group in urgent.values() for a in group}
        by_stage = {stage: [a for a in self.articles_for(audience="家长", stage=stage) if a.meta.id not in shown]
                    for stage in STAGES}
        jumps = [(anchor, heading) for anchor, heading, topic in URGENT_TOPICS if urgent[topic]]
        jumps += [(STAGE_SLUGS[stage], stage) for stage in STAGES if by_stage[stage]]
        jumps.append(("kecheng", "家长课"))
        lines = ['<nav class="gy-jump" markdown>\n', "**直接跳到：** "
                 + " ".join(f"[{md.text(label)}](#{anchor})" for anchor, label in jumps) + "\n", "</nav>\n"]
        if shown:
            lines.append("## 最要紧的事（各年龄都适用）\n")
        for anchor, heading, topic in URGENT_TOPICS:
            if urgent[topic]:
                lines.append(f"### {md.text(heading)} {{ #{anchor} }}\n")
                lines.append(self.article_cards(uri, urgent[topic]))
                lines.append(f"更多：{md.link(topic + '专题', uri, f'topics/{TOPIC_SLUGS[topic]}.md')}\n")
        for stage in STAGES:
            if by_stage[stage]:
                lines.append(f"## {md.text(stage)}（{md.text(STAGE_NOTES[stage])}） {{ #{STAGE_SLUGS[stage]} }}\n")
                lines.append(self.article_list(uri, by_stage[stage]))
        lines.append("## 家长学校与安全课 { #kecheng }\n")
        lines.append(self.course_links(uri, lambda c: "家长" in c.audience))
        return "\n".join(lines)

    def downloads_of_kind(self, kind: str) -> list[Download]:
        return sorted(d for items in self.downloads.values() for d in items if d.kind == kind)

    def pack_links(self, uri: str) -> str:
        lines = []
        for item in self.downloads_of_kind("pack-zip"):
            school = self.corpus.schools.get(item.owner)
            name = school.name if school else item.owner
            year = f"（{school.year} 学年）" if school else ""
            lines.append(f"- {md.button(download_label(item), uri, item.uri)} {md.text(name)}{md.text(year)}")
        return "\n".join(lines) + "\n"

    def course_links(self, uri: str, keep) -> str:  # type: ignore[no-untyped-def]
        lines = []
        for course_id, course in sorted(self.corpus.courses.items(), key=lambda kv: (stage_order([kv[1].stage]), kv[0])):
            if keep(course):
                lines.append(f"- {self.link_to(uri, course_id)}（{md.text(course.kind)} · {md.text(course.stage)} · "
                             f"{len(course.lessons)} 课时）")
        return ("\n".join(lines) or "（暂无）") + "\n"

    def plan_links(self, uri: str) -> str:
        lines = []
        for plan in sorted(self.corpus.plans.values(), key=lambda p: (PLAN_KINDS.index(p.kind), p.variant or "", p.id)):
            lines.append(f"- {self.link_to(uri, plan.id)}：{md.text(plan.summary)}")
        return ("\n".join(lines) or "（暂无）") + "\n"

    def form_links(self, uri: str) -> str:
        lines = [f"- {self.link_to(uri, form_id)}" for form_id in sorted(self.corpus.forms)]
        return ("\n".join(lines) or "（暂无）") + "\n"
