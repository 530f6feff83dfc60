"""The corpus model: one module per document kind."""

from __future__ import annotations

from .article import Article, ArticleMeta
from .course import Course, Lesson
from .form import Form
from .plan import PlanTemplate
from .school import School

__all__ = ["Article", "ArticleMeta", "Course", "Form", "Lesson", "PlanTemplate", "School"]
