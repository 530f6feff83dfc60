"""The generated pages again after an edit, remaking only the pages the edit can change.

A page of the site is a pure function of the corpus and the downloads (:class:`PageBuilder`). What
one item shows of *other* items is their face: titles, summaries, stages, topics, durations, ids,
related links. Its body (an article's Markdown, a lesson's agenda and case, a plan's sections, a
form's blocks) is shown on its own page only. So when an edit changes only the bodies of some
items, and the downloads of lessons and plans (which only their own page offers), every other page
is what it was, and only those items' own pages are made again.

Anything else (an item added, removed or renamed, a face changed, the register of documents, a
school's pack, a form's printable that a plan page offers) remakes every page. ``tests/test_pages_incremental.py``
changes every body field of every kind in the real corpus and compares with a full remake, so a
page that starts showing another item's body field fails there until the field leaves :data:`BODY_FIELDS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...load.corpus import Corpus
from ...models.download import Download
from . import PageBuilder

#: Per table of the corpus, the fields shown only on the item's own page.
BODY_FIELDS: dict[str, frozenset[str]] = {
    "articles": frozenset({"body", "body_line"}),
    "courses": frozenset(),
    "lessons": frozenset({"season_note", "preparation", "objectives", "agenda", "key_points", "case", "discussion",
                          "home_practice", "take_home"}),
    "plans": frozenset({"legal_basis", "background", "goals", "targets", "principles", "organisation", "sections",
                        "phases", "events", "duties", "requirements", "outcomes", "safeguards"}),
    "forms": frozenset({"blocks"}),
}
#: Items whose downloads only their own page offers (a plan page also offers its forms' printables).
OWN_DOWNLOADS = ("lessons", "plans")


@dataclass(frozen=True)
class _Inputs:
    """What the pages were made from, kept to compare with the next build's."""

    tables: Mapping[str, Mapping[str, Any]]
    downloads: Mapping[str, tuple[Download, ...]]
    timelines: frozenset[str]
    rest: tuple[Any, ...]


@dataclass(frozen=True)
class PageSet:
    """Every generated page (source URI → Markdown, articles included) and what it was made from.

    ``remade`` lists the pages made by this call (every page after a full make).
    """

    pages: Mapping[str, str]
    article_uris: Mapping[str, str]
    remade: frozenset[str] = frozenset()
    inputs: _Inputs | None = field(default=None, repr=False)


def _inputs(corpus: Corpus, downloads: Iterable[Download], timelines: Iterable[str]) -> _Inputs:
    by_owner: dict[str, list[Download]] = {}
    for item in sorted(downloads):
        by_owner.setdefault(item.owner, []).append(item)
    tables = {name: dict(getattr(corpus, name)) for name in BODY_FIELDS}
    rest = (dict(corpus.lesson_course), corpus.policies, corpus.regulations, corpus.schedule, dict(corpus.schools),
            corpus.templates_only)
    return _Inputs(tables, {owner: tuple(items) for owner, items in by_owner.items()}, frozenset(timelines), rest)


def _face_equal(table: str, old: Any, new: Any) -> bool:
    body = BODY_FIELDS[table]
    return all(getattr(old, name) == getattr(new, name) for name in type(old).model_fields if name not in body)


def changed_items(old: _Inputs, new: _Inputs) -> dict[str, str] | None:
    """Item id → table of the items whose own page alone must be made again; None: make every page."""
    if old.rest != new.rest or old.timelines != new.timelines:
        return None
    changed: dict[str, str] = {}
    for table, items in new.tables.items():
        before = old.tables[table]
        if before.keys() != items.keys():
            return None
        for item_id, item in items.items():
            previous = before[item_id]
            if previous is item or previous == item:
                continue
            if not _face_equal(table, previous, item):
                return None
            changed[item_id] = table
    if old.downloads.keys() != new.downloads.keys():
        return None
    for owner, offered in new.downloads.items():
        if old.downloads[owner] != offered:
            owner_table = next((name for name in OWN_DOWNLOADS if owner in new.tables[name]), None)
            if owner_table is None:
                return None
            changed[owner] = owner_table
    return changed


def _own_page(builder: PageBuilder, table: str, item: Any) -> str:
    if table == "articles":
        return builder.article_markdown(item)
    if table == "courses":
        return builder.course_page(item)
    if table == "lessons":
        return builder.lesson_page(item)
    if table == "plans":
        return builder.plan_page(item)
    return builder.form_page(item)


def build_pages(corpus: Corpus, downloads: Iterable[Download] = (), timelines: Iterable[str] = (),
                previous: PageSet | None = None) -> PageSet:
    """Every generated page; with ``previous`` (the pages of the build before), only those an edit changed."""
    downloads = list(downloads)
    timelines = frozenset(timelines)
    inputs = _inputs(corpus, downloads, timelines)
    builder = PageBuilder(corpus, downloads, timelines)
    article_uris = {article_id: builder.site.uris[article_id] for article_id in sorted(corpus.articles)}
    changed = changed_items(previous.inputs, inputs) if previous is not None and previous.inputs is not None else None
    if previous is None or changed is None:
        pages = builder.pages()
        for article_id, article in sorted(corpus.articles.items()):
            pages[article_uris[article_id]] = builder.article_markdown(article)
        return PageSet(pages, article_uris, frozenset(pages), inputs)
    pages = dict(previous.pages)
    remade = set()
    for item_id, table in sorted(changed.items()):
        uri = builder.site.uris[item_id]
        pages[uri] = _own_page(builder, table, getattr(corpus, table)[item_id])
        remade.add(uri)
    return PageSet(pages, article_uris, frozenset(remade), inputs)
