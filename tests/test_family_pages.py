"""Pages a parent or grandparent opens from a link a teacher sent (no browser needed)."""

from __future__ import annotations

from generator.pipeline import load_corpus
from generator.render.pages import PageBuilder

from .conftest import REPO


def test_a_lesson_tells_a_family_what_it_is_before_the_teachers_parts() -> None:
    corpus = load_corpus(REPO)
    builder = PageBuilder(corpus, [])
    for lesson_id in ("xq-gedai-daiwa", "aqs-fangnishui"):  # a parents' lesson and a pupils' safety lesson
        page = builder.lesson_page(corpus.lessons[lesson_id])
        note = page.index('!!! info gy-family gy-noindex "家长请先看这里"')
        assert note < page.index('"课前准备"') < page.index("## 教学目标"), lesson_id
        # the note's links land on the parts a family reads
        for anchor in ("yaodian", "dai-hui-jia", "zuoye"):
            assert f"](#{anchor})" in page[note:page.index('"课前准备"')], (lesson_id, anchor)
            assert f"{{#{anchor}}}" in page, (lesson_id, anchor)
    teachers = next(lesson for lesson in corpus.lessons.values() if lesson.audience == "教师")
    assert "gy-family" not in builder.lesson_page(teachers)


def test_search_labels_lessons_in_words_a_family_knows() -> None:
    """A parent searching sees 家长课 / 学生课 on a lesson, not the teachers' word 教案."""
    from generator.search.meta import corpus_meta

    corpus = load_corpus(REPO)
    meta = corpus_meta(corpus)
    badges = {lesson.audience: None for lesson in corpus.lessons.values()}
    for uri, page in meta.items():
        if page.kind == "教案":
            assert "教案" not in page.badges, uri
            badges[page.badges[1].removeprefix("对象：")] = page.badges[0]
    assert badges.get("家长") == "家长课" and badges.get("学生") == "学生课", badges
