"""After an edit, ``build_pages`` remakes only the pages the edit can change, and the result is always
what a full remake gives (render/pages/incremental.py).

Every body field of every kind of item in the real corpus is changed in turn: if some page shows
another item's body field, the pages differ from a full remake and the test names the field.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from generator.load.corpus import Corpus
from generator.models.download import Download
from generator.pipeline import load_corpus
from generator.render.pages.incremental import BODY_FIELDS, PageSet, build_pages

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def real() -> Corpus:
    return load_corpus(REPO, schools=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("downloads")
    made = {}
    for name, size in (("small", 1000), ("large", 250_000)):
        made[name] = folder / f"{name}.pdf"
        made[name].write_bytes(b"%" * size)
    return made


def _downloads(corpus: Corpus, files: dict[str, Path], size: str = "small", owner: str = "") -> list[Download]:
    """A handout for every lesson, a PDF for every plan and form; ``owner``'s file has ``size``."""
    made = []
    for table, kind in (("lessons", "handout"), ("plans", "plan-pdf"), ("forms", "form")):
        for item_id in sorted(getattr(corpus, table)):
            path = files[size if item_id == owner else "small"]
            made.append(Download(item_id, f"print/{table}/{item_id}.pdf", "下载", kind, path))
    return made


def _with(corpus: Corpus, table: str, item: Any) -> Corpus:
    """A copy of ``corpus`` with ``item`` in place of the item of the same id."""
    items = dict(getattr(corpus, table))
    item_id = item.meta.id if table == "articles" else item.id
    items[item_id] = item
    return dataclasses.replace(corpus, **{table: items})


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every string and int inside a dumped value."""
    if isinstance(value, bool):
        return
    if isinstance(value, (str, int)):
        yield path
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from _leaves(value[key], (*path, key))
    elif isinstance(value, (list, tuple)):
        for index, entry in enumerate(value):
            yield from _leaves(entry, (*path, index))


def _changed(item: Any, name: str) -> Any | None:
    """``item`` with every string (and number) inside its field ``name`` changed that can be while it stays
    valid (one by one, keeping each change that validates); None if none can be."""
    dumped = item.model_dump()
    edited = None
    for path in _leaves(dumped[name], (name,)):
        data = copy.deepcopy(dumped)
        holder = data
        for key in path[:-1]:
            holder = holder[key]
        old = holder[path[-1]]
        holder[path[-1]] = old + 1 if isinstance(old, int) else old + "（改过）"
        try:
            edited = type(item).model_validate(data)
        except ValidationError:
            continue
        dumped = data
    return edited


def _full(corpus: Corpus, downloads: list[Download]) -> dict[str, str]:
    return dict(build_pages(corpus, downloads, ()).pages)


def _first(real: Corpus, files: dict[str, Path]) -> PageSet:
    return build_pages(real, _downloads(real, files), ())


def test_nothing_changed_remakes_nothing(real: Corpus, files: dict[str, Path]) -> None:
    first = _first(real, files)
    again = build_pages(real, _downloads(real, files), (), previous=first)
    assert again.remade == frozenset()
    assert dict(again.pages) == dict(first.pages)
    assert len(first.remade) == len(first.pages) > 200


@pytest.mark.parametrize("table", sorted(BODY_FIELDS))
def test_a_body_edit_remakes_only_its_page_and_equals_a_full_remake(real: Corpus, files: dict[str, Path],
                                                                   table: str) -> None:
    first = _first(real, files)
    downloads = _downloads(real, files)
    tried = set()
    for name in sorted(BODY_FIELDS[table]):
        for _item_id, item in sorted(getattr(real, table).items()):
            edited = _changed(item, name)
            if edited is None:
                continue
            corpus = _with(real, table, edited)
            again = build_pages(corpus, downloads, (), previous=first)
            assert dict(again.pages) == _full(corpus, downloads), f"{table}.{name} is shown on another page"
            assert len(again.remade) == 1, f"{table}.{name}: {sorted(again.remade)[:5]}"
            tried.add(name)
            break
    assert tried == BODY_FIELDS[table]


def test_a_changed_title_remakes_every_page(real: Corpus, files: dict[str, Path]) -> None:
    first = _first(real, files)
    lesson = sorted(real.lessons.values(), key=lambda item: item.id)[0]
    corpus = _with(real, "lessons", lesson.model_copy(update={"title": lesson.title + "（新）"}))
    downloads = _downloads(real, files)
    again = build_pages(corpus, downloads, (), previous=first)
    assert again.remade == frozenset(again.pages)
    assert dict(again.pages) == _full(corpus, downloads)


def test_downloads_remake_their_page_only_where_no_other_page_offers_them(real: Corpus, files: dict[str, Path]) -> None:
    first = _first(real, files)
    lesson, form = sorted(real.lessons)[0], sorted(real.forms)[0]
    bigger = _downloads(real, files, "large", owner=lesson)
    again = build_pages(real, bigger, (), previous=first)
    assert len(again.remade) == 1
    assert dict(again.pages) == _full(real, bigger)
    # a form's printable is offered on the pages of the plans that use it too
    bigger = _downloads(real, files, "large", owner=form)
    again = build_pages(real, bigger, (), previous=first)
    assert again.remade == frozenset(again.pages)
    assert dict(again.pages) == _full(real, bigger)


def test_an_added_item_remakes_every_page(real: Corpus, files: dict[str, Path]) -> None:
    first = _first(real, files)
    article = sorted(real.articles.values(), key=lambda item: item.meta.id)[0]
    twin = article.model_copy(update={"meta": article.meta.model_copy(update={"id": article.meta.id + "-copy"})})
    path = real.files[article.meta.id]
    corpus = dataclasses.replace(real, articles={**real.articles, twin.meta.id: twin},
                                 files={**real.files, twin.meta.id: path.with_name(twin.meta.id + ".md")})
    downloads = _downloads(real, files)
    again = build_pages(corpus, downloads, (), previous=first)
    assert again.remade == frozenset(again.pages)
    assert dict(again.pages) == _full(corpus, downloads)
