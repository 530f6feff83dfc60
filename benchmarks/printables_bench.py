"""Benchmark of the printables (not a test): median milliseconds per handout and per form.

Usage: ``.venv/bin/python benchmarks/printables_bench.py [--root .] [--site-url URL] [--rounds 3]``

It loads the corpus under ``--root``, then

1. times the very first handout of the process (cold: fonts parsed, compilers created);
2. renders every printable of every lesson and every form ``--rounds`` times on the warm engine
   and prints the median per kind;
3. runs :func:`generator.write.printables.site_printables` into an empty cache (a full build) and again
   into the same cache (nothing changed: every document should be a cache hit).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.render import printables
from generator.pipeline import load_corpus
from generator.render.printables import form_job, lesson_jobs, page_url, render_job
from generator.write.printables import site_printables
from generator.render.pdf.typst_engine import get_engine


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--site-url", default="https://gongyu.example.org/")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    corpus = load_corpus(args.root, schools=False)
    lessons = sorted(corpus.lessons)
    if not lessons:
        sys.exit("语料中没有课时，无法测量。")

    first = lessons[0]
    job = lesson_jobs(corpus.lessons[first], corpus.courses[corpus.lesson_course[first]],
                      page_url(args.site_url, f"lessons/{first}/"))[0][3]
    start = time.perf_counter()
    get_engine()
    engine_ms = _ms(time.perf_counter() - start)
    start = time.perf_counter()
    render_job(job)
    cold_ms = _ms(time.perf_counter() - start)

    times: dict[str, list[float]] = defaultdict(list)
    compiles: dict[str, int] = defaultdict(int)
    engine = get_engine()
    for _ in range(args.rounds):
        for lesson_id in lessons:
            lesson = corpus.lessons[lesson_id]
            course = corpus.courses[corpus.lesson_course[lesson_id]]
            for kind, _name, _label, job in lesson_jobs(lesson, course, page_url(args.site_url, f"lessons/{lesson_id}/")):
                before, start = engine.compiles, time.perf_counter()
                render_job(job)
                times[kind].append(_ms(time.perf_counter() - start))
                compiles[kind] += engine.compiles - before
        for form_id in sorted(corpus.forms):
            before, start = engine.compiles, time.perf_counter()
            render_job(form_job(corpus.forms[form_id]))
            times["form"].append(_ms(time.perf_counter() - start))
            compiles["form"] += engine.compiles - before

    print(f"语料：{len(lessons)} 个课时，{len(corpus.forms)} 张表格；每项渲染 {args.rounds} 轮")
    print(f"冷启动：建引擎（找字体、建编译器）{engine_ms:.1f} ms，第一份讲义 {cold_ms:.1f} ms")
    names = {"handout": "讲义", "handout-large": "大字版讲义", "signin": "签到表", "feedback": "反馈表", "form": "空白表格"}
    for kind in ("handout", "handout-large", "signin", "feedback", "form"):
        values = times[kind]
        if values:
            print(f"热启动中位数 {names[kind]:<6}：{statistics.median(values):6.1f} ms"
                  f"（最慢 {max(values):.1f} ms，共 {len(values)} 份，平均每份编译 {compiles[kind] / len(values):.1f} 次）")

    # A full build into an empty cache, in a fresh QR cache too, timing each document as it goes.
    printables.qr_svg.cache_clear()
    in_build: dict[str, list[float]] = defaultdict(list)
    plain_render = printables.render_job

    def timed_render(job: printables.PrintJob) -> bytes:
        start = time.perf_counter()
        try:
            return plain_render(job)
        finally:
            first = job.attempts[0][0]
            kind = "handout-large" if first.get("large") else job.template
            in_build[kind].append(_ms(time.perf_counter() - start))

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        before = engine.compiles
        printables.render_job = timed_render  # type: ignore[assignment]
        try:
            start = time.perf_counter()
            downloads = site_printables(corpus, args.site_url, cache)
            full_ms = _ms(time.perf_counter() - start)
        finally:
            printables.render_job = plain_render  # type: ignore[assignment]
        compiled = engine.compiles - before
        print(f"完整构建：{len(downloads)} 个 PDF（编译 {compiled} 次），共 {full_ms:.0f} ms，"
              f"平均每个 PDF {full_ms / len(downloads):.1f} ms")
        for kind in ("handout", "handout-large", "signin", "feedback", "form"):
            if in_build[kind]:
                print(f"  完整构建中的中位数 {names[kind]:<6}：{statistics.median(in_build[kind]):6.1f} ms")
        before = engine.compiles
        start = time.perf_counter()
        site_printables(corpus, args.site_url, cache)
        again_ms = _ms(time.perf_counter() - start)
        print(f"再次构建（全部命中缓存）：{again_ms:.0f} ms，编译 {engine.compiles - before} 次")


if __name__ == "__main__":
    main()
