"""Scale benchmark (not a test): the four figures of the scale issue, each A beside B, interleaved.

Usage::

    .venv/bin/python benchmarks/scale_bench.py [--goals memory batch school] [--articles 0 1000 5000]
                                               [--rounds 3] [--schools 100] [--keep DIR]

Every run is a fresh process; wall time, CPU time (user + system, the process and the children it
waited for) and peak RSS come from ``os.wait4`` for that one process. A and B alternate in every
round (A B, A B, …) so that a change in the machine's load hits both; the medians and their ratio
are printed, with the load average at the start of each goal.

1. ``memory``: peak memory of ``gongyu build --no-pdf`` (A) against plain MkDocs (B): the very
   Markdown pages gongyu generates, dumped once to a ``docs/`` folder and built by ``mkdocs build``
   with the same ``mkdocs.yml`` less the gongyu plugin (Material, its ``tags`` plugin and the
   default ``search`` plugin, not strict). ``--articles N``: 0 is a copy of this repository's own
   corpus, N > 0 a synthetic corpus of N articles and N lessons (``synth.py``). Goal ≤ 1.5×.
   One more run per size prints where gongyu's memory goes (resident and peak at each plugin hook).
2. ``batch``: ``gongyu school build county/ --jobs 2`` (A) against ``--jobs 1`` (B) for
   ``--schools`` synthetic profiles (copies of the example profiles) on today's corpus. Goal ≥ 1.8×.
   The command runs in-process in a driver that times its steps, so the report splits CPU seconds
   into the parent's serial steps, the parent during the pool, the forkserver and each worker, and
   gives the serial fraction and the speed-up two idle cores would give (Amdahl). On a shared
   machine the wall-clock ratio says little: re-run on an idle one.
3. ``school``: ``gongyu school build one.yml`` (A, a new process, blank forms and the checked
   templates in the cache; as a principal types it, so on every core: its documents are rendered on
   two threads) against the floor (B): the same documents compiled directly, in a new
   process, with typst-py (the very Typst calls the pack makes, replayed on fresh compilers) and
   python-docx (our Word writer on the same resolved documents), counting the compilations only.
   Goal ≤ 1.3×. B′ is the same floor run as a script of its own from the command line: B plus
   Python's start, ``import typst, docx`` and the font book (what any program that makes these
   files pays). A₁ is A with ``--jobs 1`` (one core: the documents one after another), run in the
   same rounds. A breakdown run shows where the rest of A goes.

``--keep DIR`` keeps the corpora (a 5,000-article corpus takes a while to make).

Every run keeps its bytecode in ``pycache/`` of the working folder (``PYTHONPYCACHEPREFIX``), also where
the environment sets ``PYTHONDONTWRITEBYTECODE``: an installed gongyu has its ``.pyc`` files, and
compiling our 150 modules again in every process cost a one-school build 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from synth import _schools, make_corpus  # noqa: E402

PY = sys.executable
ENV = dict(os.environ, PYTHONPATH=str(REPO), PYTHONHASHSEED="0")
NEUTRAL = Path(tempfile.gettempdir())


# -- measuring one process ---------------------------------------------------------------------
class Run:
    """One finished process: wall and CPU seconds, peak resident MB, its output."""

    def __init__(self, wall: float, cpu: float, rss_mb: float, out: str) -> None:
        self.wall, self.cpu, self.rss_mb, self.out = wall, cpu, rss_mb, out

    def json(self) -> Any:
        """The last line of the output, as JSON (what a driver prints)."""
        return json.loads(self.out.strip().splitlines()[-1])


def run(args: list[str], cwd: Path = NEUTRAL) -> Run:
    """Run ``args`` to the end; its own rusage (not that of earlier children) from ``os.wait4``.

    Not in a checkout: ``python -m generator`` imports from the current folder before ``PYTHONPATH``.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        if process.returncode != 0:
            sys.stderr.write(stdout[-3000:] + err.read().decode("utf-8", "replace")[-3000:])
            raise SystemExit(f"failed ({process.returncode}): {' '.join(args)}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"


def interleaved(rounds: int, a: Callable[[], Run], b: Callable[[], Run]) -> tuple[list[Run], list[Run]]:
    """``rounds`` rounds of A then B."""
    runs_a, runs_b = [], []
    for number in range(rounds):
        runs_a.append(a())
        runs_b.append(b())
        print(f"    round {number + 1}: A {runs_a[-1].wall:.2f} s / {runs_a[-1].cpu:.2f} s CPU / "
              f"{runs_a[-1].rss_mb:.0f} MB; B {runs_b[-1].wall:.2f} s / {runs_b[-1].cpu:.2f} s CPU / "
              f"{runs_b[-1].rss_mb:.0f} MB", flush=True)
    return runs_a, runs_b


def med(values: list[float]) -> float:
    return statistics.median(values)


def compare(name_a: str, runs_a: list[Run], name_b: str, runs_b: list[Run]) -> dict[str, float]:
    """Print medians of A and B and A/B for wall, CPU and peak RSS; return the ratios."""
    ratios = {}
    print(f"    {'':28} {'wall s':>9} {'CPU s':>9} {'peak MB':>9}")
    for name, runs in ((name_a, runs_a), (name_b, runs_b)):
        print(f"    {name:28} {med([r.wall for r in runs]):9.2f} {med([r.cpu for r in runs]):9.2f} "
              f"{med([r.rss_mb for r in runs]):9.0f}")
    for field in ("wall", "cpu", "rss_mb"):
        ratios[field] = med([getattr(r, field) for r in runs_a]) / max(1e-9, med([getattr(r, field) for r in runs_b]))
    print(f"    {'A / B':28} {ratios['wall']:8.2f}× {ratios['cpu']:8.2f}× {ratios['rss_mb']:8.2f}×")
    return ratios


# -- corpora -----------------------------------------------------------------------------------
def corpus(articles: int, base: Path) -> Path:
    """Today's corpus (0) or N synthetic articles + N lessons, made once into ``base``."""
    root = base / f"corpus-{articles}"
    if (root / "mkdocs.yml").is_file():
        return root
    started = time.perf_counter()
    if articles == 0:
        shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", ".venv", "site", "dist", ".cache",
                                                                  "__pycache__", "tests", "benchmarks", "node_modules"))
    else:
        make_corpus(root, size=2 * articles, schools=0, seed=1)
    print(f"  corpus {articles or 'today'}: made in {time.perf_counter() - started:.1f} s", flush=True)
    return root


# -- goal 1: build memory against plain MkDocs --------------------------------------------------
DUMP = r"""
import shutil, sys
from pathlib import Path
from generator.mkdocs_plugin import plugin as P
from generator.mkdocs_plugin.build import build_site

root, site, dest = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
original = P.GongyuPlugin.on_files
def on_files(self, files, *, config):
    result = original(self, files, config=config)
    for uri, text in self.generated.items():
        target = dest / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return result
P.GongyuPlugin.on_files = on_files
shutil.copytree(root / "docs", dest, dirs_exist_ok=True)
build_site(root, site_dir=site, pdf=False)
print(len(list(dest.rglob("*.md"))))
"""

PHASES = r"""
import json, resource, sys, time
from pathlib import Path
from generator.mkdocs_plugin import plugin as P
from generator.mkdocs_plugin.build import build_site
from generator.search import SiteSearch

marks = []
def mark(name):
    status = Path("/proc/self/status").read_text()
    rss = int(status.split("VmRSS:")[1].split()[0]) / 1024
    hwm = int(status.split("VmHWM:")[1].split()[0]) / 1024
    marks.append((name, round(rss), round(hwm), round(time.process_time(), 2)))

def wrap(cls, name, before=None, after=None):
    original = getattr(cls, name)
    def hooked(self, *args, **kwargs):
        if before: mark(before)
        result = original(self, *args, **kwargs)
        if after: mark(after)
        return result
    setattr(cls, name, hooked)

wrap(P.GongyuPlugin, "on_config", "start of on_config", "corpus loaded and checked (on_config)")
wrap(P.GongyuPlugin, "on_files", None, "pages generated (on_files)")
wrap(P.GongyuPlugin, "on_env", "every page converted to HTML (on_env)")
wrap(SiteSearch, "write", "every page rendered and added to search", "search index written")
import generator.search as S
original_build = S.build_index
def build_index(pages, topics=None):
    files = original_build(pages, topics)
    mark("search index built (before writing)")
    return files
S.build_index = build_index
mark("imports done")
build_site(Path(sys.argv[1]), site_dir=Path(sys.argv[2]), pdf=False)
mark("end")
print(json.dumps(marks, ensure_ascii=False))
"""


def plain_project(root: Path, base: Path) -> tuple[Path, bool]:
    """A plain MkDocs project of the pages gongyu generates for ``root`` (made once; the flag: made now,
    by a gongyu build that filled ``root``'s cache)."""
    plain = base / f"plain-{root.name}"
    if (plain / "mkdocs.yml").is_file():
        return plain, False
    docs = plain / "docs"
    docs.mkdir(parents=True)
    site = Path(tempfile.mkdtemp(prefix="dump-site-"))
    script = base / "dump_pages.py"
    script.write_text(DUMP, encoding="utf-8")
    pages = run([PY, str(script), str(root), str(site), str(docs)]).out.strip().splitlines()[-1]
    shutil.rmtree(site, ignore_errors=True)
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"^  - gongyu\b.*(\n      .*)*$", "  - search", text, count=1, flags=re.M)
    text = re.sub(r"^strict: true$", "strict: false", text, flags=re.M)
    (plain / "mkdocs.yml").write_text(text, encoding="utf-8")
    print(f"  plain MkDocs project: {pages} Markdown pages", flush=True)
    return plain, True


def goal_memory(sizes: list[int], rounds: int, base: Path, phases: bool) -> None:
    sites = base / "sites"
    sites.mkdir(exist_ok=True)
    print(f"\n== 1. build peak memory: gongyu build --no-pdf (A) vs plain MkDocs (B); {load()}", flush=True)
    for articles in sizes:
        root = corpus(articles, base)
        plain, warm = plain_project(root, base)
        print(f"  {articles or 'today'} articles{'' if not articles else f' + {articles} lessons'}:", flush=True)

        def gongyu(root: Path = root) -> Run:
            site = Path(tempfile.mkdtemp(prefix="site-", dir=sites))
            try:
                return run([PY, "-m", "generator", "--root", str(root), "build", "--no-pdf", "--site-dir", str(site)])
            finally:
                shutil.rmtree(site, ignore_errors=True)

        def mkdocs(plain: Path = plain) -> Run:
            site = Path(tempfile.mkdtemp(prefix="site-", dir=sites))
            try:
                return run([PY, "-m", "mkdocs", "build", "-q", "-f", str(plain / "mkdocs.yml"), "-d", str(site)])
            finally:
                shutil.rmtree(site, ignore_errors=True)

        if not warm:
            gongyu()  # fills the cache (timelines, plan drafts): every measured build is a warm one
        runs_a, runs_b = interleaved(rounds, gongyu, mkdocs)
        ratios = compare("A gongyu build --no-pdf", runs_a, "B plain mkdocs build", runs_b)
        print(f"    peak memory A/B = {ratios['rss_mb']:.2f}× (goal ≤ 1.5×)", flush=True)
        if not phases:
            continue
        script = base / "phases.py"
        script.write_text(PHASES, encoding="utf-8")
        site = Path(tempfile.mkdtemp(prefix="site-", dir=sites))
        marks = run([PY, str(script), str(root), str(site)]).json()
        shutil.rmtree(site, ignore_errors=True)
        print("    where gongyu's memory goes (resident MB, peak MB so far, CPU s):")
        for name, rss, hwm, cpu in marks:
            print(f"      {name:46} {rss:6} {hwm:6} {cpu:8.2f}")


# -- goal 2: a county batch on two workers against one -----------------------------------------
BATCH = r"""
import json, os, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from generator.cli.main import main
import generator.packs as packs
from generator.packs import batch, summary, pack
from generator.cli.commands import school_cmd

steps = {}
def timed(owner, name, label):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        w, c = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            row = steps.setdefault(label, [0.0, 0.0, 0])
            row[0] += time.perf_counter() - w
            row[1] += time.process_time() - c
            row[2] += 1
    setattr(owner, name, wrapper)
    return original

imports = (time.perf_counter() - t0, time.process_time() - c0)
workers = {}
tasks_cpu = {}  # process → CPU seconds of each school it built, in order (the first one with the warm-up)
original_run = batch._run
def run(tasks, *args, **kwargs):
    w, c = time.perf_counter(), time.process_time()
    outcomes = original_run(tasks, *args, **kwargs)
    steps["parent during the pool (_run)"] = [time.perf_counter() - w, time.process_time() - c, 1]
    last = {os.getpid(): c}  # a worker's CPU clock starts at 0 when it is forked
    for status, origin, value, pid, cpu in outcomes:
        if status != "ok":
            print("FAILED", origin, value, file=sys.stderr)
        if pid != os.getpid():
            workers[pid] = max(workers.get(pid, 0.0), cpu)
        tasks_cpu.setdefault(str(pid), []).append(cpu - last.get(pid, 0.0))
        last[pid] = cpu
    return outcomes
batch._run = run
timed(school_cmd, "_load_corpus", "load + check the corpus")
timed(packs, "load_profiles", "read + check the profiles")
timed(summary, "write_summary", "汇总.xlsx")
timed(batch, "_record", "record outcomes")
timed(batch, "earlier_packs", "look for earlier packs")
timed(batch, "_cache_dir", "claim the cache folder")
import generator.render.pdf.plan as plan_pdf
timed(plan_pdf, "describe_fonts", "find + describe fonts")

forkserver = {}
def forkserver_cpu():
    try:
        from multiprocessing import forkserver as fs
        pid = fs._forkserver._forkserver_pid
        if pid:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            tick = os.sysconf("SC_CLK_TCK")
            forkserver["cpu"] = (int(fields[11]) + int(fields[12])) / tick
    except Exception as exc:
        forkserver["error"] = repr(exc)
original_build_packs = packs.build_packs
def build_packs(*args, **kwargs):
    result = original_build_packs(*args, **kwargs)
    forkserver_cpu()
    return result
packs.build_packs = build_packs

if __name__ == "__main__":  # workers start from the forkserver, which runs this file as __mp_main__
    main(sys.argv[1:], standalone_mode=False)
    total = (time.perf_counter() - t0, time.process_time() - c0)
    print(json.dumps({"imports": imports, "steps": steps, "workers": workers, "forkserver": forkserver,
                      "tasks": tasks_cpu, "total": total}, ensure_ascii=False))
"""


def goal_batch(schools: int, rounds: int, base: Path) -> None:
    print(f"\n== 2. county batch of {schools} schools: --jobs 2 (A) vs --jobs 1 (B); {load()}", flush=True)
    root = corpus(0, base)
    county = base / f"county-{schools}"
    if not county.is_dir():
        import random

        _schools(REPO, county, schools, random.Random(1))
    script = base / "batch_driver.py"
    script.write_text(BATCH, encoding="utf-8")
    outs = base / "packs"
    outs.mkdir(exist_ok=True)

    def batch(jobs: int) -> Run:
        out = Path(tempfile.mkdtemp(prefix=f"batch{jobs}-", dir=outs))
        try:
            return run([PY, str(script), "--root", str(root), "school", "build", str(county), "--out", str(out),
                        "--jobs", str(jobs)])
        finally:
            shutil.rmtree(out, ignore_errors=True)

    batch(1)  # fills the cache of laid-out blank forms, as any batch after the first finds it
    runs_a, runs_b = interleaved(rounds, lambda: batch(2), lambda: batch(1))
    ratios = compare("A --jobs 2", runs_a, "B --jobs 1", runs_b)
    print(f"    wall-clock speed-up B/A = {1 / ratios['wall']:.2f}× (goal ≥ 1.8×; meaningful only on an idle machine); "
          "A's CPU column is the parent's alone (the workers are the forkserver's children): see below")
    for label, runs in (("--jobs 1", runs_b), ("--jobs 2", runs_a)):
        report = [r.json() for r in runs]
        _batch_report(label, report)
    one = [r.json() for r in runs_b]
    two = [r.json() for r in runs_a]
    cpu_one = med([r["total"][1] for r in one])
    work_one = med([r["steps"]["parent during the pool (_run)"][1] for r in one])
    serial = med([_serial_cpu(r) for r in two])
    worker_sum = med([sum(r["workers"].values()) for r in two])
    worker_max = med([max(r["workers"].values()) for r in two])
    fraction = (cpu_one - work_one) / cpu_one
    school_one = med([t for r in one for ts in r["tasks"].values() for t in ts[1:]])
    school_two = med([t for r in two for ts in r["tasks"].values() for t in ts[1:]])
    first_two = med([ts[0] for r in two for ts in r["tasks"].values()])
    print(f"    CPU at --jobs 1: {cpu_one:.1f} s, of which building the packs {work_one:.1f} s; "
          f"serial fraction {fraction:.1%} → Amdahl limit on 2 cores {1 / (fraction + (1 - fraction) / 2):.2f}×")
    print(f"    CPU at --jobs 2: serial {serial:.1f} s (parent outside the pool + forkserver), workers {worker_sum:.1f} s "
          f"({worker_sum - work_one:+.1f} s against one process; slowest worker {worker_max:.1f} s)")
    print(f"    one school (median CPU s, first school of a process left out): {school_one:.3f} in one process, "
          f"{school_two:.3f} in a worker ({school_two / school_one - 1:+.0%}: the two workers slow each other down "
          f"when they share caches, or the machine is busy); a worker's first school with its warm-up {first_two:.2f}")
    later = sum(len(ts) - 1 for ts in two[0]["tasks"].values())  # schools after each worker's first
    alone = worker_sum - later * (school_two - school_one)
    print(f"    expected on 2 idle cores from CPU time: {cpu_one:.1f} / ({serial:.1f} + {worker_sum:.1f} / 2) = "
          f"{cpu_one / (serial + worker_sum / 2):.2f}× (goal ≥ 1.8×); were a worker's school as cheap as in one "
          f"process: {cpu_one / (serial + alone / 2):.2f}×", flush=True)


def _serial_cpu(report: dict[str, Any]) -> float:
    pool = report["steps"]["parent during the pool (_run)"][1]
    return report["total"][1] - pool + report["forkserver"].get("cpu", 0.0)


def _batch_report(label: str, reports: list[dict[str, Any]]) -> None:
    print(f"    {label}: median of {len(reports)} runs (wall s / CPU s of the parent, in-process)")
    print(f"      {'imports':40} {med([r['imports'][0] for r in reports]):7.2f} {med([r['imports'][1] for r in reports]):7.2f}")
    for step in reports[0]["steps"]:
        walls = [r["steps"][step][0] for r in reports if step in r["steps"]]
        cpus = [r["steps"][step][1] for r in reports if step in r["steps"]]
        print(f"      {step:40} {med(walls):7.2f} {med(cpus):7.2f}")
    walls, cpus = [r["total"][0] for r in reports], [r["total"][1] for r in reports]
    print(f"      {'total (parent)':40} {med(walls):7.2f} {med(cpus):7.2f}")
    if reports[0]["workers"]:
        count = len(reports[0]["workers"])
        cpus = sorted(med([sorted(r["workers"].values())[i] for r in reports]) for i in range(count))
        fork = med([r["forkserver"].get("cpu", 0.0) for r in reports])
        print(f"      workers' CPU s: {', '.join(f'{c:.1f}' for c in cpus)}; forkserver {fork:.2f}")


# -- goal 3: one school against the direct typst-py + python-docx floor ------------------------
SCHOOL = r"""
import json, os, pickle, sys, threading, time
t0, c0 = time.perf_counter(), time.process_time()
from generator.cli.main import main
import generator.packs as packs
from generator.packs import batch, summary, pack, stamp
from generator.cli.commands import school_cmd
import generator.render.docx.gbt as gbt
import generator.render.pdf.plan as plan_pdf
import generator.render.xingshili as xs
import generator.render.ics as ics
from generator.render.pdf import typst_engine

steps = {}
record = os.environ.get("SCALE_RECORD")
typst_calls, docx_calls = [], []
lock = threading.Lock()
# CPU per step is this thread's own (thread_time): the pack renders on threads and the warm-up runs beside
def add(label, wall, cpu):
    with lock:
        row = steps.setdefault(label, [0.0, 0.0, 0])
        row[0] += wall
        row[1] += cpu
        row[2] += 1
def timed(owner, name, label, keep=None):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        w, c = time.perf_counter(), time.thread_time()
        try:
            result = original(*args, **kwargs)
            if keep is not None:
                with lock:
                    keep(args, kwargs, result)
            return result
        finally:
            add(label, time.perf_counter() - w, time.thread_time() - c)
    setattr(owner, name, wrapper)

imports = (time.perf_counter() - t0, time.process_time() - c0)
timed(school_cmd, "_load_corpus", "load + check the corpus")
timed(packs, "load_profiles", "read + check the profile")
timed(plan_pdf, "describe_fonts", "find + describe fonts")
timed(batch, "_cache_dir", "claim the cache folder")
timed(batch, "_init_worker", "worker set-up")
timed(pack, "resolve_profile", "resolve the school")
timed(pack, "pack_files", "render the pack (all below)")
timed(gbt, "render_docx", "  plans .docx", keep=lambda a, k, r: docx_calls.append(("plan", a[0])))
timed(plan_pdf, "render_pdf", "  plans .pdf")
timed(xs, "build_xingshili", "  行事历 layout")
timed(xs, "xingshili_docx", "  行事历 .docx", keep=lambda a, k, r: docx_calls.append(("xingshili", a[0])))
timed(xs, "xingshili_pdf", "  行事历 .pdf")
timed(ics, "calendar_ics", "  calendar.ics")
timed(stamp, "stamped_forms", "  forms (blanks from the cache, name stamped)")
timed(pack, "readme", "  README.txt")
timed(plan_pdf, "warm_up", "warm-up sample (a thread of its own)")
timed(pack, "write_pack", "write the pack folder")
timed(summary, "write_summary", "汇总.xlsx")
original_run = typst_engine.TypstEngine._run
def typst_run(self, template, data, *, label, also=None, tags=True):
    w, c = time.perf_counter(), time.thread_time()
    result = original_run(self, template, data, label=label, also=also, tags=tags)
    if threading.current_thread().name == "gongyu-warm-up":  # a sample thrown away: not a document of the pack
        return result
    add("  (of which Typst compile + query)", time.perf_counter() - w, time.thread_time() - c)
    from generator.base.clock import build_instant
    with lock:
        typst_calls.append((template, typst_engine.to_json(data), int(build_instant().timestamp()), tags))
    return result
typst_engine.TypstEngine._run = typst_run
if __name__ == "__main__":
    main(sys.argv[1:], standalone_mode=False)
total = (time.perf_counter() - t0, time.process_time() - c0)
if record:
    from generator.render.pdf.typst_engine import get_engine
    engine = get_engine()
    with open(record, "wb") as f:
        pickle.dump({"typst": sorted(typst_calls), "docx": docx_calls, "fonts": [str(p) for p in engine.fonts.folders]}, f)
print(json.dumps({"imports": imports, "steps": steps, "total": total}, ensure_ascii=False))
"""

FLOOR = r"""
import time
T0, C0 = time.perf_counter(), time.process_time()
import json, pickle, sys
import typst, docx
w, c = time.perf_counter(), time.process_time()
import generator.render.docx.gbt as gbt
import generator.render.xingshili as xs
from generator.render.pdf.typst_engine import TEMPLATES_DIR
calls = pickle.load(open(sys.argv[1], "rb"))
# what a script of its own would not do: import our Word writer (and the models it needs), read the calls
ours = (time.perf_counter() - w, time.process_time() - c)
w, c = time.perf_counter(), time.process_time()
fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=calls["fonts"])
font_book = (time.perf_counter() - w, time.process_time() - c)
w, c = time.perf_counter(), time.process_time()
compilers = {}
for template, data, timestamp, tags in calls["typst"]:
    if template not in compilers:
        compilers[template] = typst.Compiler(str(TEMPLATES_DIR / f"{template}.typ"), root=str(TEMPLATES_DIR),
                                             font_paths=fonts, ignore_system_fonts=True)
    compilers[template].compile(format="pdf", sys_inputs={"data": data}, timestamp=timestamp, pdf_tags=tags)
pdf = (time.perf_counter() - w, time.process_time() - c)
w, c = time.perf_counter(), time.process_time()
for kind, value in calls["docx"]:
    (gbt.render_docx if kind == "plan" else xs.xingshili_docx)(value)
docx = (time.perf_counter() - w, time.process_time() - c)
print(json.dumps({"font_book": font_book, "pdf": pdf, "docx": docx, "typst_calls": len(calls["typst"]),
                  "docx_calls": len(calls["docx"]), "ours": ours}))
"""


def goal_school(rounds: int, base: Path) -> None:
    print(f"\n== 3. one school: gongyu school build (A, new process) vs the typst-py + python-docx floor (B); {load()}",
          flush=True)
    root = corpus(0, base)
    profile = base / "one-school.yml"
    profile.write_text((REPO / "plans/schools/qingshan-xiaoxue.yml").read_text(encoding="utf-8"), encoding="utf-8")
    driver, floor = base / "school_driver.py", base / "floor.py"
    driver.write_text(SCHOOL, encoding="utf-8")
    floor.write_text(FLOOR, encoding="utf-8")
    calls = base / "calls.pickle"
    outs = base / "packs"
    outs.mkdir(exist_ok=True)
    gongyu = [PY, "-m", "generator", "--root", str(root), "school", "build", str(profile), "--out"]
    one_core = [*gongyu[:-1], "--jobs", "1", "--out"]

    def school(args: list[str] = gongyu) -> Run:
        out = Path(tempfile.mkdtemp(prefix="school-", dir=outs))
        try:
            return run([*args, str(out)])
        finally:
            shutil.rmtree(out, ignore_errors=True)

    school()  # lays out the blank forms into the cache, as the first pack on a machine does
    ENV["SCALE_RECORD"] = str(calls)
    school([PY, str(driver), *gongyu[3:]])  # the Typst calls and Word inputs of a pack, recorded
    del ENV["SCALE_RECORD"]

    floors: list[dict[str, Any]] = []
    directs: list[Run] = []
    singles: list[Run] = []

    def floor_run() -> Run:
        singles.append(school(one_core))
        done = run([PY, str(floor), str(calls)])
        floors.append(done.json())
        inner = floors[-1]["pdf"][0] + floors[-1]["docx"][0]
        inner_cpu = floors[-1]["pdf"][1] + floors[-1]["docx"][1]
        ours = floors[-1]["ours"]
        directs.append(Run(done.wall - ours[0], done.cpu - ours[1], done.rss_mb, done.out))
        return Run(inner, inner_cpu, done.rss_mb, done.out)

    runs_a, runs_b = interleaved(rounds, school, floor_run)
    ratios = compare("A gongyu school build", runs_a, "B floor (compiles only)", runs_b)
    book = med([f["font_book"][0] for f in floors])
    print(f"    A/B = {ratios['wall']:.2f}× wall, {ratios['cpu']:.2f}× CPU (goal ≤ 1.3×); the floor has "
          f"{floors[0]['typst_calls']} Typst compilations and {floors[0]['docx_calls']} Word documents; "
          f"its font book takes another {book:.2f} s")
    print("    B′, the same floor as a script of its own from the command line (Python's start, import typst and")
    print("    docx, the font book, the compilations; not our modules' import nor reading the recorded calls):")
    direct = compare("A gongyu school build", runs_a, "B′ direct script", directs)
    print(f"    A/B′ = {direct['wall']:.2f}× wall, {direct['cpu']:.2f}× CPU")
    print("    A₁, the same command with --jobs 1 (one core: the documents one after another), in the same rounds:")
    compare("A₁ school build --jobs 1", singles, "B floor (compiles only)", runs_b)
    paired = {(name, f): med([getattr(a, f) / getattr(b, f) for a, b in zip(ours, runs, strict=True)])
              for name, ours, runs in (("A/B", runs_a, runs_b), ("A/B′", runs_a, directs),
                                       ("A₁/B", singles, runs_b), ("A₁/B′", singles, directs))
              for f in ("wall", "cpu")}
    print("    round by round (each A beside its own B; steadier when the machine's speed drifts), median:")
    print("     " + "; ".join(f"{name} {paired[name, 'wall']:.2f}× wall, {paired[name, 'cpu']:.2f}× CPU"
                             for name in ("A/B", "A/B′", "A₁/B", "A₁/B′")))
    reports = [school([PY, str(driver), *gongyu[3:]]).json() for _ in range(rounds)]
    print("    where A's time goes (in-process, median; wall s / that thread's CPU s / calls; the pack's documents")
    print("    render on two threads, so their rows add up to more wall time than the render step):")
    print(f"      {'process start + imports':46} {med([r['imports'][0] for r in reports]):7.2f} "
          f"{med([r['imports'][1] for r in reports]):7.2f}")
    for step in reports[0]["steps"]:
        values = [r["steps"][step] for r in reports if step in r["steps"]]
        print(f"      {step:46} {med([v[0] for v in values]):7.2f} {med([v[1] for v in values]):7.2f} {values[0][2]:5}")
    print(f"      {'total in-process':46} {med([r['total'][0] for r in reports]):7.2f} "
          f"{med([r['total'][1] for r in reports]):7.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goals", nargs="+", choices=("memory", "batch", "school"), default=["memory", "batch", "school"])
    parser.add_argument("--articles", type=int, nargs="+", default=[0, 1000], help="corpus sizes for the memory goal")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--code", type=Path, default=REPO,
                        help="the gongyu checkout measured (PYTHONPATH of every run), e.g. another worktree")
    parser.add_argument("--no-phases", action="store_true", help="memory: no extra build showing where memory goes")
    parser.add_argument("--keep", type=Path, default=None, help="keep (and reuse) corpora in this folder")
    args = parser.parse_args()
    ENV["PYTHONPATH"] = str(args.code.resolve())
    base = args.keep or Path(tempfile.mkdtemp(prefix="gongyu-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV["PYTHONPYCACHEPREFIX"] = str(base / "pycache")
    print(f"scale_bench: measuring {ENV['PYTHONPATH']} ({load()}); working folder {base}", flush=True)
    try:
        if "memory" in args.goals:
            goal_memory(args.articles, args.rounds, base, not args.no_phases)
        if "batch" in args.goals:
            goal_batch(args.schools, args.rounds, base)
        if "school" in args.goals:
            goal_school(args.rounds, base)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
