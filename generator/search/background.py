"""The search index of ``gongyu serve``, built and written by one worker process after each rebuild.

Cutting and weighing every page's words takes seconds on a large site; a preview should show the
saved page at once. So a serve rebuild hands its pages to :class:`IndexWorker` and returns; the
worker (one process, started with ``spawn`` and kept for the whole session, so the term counts
it has cached survive from one save to the next) builds the index and writes it.

- The latest save wins: every job carries a number, and a job that is no longer the newest when
  it would start or write does nothing (jobs run one after another, so a newer index is never
  overwritten by an older one).
- Each file is written through a temporary name and ``m.js`` last (:func:`.build.write_index`).
- Failures are logged in Chinese and never stop the preview; a worker that died is replaced at
  the next save. :meth:`IndexWorker.close` ends the worker at once, also in the middle of a job.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import signal
import threading
from pathlib import Path
from typing import Any

from .build import IndexedPage, build_index
from .store import write_index

log = logging.getLogger(__name__)

#: The number of the newest job, shared with the worker; ``CLOSING`` tells the worker to end.
CLOSING = -1
#: In the worker process: the shared number (``None`` when a job runs in the calling process).
_latest: Any = None


def _start_worker(latest: Any) -> None:
    """Set up the worker: remember the shared number, and end the process when it says ``CLOSING``
    or the serving process is gone (then nothing waits for this index any more)."""
    global _latest
    _latest = latest
    # Ctrl+C in the terminal reaches every process of the group: the serving process ends this one
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    stopped = threading.Event()

    def watch() -> None:
        while not stopped.wait(0.1):
            if latest.value == CLOSING or (parent is not None and not parent.is_alive()):
                os._exit(0)

    threading.Thread(target=watch, name="gongyu-index-watch", daemon=True).start()


def _current(number: int) -> bool:
    return _latest is None or _latest.value == number


def index_job(site_dir: str, pages: list[IndexedPage], topics: list[list[str]], number: int) -> bool:
    """Build the index of ``pages`` and write it into ``site_dir/search/``; False when job ``number``
    was superseded before it started or before it wrote (then nothing is written)."""
    if not _current(number):
        return False
    files = build_index(pages, topics)
    if not _current(number) or not Path(site_dir).is_dir():  # the preview ended: its folder is gone
        return False
    write_index(Path(site_dir), files)
    return True


class IndexWorker:
    """One worker process for the index of a serve session; ``submit`` after each rebuild, ``close`` at the end."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._latest = self._context.Value("q", 0)
        self._number = 0
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._future: concurrent.futures.Future[bool] | None = None
        self._lock = threading.Lock()
        self._closing = False

    def _new_pool(self) -> concurrent.futures.ProcessPoolExecutor:
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=self._context, initializer=_start_worker, initargs=(self._latest,))

    def submit(self, site_dir: Path, pages: list[IndexedPage], topics: list[list[str]]) -> concurrent.futures.Future[bool]:
        """Hand the pages of a finished rebuild to the worker; every job submitted before is superseded."""
        with self._lock:
            if self._closing:
                raise RuntimeError("IndexWorker is closed")
            self._number += 1
            self._latest.value = self._number
            future = self._start((str(site_dir), pages, topics, self._number))
            self._future = future
        future.add_done_callback(self._finished)
        return future

    def _start(self, job: tuple[str, list[IndexedPage], list[list[str]], int]) -> concurrent.futures.Future[bool]:
        for _ in range(2):  # a worker that died since the last save is replaced once
            if self._pool is None:
                self._pool = self._new_pool()
            try:
                return self._pool.submit(index_job, *job)
            except concurrent.futures.BrokenExecutor:
                self._pool.shutdown(wait=False)
                self._pool = None
            except OSError:
                break
        log.warning("无法启动网站搜索的后台进程，这一次在前台生成搜索索引（页面会晚一点刷新）")
        future: concurrent.futures.Future[bool] = concurrent.futures.Future()
        try:
            future.set_result(index_job(*job))
        except Exception as exc:  # noqa: BLE001 - reported by _finished, as a worker's failure is
            future.set_exception(exc)
        return future

    def _finished(self, future: concurrent.futures.Future[bool]) -> None:
        if future.cancelled() or self._closing:
            return
        error = future.exception()
        if error is None:
            return
        if isinstance(error, concurrent.futures.BrokenExecutor):
            log.error("网站搜索的后台进程意外退出，这一次的搜索索引没有更新；下次保存文件时会重新启动它")
        else:
            log.error("网站搜索的索引没有更新（%s: %s）。页面预览不受影响；再保存一次文件会重试，"
                      "仍然出错请加上 --debug 重新运行，并把输出发给维护人员", type(error).__name__, error)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the newest job has finished; whether it wrote the index (for tests and tools; the
        job's own error, if any, is raised here too)."""
        future = self._future
        if future is None:
            return False
        try:
            return future.result(timeout)
        except concurrent.futures.BrokenExecutor:
            return False

    def close(self) -> None:
        """End the worker now: a job under way stops (its files are replaced whole or not at all)."""
        with self._lock:
            self._closing = True
            self._latest.value = CLOSING
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
