"""The bundled content as a whole: complete, consistent, reachable, and in our own words."""

from __future__ import annotations

import re
from collections import Counter, deque
from functools import lru_cache
from pathlib import Path
from typing import get_args

import pytest

from generator.load.corpus import Corpus
from generator.mkdocs_plugin.site_files import DEFAULT_NAV
from generator.models.common import PLAN_KINDS, Audience
from generator.pipeline import load_corpus
from generator.render.pages import AUDIENCE_SECTIONS, PageBuilder

from .conftest import REPO

SEEDS = REPO.parent / "shared" / "seeds"


@lru_cache(maxsize=1)
def corpus() -> Corpus:
    return load_corpus(REPO)


def all_text() -> str:
    parts = []
    for folder in ("content", "courses", "plans"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix in (".md", ".yml"):
                parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def test_check_is_clean() -> None:
    c = corpus()
    assert c.articles and c.lessons and c.plans and c.forms and c.schools


def test_every_plan_kind_is_present() -> None:
    kinds = {plan.kind for plan in corpus().plans.values()}
    assert kinds == set(PLAN_KINDS)
    assert any(plan.kind == "控辍保学" and plan.variant == "今冬明春" for plan in corpus().plans.values())


def test_enough_content() -> None:
    c = corpus()
    assert len(c.articles) >= 36
    parent_school = [lesson for lesson in c.lessons.values() if c.courses[c.lesson_course[lesson.id]].kind == "家长学校"]
    assert len(parent_school) >= 30
    stages = {c.courses[cid].stage for cid in c.courses if c.courses[cid].kind == "家长学校"}
    assert {"学前", "小学低年级", "小学中年级", "小学高年级", "初中"} <= stages
    for course in c.courses.values():
        if course.kind == "家长学校":
            assert len(course.lessons) >= 6, course.id
    safety = [lesson for lesson in c.lessons.values() if lesson.safety_topic]
    required = {"防溺水", "防火", "交通安全", "食品安全", "防汛与自然灾害", "防欺凌", "网络安全", "自我保护"}
    for audience in ("学生", "家长"):
        assert required <= {lesson.safety_topic for lesson in safety if lesson.audience == audience}, audience
    assert all(lesson.season for lesson in safety)


def test_parents_lessons_cover_every_stage_up_to_senior_high() -> None:
    """Issue 12: at least 38 parent-school lessons for parents, a 高中 course among them."""
    c = corpus()
    for_parents = [lesson for lesson in c.lessons.values()
                   if c.courses[c.lesson_course[lesson.id]].kind == "家长学校" and lesson.audience == "家长"]
    assert len(for_parents) >= 38, len(for_parents)
    senior = [lesson for lesson in for_parents if lesson.stage == "高中"]
    assert len(senior) >= 6, [lesson.id for lesson in senior]


def test_teacher_training_lessons_exist_and_are_for_teachers() -> None:
    c = corpus()
    training = [course for course in c.courses.values() if course.kind == "教师培训"]
    assert training, "no 教师培训 course"
    lessons = [c.lessons[i] for course in training for i in course.lessons]
    assert len(lessons) >= 2
    assert all(lesson.audience == "教师" for lesson in lessons)
    text = "".join(lesson.model_dump_json() for lesson in lessons)
    for needed in ("家访", "强制报告", "欺凌", "第十一条"):
        assert needed in text, needed


def test_every_lesson_says_what_to_prepare() -> None:
    """Every lesson lists at least one thing to print, bring or arrange, and no two lessons share a list."""
    lessons = corpus().lessons.values()
    assert lessons
    for lesson in lessons:
        assert lesson.preparation and all(item.strip() for item in lesson.preparation), lesson.id
    lists = [tuple(lesson.preparation) for lesson in lessons]
    assert len(set(lists)) == len(lists), "preparation lists copied between lessons"


def test_enough_articles_for_every_audience() -> None:
    """At least 60 articles, and every reader of the site has at least three written for them."""
    c = corpus()
    assert len(c.articles) >= 60
    counts = Counter(audience for article in c.articles.values() for audience in article.meta.audience)
    # Students are taught through the safety lessons, not articles; every other audience has a section.
    assert set(get_args(Audience)) - set(AUDIENCE_SECTIONS) == {"学生"}
    thin = {audience: counts[audience] for audience in AUDIENCE_SECTIONS if counts[audience] < 3}
    assert thin == {}
    assert sum(1 for lesson in c.lessons.values() if lesson.audience == "学生") >= 3
    # Each section's articles live in its own folder, so their addresses match the navigation.
    for article_id, article in c.articles.items():
        folder = c.files[article_id].relative_to(c.root / "content").parts[0]
        assert folder == AUDIENCE_SECTIONS[article.meta.audience[0]], article_id


def test_every_agenda_adds_up() -> None:
    for lesson in corpus().lessons.values():
        assert sum(item.minutes for item in lesson.agenda) == lesson.duration, lesson.id


def test_plans_carry_the_source_figures() -> None:
    plans = corpus().plans.values()
    values = {(t.metric, t.comparison, t.value) for plan in plans for t in plan.targets}
    assert any(v == 0.18 and c == "<" for _, c, v in values)
    assert any(v == 1.21 and c == "<" for _, c, v in values)
    control = next(p for p in plans if p.kind == "控辍保学" and not p.variant)
    rules = [e.when for _, e in control.all_events()] + [p.when for p in control.phases]
    assert any(getattr(r, "months", None) == [1, 7] and getattr(r, "days", None) == [20, 31] for r in rules)
    assert any(getattr(r, "months", None) == [2, 8] and getattr(r, "days", None) == [1, 11] for r in rules)
    bullying = next(p for p in plans if p.kind == "校园欺凌专项治理")
    dates = {getattr(e.when, "date", None) for _, e in bullying.all_events()}
    assert {"11-16", "11-21", "01-08"} <= dates


def test_every_page_is_reachable_from_home_in_three_clicks() -> None:
    c = corpus()
    builder = PageBuilder(c)
    pages = builder.pages()
    for article_id, article in c.articles.items():
        pages[builder.site.uris[article_id]] = builder.article_markdown(article)
    nav = {next(iter(entry.values())) for entry in DEFAULT_NAV}
    link = re.compile(r"\]\(([^)#\s]+\.md)")

    def targets(uri: str) -> set[str]:
        base = Path(uri).parent
        found = set()
        for target in link.findall(pages.get(uri, "")):
            found.add(Path(base, target).as_posix().replace("/./", "/"))
        return {str(Path(t).resolve().relative_to(Path("/").resolve())) if t.startswith("/") else _norm(t) for t in found}

    depth = {"index.md": 0}
    queue = deque(["index.md"])
    while queue:
        uri = queue.popleft()
        for target in targets(uri) | (nav if uri == "index.md" else set()):
            if target not in depth:
                depth[target] = depth[uri] + 1
                queue.append(target)
    items = [builder.site.uris[i] for i in list(c.articles) + list(c.lessons) + list(c.plans) + list(c.forms)]
    far = sorted(uri for uri in items if depth.get(uri, 99) > 3)
    assert far == []


def _norm(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def test_only_real_hotlines_appear() -> None:
    text = re.sub(r"https?://\S+", "", all_text())  # the policy register's source addresses are not numbers to call
    numbers = set(re.findall(r"(?<![\d.])\d{3,}(?:-\d{3,})*(?![\d.])", text))
    suspicious = {n for n in numbers if len(n.replace("-", "")) >= 5 and n not in {"12355", "12356"}
                  and not re.fullmatch(r"20\d\d(-20\d\d)?", n)}
    assert suspicious == set()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents are not beside the repository")
def test_no_sentence_of_the_sources_is_copied() -> None:
    size = 16
    seed = re.sub(r"\s+", "", "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))))
    seed = re.sub(r"《[^《》]{1,60}》", "《》", seed)  # a law's full name is a fact, cited exactly
    grams = {seed[i:i + size] for i in range(len(seed) - size)}
    # Names of laws and enumerations of named terms (家校合作方式、家校双向交流平台…) are facts, not sentences.
    grams = {g for g in grams if "《" not in g and "》" not in g and g.count("、") < 2}
    ours = re.sub(r"\s+", "", all_text())
    copied = sorted({ours[i:i + size] for i in range(len(ours) - size)} & grams)
    assert copied == []
