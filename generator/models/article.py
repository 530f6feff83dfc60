"""Guidance articles: Markdown files in ``content/`` with a YAML front-matter block."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from .common import Audience, Id, Label, Stage, Strict, Text, Topic


class ArticleMeta(Strict):
    """The front matter of a guidance article."""

    id: Id = Field(description="唯一编号，同时是网页地址的一部分，例如 talk-with-teen")
    title: Label = Field(description="标题")
    audience: list[Audience] = Field(min_length=1, description="读者：家长、教师、学校、"
                                                               "社会（村居委会、儿童主任、妇联、关工委、志愿者）、学生")
    stages: list[Stage] = Field(min_length=1, description="适用学段")
    topics: list[Topic] = Field(min_length=1, description="主题")
    summary: Text = Field(max_length=300, description="一两句话的要点，显示在列表和搜索结果中")
    updated: dt.date = Field(description="最近修订日期，例如 2026-09-01")
    related: list[Id] = Field(default_factory=list, description="相关文章、课程或方案的编号")
    questions: list[Label] = Field(
        default_factory=list, max_length=12,
        description="这篇文章回答的问题，用读者自己的话写，例如 孩子在学校被同学欺负怎么办（网站搜索会优先找到）")


class Article(Strict):
    """An article: its metadata, Markdown body and where it came from."""

    meta: ArticleMeta
    body: str
    source: str
    body_line: int = 1
