"""School-pack benchmark (not a test): prints the figures the packs issue asks for.

1. One school's pack of five plans — each plan as DOCX and PDF, plus the 行事历 (DOCX and PDF),
   calendar.ics and the blank forms headed with the school's name — in a warm process, for a
   school never built before: median wall and CPU time (target ≤ 0.3 s on one core). The forms
   are laid out once per process and each school's name stamped on (generator/packs/stamp.py),
   so the first pack of a process pays for the layout; it is reported apart.
2. A batch of schools (default 100) on one core and on two cores (target: ≥ 1.7× faster).

The machine may be shared: the load average is printed, and CPU time is reported beside wall
time because it says more than wall time when other programs keep the cores busy.

Usage::

    .venv/bin/python benchmarks/packs_bench.py [--schools 100] [--no-forms] [--no-pdf] [--repeat 9]

The schools are synthetic copies of one profile adopting five real plan templates, with every
post the leading groups need filled in, so nothing fails and every school costs the same.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PLANS = ("kongchuo-baoxue", "kongchuo-jindong", "qiling-zhili", "xietong-shishi", "tingke-buting")


def make_schools(corpus, count: int):  # type: ignore[no-untyped-def]
    """``count`` profiles adopting :data:`PLANS`, every holder post named."""
    from generator.models import School
    from generator.packs import Profile

    plans = [p for p in PLANS if p in corpus.plans]
    posts: dict[str, str] = {}
    for plan_id in plans:
        organisation = corpus.plans[plan_id].organisation
        for role in organisation.roles if organisation else ():
            posts.setdefault(role.holder, f"教师{len(posts) + 1:02d}")
    profiles = []
    for index in range(count):
        school = School.model_validate({
            "id": f"bench-{index:04d}",
            "name": f"测试县第{index + 1}中心学校",
            "type": "九年一贯制",
            "place": {"province": "贵州省", "county": "测试县", "town": "测试镇"},
            "authority": "测试县教育局",
            "year": "2026-2027",
            "people": posts,
            "plans": [{"plan": plan_id} for plan_id in plans],
        })
        profiles.append(Profile(school, None, f"bench-{index:04d}"))
    return profiles


def one_pack(corpus, profiles, *, forms: bool) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """(first wall seconds, median wall, median CPU seconds of the others) of building one pack
    (render in memory, write the folder) on one core.

    Every measurement is a different school: Typst memoises layout, so building the same school
    again would be faster than any real batch.
    """
    from generator import packs

    out = Path(tempfile.mkdtemp(prefix="packs-bench-"))
    wall, cpu = [], []
    for profile in profiles:
        started, used = time.perf_counter(), time.process_time()
        packs.build_pack(profile.school, corpus, out, forms=forms)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    shutil.rmtree(out, ignore_errors=True)
    return wall[0], statistics.median(wall[1:]), statistics.median(cpu[1:])


def batch(count: int, jobs: int, *, pdf: bool, forms: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds of all processes) for ``count`` schools with ``jobs`` processes,
    measured in a fresh interpreter. CPU time shows the cost of spreading the work even when other
    programs keep the cores busy and the wall time says little."""
    code = f"""
import sys, time, tempfile, shutil
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from generator.pipeline import load_corpus
from generator import packs
sys.path.insert(0, {str(ROOT / 'benchmarks')!r})
from packs_bench import make_schools
corpus = load_corpus(Path({str(ROOT)!r}), schools=False)
profiles = make_schools(corpus, {count})
out = Path(tempfile.mkdtemp(prefix="packs-batch-"))
started = time.perf_counter()
result = packs.build_packs(profiles, corpus, out, jobs={jobs}, pdf={pdf!r}, forms={forms!r}, progress=False)
elapsed = time.perf_counter() - started
used = result.cpu_seconds
shutil.rmtree(out, ignore_errors=True)
assert not result.failed, result.failure_summary()
print(elapsed, used)
"""
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    wall, used = done.stdout.strip().splitlines()[-1].split()
    return float(wall), float(used)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=100, help="批量测试的学校数（默认 100）")
    parser.add_argument("--repeat", type=int, default=9, help="单校测试测几所学校（每次一所新学校）")
    parser.add_argument("--no-forms", action="store_true", help="批量测试中不生成空白表格")
    parser.add_argument("--no-pdf", action="store_true", help="批量测试中不生成 PDF（也就没有表格）")
    args = parser.parse_args()

    from generator.pipeline import load_corpus

    corpus = load_corpus(ROOT, schools=False)
    schools = make_schools(corpus, 2 * (args.repeat + 1))
    print(f"CPU 核心数：{os.cpu_count()}；方案：{'、'.join(p for p in PLANS if p in corpus.plans)}；"
          f"系统负载：{os.getloadavg()[0]:.2f}")
    cold, warm, warm_cpu = one_pack(corpus, schools[: args.repeat + 1], forms=True)
    print(f"单校方案包（5 个方案的 DOCX+PDF、行事历 DOCX+PDF、ICS、空白表格），热进程、从未生成过的学校，中位数："
          f"{warm:.3f} 秒（CPU {warm_cpu:.3f} 秒；目标 ≤ 0.3 秒）；新进程首个 {cold:.3f} 秒（含排版空白表格）")
    _cold, warm_nf, warm_nf_cpu = one_pack(corpus, schools[args.repeat + 1:], forms=False)
    print(f"单校方案包（不含空白表格）：热进程 {warm_nf:.3f} 秒（CPU {warm_nf_cpu:.3f} 秒）")

    pdf = not args.no_pdf
    forms = pdf and not args.no_forms
    what = "含 PDF" + ("和表格" if forms else "，不含表格") if pdf else "不含 PDF"
    print(f"批量测试开始时的系统负载：{os.getloadavg()[0]:.2f}（其他程序占用 CPU 时，墙钟时间的加速比会偏低）")
    one, cpu_one = batch(args.schools, 1, pdf=pdf, forms=forms)
    print(f"{args.schools} 所学校（{what}），1 个核心：{one:.1f} 秒（每校 {one / args.schools:.3f} 秒；CPU {cpu_one:.1f} 秒）")
    two, cpu_two = batch(args.schools, 2, pdf=pdf, forms=forms)
    print(f"{args.schools} 所学校（{what}），2 个核心：{two:.1f} 秒（CPU {cpu_two:.1f} 秒）；"
          f"加速比 {one / two:.2f}×（目标 ≥ 1.7×）；按 CPU 时间可达的上限 {2 * cpu_one / cpu_two:.2f}×")


if __name__ == "__main__":
    main()
