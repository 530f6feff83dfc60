"""The site's own search: a Chinese-aware index built here, and a small script of ours that reads it.

The MkDocs plugin calls three things: ``SiteSearch(corpus)`` once per build, ``add_page`` for every
rendered page (it counts the page's words and adds one ``<script defer>`` to the page) and ``write``
after the build (the index shards and the script go to ``search/`` and ``assets/gongyu/``); ``gongyu
serve`` (``SiteSearch(corpus, keep_pages=True)``) keeps every page's text, for the next rebuild to
reuse, and calls ``write_later`` instead, which leaves the index to a worker process (``background.py``).
Nothing is downloaded for search until a reader opens the search box.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import GongyuError
from .analyze import _jieba
from .background import IndexWorker
from .build import IndexBuilder, IndexedPage, build_index
from .extract import page_sections
from .meta import PageMeta, corpus_meta, topic_pages
from .store import write_index

ASSETS = Path(__file__).parent / "assets"
SCRIPT_URI = "assets/gongyu/search.js"

__all__ = ["SCRIPT_URI", "IndexWorker", "SiteSearch", "script_text"]


def script_text() -> str:
    """The one script every page loads: the analyzer, the search code and its stylesheet, inside one
    function (one small request per page; only ``window.gongyuSearch`` is global)."""
    css = (ASSETS / "search.css").read_text(encoding="utf-8")
    code = "".join((ASSETS / name).read_text(encoding="utf-8") for name in ("analyzer.js", "search.js"))
    code = code.replace('"__GONGYU_SEARCH_CSS__"', json.dumps(css, ensure_ascii=False), 1)
    return '(function () {\n"use strict";\n' + code + "})();\n"


class SiteSearch:
    """Collects the pages of one build and writes their index.

    ``keep_pages``: every page's sections stay in :attr:`pages` (``gongyu serve``: a rebuild reuses
    those of the pages it did not render, and the index is built from them by a worker process).
    Otherwise (``gongyu build``) each page's words are counted as it comes (:class:`.build.IndexBuilder`)
    and its text is dropped: a large site's text and term tables are never all in memory at once.
    """

    def __init__(self, corpus: Any = None, *, keep_pages: bool = True) -> None:
        try:
            _jieba()
        except RuntimeError as exc:
            raise GongyuError(str(exc)) from None
        self.meta = corpus_meta(corpus) if corpus is not None else {}
        self.topic_names = topic_pages(corpus) if corpus is not None else {}
        self.pages: dict[str, IndexedPage] = {}
        self.topics: dict[str, str] = {}
        self._counted = None if keep_pages else IndexBuilder(remember=False)

    @property
    def keeps_pages(self) -> bool:
        return self._counted is None

    def add_page(self, html: str, *, src_uri: str, url: str, page_meta: Mapping[str, Any]) -> str:
        """Record a rendered page and return its HTML with the search script added."""
        if src_uri in self.topic_names:
            self.topics[self.topic_names[src_uri]] = url
        search = page_meta.get("search")
        if not (isinstance(search, dict) and search.get("exclude")):
            title, sections = page_sections(html)
            meta = self.meta.get(src_uri) or PageMeta(summary=str(page_meta.get("description") or ""))
            if title:
                self.index(IndexedPage(url=url, title=title, meta=meta, sections=sections))
        folder = url if url.endswith("/") else posixpath.dirname(url)
        base = "/".join(".." for part in folder.split("/") if part) or "."
        tag = f'<script src="{posixpath.join(base, SCRIPT_URI)}" defer></script>'
        return html.replace("</head>", tag + "</head>", 1) if "</head>" in html else html

    def index(self, page: IndexedPage) -> None:
        """Index ``page`` (in place of an earlier page of the same address)."""
        if self._counted is None:
            self.pages[page.url] = page
        else:
            self._counted.add(page)

    def index_input(self) -> tuple[list[IndexedPage], list[list[str]]]:
        """The pages and [name, address] of the topic pages that :func:`build_index` indexes."""
        if self._counted is not None:
            raise RuntimeError("SiteSearch(keep_pages=False) keeps no pages")
        return list(self.pages.values()), self._topic_list()

    def _topic_list(self) -> list[list[str]]:
        return [[name, url] for name, url in sorted(self.topics.items())]

    def write(self, site_dir: Path) -> None:
        """Write the index and the script (``gongyu build``: the site is complete when this returns)."""
        if self._counted is None:
            indexed = len(self.pages)
            write_index(site_dir, build_index(*self.index_input()))
        else:
            indexed = len(self._counted)
            write_index(site_dir, self._counted.files(self._topic_list()))
        if indexed and not (site_dir / "search" / "m.js").is_file():
            raise GongyuError("网站搜索的索引没有生成（缺少 search/m.js），搜索将无法使用；"
                              "请加上 --debug 重新运行，并把输出发给维护人员")
        self.write_script(site_dir)

    def write_later(self, site_dir: Path, worker: IndexWorker) -> None:
        """Write the script now and have ``worker`` build and write the index (``gongyu serve``)."""
        self.write_script(site_dir)
        worker.submit(site_dir, *self.index_input())

    @staticmethod
    def write_script(site_dir: Path) -> None:
        target, text = site_dir / SCRIPT_URI, script_text()
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            return  # gongyu serve: each save would write it again
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
