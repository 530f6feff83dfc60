"""Many schools at once: packs spread over CPU cores; one bad school never stops the others."""

from __future__ import annotations

import concurrent.futures
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GongyuError, Problem

if TYPE_CHECKING:
    from ..load.corpus import Corpus
from .outcome import BatchResult, Outcome
from .pack import build_pack, zip_pack
from .profiles import Failure, Profile, load_profiles


def earlier_packs(out_root: Path, ours: set[str]) -> list[str]:
    """Pack folders in ``out_root`` that earlier runs made, other than the schools ``ours`` of this one."""
    from ..write.outputs import PACK, marker_kind

    if not out_root.is_dir():
        return []
    return sorted(entry.name for entry in out_root.iterdir()
                  if entry.name not in ours and entry.is_dir() and marker_kind(entry) == PACK)


def _is_folder(out_root: Path, school_id: str) -> bool:
    """Whether ``out_root`` holds a pack folder for ``school_id`` (an id as the sheet had it, maybe
    300 characters long or not an id at all: never a path to look up)."""
    from ..models.common import _ID_RE

    if not _ID_RE.match(school_id):
        return False
    try:
        return (out_root / school_id).is_dir()
    except OSError:
        return False


# Worker state: the corpus is sent once per process, not once per school.
_WORKER_CORPUS: Corpus | None = None
_WORKER_THREADS = 1  # documents of one pack rendered at once (see pack.pack_files)


def _slim(corpus: Corpus) -> Corpus:
    """The part of the corpus packs need (plans, forms, their sources), cheap to send to workers."""
    from ..load.corpus import Corpus

    return Corpus(root=corpus.root, plans=dict(corpus.plans), forms=dict(corpus.forms), regulations=corpus.regulations,
                  schedule=corpus.schedule, policies=corpus.policies,
                  sources={k: v for k, v in corpus.sources.items() if k in corpus.plans or k in corpus.forms},
                  kinds={k: v for k, v in corpus.kinds.items() if k in corpus.plans or k in corpus.forms})


def _init_worker(corpus: Corpus, font_dirs: tuple[Path, ...] = (), cache_dir: Path | None = None,
                 threads: int = 1) -> None:
    global _WORKER_CORPUS, _WORKER_THREADS
    from ..base.fonts import use_font_dirs, user_font_dirs
    from .stamp import use_cache

    _WORKER_CORPUS = corpus
    _WORKER_THREADS = threads
    use_cache(cache_dir)  # laid-out blank forms: found there, not laid out again in every worker
    if tuple(font_dirs) != user_font_dirs():
        use_font_dirs(font_dirs)


def _build_one(task: tuple[Profile, str, bool, str | None, bool, bool, bool]) -> tuple[str, str, Any, int, float]:
    """Run in a worker: (status "ok"/"fail", origin, (path, files) or problems, worker pid, worker CPU seconds so far).

    ``files`` are the written files relative to the output root (the pack's, and its zip when asked).
    """
    from ..write.atomic import safe_child, write_bytes
    from ..write.outputs import MARKER, PACK, is_output

    profile, out_root, draft, year, pdf, forms, zipped = task
    assert _WORKER_CORPUS is not None
    try:
        archive = safe_child(Path(out_root), f"{profile.school.id}.zip")
        if zipped and archive.exists() and not is_output(archive.with_suffix(""), PACK):
            raise GongyuError(Problem(str(archive), 0, 0,
                                      f"输出目录中已有文件 {archive.name}，不是共育生成的方案包压缩包，没有覆盖",
                                      "请把它移走，或用 --out 换一个输出目录"))
        path = build_pack(profile.school, _WORKER_CORPUS, Path(out_root), draft=draft, year=year, pdf=pdf,
                          forms=forms, doc=profile.doc, threads=_WORKER_THREADS)
        files = [f"{path.name}/{p.relative_to(path).as_posix()}" for p in sorted(path.rglob("*"))
                 if p.is_file() and p.name != MARKER]
        if zipped:
            write_bytes(archive, zip_pack(path, path.name))
            files.append(f"{path.name}.zip")
        outcome: tuple[str, Any] = ("ok", (str(path), files))
    except GongyuError as exc:
        outcome = ("fail", tuple(exc.problems))
    except Exception as exc:  # noqa: BLE001 - one school's bug must not stop the batch
        outcome = ("fail", (Problem(profile.origin, 0, 0, f"内部错误：{type(exc).__name__}: {exc}",
                                    "请加上 --debug 重新运行，并把输出发给维护人员"),))
    return outcome[0], profile.origin, outcome[1], os.getpid(), time.process_time()


def _cache_dir(corpus: Corpus) -> Path | None:
    """The cache folder for laid-out blank forms (None where none can be made, e.g. a read-only home)."""
    from ..write.cache import default_folder
    from ..write.outputs import claim_cache

    try:
        return claim_cache(default_folder(corpus.root), project=corpus.root)
    except OSError:
        return None


def _mp_context() -> Any:
    """Workers start from a clean process (forkserver, else spawn), never forked from this one:
    the PDF engine may already run threads here, and a forked copy of a thread pool can hang."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["generator.packs", "generator.render.docx.gbt", "generator.render.ics"])
        return context
    return multiprocessing.get_context("spawn")


def _progress(total: int, enabled: bool) -> Any:
    """A progress bar on a terminal; ``None`` elsewhere (a log gets one line per school instead)."""
    isatty = getattr(sys.stderr, "isatty", None)
    if not enabled or not total or isatty is None or not isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="生成方案包", unit="所", file=sys.stderr, dynamic_ncols=True, leave=True)


def build_packs(profiles: Sequence[Profile | Path], corpus: Corpus, out_root: Path, *, draft: bool = False,
                jobs: int | None = None, year: str | None = None, pdf: bool = True, forms: bool = True,
                progress: bool = True, zipped: bool = False, summary: bool = False,
                failures: Sequence[Failure] = (), font_dirs: Sequence[Path] | None = None,
                notices: Sequence[Failure] = ()) -> BatchResult:
    """Build the packs of many schools, spread over ``jobs`` processes (default: every CPU core).

    ``profiles`` may be loaded :class:`Profile` objects or paths (YAML, folders, .xlsx), which are
    read with :func:`load_profiles`; ``failures`` are inputs already found unreadable. A progress
    bar goes to stderr when it is a terminal (nothing otherwise). Schools that fail are listed in
    the result with their problems; the others are still written. ``zipped`` also writes
    ``<school-id>.zip`` beside each pack; ``summary`` writes ``汇总.xlsx`` into ``out_root``.
    ``font_dirs``: the user's font folders (``--fonts``) for the PDFs, default those this process uses.
    ``notices``: what reading the inputs passed over (listed in the summary, not failures).
    """
    from ..write.outputs import check_output_root, output_lock

    out_root = Path(out_root)
    check_output_root(out_root, project=corpus.root)
    # a second batch into the same folder waits: its 汇总.xlsx then covers its own schools and
    # names the packs the first one left there
    with output_lock(out_root):
        return _build_packs(profiles, corpus, out_root, draft=draft, jobs=jobs, year=year, pdf=pdf, forms=forms,
                            progress=progress, zipped=zipped, summary=summary, failures=failures,
                            font_dirs=font_dirs, notices=notices)


def _build_packs(profiles: Sequence[Profile | Path], corpus: Corpus, out_root: Path, *, draft: bool,
                 jobs: int | None, year: str | None, pdf: bool, forms: bool, progress: bool, zipped: bool,
                 summary: bool, failures: Sequence[Failure], font_dirs: Sequence[Path] | None,
                 notices: Sequence[Failure]) -> BatchResult:
    """:func:`build_packs` once the output root's lock is held (long: one step after another, see there)."""
    from ..base.fonts import user_font_dirs

    dirs = tuple(Path(d) for d in font_dirs) if font_dirs is not None else user_font_dirs()
    started = time.perf_counter()
    cache_dir = _cache_dir(corpus) if pdf and forms else None
    out_root = Path(out_root)
    paths = [p for p in profiles if not isinstance(p, Profile)]
    loaded = [p for p in profiles if isinstance(p, Profile)]
    result = BatchResult(out_root=out_root.resolve(), failed=list(failures), notices=list(notices))
    if paths:
        more, failures = load_profiles([Path(p) for p in paths], corpus, result.notices)
        loaded += more
        result.failed += failures
    cores = max(1, jobs or os.cpu_count() or 1)
    jobs = min(cores, max(1, len(loaded)))  # processes; cores left over render a pack's documents at once
    tasks = [(p, str(out_root), draft, year, pdf, forms, zipped) for p in loaded]
    cpu_start = time.process_time()
    names = {p.origin: p.school.name for p in loaded}
    outcomes = _run(tasks, corpus, (dirs, cache_dir, cores // jobs), jobs, progress, names)
    own_cpu = time.process_time() - cpu_start
    workers: dict[int, float] = {}
    for *_rest, pid, cpu in outcomes:
        if pid != os.getpid():
            workers[pid] = max(workers.get(pid, 0.0), cpu)
    result.cpu_seconds = own_cpu + sum(workers.values())
    _record(result, loaded, outcomes, out_root)
    result.earlier = earlier_packs(out_root, {school_id for school_id, _name in result.schools.values()})
    if summary:
        from .summary import write_summary

        result.summary_path = write_summary(result)
    result.seconds = time.perf_counter() - started
    return result


#: What a worker reports for one school (see :func:`_build_one`).
Reported = tuple[str, str, Any, int, float]
Task = tuple[Profile, str, bool, str | None, bool, bool, bool]


def _run(tasks: list[Task], corpus: Corpus, places: tuple[tuple[Path, ...], Path | None, int], jobs: int,
         progress: bool, names: dict[str, str]) -> list[Reported]:
    """Build every task, in this process (one job) or in ``jobs`` worker processes, with a progress bar
    on a terminal, else a line ``3/30 某县第3小学`` per school (a log shows it). ``places``: the font
    folders, the cache folder of laid-out blank forms, and the threads each process renders a pack on."""
    dirs, cache_dir, threads = places
    bar = _progress(len(tasks), progress)
    outcomes: list[Reported] = []

    def advance(outcome: Reported) -> None:
        if bar is not None:
            bar.update(1)
        elif progress:
            status = "" if outcome[0] == "ok" else " 未能生成"
            print(f"{len(outcomes)}/{len(tasks)} {names.get(outcome[1], outcome[1])}{status}", file=sys.stderr, flush=True)

    try:
        if jobs == 1:
            _init_worker(corpus, dirs, cache_dir, threads)
            for task in tasks:
                outcomes.append(_build_one(task))
                advance(outcomes[-1])
        else:
            with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=_mp_context(),
                                                        initializer=_init_worker,
                                                        initargs=(_slim(corpus), dirs, cache_dir, threads)) as pool:
                futures = [pool.submit(_build_one, task) for task in tasks]
                for future in concurrent.futures.as_completed(futures):
                    outcomes.append(future.result())
                    advance(outcomes[-1])
    finally:
        if bar is not None:
            bar.close()
    return outcomes


def _record(result: BatchResult, loaded: list[Profile], outcomes: list[Reported], out_root: Path) -> None:
    """Enter every school built or failed into ``result``, in input order; note packs left from an earlier run."""
    order = {p.origin: i for i, p in enumerate(loaded)}
    by_origin = {p.origin: p for p in loaded}
    result.schools = {p.origin: (p.school.id, p.school.name) for p in loaded}
    for status, origin, value, _pid, _cpu in sorted(outcomes, key=lambda o: order.get(o[1], 0)):
        if status == "ok":
            path, files = value
            result.built.append(Path(path))
            school = by_origin[origin].school
            result.written.append(Outcome(origin, school.id, school.name, tuple(files)))
        else:
            result.failed.append(Failure(origin, tuple(value)))
    built_now = {outcome.school_id for outcome in result.written}
    for failure in result.failed:
        school_id = result.schools.get(failure.origin, (failure.school_id,))[0]
        if school_id and school_id not in built_now and _is_folder(out_root, school_id):
            result.notices.append(Failure(failure.origin, (Problem(
                failure.origin, 0, 0, f"输出目录中的 {school_id} 文件夹"
                + ("和压缩包" if (out_root / f"{school_id}.zip").is_file() else "") + "是以前生成的，这次没有更新",
                "改好这一行后重新运行即可更新；改好之前请不要发送旧的方案包"),)))
