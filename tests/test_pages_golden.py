"""Generated page Markdown for the small fixture corpus, compared with golden files.

Regenerate after an intended change with ``GONGYU_UPDATE_GOLDEN=1 pytest tests/test_pages_golden.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.pipeline import load_corpus
from generator.render.pages import PageBuilder, section_number, urgent_boxes

from .conftest import MINI

GOLDEN = Path(__file__).parent / "golden" / "mini"
CHECKED = [
    "index.md",
    "lessons/demo-lesson.md",
    "lessons/demo-drowning.md",
    "plans/demo-plan.md",
    "forms/demo-form.md",
    "courses/demo-course.md",
    "parents/demo-article.md",
    "stages/chuzhong.md",
    "parents/index.md",
    "topics/kongchuo-baoxue.md",
]


def render() -> dict[str, str]:
    corpus = load_corpus(MINI)
    builder = PageBuilder(corpus)
    pages = builder.pages()
    for article_id, article in corpus.articles.items():
        pages[builder.site.uris[article_id]] = builder.article_markdown(article)
    return pages


@pytest.mark.parametrize("uri", CHECKED)
def test_page_matches_golden(uri: str) -> None:
    text = render()[uri]
    golden = GOLDEN / uri
    if os.environ.get("GONGYU_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"缺少金标准文件 {golden}，请设置 GONGYU_UPDATE_GOLDEN=1 生成"
    assert text == golden.read_text(encoding="utf-8")


def test_rendering_is_deterministic() -> None:
    assert render() == render()


def test_official_numbering_follows_nesting() -> None:
    assert [section_number(1, 3), section_number(2, 3), section_number(3, 3), section_number(4, 3)] == \
        ["三、", "（三）", "3.", "（3）"]
    assert section_number(1, 12) == "十二、"


def test_urgent_blockquote_becomes_a_warning() -> None:
    body = "正文\n\n> **遇到这些情况，请立即行动**\n>\n> - 拨打 110\n\n> 普通引用\n"
    assert urgent_boxes(body) == ("正文\n\n!!! warning \"遇到这些情况，请立即行动\"\n\n    - 拨打 110\n\n\n"
                                  "> 普通引用\n")
    fenced = "```\n> **请立即行动**\n```"
    assert urgent_boxes(fenced) == fenced
