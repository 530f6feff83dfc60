"""Rebuild benchmark (not a test): what one change costs, at today's size and on synthetic corpora.

Usage::

    .venv/bin/python benchmarks/rebuild_bench.py [--articles 0 1000] [--rounds 2] [--pdf] [--keep DIR]

``--articles 0`` is a copy of this repository's own corpus; ``N`` > 0 a synthetic corpus of N
articles and N lessons (``synth.py``, the real text reshuffled) in a temporary folder. For each
corpus, rounds interleaved (every corpus gets round 1 before any gets round 2), it measures:

- ``build cold``: ``gongyu build`` with an empty cache; ``build warm``: again, nothing changed;
- ``build new date``: after one article's ``updated:`` moved to a newer day (the build date), and
  how many cached objects that made again (goal: 0);
- ``serve first``: a fresh process running what ``gongyu serve`` runs (MkDocs with the plugin, no
  build date pinned) right after ``gongyu build``, and the cached objects it made again (goal: 0);
- ``serve edit``: inside that process, the dirty rebuild after one article's body changed (what
  each save costs in ``gongyu serve``: only that page rendered, search terms of unchanged
  sections from memory); ``serve edit full``: the same save rebuilding every page, side by side;
- ``pack cold`` / ``pack warm``: ``gongyu school build`` of one school in a new process with an
  empty cache, then again (laid-out blank forms come from the cache).

Each figure is wall-clock seconds and, in brackets, CPU seconds of the process(es): on a shared
machine the CPU time is the steadier of the two. Without ``--pdf`` the site is built without
printables (``--no-pdf``, plugin ``pdf: false``), which keeps large corpora quick; packs always
have PDFs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from synth import make_corpus  # noqa: E402

SERVE_EDIT = r"""
import json, os, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
from generator.write import cache as cache_module

made = []
original = cache_module.Cache._make
def counting(self, path, make):
    made.append(path.name)
    return original(self, path, make)
cache_module.Cache._make = counting
root, site, article = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
def once(dirty):
    started, cpu = time.perf_counter(), time.process_time()
    build(load_config(str(root / "mkdocs.yml"), site_dir=site), dirty=dirty)
    return time.perf_counter() - started, time.process_time() - cpu
first = once(True)  # what `gongyu serve` builds first (a dirty build into an empty folder)
first_made = len(made)
text = article.read_text(encoding="utf-8")
try:
    article.write_text(text + "\n\n这一段是编辑时加上的。\n", encoding="utf-8")
    edit = once(True)  # a save in `gongyu serve`: only the changed page is rendered
    article.write_text(text + "\n\n这一段是编辑时改过的。\n", encoding="utf-8")
    full = once(False)  # the same save rebuilding every page (gongyu serve before dirty builds)
finally:
    article.write_text(text, encoding="utf-8")
print(json.dumps({"first": first, "first_made": first_made, "edit": edit, "full": full}))
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """(wall, CPU of the child, stdout) of a subprocess that must succeed."""
    cpu, started = _children_cpu(), time.perf_counter()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    wall = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(args)}")
    return wall, _children_cpu() - cpu, result.stdout


def objects(root: Path) -> set[str]:
    folder = root / ".cache" / "gongyu" / "objects"
    return {p.name for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()


def prepare(articles: int, base: Path, pdf: bool) -> Path:
    root = base / f"corpus-{articles}"
    if articles == 0:
        shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", ".venv", "site", "dist", ".cache",
                                                                  "__pycache__", "tests", "benchmarks"))
    else:
        make_corpus(root, size=2 * articles, schools=0, seed=1)
    if not pdf:
        config = root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(re.sub(r"^  - gongyu$", "  - gongyu:\n      pdf: false", text, count=1, flags=re.M),
                          encoding="utf-8")
    return root


def newest_article(root: Path) -> Path:
    return sorted((root / "content").rglob("*.md"))[0]


def bump_date(article: Path, round_number: int) -> None:
    text = article.read_text(encoding="utf-8")
    day = f"2027-0{1 + round_number % 9}-1{round_number % 10}"
    article.write_text(re.sub(r"^updated: .*$", f"updated: {day}", text, count=1, flags=re.M), encoding="utf-8")


def one_school(root: Path) -> Path:
    profile = root / "bench-school.yml"
    source = sorted((REPO / "plans" / "schools").glob("*.yml"))[0]
    profile.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return profile


def run_round(root: Path, round_number: int, pdf: bool, rows: dict[str, list[tuple[float, float]]],
              counts: dict[str, list[int]]) -> None:
    gongyu = [sys.executable, "-m", "generator", "--root", str(root)]
    build = [*gongyu, "build", *([] if pdf else ["--no-pdf"])]
    if round_number == 0:
        shutil.rmtree(root / ".cache", ignore_errors=True)
        wall, cpu, _ = timed(build, root)
        rows.setdefault("build cold", []).append((wall, cpu))
    wall, cpu, _ = timed(build, root)
    rows.setdefault("build warm", []).append((wall, cpu))
    before = objects(root)
    bump_date(newest_article(root), round_number)
    wall, cpu, _ = timed(build, root)
    rows.setdefault("build new date", []).append((wall, cpu))
    counts.setdefault("build new date: objects made", []).append(len(objects(root) - before))
    site = tempfile.mkdtemp(prefix="served-")
    script = root / "serve_edit.py"
    script.write_text(SERVE_EDIT, encoding="utf-8")
    wall, cpu, out = timed([sys.executable, str(script), str(root), site, str(newest_article(root))], root)
    shutil.rmtree(site, ignore_errors=True)
    measured = json.loads(out.strip().splitlines()[-1])
    rows.setdefault("serve first", []).append(tuple(measured["first"]))
    counts.setdefault("serve first: objects made", []).append(measured["first_made"])
    rows.setdefault("serve edit", []).append(tuple(measured["edit"]))
    rows.setdefault("serve edit full", []).append(tuple(measured["full"]))
    profile = one_school(root)
    out_dir = Path(tempfile.mkdtemp(prefix="packs-"))
    try:
        shutil.rmtree(root / ".cache", ignore_errors=True)
        school = [*gongyu, "school", "build", str(profile), "--out", str(out_dir / "a"), "--jobs", "1"]
        wall, cpu, _ = timed(school, root)
        rows.setdefault("pack cold", []).append((wall, cpu))
        school[-3] = str(out_dir / "b")
        wall, cpu, _ = timed(school, root)
        rows.setdefault("pack warm", []).append((wall, cpu))
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[0, 1000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pdf", action="store_true", help="build the site with its printables")
    parser.add_argument("--keep", type=Path, default=None, help="keep the corpora in this folder")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="gongyu-rebuild-"))
    base.mkdir(parents=True, exist_ok=True)
    roots = {n: prepare(n, base, args.pdf) for n in args.articles}
    results: dict[int, tuple[dict[str, list[tuple[float, float]]], dict[str, list[int]]]] = {n: ({}, {}) for n in roots}
    for round_number in range(args.rounds):  # interleaved: every corpus once per round
        for n, root in roots.items():
            run_round(root, round_number, args.pdf, *results[n])
    for n in roots:
        rows, counts = results[n]
        print(f"\n{'today' if n == 0 else f'{n} articles + {n} lessons'}"
              f"{' (with PDFs)' if args.pdf else ' (site without PDFs)'}, {args.rounds} round(s), median:")
        for name, values in rows.items():
            wall = statistics.median(v[0] for v in values)
            cpu = statistics.median(v[1] for v in values)
            print(f"  {name:<16} {wall:7.2f} s  ({cpu:.2f} s CPU)")
        for name, values in counts.items():
            print(f"  {name:<30} {values}")
    if args.keep is None:
        shutil.rmtree(base, ignore_errors=True)
    os.environ.pop("SOURCE_DATE_EPOCH", None)


if __name__ == "__main__":
    main()
