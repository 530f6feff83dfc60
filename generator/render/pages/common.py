"""What every page kind shares: slugs, where each item lives, and the builder's helpers.

Every page is a pure function of the corpus and the downloads, so the same input gives the same
Markdown; golden tests compare it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...base import urls
from ...load.corpus import Corpus
from ...models import Article, Lesson
from ...models.common import STAGES
from ...models.daterule import (
    AnchorRule,
    FixedRule,
    MonthDaysRule,
    RepeatRule,
    WeekRule,
)
from ...models.download import Download
from .. import markdown as md

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

#: The order a teacher wants a lesson's printables in; anything else follows, by file name.
DOWNLOAD_ORDER = ("handout", "handout-large", "signin", "feedback", "organiser", "helpcard", "form", "plan-docx", "plan-pdf", "pack-zip")
#: Button texts by kind (the printable's own label is used for kinds not listed).
DOWNLOAD_LABELS = {"handout": "讲义", "handout-large": "大字版讲义", "signin": "签到表", "feedback": "反馈表",
                   "organiser": "组织者用页", "helpcard": "求助卡", "form": "空白表格"}


def describe_rule(rule: object) -> str:
    """A date rule in words, e.g. 每年1月和7月的20日至月底."""
    if isinstance(rule, (FixedRule, MonthDaysRule, WeekRule, AnchorRule, RepeatRule)):
        return rule.describe()
    return str(rule)


def file_size(size: int) -> str:
    """A file size as a reader says it: 86 KB, 1.2 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


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
            site.uris[course_id] = urls.page_source("course", course_id)
        for lesson_id in corpus.lessons:
            site.uris[lesson_id] = urls.page_source("lesson", lesson_id)
        for plan_id in corpus.plans:
            site.uris[plan_id] = urls.page_source("plan", plan_id)
        for form_id in corpus.forms:
            site.uris[form_id] = urls.page_source("form", form_id)
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


def stage_order(stages: list[str]) -> int:
    return min((STAGES.index(s) for s in stages if s in STAGES), default=len(STAGES))


def unique(values: list[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


class BuilderBase:
    """The corpus, the site map, the downloads by owner, and helpers every page kind uses."""

    def __init__(self, corpus: Corpus, downloads: Iterable[Download] = (), timelines: Iterable[str] = ()) -> None:
        self.corpus = corpus
        self.site = SiteMap.of(corpus)
        self.downloads: dict[str, list[Download]] = defaultdict(list)
        for item in sorted(downloads, key=_download_key):
            self.downloads[item.owner].append(item)
        self.timelines = set(timelines)

    def link_to(self, from_uri: str, item_id: str) -> str:
        return md.link(self.corpus.title_of(item_id), from_uri, self.site.uris[item_id])

    def download_buttons(self, from_uri: str, owner: str) -> str:
        """The page's downloads as buttons: label and size, in :data:`DOWNLOAD_ORDER`."""
        items = self.downloads.get(owner, [])
        if not items:
            return ""
        buttons = [md.button(download_label(item), from_uri, item.uri, primary=index == 0, download=item.filename)
                   for index, item in enumerate(items)]
        return '<div class="gy-downloads" markdown>\n\n**打印与下载：** ' + " ".join(buttons) + "\n\n</div>\n"

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
        return sorted(found, key=lambda a: (stage_order(a.meta.stages), a.meta.title, a.meta.id))

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

    def article_cards(self, from_uri: str, articles: list[Article]) -> str:
        """Articles as cards: the whole card is the link (a stretched link, see gongyu.css)."""
        return cards([(md.link(a.meta.title, from_uri, self.site.uris[a.meta.id]), md.text(a.meta.summary))
                      for a in articles])

    def lesson_list(self, from_uri: str, lessons: list[Lesson]) -> str:
        if not lessons:
            return "（暂无）\n"
        lines = []
        for lesson in lessons:
            lines.append(f"- {md.link(lesson.title, from_uri, self.site.uris[lesson.id])}"
                         f"（{md.text(lesson.audience)} · {md.text(lesson.stage)} · {lesson.duration} 分钟）")
        return "\n".join(lines) + "\n"


def cards(items: list[tuple[str, str]]) -> str:
    """A grid of cards, each a ``(link, text)``: the link's title in bold, the text below it."""
    if not items:
        return "（暂无）\n"
    lines = ['<div class="grid cards gy-cards" markdown>\n']
    for link, blurb in items:
        lines.append(f"-   **{link}**\n\n    {blurb}\n" if blurb else f"-   **{link}**\n")
    lines.append("</div>\n")
    return "\n".join(lines)


def _download_key(item: Download) -> tuple[str, int, str]:
    rank = DOWNLOAD_ORDER.index(item.kind) if item.kind in DOWNLOAD_ORDER else len(DOWNLOAD_ORDER)
    return (item.owner, rank, item.uri)


def download_label(item: Download) -> str:
    """讲义（PDF，86 KB）: the Chinese name of the file, its format and its size when it exists."""
    name = DOWNLOAD_LABELS.get(item.kind, item.label)
    details = []
    suffix = item.uri.rsplit(".", 1)[-1].upper() if "." in item.uri else ""
    shown = "Word" if suffix == "DOCX" else suffix
    if shown and shown.lower() not in name.lower():
        details.append(shown)
    if item.path.is_file():
        details.append(file_size(item.path.stat().st_size))
    if not details:
        return name
    if name.endswith("）"):  # 学校方案包（zip） → 学校方案包（zip，1.2 MB）
        return f"{name[:-1]}，{'，'.join(details)}）"
    return f"{name}（{'，'.join(details)}）"
