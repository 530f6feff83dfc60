"""The site's pages as Markdown, generated from the corpus at build time (nothing is committed).

One module per page kind; :class:`PageBuilder` combines them and lists every page. Every page is
a pure function of the corpus and the downloads, so the same input gives the same Markdown;
golden tests compare it.
"""

from __future__ import annotations

from ...base.numbering import number_label as section_number
from ...models.common import STAGES, TOPICS
from .. import markdown as md
from .article import ArticlePages, urgent_boxes
from .common import (
    AUDIENCE_SECTIONS,
    STAGE_NOTES,
    STAGE_SLUGS,
    TOPIC_SLUGS,
    SiteMap,
    article_uri,
    describe_rule,
    download_label,
    page_path,
)
from .form import FormPages
from .home import EMERGENCY_NUMBERS, HomePage
from .indexes import IndexPages
from .lesson import LessonPages
from .plan import PlanPages
from .policy import POLICIES_URI, PolicyPages


class PageBuilder(HomePage, IndexPages, LessonPages, PlanPages, FormPages, ArticlePages, PolicyPages):
    """Builds every generated page; ``downloads`` are grouped by the page that offers them."""

    def pages(self) -> dict[str, str]:
        """Every generated page except articles (see :meth:`article_markdown`): source URI → Markdown."""
        pages: dict[str, str] = {}
        pages["index.md"] = self.home()
        for audience, section in AUDIENCE_SECTIONS.items():
            pages[f"{section}/index.md"] = self.audience_page(audience, section)
        pages["courses/index.md"] = self.courses_index()
        pages["safety/index.md"] = self.safety_index()
        pages["plans/index.md"] = self.plans_index()
        pages["forms/index.md"] = self.forms_index()
        if self.corpus.policies.present:
            pages[POLICIES_URI] = self.policies_page()
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


__all__ = ["AUDIENCE_SECTIONS", "EMERGENCY_NUMBERS", "STAGE_NOTES", "STAGE_SLUGS", "TOPIC_SLUGS", "PageBuilder", "SiteMap",
           "article_uri", "describe_rule", "download_label", "page_path", "section_number", "urgent_boxes"]
