"""What ``gongyu serve`` rebuilds after a save: only the pages whose Markdown changed.

``gongyu serve`` runs MkDocs's dirty build (``mkdocs serve --dirty``), which renders a page only
when its file says :meth:`~mkdocs.structure.files.File.is_modified`; a generated page always says
so. Here every generated page remembers the hash of its Markdown from the previous build in this
process and reports itself unchanged when the hash is the same (and its HTML is still on disk).
Our generated Markdown already holds what a page shows of other pages (related links, lists,
downloads), so a page whose Markdown did not change would render the same HTML — except for the
navigation and previous/next links, which depend on the set of pages and their titles: when
that layout changes, every page is rebuilt.

The search index is written whole after every build; the pages not rebuilt keep the sections
they had (remembered from the previous build), so the index never loses them. A plain build
(``gongyu build``, not dirty) renders every page whatever this module says.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jinja2.bccache import Bucket, BytecodeCache

from ..base.memo import LatestMemo

if TYPE_CHECKING:
    from mkdocs.structure.files import File

    from ..render.pages.incremental import PageSet
    from ..search import SiteSearch

_HEADING = re.compile(r"^#\s+(.+)$", re.M)
#: Where Material's tags plugin puts a tag index (such a page is rendered every build).
LISTING = "<!-- material/tags"


@dataclass
class _Build:
    """What the previous build of one ``mkdocs.yml`` in this process made."""

    layout: str = ""
    digests: dict[str, str] = field(default_factory=dict)
    pages: dict[str, Any] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)
    #: The generated Markdown and what it was made from (the next build remakes only what an edit changed).
    made: PageSet | None = None
    #: Hashes of the other files generated from text (redirect pages, timeline pictures), by URI.
    statics: dict[str, str] = field(default_factory=dict)


#: The previous build, by config file: only the latest is kept (a process serves one site).
_previous: dict[str, _Build] = {}
#: The build under way, until its search index is written.
_pending: dict[str, _Build] = {}


class _DirtyNotice(logging.Filter):
    """Drops MkDocs's warning that a dirty build is being made: we know, and it fails a strict build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "A 'dirty' build is being performed" not in record.getMessage()


def allow_dirty_in_strict_mode() -> None:
    """Let ``gongyu serve``'s dirty builds run with the project's ``strict: true`` (idempotent)."""
    logger = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(f, _DirtyNotice) for f in logger.filters):
        logger.addFilter(_DirtyNotice())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def layout_of(pages: dict[str, str]) -> str:
    """The pages and their titles: what every page's navigation shows."""
    rows = []
    for uri in sorted(pages):
        heading = _HEADING.search(pages[uri])
        rows.append(f"{uri}\0{heading.group(1).strip() if heading else ''}")
    return _digest("\n".join(rows))


def _unchanged(file: File) -> bool:
    """Report "not modified" while the page's HTML from the previous build is still there."""
    return not os.path.isfile(file.abs_dest_path)


def previous_pages(key: str) -> PageSet | None:
    """The generated pages of the previous complete build of ``key`` in this process (None: there was none)."""
    previous = _previous.get(key)
    return previous.made if previous is not None else None


def _digests(pages: dict[str, str], previous: _Build | None) -> dict[str, str]:
    """Each page's hash; a page whose text is the very string of the previous build keeps its hash."""
    known = previous.made.pages if previous is not None and previous.made is not None else {}
    old = previous.digests if previous is not None else {}
    return {uri: old[uri] if known.get(uri) is text and uri in old else _digest(text) for uri, text in pages.items()}


def mark_unchanged(key: str, files: list[File], pages: dict[str, str], made: PageSet | None = None) -> int:
    """Mark the generated page ``files`` whose Markdown is what the previous build had; return how many."""
    previous = _previous.get(key)
    layout = layout_of(pages)
    digests = _digests(pages, previous)
    _pending.clear()  # what this build makes: the previous one only once it has finished (complete_index)
    _pending[key] = _Build(layout=layout, digests=digests, made=made)
    if previous is None or previous.layout != layout:
        return 0
    # a tag index lists every page's tags: rendered every build
    return _mark([f for f in files if LISTING not in pages.get(f.src_uri, "")], digests, previous.digests)


def _mark(files: list[File], digests: dict[str, str], before: dict[str, str]) -> int:
    """Report each of ``files`` whose hash is the one ``before`` holds as not modified; return how many."""
    marked = 0
    for file in files:
        digest = digests.get(file.src_uri)
        if digest is not None and before.get(file.src_uri) == digest:
            file.is_modified = functools.partial(_unchanged, file)  # type: ignore[method-assign]
            marked += 1
    return marked


def mark_unchanged_statics(key: str, files: list[File], contents: dict[str, str]) -> int:
    """Mark the generated non-page ``files`` whose text is what the previous build wrote (a dirty build
    then leaves them as they are); the pending build of :func:`mark_unchanged` records their hashes."""
    previous = _previous.get(key)
    digests = {uri: _digest(text) for uri, text in contents.items()}
    pending = _pending.get(key)
    if pending is not None:
        pending.statics = digests
    return _mark(files, digests, previous.statics) if previous is not None else 0


def complete_index(key: str, search: SiteSearch, page_urls: set[str], rendered: set[str]) -> None:
    """Give ``search`` the pages of this site not rendered in this build, as the previous build indexed
    them; this build, now complete, becomes the previous one (a failed build never does).

    A build whose ``search`` kept no pages (``gongyu build`` counts each page's words as it comes)
    leaves no previous build: a dirty build after it in this process renders every page.
    """
    previous = _previous.get(key)
    if previous is not None:
        for url, page in previous.pages.items():
            if url in page_urls and url not in rendered:
                search.index(page)
        for name, url in previous.topics.items():
            if url in page_urls and url not in rendered:
                search.topics.setdefault(name, url)
    current = _pending.pop(key, None)
    if not search.keeps_pages:
        _previous.clear()
        return
    if current is None:
        return
    current.pages = {url: page for url, page in search.pages.items() if url in page_urls}
    current.topics = dict(search.topics)
    _previous.clear()
    _previous[key] = current


def record_quick(key: str, made: PageSet, changed: list[str], search: SiteSearch) -> None:
    """A quick rebuild (quick.py) rendered ``changed`` of ``made``'s pages: the previous build now holds
    their Markdown, hashes and search sections, so the next dirty build compares with what is on disk."""
    previous = _previous.get(key)
    if previous is None:
        return
    previous.made = made
    for uri in changed:
        previous.digests[uri] = _digest(made.pages[uri])
    previous.pages = dict(search.pages)  # every page of the site: the quick rebuild changed no page's URL
    previous.topics = dict(search.topics)


def render_listings_always(files: list[File]) -> None:
    """Pages of ``docs/`` that list tags (Material's ``<!-- material/tags -->``) are rendered every build."""
    for file in files:
        if file.generated_by or not file.src_uri.endswith(".md") or not file.abs_src_path:
            continue
        try:
            text = open(file.abs_src_path, encoding="utf-8").read()  # noqa: SIM115 - a few small files
        except OSError:
            continue
        if LISTING in text:
            file.is_modified = lambda: True  # type: ignore[method-assign]


def show_tags_of_unrendered_pages(config: Any, files: Any) -> None:
    """Material's tags plugin collects tags from the pages it sees; give it those a dirty build skipped.

    Without this, the tag index and every rendered page's tag links would know only the pages
    rendered in this build. Reading a page's source (front matter included) is cheap; rendering
    it is what a dirty build saves.
    """
    tags = next((plugin for plugin in config.plugins.values()
                 if type(plugin).__module__.startswith("material.plugins.tags")), None)
    if tags is None:
        return
    order = []
    for file in files.documentation_pages():
        page = file.page
        if page is None:
            continue
        order.append(page.url)
        if page.markdown is None:  # not read: a dirty build skipped it
            _read_source(page, config)
            tags.on_page_markdown(page.markdown, page=page, config=config, files=files)
    data = getattr(tags.mappings, "data", None)
    if isinstance(data, dict):  # in page order, as a full build adds them (tags.json is written in this order)
        tags.mappings.data = {url: data[url] for url in order if url in data} | data


#: Each page's Markdown and front matter as last read by :func:`_read_source`, by URI, kept while its source text is the same.
_SOURCES: LatestMemo[tuple[str, dict[str, Any]]] = LatestMemo()


def _read_source(page: Any, config: Any) -> None:
    """``page.read_source``, reusing the front matter read last time when the source text is the same
    (a dirty build reads every page it skips; parsing their YAML again is most of the cost)."""
    if config.plugins.events.get("page_read_source"):  # another plugin supplies sources: let MkDocs ask it
        page.read_source(config)
        return

    def read() -> tuple[str, dict[str, Any]]:
        page.read_source(config)
        return page.markdown, copy.deepcopy(page.meta)

    markdown, meta = _SOURCES.get(page.file.src_uri, (page.file.content_string,), read)
    page.markdown, page.meta = markdown, copy.deepcopy(meta)


class _CompiledTemplates(BytecodeCache):
    """Theme templates compiled once per process: MkDocs makes a new Jinja environment for every
    rebuild of ``gongyu serve``, which compiled Material's templates again on every save. Jinja keys
    each entry by the template's name and the checksum of its source, so an edited template is compiled anew."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_compiled = _CompiledTemplates()


def reuse_compiled_templates(env: Any) -> None:
    """Give ``env`` (a Jinja environment of a build) the templates compiled by earlier builds in this process."""
    if getattr(env, "bytecode_cache", None) is None:
        env.bytecode_cache = _compiled
