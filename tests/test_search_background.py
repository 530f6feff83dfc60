"""The search index off the critical path of ``gongyu serve``.

A serve rebuild hands its pages to a worker process and returns; the index appears afterwards and
is what a full build writes. ``gongyu build`` still writes it before it returns.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.search import background
from generator.search.build import IndexedPage, build_index

from .conftest import copy_mini_project
from .helpers import ServeHarness, search_pages


class _ByHand(concurrent.futures.Executor):
    """An executor that runs its jobs in this process, when the test says so."""

    def __init__(self) -> None:
        self.jobs: list[tuple[concurrent.futures.Future[Any], Callable[..., Any], tuple[Any, ...]]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self.jobs.append((future, fn, args))
        return future

    def run(self) -> None:
        jobs, self.jobs = self.jobs, []
        for future, fn, args in jobs:
            future.set_running_or_notify_cancel()
            try:
                future.set_result(fn(*args))
            except Exception as exc:  # noqa: BLE001 - handed to the future, as a process pool does
                future.set_exception(exc)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.jobs = []


def _search_files(site: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((site / "search").glob("*"))}


def _full_build(root: Path, site: Path) -> dict[str, str]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(root / "mkdocs.yml"), site_dir=str(site)))
    return _search_files(site)


def test_a_serve_rebuild_returns_before_the_index_is_written(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = copy_mini_project(tmp_path / "p")
    full = _full_build(root, tmp_path / "full")  # before serve: one plugin instance serves the whole process
    serve = ServeHarness(root, tmp_path / "served")
    by_hand = _ByHand()
    serve.plugin.indexer._new_pool = lambda: by_hand  # the worker runs when the test says
    article = root / "content/parents/demo-article.md"
    try:
        serve.rebuild()
        assert (serve.site / "index.html").is_file() and (serve.site / "assets/gongyu/search.js").is_file()
        assert not (serve.site / "search").exists() and len(by_hand.jobs) == 1
        by_hand.run()
        assert serve.plugin.indexer.wait() is True
        first = _search_files(serve.site)
        article.write_text(article.read_text(encoding="utf-8") + "\n\n编辑时加上的一句：鹦鹉螺。\n", encoding="utf-8")
        serve.rebuild()
        assert "鹦鹉螺" in (serve.site / "parents/demo-article/index.html").read_text(encoding="utf-8")
        assert _search_files(serve.site) == first  # the page is there, the index not yet
        by_hand.run()
        edited = _search_files(serve.site)
        # a failing job is reported in Chinese and the preview goes on
        original = background.build_index
        background.build_index = lambda pages, topics: 1 / 0  # type: ignore[assignment,misc]
        try:
            serve.rebuild()
            by_hand.run()
        finally:
            background.build_index = original
        assert any("网站搜索的索引没有更新" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
        assert _search_files(serve.site) == edited
    finally:
        serve.close()
    assert serve.plugin.indexer is None and serve.plugin.options is None
    assert first == full and edited != first
    assert edited == _full_build(root, tmp_path / "full-edited")


class _Latest:
    def __init__(self, value: int) -> None:
        self.value = value


def test_a_superseded_job_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages, topics = search_pages()[:6], []
    latest = _Latest(2)
    monkeypatch.setattr(background, "_latest", latest)
    assert background.index_job(str(tmp_path), pages, topics, 1) is False  # a newer job came in before it started
    assert not (tmp_path / "search").exists()

    def overtaken(pages: list[IndexedPage], topics: list[list[str]]) -> dict[str, str]:
        latest.value = 3  # a save while this job builds
        return build_index(pages, topics)

    monkeypatch.setattr(background, "build_index", overtaken)
    assert background.index_job(str(tmp_path), pages, topics, 2) is False
    assert not (tmp_path / "search").exists()
    monkeypatch.setattr(background, "build_index", build_index)
    assert background.index_job(str(tmp_path), pages, topics, 3) is True
    assert (tmp_path / "search" / "m.js").is_file()


def test_the_worker_process_writes_the_index_and_ends_with_serve(tmp_path: Path) -> None:
    root = copy_mini_project(tmp_path / "p")
    before = set(multiprocessing.active_children())
    serve = ServeHarness(root, tmp_path / "served")
    try:
        serve.rebuild()
        assert serve.plugin.indexer.wait(timeout=600) is True
        served = _search_files(serve.site)
        assert len(set(multiprocessing.active_children()) - before) == 1  # one worker, kept for the next save
        serve.rebuild()  # a save, and serve ends while its index is being built
    finally:
        serve.close()
    assert set(multiprocessing.active_children()) - before == set()
    assert served == _full_build(root, tmp_path / "full")


def test_gongyu_build_writes_the_index_before_it_returns(tmp_path: Path) -> None:
    """And leaves nothing behind in the plugin, which MkDocs keeps for the whole process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.mkdocs_plugin.build import build_site

    edited, plain = copy_mini_project(tmp_path / "edited"), copy_mini_project(tmp_path / "plain")
    article = edited / "content/parents/demo-article.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n\n编辑时加上的一句：鹦鹉螺。\n", encoding="utf-8")
    serve = ServeHarness(edited, tmp_path / "served")  # a serve earlier in the same process changes nothing
    serve.close()
    result = build_site(edited, site_dir=tmp_path / "site", pdf=False)
    assert (result.site_dir / "search" / "m.js").is_file()
    # a build of another project after it: its own corpus, not the one `gongyu build` handed over
    build(load_config(str(plain / "mkdocs.yml"), site_dir=str(tmp_path / "plain-site")))
    assert "鹦鹉螺" not in (tmp_path / "plain-site/parents/demo-article/index.html").read_text(encoding="utf-8")
    assert (tmp_path / "plain-site/search/m.js").is_file()


def test_a_one_off_build_counts_each_page_as_it_comes_and_keeps_no_text(tmp_path: Path) -> None:
    """The peak of a large build's memory was every page's text and term tables, alive together while
    the index was made. ``gongyu build`` and ``mkdocs build`` (``on_startup(command="build")``) count
    each page as it is rendered, in MkDocs's order; other builds (serve, dirty builds) keep the pages
    for the next rebuild to reuse. The index is the same, byte for byte."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = copy_mini_project(tmp_path / "p")
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "one-off"))
    config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` and `gongyu build` do
    try:
        build(config)
        search = config.plugins["gongyu"].search
    finally:
        config.plugins.on_shutdown()
    assert search is not None and not search.keeps_pages and search.pages == {}
    counted = len(search._counted)
    assert counted > 3
    kept = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "kept"))
    build(kept, dirty=True)
    assert kept.plugins["gongyu"].search.keeps_pages and len(kept.plugins["gongyu"].search.pages) == counted
    assert _search_files(tmp_path / "one-off") == _search_files(tmp_path / "kept")


class _Failing(concurrent.futures.Executor):
    def __init__(self, error: Exception) -> None:
        self.error = error

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        raise self.error


def test_a_dead_worker_is_replaced_and_one_that_cannot_start_is_done_here(tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    pages = search_pages()[:4]
    worker = background.IndexWorker()
    by_hand = _ByHand()
    pools = iter([_Failing(concurrent.futures.BrokenExecutor()), by_hand, _Failing(OSError("no processes"))])
    worker._new_pool = lambda: next(pools)  # type: ignore[method-assign]
    try:
        future = worker.submit(tmp_path, pages, [])  # the pool is broken: a new one takes the job
        assert len(by_hand.jobs) == 1 and not future.done()
        by_hand.run()
        assert future.result() is True and (tmp_path / "search" / "m.js").is_file()
        worker._pool = None
        (tmp_path / "search" / "m.js").unlink()
        assert worker.submit(tmp_path, pages, []).result() is True  # no process at all: written here and now
        assert (tmp_path / "search" / "m.js").is_file()
        assert any("无法启动网站搜索的后台进程" in r.getMessage() for r in caplog.records)
    finally:
        worker.close()
