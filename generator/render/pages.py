"""The site's pages as Markdown, generated from the corpus at build time (nothing is committed).

Every page is a pure function of the corpus and the downloads, so the same input gives the same
Markdown; golden tests compare it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..corpus import Corpus
from ..downloads import Download
from ..models import Article, Course, Form, Lesson, PlanTemplate
from ..models.common import PLAN_KINDS, SAFETY_TOPICS, STAGES, TOPICS
from ..models.daterule import AnchorRule, FixedRule, MonthDaysRule, RepeatRule, WeekRule
from ..models.plan import Section
from ..numbering import chinese_number
from ..numbering import number_label as section_number
from . import markdown as md
from .form_preview import preview_lines

STAGE_SLUGS = {
    "学前": "xueqian",
    "小学低年级": "xiaoxue-di",
    "小学中年级": "xiaoxue-zhong",
    "小学高年级": "xiaoxue-gao",
    "初中": "chuzhong",
    "高中": "gaozhong",
    "跨学段": "kuaxueduan",
}
STAGE_NOTES = {
    "学前": "3—6 岁",
    "小学低年级": "一、二年级",
    "小学中年级": "三、四年级",
    "小学高年级": "五、六年级",
    "初中": "七—九年级",
    "高中": "十—十二年级",
    "跨学段": "各年龄段通用",
}
TOPIC_SLUGS = {
    "学习习惯": "xuexi-xiguan",
    "亲子沟通": "qinzi-goutong",
    "情绪与心理": "qingxu-xinli",
    "手机与网络": "shouji-wangluo",
    "安全": "anquan",
    "隔代教育": "gedai-jiaoyu",
    "留守儿童": "liushou-ertong",
    "校园欺凌": "xiaoyuan-qiling",
    "家校合作": "jiaxiao-hezuo",
    "劳动与运动": "laodong-yundong",
    "升学衔接": "shengxue-xianjie",
    "阅读": "yuedu",
    "多子女家庭": "duozinv-jiating",
    "家访": "jiafang",
    "家长会": "jiazhanghui",
    "代理家长": "daili-jiazhang",
    "控辍保学": "kongchuo-baoxue",
    "强制报告": "qiangzhi-baogao",
    "学校计划": "xuexiao-jihua",
    "家长委员会": "jiazhang-weiyuanhui",
    "评价": "pingjia",
    "心理健康": "xinli-jiankang",
}
#: Audiences with their own section of articles (``content/<section>/``), in navigation order.
AUDIENCE_SECTIONS = {"家长": "parents", "教师": "teachers", "学校": "schools", "社会": "community"}


def describe_rule(rule: object) -> str:
    """A date rule in words, e.g. 每年1月和7月的20日至月底."""
    if isinstance(rule, (FixedRule, MonthDaysRule, WeekRule, AnchorRule, RepeatRule)):
        return rule.describe()
    return str(rule)


@dataclass
class SiteMap:
    """Where every item lives in the site (source URIs of the generated Markdown)."""

    uris: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, corpus: Corpus) -> SiteMap:
        site = cls()
        for article_id, article in corpus.articles.items():
            site.uris[article_id] = article_uri(corpus, article)
        for course_id in corpus.courses:
            site.uris[course_id] = f"courses/{course_id}.md"
        for lesson_id in corpus.lessons:
            site.uris[lesson_id] = f"lessons/{lesson_id}.md"
        for plan_id in corpus.plans:
            site.uris[plan_id] = f"plans/{plan_id}.md"
        for form_id in corpus.forms:
            site.uris[form_id] = f"forms/{form_id}.md"
        return site


def article_uri(corpus: Corpus, article: Article) -> str:
    """An article keeps its place under ``content/`` (``parents/x.md`` → ``/parents/x/``)."""
    path = corpus.files[article.meta.id].relative_to(corpus.root / "content")
    return path.as_posix()


def page_path(uri: str) -> str:
    """The public path of a page with directory URLs (``lessons/x.md`` → ``lessons/x/``)."""
    if uri == "index.md":
        return ""
    if uri.endswith("/index.md"):
        return uri[: -len("index.md")]
    return uri[: -len(".md")] + "/"


class PageBuilder:
    """Builds every generated page; ``downloads`` are grouped by the page that offers them."""

    def __init__(self, corpus: Corpus, downloads: Iterable[Download] = (), timelines: Iterable[str] = ()) -> None:
        self.corpus = corpus
        self.site = SiteMap.of(corpus)
        self.downloads: dict[str, list[Download]] = defaultdict(list)
        for item in sorted(downloads):
            self.downloads[item.owner].append(item)
        self.timelines = set(timelines)

    # -- helpers --------------------------------------------------------------------------------
    def link_to(self, from_uri: str, item_id: str) -> str:
        return md.link(self.corpus.title_of(item_id), from_uri, self.site.uris[item_id])

    def download_buttons(self, from_uri: str, owner: str) -> str:
        items = self.downloads.get(owner, [])
        if not items:
            return ""
        buttons = [md.button(item.label, from_uri, item.uri, primary=index == 0) for index, item in enumerate(items)]
        return "**打印与下载：** " + " ".join(buttons) + "\n"

    def related(self, from_uri: str, ids: list[str]) -> str:
        known = [item_id for item_id in ids if item_id in self.site.uris]
        if not known:
            return ""
        return "## 相关内容\n\n" + "\n".join(f"- {self.link_to(from_uri, item_id)}" for item_id in known) + "\n"

    def articles_for(self, *, audience: str | None = None, stage: str | None = None, topic: str | None = None) -> list[Article]:
        found = []
        for article in self.corpus.articles.values():
            meta = article.meta
            if audience and audience not in meta.audience:
                continue
            if stage and stage not in meta.stages:
                continue
            if topic and topic not in meta.topics:
                continue
            found.append(article)
        return sorted(found, key=lambda a: (_stage_order(a.meta.stages), a.meta.title, a.meta.id))

    def lessons_for(self, *, stage: str | None = None, topic: str | None = None) -> list[Lesson]:
        found = []
        for lesson in self.corpus.lessons.values():
            if stage and lesson.stage != stage:
                continue
            if topic and topic not in lesson.topics and not (topic == "安全" and lesson.safety_topic):
                continue
            found.append(lesson)
        return sorted(found, key=lambda lesson: (self._lesson_order(lesson.id), lesson.id))

    def _lesson_order(self, lesson_id: str) -> tuple[str, int]:
        course_id = self.corpus.lesson_course.get(lesson_id, "")
        course = self.corpus.courses.get(course_id)
        return (course_id, course.lessons.index(lesson_id) if course else 0)

    def article_list(self, from_uri: str, articles: list[Article]) -> str:
        if not articles:
            return "（暂无）\n"
        lines = []
        for article in articles:
            lines.append(f"- {md.link(article.meta.title, from_uri, self.site.uris[article.meta.id])}"
                         f"：{md.text(article.meta.summary)}")
        return "\n".join(lines) + "\n"

    def lesson_list(self, from_uri: str, lessons: list[Lesson]) -> str:
        if not lessons:
            return "（暂无）\n"
        lines = []
        for lesson in lessons:
            lines.append(f"- {md.link(lesson.title, from_uri, self.site.uris[lesson.id])}"
                         f"（{md.text(lesson.audience)} · {md.text(lesson.stage)} · {lesson.duration} 分钟）")
        return "\n".join(lines) + "\n"

    # -- pages ----------------------------------------------------------------------------------
    def pages(self) -> dict[str, str]:
        """Every generated page: source URI → Markdown."""
        pages: dict[str, str] = {}
        pages["index.md"] = self.home()
        for audience, section in AUDIENCE_SECTIONS.items():
            pages[f"{section}/index.md"] = self.audience_page(audience, section)
        pages["courses/index.md"] = self.courses_index()
        pages["safety/index.md"] = self.safety_index()
        pages["plans/index.md"] = self.plans_index()
        pages["forms/index.md"] = self.forms_index()
        pages["stages/index.md"] = self.stages_index()
        pages["topics/index.md"] = self.topics_index()
        pages["tags.md"] = md.front_matter("标签", searchable=False) + "# 标签\n\n<!-- material/tags -->\n"
        for stage in STAGES:
            pages[f"stages/{STAGE_SLUGS[stage]}.md"] = self.stage_page(stage)
        for topic in TOPICS:
            pages[f"topics/{TOPIC_SLUGS[topic]}.md"] = self.topic_page(topic)
        for course_id, course in sorted(self.corpus.courses.items()):
            pages[self.site.uris[course_id]] = self.course_page(course)
        for lesson_id, lesson in sorted(self.corpus.lessons.items()):
            pages[self.site.uris[lesson_id]] = self.lesson_page(lesson)
        for plan_id, plan in sorted(self.corpus.plans.items()):
            pages[self.site.uris[plan_id]] = self.plan_page(plan)
        for form_id, form in sorted(self.corpus.forms.items()):
            pages[self.site.uris[form_id]] = self.form_page(form)
        return pages

    def home(self) -> str:
        uri = "index.md"
        counts = (f"{len(self.corpus.articles)} 篇指导文章 · {len(self.corpus.lessons)} 节家长学校与安全教育课 · "
                  f"{len(self.corpus.plans)} 份方案模板 · {len(self.corpus.forms)} 张空白表格")
        cards = [
            ("我是家长", "parents/index.md", "按孩子的年龄找育儿指导：学习习惯、亲子沟通、手机与网络、安全、隔代照护和留守家庭。"),
            ("我是老师", "teachers/index.md", "家长学校课程、安全教育课、家访和代理家长工作指引，讲义、签到表、反馈表可直接打印。"),
            ("我是学校管理者", "schools/index.md", "十余类工作方案模板、家长委员会与评价指引，一键生成本校方案、行事历和日历。"),
            ("我是社区工作者或志愿者", "community/index.md",
             "儿童主任、妇联、关工委和志愿者怎样和学校、家庭一起关爱孩子：走访、报告、假期看护和家庭教育服务。"),
        ]
        lines = [md.front_matter("首页", hide=["navigation", "toc"]),
                 "# 共育 · 家校社协同育人\n",
                 "家庭、学校、社会一起，把孩子带好。这里的内容全部免费、可离线使用、可打印。\n",
                 '<div class="grid cards gy-entry" markdown>\n']
        for title, target, blurb in cards:
            lines.append(f"-   **{md.link(title, uri, target)}**\n\n    ---\n\n    {md.text(blurb)}\n")
        lines.append("</div>\n")
        lines.append("## 常用入口\n")
        lines.append("- " + " · ".join([
            md.link("家长学校课程", uri, "courses/index.md"),
            md.link("安全教育课", uri, "safety/index.md"),
            md.link("方案模板", uri, "plans/index.md"),
            md.link("表格下载", uri, "forms/index.md"),
        ]))
        lines.append("- 按学段：" + " · ".join(md.link(stage, uri, f"stages/{STAGE_SLUGS[stage]}.md") for stage in STAGES))
        lines.append("- 按主题：" + " · ".join(md.link(topic, uri, f"topics/{TOPIC_SLUGS[topic]}.md") for topic in TOPICS
                                              if self.articles_for(topic=topic) or self.lessons_for(topic=topic)))
        lines.append("")
        lines.append("!!! tip \"找不到想要的内容？\"\n    点页面顶部的放大镜，直接输入想问的话，例如“孩子不想上学”“玩手机”“防溺水”。\n")
        lines.append("!!! warning \"紧急情况\"\n    孩子走失、受到伤害或有危险时，请立即拨打 110；火警 119；急救 120；"
                     "青少年心理咨询和法律援助热线 12355。\n")
        lines.append(f"<small>本站收录：{counts}。</small>\n")
        return "\n".join(lines)

    def audience_page(self, audience: str, section: str) -> str:
        uri = f"{section}/index.md"
        titles = {"家长": "家长", "教师": "教师", "学校": "学校管理者", "社会": "社区与社会力量"}
        intro = {
            "家长": "先看孩子所在的学段，再挑您最关心的话题。每篇文章开头都有三条要点，忙的时候只看要点也行。",
            "教师": "上家长课、做家访、当代理家长、上安全教育课，都能在这里找到现成的材料和做法。",
            "学校": "从模板出发写本校的工作方案，组织家长委员会和家长学校，做好评价和保密。",
            "社会": "写给村（居）委会和儿童主任、妇联、关工委和志愿者：怎样和学校、家庭一起关爱孩子，发现危险怎样报告。",
        }[audience]
        lines = [md.front_matter(titles[audience], searchable=False), f"# {md.text(titles[audience])}\n", md.text(intro) + "\n"]
        if audience == "家长":
            for stage in STAGES:
                articles = self.articles_for(audience="家长", stage=stage)
                if articles:
                    lines.append(f"## {md.text(stage)}（{md.text(STAGE_NOTES[stage])}）\n")
                    lines.append(self.article_list(uri, articles))
            lines.append("## 家长学校与安全课\n")
            lines.append(self.course_links(uri, lambda c: "家长" in c.audience))
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

    def downloads_of_kind(self, kind: str) -> list[Download]:
        return sorted(d for items in self.downloads.values() for d in items if d.kind == kind)

    def pack_links(self, uri: str) -> str:
        lines = []
        for item in self.downloads_of_kind("pack-zip"):
            school = self.corpus.schools.get(item.owner)
            name = school.name if school else item.owner
            year = f"（{school.year} 学年）" if school else ""
            lines.append(f"- {md.button(item.label, uri, item.uri)} {md.text(name)}{md.text(year)}")
        return "\n".join(lines) + "\n"

    def course_links(self, uri: str, keep) -> str:  # type: ignore[no-untyped-def]
        lines = []
        for course_id, course in sorted(self.corpus.courses.items(), key=lambda kv: (_stage_order([kv[1].stage]), kv[0])):
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

    def courses_index(self) -> str:
        uri = "courses/index.md"
        lines = [md.front_matter("家长学校课程", searchable=False), "# 家长学校课程\n",
                 "每个学段一门课程，每课 45—90 分钟，附讲义、大字版讲义、签到表和反馈表。\n"]
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
        uri = f"topics/{TOPIC_SLUGS[topic]}.md"
        lines = [md.front_matter(topic, tags=[topic], searchable=False), f"# {md.text(topic)}\n",
                 "## 文章\n", self.article_list(uri, self.articles_for(topic=topic)),
                 "## 课程与课时\n", self.lesson_list(uri, self.lessons_for(topic=topic))]
        return "\n".join(lines)

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
        lines = [md.front_matter(lesson.title, tags=_unique(tags), description=lesson.take_home[0]),
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
        buttons = self.download_buttons(uri, lesson.id)
        if buttons:
            lines.append(buttons)
        if lesson.season_note:
            lines.append(f"!!! info \"为什么在这个时候上\"\n    {md.text(lesson.season_note)}\n")
        lines.append(self.lesson_preparation(lesson))
        lines.append("## 教学目标\n")
        lines.append(md.bullets(lesson.objectives) + "\n")
        lines.append("## 议程\n")
        rows = [[md.text(item.step), f"{item.minutes}", md.text(item.content)] for item in lesson.agenda]
        rows.append(["**合计**", f"**{lesson.duration}**", ""])
        lines.append('<div class="gy-agenda" markdown>\n\n' + md.raw_table(["环节", "分钟", "内容"], rows) + "\n\n</div>\n")
        lines.append("## 要点\n")
        lines.append(md.bullets(lesson.key_points) + "\n")
        lines.append(f"## 案例：{md.text(lesson.case.title)}\n")
        lines.append(md.paragraphs(lesson.case.story) + "\n")
        lines.append(f"!!! note \"分析与启示\"\n    {md.text(lesson.case.analysis)}\n")
        lines.append("## 讨论\n")
        lines.append(md.bullets(lesson.discussion, ordered=True) + "\n")
        teachers = lesson.audience == "教师"
        lines.append("## 课后任务\n" if teachers else "## 亲子作业\n")
        lines.append(md.bullets(lesson.home_practice) + "\n")
        lines.append("## 带回家的要点\n")
        lines.append(("!!! abstract \"请老师收好\"\n" if teachers else "!!! abstract \"请家长收好\"\n") + "\n".join(f"    - {md.text(item)}" for item in lesson.take_home) + "\n")
        lines.append(self.related(uri, lesson.related))
        return "\n".join(lines)

    @staticmethod
    def lesson_preparation(lesson: Lesson) -> str:
        """What the organiser prints, brings or arranges before the session (a tip box near the top)."""
        items = "\n".join(f"    - {md.text(item)}" for item in lesson.preparation)
        return f"!!! tip \"课前准备\"\n{items}\n"

    def plan_page(self, plan: PlanTemplate) -> str:
        uri = self.site.uris[plan.id]
        kind = plan.kind + (f"（{plan.variant}）" if plan.variant else "")
        lines = [md.front_matter(plan.title, tags=[plan.kind, "方案模板"], description=plan.summary),
                 f"# {md.text(plan.title)}\n", f"**类别：** {md.text(kind)}\n", md.paragraphs(plan.summary) + "\n"]
        buttons = self.download_buttons(uri, plan.id)
        if buttons:
            lines.append(buttons)
        if plan.id in self.timelines:
            lines.append(f"![{md.text(plan.title)}时间轴]({md.rel(uri, f'plans/{plan.id}/timeline.svg')}){{ .gy-timeline }}\n")
        if plan.legal_basis:
            lines.append("## 依据\n")
            lines.append(md.bullets(plan.legal_basis) + "\n")
        if plan.background:
            lines.append("## 背景\n")
            lines.append("\n\n".join(md.paragraphs(p) for p in plan.background) + "\n")
        if plan.goals:
            lines.append("## 工作目标\n")
            lines.append(md.bullets(plan.goals, ordered=True) + "\n")
        if plan.targets:
            lines.append("## 量化指标\n")
            rows = [[md.text(t.metric), md.text(t.describe()) + ("（学校自定）" if t.school_default else ""),
                     md.text("；".join(filter(None, [f"适用于{'、'.join(t.school_stages)}" if t.school_stages else "", t.note or ""])))]
                    for t in plan.targets]
            lines.append(md.raw_table(["指标", "要求", "说明"], rows) + "\n")
        if plan.principles:
            lines.append("## 工作原则\n")
            lines.append(md.bullets(plan.principles, ordered=True) + "\n")
        if plan.organisation:
            org = plan.organisation
            lines.append("## 组织机构\n")
            lines.append(f"**{md.text(org.group)}**\n")
            rows = [[md.text(r.role), md.text(r.holder), md.text(r.duty or "")] for r in org.roles]
            lines.append(md.raw_table(["职务", "通常由谁担任", "职责"], rows) + "\n")
            if org.office:
                lines.append(f"办公室设在{md.text(org.office)}" + (f"：{md.text(org.office_duty)}" if org.office_duty else "。") + "\n")
            if org.units:
                lines.append("### 职责分工\n")
                for unit in org.units:
                    lines.append(f"**{md.text(unit.unit)}**\n")
                    lines.append(md.bullets(unit.duties) + "\n")
        if plan.sections:
            lines.append("## 主要内容与措施\n")
            for index, section in enumerate(plan.sections, start=1):
                lines.append(self.section_md(section, 1, index, 3))
        if plan.phases:
            lines.append("## 实施步骤与时间安排\n")
            for index, phase in enumerate(plan.phases, start=1):
                lines.append(f"### 第{chinese_number(index)}阶段：{md.text(phase.name)}\n")
                lines.append(f"**时间：** {md.text(describe_rule(phase.when))}\n")
                if phase.tasks:
                    lines.append(md.bullets(phase.tasks) + "\n")
                if phase.events:
                    lines.append(self.events_table(phase.events) + "\n")
        if plan.events:
            lines.append("## 具体事项\n")
            lines.append(self.events_table(plan.events) + "\n")
        if plan.duties:
            lines.append("## 经常性工作\n")
            rows = [[md.text(d.title), md.text(describe_rule(d.when)) + ("（学校自定）" if d.school_default else ""),
                     md.text(d.unit), md.text(d.details or "")]
                    for d in plan.duties]
            lines.append(md.raw_table(["工作", "频次", "负责", "要求"], rows) + "\n")
        for title, items in (("工作要求", plan.requirements), ("保障措施", plan.safeguards), ("预期效果", plan.outcomes)):
            if items:
                lines.append(f"## {title}\n")
                lines.append(md.bullets(items, ordered=True) + "\n")
        if plan.forms:
            lines.append("## 配套表格\n")
            rows = []
            for form_id in plan.forms:
                if form_id not in self.site.uris:
                    continue
                pdfs = [md.button("下载 PDF", uri, d.uri) for d in self.downloads.get(form_id, []) if d.kind == "form"]
                rows.append(f"- {self.link_to(uri, form_id)} {' '.join(pdfs)}".rstrip())
            lines.append("\n".join(rows) + "\n")
        lines.append(self.related(uri, plan.related))
        return "\n".join(lines)

    def events_table(self, events: list) -> str:  # type: ignore[type-arg]
        rows = []
        for event in events:
            title = md.text(event.title) + ("（截止）" if event.deadline else "")
            rows.append([title, md.text(describe_rule(event.when)), md.text(event.unit), md.text(event.details or "")])
        return md.raw_table(["事项", "时间", "责任部门", "要求"], rows)

    def section_md(self, section: Section, level: int, index: int, heading_level: int) -> str:
        number = section_number(level, index)
        head = "#" * min(heading_level, 6)
        lines = [f"{head} {md.text(number)}{md.text(section.title)}\n"]
        for paragraph in section.paragraphs:
            lines.append(md.paragraphs(paragraph) + "\n")
        if section.items:
            for item_index, item in enumerate(section.items, start=1):
                lines.append(f"{md.text(section_number(level + 1, item_index))}{md.text(item)}\n")
        for sub_index, sub in enumerate(section.sections, start=1):
            lines.append(self.section_md(sub, level + 1, sub_index + len(section.items), heading_level + 1))
        return "\n".join(lines)

    def form_page(self, form: Form) -> str:
        uri = self.site.uris[form.id]
        lines = [md.front_matter(form.title, tags=["表格"], description=form.purpose), f"# {md.text(form.title)}\n",
                 md.paragraphs(form.purpose) + "\n"]
        buttons = self.download_buttons(uri, form.id)
        if buttons:
            lines.append(buttons)
        users = sorted(plan.id for plan in self.corpus.plans.values() if form.id in plan.forms)
        if users:
            lines.append("**用于：** " + "、".join(self.link_to(uri, plan_id) for plan_id in users) + "\n")
        lines.append("## 表格内容预览\n")
        lines += preview_lines(form)
        if form.note:
            lines.append(f"!!! note \"填表说明\"\n    {md.text(form.note)}\n")
        return "\n".join(lines)

    def article_markdown(self, article: Article) -> str:
        """The article page: its own Markdown body, with a header and related links added."""
        meta = article.meta
        uri = self.site.uris[meta.id]
        tags = _unique([*meta.stages, *meta.topics])
        header = [md.front_matter(meta.title, tags=tags, description=meta.summary), f"# {md.text(meta.title)}\n",
                  f"<small>适合：{md.text('、'.join(meta.audience))} · 学段：{md.text('、'.join(meta.stages))} · "
                  f"更新：{meta.updated.isoformat()}</small>\n",
                  f"!!! abstract \"一句话\"\n    {md.text(meta.summary)}\n"]
        return "\n".join(header) + "\n" + article.body.strip() + "\n\n" + self.related(uri, meta.related)


def _stage_order(stages: list[str]) -> int:
    return min((STAGES.index(s) for s in stages if s in STAGES), default=len(STAGES))


def _unique(values: list[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen
