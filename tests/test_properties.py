"""Whatever a file holds, loading it gives a model or located Chinese problems, never another exception.

Hypothesis feeds arbitrary bytes, arbitrary text, text built from YAML's own syntax and full-width
look-alikes, and random edits of the fixture's valid files through the same path the CLI takes.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from generator.load.corpus import Corpus
from generator.pipeline import load_corpus
from generator.errors import GongyuError
from generator.load import load_front_matter, load_yaml_file, parse_yaml, validate
from generator.models import ArticleMeta, Course, Form, Lesson, PlanTemplate, School

from .conftest import MINI

#: Modest by default so the suite stays fast; GONGYU_PROPERTY_EXAMPLES=5000 hunts harder.
EXAMPLES = int(os.environ.get("GONGYU_PROPERTY_EXAMPLES", "200"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHINESE = re.compile(r"[\u4e00-\u9fff]")
MODELS: list[type[BaseModel]] = [Lesson, PlanTemplate, Form, School, Course, ArticleMeta]

#: Pieces of YAML syntax, and what Chinese keyboards and Word put in their place.
TOKENS = [
    "\n", "\r\n", "\r", "  ", "    ", "- ", "-", ": ", ":", "：", "，", "、", ",", "[", "]", "{", "}", "【", "】", "“", "”",
    "'", '"', "\\", "\\u", "\\x", "|", "|-", ">", ">+", "#", " #", "---", "---\n", "...", "\t", "\u3000", "\xa0",
    "&a ", "*a", "&b ", "*b", "<<: ", "<<", "=", "!!", "!!str ", "!!int ", "!!float ", "!!binary ", "!!set ",
    "!!python/object:os.system ", "!foo ", "!e!x ", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "? ", "@", "`", "%",
    "~", "null", "yes", "no", "on", ".nan", ".inf", "-.inf", "0x1F", "0o17", "1e400", "1_000", "9" * 400,
    "2026-02-30", "2026-13-01", "2026-09-01", "2026-09-01 25:61:61", "02-30", "13-01", "11-16",
    "id", "title", "duration", "agenda", "step", "minutes", "content", "when", "date", "to", "months", "days",
    "term", "week", "weeks", "anchor", "until", "offset", "every", "blocks", "fields", "table", "columns", "label",
    "plans", "plan", "calendar", "autumn_start", "events", "targets", "group", "sections", "paragraphs",
    "demo-lesson", "../etc", "con", "导入", "讲授", "春节", "寒假开始", "每学期", "家长", "初中", "60", "0", "-1",
    "中文内容", "\x00", "\x01", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\ud800", "\U0001f600",
]

yaml_like = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
any_text = st.text(max_size=400) | yaml_like | st.lists(st.text(max_size=8) | st.sampled_from(TOKENS), max_size=40).map("".join)


def assert_clean(exc: GongyuError) -> None:
    """Every problem is located, and said in Chinese; formatting never fails."""
    assert exc.problems
    for problem in exc.problems:
        assert isinstance(problem.path, str) and problem.path
        assert isinstance(problem.line, int) and problem.line >= 0
        assert isinstance(problem.column, int) and problem.column >= 0
        assert CHINESE.search(problem.message), problem
        problem.format()
    exc.format()


def load_yaml(path: Path, model: type[BaseModel]) -> Any:
    try:
        return validate(model, load_yaml_file(path, path.name))
    except GongyuError as exc:
        assert_clean(exc)
        return None


def load_markdown(path: Path) -> Any:
    try:
        doc, _body, _line = load_front_matter(path, path.name)
        return validate(ArticleMeta, doc)
    except GongyuError as exc:
        assert_clean(exc)
        return None


def parse_text(text: str, model: type[BaseModel]) -> Any:
    try:
        return validate(model, parse_yaml(text, "x.yml"))
    except GongyuError as exc:
        assert_clean(exc)
        return None


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


# --- arbitrary input ------------------------------------------------------------------------------

@SETTINGS
@given(data=st.binary(max_size=3000), model=st.sampled_from(MODELS))
def test_any_bytes_as_a_yaml_file(scratch: Path, data: bytes, model: type[BaseModel]) -> None:
    path = scratch / "any.yml"
    path.write_bytes(data)
    load_yaml(path, model)


@SETTINGS
@given(data=st.binary(max_size=3000), opened=st.booleans())
def test_any_bytes_as_a_markdown_file(scratch: Path, data: bytes, opened: bool) -> None:
    path = scratch / "any.md"
    path.write_bytes(b"---\n" + data if opened else data)  # past the first "---" half of the time
    load_markdown(path)


@SETTINGS
@given(text=any_text, model=st.sampled_from(MODELS))
def test_any_text(text: str, model: type[BaseModel]) -> None:
    parse_text(text, model)


@SETTINGS
@given(text=any_text, model=st.sampled_from(MODELS))
def test_any_text_as_a_utf8_file(scratch: Path, text: str, model: type[BaseModel]) -> None:
    path = scratch / "text.yml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    load_yaml(path, model)


@SETTINGS
@given(front=any_text, body=st.text(max_size=200))
def test_any_front_matter(scratch: Path, front: str, body: str) -> None:
    path = scratch / "front.md"
    path.write_bytes(f"---\n{front}\n---\n{body}".encode("utf-8", "surrogatepass"))
    load_markdown(path)


# --- edits of valid files -------------------------------------------------------------------------

SOURCES: dict[str, type[BaseModel] | None] = {
    "courses/demo-course/demo-lesson.yml": Lesson,
    "courses/demo-safety/demo-drowning.yml": Lesson,
    "courses/demo-course/_course.yml": Course,
    "plans/demo-plan.yml": PlanTemplate,
    "plans/forms/demo-form.yml": Form,
    "plans/schools/demo-school.yml": School,
    "content/parents/demo-article.md": None,
}
TEXTS = {rel: (MINI / rel).read_text(encoding="utf-8") for rel in SOURCES}


@st.composite
def edited(draw: st.DrawFn, text: str) -> str:
    """``text`` after one to four random edits: insert, delete, replace, duplicate or swap lines, cut."""
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["insert", "insert", "delete", "replace", "duplicate", "swap", "cut", "indent"]))
        at = draw(st.integers(0, len(text)))
        if operation == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=4)) + text[at:]
        elif operation == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)):]
        elif operation == "replace":
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at + 1:]
        elif operation == "cut":
            text = text[:at]
        else:
            lines = text.split("\n")
            index = draw(st.integers(0, max(len(lines) - 1, 0)))
            if operation == "duplicate":
                lines.insert(index, lines[index])
            elif operation == "swap":
                other = draw(st.integers(0, max(len(lines) - 1, 0)))
                lines[index], lines[other] = lines[other], lines[index]
            else:
                lines[index] = draw(st.sampled_from([" ", "  ", "\t", "\u3000", "- "])) + lines[index]
            text = "\n".join(lines)
    return text


@SETTINGS
@given(data=st.data(), rel=st.sampled_from(sorted(SOURCES)))
def test_edited_valid_files(scratch: Path, data: st.DataObject, rel: str) -> None:
    text = data.draw(edited(TEXTS[rel]))
    model = SOURCES[rel]
    path = scratch / Path(rel).name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    if model is None:
        load_markdown(path)
    else:
        load_yaml(path, model)


#: Keys the models know, so that generated mappings reach the validators behind them.
KEYS = sorted({token for token in TOKENS if re.fullmatch(r"[a-z_]+", token)} | {"ge", "le", "step", "unit", "kind"})
scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
           | st.sampled_from(["11-16", "02-30", "²-16", "١١-١٦", "２０２６-２０２７", "2026-2027", "每学期", "春节", "导入"])
           | st.dates())
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=4), max_leaves=12)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@SETTINGS
@given(data=st.data(), rel=st.sampled_from(sorted(rel for rel, model in SOURCES.items() if model is not None)))
def test_any_value_in_any_place(data: st.DataObject, rel: str) -> None:
    """One value of a valid file replaced by anything YAML can hold: the models' own validators see it."""
    document = yaml.safe_load(TEXTS[rel])
    path = data.draw(st.sampled_from(_paths(document)[1:]))
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = data.draw(values)
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    parse_text(text, SOURCES[rel])  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "p"
    shutil.copytree(MINI, root)
    return root


@settings(max_examples=max(EXAMPLES // 2, 1), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rel=st.sampled_from(sorted(SOURCES)))
def test_whole_corpus_with_one_edited_file(project: Path, data: st.DataObject, rel: str) -> None:
    """Cross-checks (references, courses, school profiles) see every kind of half-valid document too."""
    text = data.draw(edited(TEXTS[rel]))
    path = project / rel
    try:
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            corpus = load_corpus(project)
        except GongyuError as exc:
            assert_clean(exc)
        else:
            assert isinstance(corpus, Corpus)
    finally:
        path.write_text(TEXTS[rel], encoding="utf-8")


def test_the_fixture_itself_loads() -> None:
    for rel, model in SOURCES.items():
        path = MINI / rel
        assert (load_markdown(path) if model is None else load_yaml(path, model)) is not None, rel
