"""What the search knows about a page beyond its text: kind, readers, stages, summary, questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Readers a result can be filtered by (the chips above the results), as bits.
AUDIENCES = ("家长", "教师", "学校", "社会")


@dataclass
class PageMeta:
    kind: str = "页面"
    audience: list[str] = field(default_factory=list)  # who reads the page (filter chips, prior)
    badges: list[str] = field(default_factory=list)  # shown under the title
    stages: list[str] = field(default_factory=list)
    summary: str = ""
    questions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

    @property
    def audience_bits(self) -> int:
        return sum(1 << i for i, name in enumerate(AUDIENCES) if name in self.audience)


#: How a lesson is labelled in search results: words a parent knows (教案 is the teachers' word).
_LESSON_BADGES = {"家长": "家长课", "学生": "学生课", "教师": "教师培训课"}


def corpus_meta(corpus: Any) -> dict[str, PageMeta]:
    """Metadata of every generated page, by its source URI (``parents/jz-bullied.md``)."""
    from ..render.pages import SiteMap

    uris = SiteMap.of(corpus).uris
    out: dict[str, PageMeta] = {}
    for item_id, article in corpus.articles.items():
        m = article.meta
        out[uris[item_id]] = PageMeta(
            kind="文章", audience=[a for a in m.audience if a in AUDIENCES], badges=list(m.audience),
            stages=list(m.stages), summary=m.summary, questions=list(getattr(m, "questions", []) or []),
            keywords=list(m.topics))
    for item_id, lesson in corpus.lessons.items():
        keywords = [*lesson.topics, *([lesson.safety_topic] if lesson.safety_topic else [])]
        out[uris[item_id]] = PageMeta(
            kind="教案", audience=["教师"], badges=[_LESSON_BADGES.get(lesson.audience, "课"), f"对象：{lesson.audience}"],
            stages=[lesson.stage],
            summary=lesson.key_points[0] if lesson.key_points else "", keywords=keywords)
    for item_id, course in corpus.courses.items():
        out[uris[item_id]] = PageMeta(kind="课程", audience=["教师", "学校"], badges=["课程"], stages=[course.stage],
                                      summary=course.summary, keywords=[course.kind])
    for item_id, plan in corpus.plans.items():
        out[uris[item_id]] = PageMeta(kind="方案", audience=["学校"], badges=["方案模板"], summary=plan.summary,
                                      keywords=[plan.kind])
    for item_id, form in corpus.forms.items():
        out[uris[item_id]] = PageMeta(kind="表格", audience=["学校", "教师"], badges=["表格"], summary=form.purpose)
    return out


def topic_pages(corpus: Any) -> dict[str, str]:
    """Topic name by the source URI of its list page (the “nearest topics” when nothing is found)."""
    from ..render.pages import TOPIC_SLUGS

    return {f"topics/{slug}.md": name for name, slug in TOPIC_SLUGS.items()}
