"""Reading a project again in one process (``gongyu serve``) parses only the files whose bytes changed,
and gives exactly what a fresh read gives: the edit, the problems of unchanged files, renames and deletions."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from generator import load, pipeline
from generator.check import citations
from generator.errors import GongyuError, Problem
from generator.load import compose, memo
from generator.load import corpus as corpus_module
from generator.pipeline import Checked, load_checked

from .conftest import MINI

ARTICLE = Path("content/parents/demo-article.md")
LESSON = Path("courses/demo-course/demo-lesson.yml")
PLAN = Path("plans/demo-plan.yml")

REGISTER = """\
policies:
  - id: yiwu-jiaoyufa
    title: 中华人民共和国义务教育法
    issuer: 全国人民代表大会常务委员会
    provisions: [父母保证孩子按时入学。]
    source: https://example.org/law
retired_terms:
  - term: 动态清零
    use: 常态清零、动态销号
"""


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    memo.forget()
    yield
    memo.forget()


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the small corpus with a policy register (so citations are checked); problems name files
    relative to it."""
    root = tmp_path / "p"
    shutil.copytree(MINI, root)
    (root / "plans" / "data").mkdir()
    (root / "plans" / "data" / "policies.yml").write_text(REGISTER, encoding="utf-8")
    monkeypatch.chdir(root)
    return root.resolve()


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files YAML is parsed for (``shown`` of every :func:`parse_yaml` call), in order."""
    seen: list[str] = []
    original = compose.parse_yaml

    def counting(text: str, shown: str, **kwargs: Any) -> Any:
        seen.append(shown)
        return original(text, shown, **kwargs)

    for module in (load, compose, corpus_module):  # every name it is called by
        monkeypatch.setattr(module, "parse_yaml", counting)
    return seen


def _edit(path: Path, old: str, new: str, *, keep_time: bool = False) -> None:
    """Replace ``old`` by ``new`` in ``path``; ``keep_time``: the same size and modification time as before."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    if keep_time:
        assert path.stat().st_size == before.st_size
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _problems(root: Path) -> list[Problem]:
    try:
        load_checked(root)
    except GongyuError as exc:
        return exc.problems
    return []


def _snapshot(checked: Checked) -> dict[str, Any]:
    """Everything a read gives, in comparable form."""
    c = checked.corpus
    tables = {name: {key: value.model_dump() for key, value in getattr(c, name).items()}
              for name in ("articles", "courses", "lessons", "plans", "forms", "schools")}
    sources = {key: (doc.path, doc.data, doc.marks, doc.key_marks, doc.line_offset, doc.text)
               for key, doc in (*c.sources.items(), *c.school_sources.items())}
    return {**tables, "sources": sources, "files": c.files, "kinds": c.kinds, "lesson_course": c.lesson_course,
            "broken": c.broken, "misnamed": c.misnamed, "policies": c.policies, "regulations": c.regulations,
            "schedule": c.schedule, "schools_resolved": sorted(checked.schools)}


def _fresh_snapshot(root: Path) -> dict[str, Any]:
    memo.forget()
    return _snapshot(load_checked(root))


def test_an_edit_is_seen_and_only_the_edited_file_is_parsed_again(root: Path, parsed: list[str]) -> None:
    first = load_checked(root)
    assert len(parsed) == 9  # 1 article, 2 courses, 2 lessons, 1 plan, 1 form, the register, 1 school
    assert first.corpus.articles["demo-article"].meta.title == "孩子不想上学怎么办"

    parsed.clear()
    # same size, same modification time: only the bytes tell
    _edit(root / ARTICLE, "孩子不想上学怎么办", "孩子不愿上学怎么办", keep_time=True)
    second = load_checked(root)
    assert second.corpus.articles["demo-article"].meta.title == "孩子不愿上学怎么办"
    assert parsed == [ARTICLE.as_posix()]
    assert _snapshot(second) == _fresh_snapshot(root)

    parsed.clear()
    load_checked(root)
    assert parsed == []


def test_a_problem_in_an_unchanged_file_is_reported_again_at_the_same_place(root: Path, parsed: list[str]) -> None:
    """Problems of the loader (a lesson's unknown key), of the check stage (a plan's wording) and of the
    citation check (a retired term), each in a file that did not change, are reported as before."""
    _edit(root / LESSON, "duration: 60", "duration: 60\ncolour: 红")  # an unknown key
    _edit(root / PLAN, "title: 工作重点", "title: 本省工作重点")  # a wording problem (check stage)
    _edit(root / ARTICLE, "先听孩子说", "先听孩子说，别说动态清零")  # a retired term (citations)
    problems = _problems(root)
    messages = {p.message for p in problems}
    assert any("colour" in m for m in messages)
    assert any("本省" in m for m in messages)
    assert any("动态清零" in m for m in messages)
    assert all(p.line > 0 for p in problems)

    parsed.clear()
    _edit(root / "courses/demo-safety/demo-drowning.yml", "title:", "title: ")
    again = _problems(root)
    assert again == problems  # same files, lines, columns, messages, hints
    assert parsed == ["courses/demo-safety/demo-drowning.yml"]
    memo.forget()
    assert _problems(root) == problems

    os.chdir(root.parent)  # files are named relative to the working folder: the same bytes, other names
    assert _problems(root) == [dataclasses.replace(p, path=f"p/{p.path}") for p in problems]
    os.chdir(root)

    _edit(root / PLAN, "title: 本省工作重点", "title: 工作重点")
    fixed = _problems(root)
    assert [p for p in problems if "本省" not in p.message] == fixed


def test_a_citation_scan_is_done_once_per_version_of_a_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scanned: list[int] = []
    original = citations._scan

    def counting(lines: list[str], is_yaml: bool, terms: tuple[str, ...]) -> Any:
        scanned.append(len(lines))
        return original(lines, is_yaml, terms)

    monkeypatch.setattr(citations, "_scan", counting)
    load_checked(root)
    assert len(scanned) == 7  # every text file of content/, courses/, plans/ and plans/forms/
    scanned.clear()
    _edit(root / ARTICLE, "先听孩子说", "先听孩子说，见《中华人民共和国义务教育法》")
    load_checked(root)
    assert len(scanned) == 1
    _edit(root / ARTICLE, "见《中华人民共和国义务教育法》", "见《没有登记的办法》")
    assert [(p.path, p.line, p.column, p.message) for p in _problems(root)] == [
        (ARTICLE.as_posix(), 17, 11, "引用的《没有登记的办法》不在政策文件登记表中")]


def test_renaming_and_deleting_files_is_seen(root: Path, parsed: list[str]) -> None:
    load_checked(root)
    moved = root / "content" / "teachers" / "demo-article.md"
    moved.parent.mkdir()
    (root / ARTICLE).rename(moved)
    parsed.clear()
    checked = load_checked(root)
    # the same bytes under another name are read again: the name is in every message about the file
    assert parsed == ["content/teachers/demo-article.md"]
    assert checked.corpus.files["demo-article"] == moved
    assert checked.corpus.sources["demo-article"].path == "content/teachers/demo-article.md"
    assert root / ARTICLE not in memo.kept(root)
    assert _snapshot(checked) == _fresh_snapshot(root)

    renamed = moved.with_name("other-article.md")
    moved.rename(renamed)
    problems = _problems(root)
    assert [(p.path, p.line, p.message) for p in problems] == [
        ("content/teachers/other-article.md", 2, "编号“demo-article”与文件名“other-article.md”不一致")]

    renamed.unlink()
    problems = _problems(root)
    assert problems and all("demo-article" in p.message for p in problems)  # references to it now dangle
    assert not any(path.suffix == ".md" for path in memo.kept(root))
    assert sorted(memo.kept(root)) == sorted(p for p in root.rglob("*.yml"))


def test_a_returned_value_cannot_poison_the_next_read(root: Path) -> None:
    checked = load_checked(root)
    c = checked.corpus
    lesson = c.lessons["demo-lesson"]
    doc = c.sources["demo-lesson"]
    with pytest.raises(TypeError):
        lesson.objectives.append("多出来的目标")
    with pytest.raises(TypeError):
        lesson.agenda[0:1] = []
    with pytest.raises(ValidationError):
        lesson.title = "改过的标题"  # type: ignore[misc]
    with pytest.raises(TypeError):
        doc.data["title"] = "改过的标题"
    with pytest.raises(TypeError):
        doc.data["objectives"].append("x")
    with pytest.raises(TypeError):
        doc.marks[("title",)] = (99, 1)
    with pytest.raises(TypeError):
        doc.data = {}
    with pytest.raises(TypeError):
        c.schools["demo-school"].people["校长"] = "别人"
    with pytest.raises(TypeError):
        c.policies.policies[0].provisions.append("x")
    # the corpus itself is the caller's: changing it changes nothing for the next read
    c.lessons.pop("demo-article", None)
    c.lessons.clear()
    c.lesson_course["x"] = "y"
    c.broken.add("demo-course")
    pipeline.load_school(root / "plans" / "schools" / "demo-school.yml", c)
    copies = [list(lesson.objectives), dict(doc.data)]
    copies[0].append("复制的可以改")
    copies[1]["title"] = "复制的可以改"

    again = load_checked(root)
    assert again.corpus.lessons["demo-lesson"] is lesson  # nothing was parsed again
    assert _snapshot(again) == _fresh_snapshot(root)


def test_remembered_values_pickle_and_compare_as_plain_ones(root: Path) -> None:
    """Packs ship the corpus to worker processes: what is remembered pickles, and equals a plain read."""
    c = load_checked(root).corpus
    back = pickle.loads(pickle.dumps(c))
    assert back.lessons == c.lessons and back.sources == c.sources
    assert type(back.sources["demo-lesson"]) is memo.FrozenSourceDoc
    with pytest.raises(TypeError):
        back.lessons["demo-lesson"].objectives.append("x")
    assert c.lessons["demo-lesson"].objectives == list(c.lessons["demo-lesson"].objectives)
    assert c.lessons["demo-lesson"].model_dump_json() == back.lessons["demo-lesson"].model_dump_json()


def test_only_the_last_read_is_kept(tmp_path: Path, root: Path) -> None:
    load_checked(root)
    assert root / ARTICLE in memo.kept(root)
    others = []
    for index in range(memo.KEEP_PROJECTS):
        other = tmp_path / f"other{index}"
        shutil.copytree(MINI, other)
        load_checked(other)
        others.append(other.resolve())
    assert memo.kept(root) == set()  # the oldest project is forgotten
    assert all(memo.kept(other) for other in others)


def test_outside_a_read_nothing_is_kept_but_values_are_frozen(root: Path) -> None:
    school, doc, problems = corpus_module.read_school(root / "plans" / "schools" / "demo-school.yml",
                                                      corpus_module.Corpus(root=root))
    assert problems == []
    assert memo.kept(root) == set()
    with pytest.raises(TypeError):
        school.plans.append(school.plans[0])
    with pytest.raises(TypeError):
        doc.data["id"] = "x"
