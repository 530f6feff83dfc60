"""Reload benchmark (not a test): what ``pipeline.load_checked`` costs again in one process after one edit.

Usage::

    .venv/bin/python benchmarks/reload_bench.py CORPUS [--rounds 5] [--register] [--schools]

``CORPUS`` (a synthetic corpus from ``synth.py``, or this repository) is copied to a temporary folder
and never changed. ``--register`` adds this repository's ``plans/data/`` (so citations are checked),
``--schools`` its ``plans/schools/`` (each profile is resolved on every load). The first load reads
everything; before each later one, one article gets a new last paragraph (what a save in
``gongyu serve`` does). For each load: CPU and wall seconds, the time Python's garbage collector
took (a full collection walks every object kept, the remembered corpus included) and how many file
results were made afresh (:attr:`generator.load.memo.Reading.made`: the loader's and the citation
check's, so an edited article counts twice when citations are checked).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator import pipeline  # noqa: E402 - after the path above
from generator.load import memo  # noqa: E402


class _GcClock:
    """CPU seconds spent in garbage collection, and how many full collections ran."""

    def __init__(self) -> None:
        self.seconds, self.full, self._start = 0.0, 0, 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.process_time()
        else:
            self.seconds += time.process_time() - self._start
            self.full += info["generation"] == 2

    def reset(self) -> None:
        self.seconds, self.full = 0.0, 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--register", action="store_true")
    parser.add_argument("--schools", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongyu-reload-") as tmp:
        root = Path(tmp) / "corpus"
        shutil.copytree(args.corpus, root, ignore=shutil.ignore_patterns(".git", ".cache", "site"))
        for wanted, folder in ((args.register, "data"), (args.schools, "schools")):
            shutil.rmtree(root / "plans" / folder, ignore_errors=True)
            if wanted:
                shutil.copytree(REPO / "plans" / folder, root / "plans" / folder)
        article = sorted((root / "content").rglob("*.md"))[len(list((root / "content").rglob("*.md"))) // 2]
        text = article.read_text(encoding="utf-8")
        clock = _GcClock()
        for round_ in range(args.rounds + 1):
            if round_:
                article.write_text(f"{text}\n\n第 {round_} 次保存时加上的一段。\n", encoding="utf-8")
            clock.reset()
            cpu, wall = time.process_time(), time.perf_counter()
            with memo.reading(root.resolve()) as reading:
                checked = pipeline.load_checked(root)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            size = len(checked.corpus.articles) + len(checked.corpus.lessons)
            print(f"{'first' if not round_ else f'edit {round_}':>8}: {wall:6.3f} s wall ({cpu:6.3f} s CPU), "
                  f"gc {clock.seconds:5.3f} s ({clock.full} full), {len(reading.made)} results made, "
                  f"{size} articles+lessons, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
