"""School packs for the service: built by the pack pipeline in worker processes, cached by profile hash.

A pack is the zip ``school build --zip`` would write, made from the rendered files in memory
(:func:`generator.packs.pack_files` and :func:`generator.packs.zip_files`) in a
:class:`~concurrent.futures.ProcessPoolExecutor` whose workers hold the plan templates. The zip is
kept in ``<data>/packs/<hash>.zip``, the hash covering the profile, the draft flag and the plan
templates, so a school that saves nothing new downloads the same bytes again without any work.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GongyuError, Problem
from ..write.atomic import write_bytes

if TYPE_CHECKING:
    from ..load.corpus import Corpus


def corpus_digest(corpus: Corpus) -> str:
    """A digest of the plan templates and forms the packs are made from (a new gongyu, a new cache)."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256()
    with contextlib.suppress(PackageNotFoundError):
        digest.update(version("gongyu").encode())
    for item_id in sorted(corpus.sources):
        doc = corpus.sources[item_id]
        digest.update(item_id.encode() + b"\0" + (doc.text or json.dumps(doc.data, default=str, sort_keys=True)).encode())
    digest.update(repr(corpus.schedule).encode())
    return digest.hexdigest()[:16]


def pack_key(profile: dict[str, Any], draft: bool, digest: str) -> str:
    """The cache key of a school's pack."""
    text = json.dumps({"profile": profile, "draft": draft, "templates": digest}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _build_zip(profile: dict[str, Any], draft: bool) -> tuple[str, Any]:
    """Run in a worker: the pack's zip bytes, or its problems (never raises for the user's data)."""
    from ..models.school import School
    from ..packs import zip_files
    from ..packs.batch import _WORKER_CORPUS
    from ..pipeline import render_pack, resolve_school
    from .fields import saved_doc

    corpus = _WORKER_CORPUS
    assert corpus is not None
    try:
        school = School.model_validate(profile)
        resolved = resolve_school(corpus, school, doc=saved_doc(profile), draft=draft)
        content = render_pack(resolved, corpus)
        return "ok", zip_files(content.files, school.id)
    except GongyuError as exc:
        return "fail", tuple(exc.problems)
    except Exception as exc:  # noqa: BLE001 - one school's bug must not take the service down
        return "fail", (Problem("_general", 0, 0, f"内部错误：{type(exc).__name__}: {exc}", "请把这条信息告诉县里的管理员"),)


def _init_web_worker(corpus: Corpus, font_dirs: tuple[Path, ...], server_pid: int) -> None:
    """A worker of the service: the batch worker's set-up, and an exit of its own when the server is gone.

    A server ended with ``kill -9`` (or by a power cut of the terminal) cannot shut its pool down;
    without this its workers would wait for work forever.
    """
    import os
    import time

    from ..packs.batch import _init_worker

    _init_worker(corpus, font_dirs)

    def server_alive() -> bool:
        if os.name == "nt":
            # os.kill(pid, 0) would end the process on Windows; there workers are spawned by the server itself
            import multiprocessing

            parent = multiprocessing.parent_process()
            return parent is None or parent.is_alive()
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # a new process under another user took the number: ours is gone
            return False
        return True

    def watch() -> None:
        while True:
            time.sleep(1)
            if not server_alive():
                os._exit(0)

    threading.Thread(target=watch, name="server-watch", daemon=True).start()


class PackService:
    """Builds and caches packs; the same pack asked for twice at once is built once."""

    def __init__(self, corpus: Corpus, cache_dir: Path, workers: int = 2) -> None:
        import os

        from ..base.fonts import user_font_dirs
        from ..packs.batch import _mp_context, _slim

        # absolute: packs are named by safe_child (resolved) and pruned by glob, which must agree
        self.cache_dir = cache_dir.resolve()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.digest = corpus_digest(corpus)
        self._lock = threading.Lock()
        self._running: dict[str, concurrent.futures.Future[tuple[str, Any]]] = {}
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=max(1, workers), mp_context=_mp_context(), initializer=_init_web_worker,
            initargs=(_slim(corpus), user_font_dirs(), os.getpid()))

    def path(self, key: str, school_id: str) -> Path:
        """``<school-id>--<hash>.zip``: the school's name in it lets older packs of the school be removed."""
        from ..write.atomic import safe_child

        return safe_child(self.cache_dir, f"{school_id}--{key[:40]}.zip")

    def ready(self, profile: dict[str, Any], draft: bool) -> bool:
        return self.path(pack_key(profile, draft, self.digest), str(profile.get("id"))).is_file()

    def _prune(self, keep: Path, school_id: str) -> None:
        """Remove the school's older packs (a profile saved again makes them stale)."""
        for old in self.cache_dir.glob(f"{school_id}--*.zip"):
            if old.resolve() != keep.resolve():
                with contextlib.suppress(OSError):  # being sent right now (Windows): the next build removes it
                    old.unlink()

    def start(self, profile: dict[str, Any], draft: bool) -> concurrent.futures.Future[tuple[str, Any]]:
        """Begin building (or find the build already under way); the future gives ("ok", path) or ("fail", problems)."""
        key = pack_key(profile, draft, self.digest)
        school_id = str(profile.get("id"))
        target = self.path(key, school_id)
        with self._lock:
            running = self._running.get(key)
            if running is not None:
                return running
            done: concurrent.futures.Future[tuple[str, Any]] = concurrent.futures.Future()
            if target.is_file():
                done.set_result(("ok", target))
                return done
            self._running[key] = done
        inner = self._pool.submit(_build_zip, profile, draft)

        def finish(future: concurrent.futures.Future[tuple[str, Any]]) -> None:
            try:
                status, value = future.result()
                if status == "ok":
                    write_bytes(target, value)
                    self._prune(target, school_id)
                    value = target
                done.set_result((status, value))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
                done.set_exception(exc)
            finally:
                with self._lock:
                    self._running.pop(key, None)

        inner.add_done_callback(finish)
        return done

    def get(self, profile: dict[str, Any], draft: bool, timeout: float = 120) -> tuple[str, Any]:
        """The pack's cached path (building it first when needed), or its problems."""
        return self.start(profile, draft).result(timeout=timeout)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
