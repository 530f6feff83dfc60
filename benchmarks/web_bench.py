"""``gongyu web`` under load (not a test): many schools signing in, saving and downloading at once.

A county of ``--schools`` schools (default 50) is made with ``gongyu web add-schools`` and the
service is started as its own process on a free port of 127.0.0.1 (never another host). Each
school is one thread doing, ``--rounds`` times (default 3): open its form, change a name, save,
download its pack (built after the save), download it again (now cached). All schools start
together. Reported per step: p50 / p95 / max latency and the errors; the first round is
reported apart (cold: workers start, fonts and templates load). The load average is printed
because the machine may be shared.

Usage::

    .venv/bin/python benchmarks/web_bench.py [--schools 50] [--rounds 3] [--workers 2] [--threads 16]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web_helpers import TOKEN, cli_county, parse_form, start_server, stop_server  # noqa: E402


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path.lstrip("/"), timeout=300) as response:
            return response.read()

    def post(self, path: str, data: dict[str, Any]) -> bytes:
        body = urllib.parse.urlencode(data, doseq=True).encode("utf-8")
        with self.opener.open(self.base + path.lstrip("/"), data=body, timeout=300) as response:
            return response.read()


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and every live descendant (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def school_run(base: str, school_id: str, code: str, rounds: int, start: threading.Barrier,
               times: dict[tuple[int, str], list[float]], errors: list[str], lock: threading.Lock) -> None:
    client = Client(base)

    def step(round_no: int, name: str, action: Any) -> Any:
        began = time.perf_counter()
        try:
            result = action()
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
            with lock:
                errors.append(f"{school_id} round {round_no} {name}: {type(exc).__name__}: {exc}")
            return None
        with lock:
            times[(round_no, name)].append(time.perf_counter() - began)
        return result

    start.wait()
    token_page = step(0, "sign-in page", lambda: client.get("/"))
    if token_page is None:
        return
    token = TOKEN.search(token_page.decode("utf-8")).group(1)
    if step(0, "sign in", lambda: client.post("/signin", {"code": code, "csrf_token": token})) is None:
        return
    for round_no in range(1, rounds + 1):
        page = step(round_no, "open form", lambda: client.get(f"/s/{school_id}/"))
        if page is None:
            continue
        form = parse_form(page.decode("utf-8"))
        form["people.校长"] = f"校长{round_no}号"
        saved = step(round_no, "save", lambda: client.post(f"/s/{school_id}/", form))
        if saved is not None and "已保存。".encode() not in saved:
            with lock:
                errors.append(f"{school_id} round {round_no} save: not acknowledged")
        for name in ("pack (after save)", "pack (cached)"):
            data = step(round_no, name, lambda: client.get(f"/s/{school_id}/pack.zip"))
            if data is not None and not data.startswith(b"PK"):
                with lock:
                    errors.append(f"{school_id} round {round_no} {name}: not a zip")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    if not 1 <= args.schools <= 500 or not 1 <= args.rounds <= 20:
        parser.error("--schools 1–500, --rounds 1–20")

    folder = Path(tempfile.mkdtemp(prefix="gongyu-web-bench-"))
    print(f"{args.schools} schools, {args.rounds} rounds, {args.workers} pack workers, {args.threads} server threads, "
          f"{os.cpu_count()} cores; load before: {os.getloadavg()[0]:.1f}")
    data_dir, codes, _admin = cli_county(folder, args.schools)
    server = start_server(data_dir, folder, workers=args.workers, threads=args.threads)
    times: dict[tuple[int, str], list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(codes))
    began = time.perf_counter()
    try:
        threads = [threading.Thread(target=school_run, args=(server.url, school_id, code, args.rounds, barrier, times,
                                                             errors, lock)) for school_id, code in codes.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu = process_tree_cpu(server.process.pid)
    finally:
        stop_server(server)
    total = time.perf_counter() - began
    print(f"wall time {total:.1f} s; load after: {os.getloadavg()[0]:.1f}; errors: {len(errors)}")
    rounds = args.schools * args.rounds
    print(f"CPU used by the service (server + pack workers, start-up included): {cpu:.1f} s, "
          f"{cpu / rounds:.2f} s per school round (open form, save, pack built, two downloads); "
          f"on {os.cpu_count()} free cores that is {cpu / (os.cpu_count() or 1):.1f} s of wall time at best")
    for line in errors[:20]:
        print("  ", line)
    print(f"{'round':<6}{'step':<20}{'n':>5}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for (round_no, name) in sorted(times):
        values = times[(round_no, name)]
        label = "cold" if round_no == 1 else ("once" if round_no == 0 else f"warm{round_no}")
        print(f"{label:<6}{name:<20}{len(values):>5}{statistics.median(values):>9.2f}{percentile(values, 0.95):>9.2f}"
              f"{max(values):>9.2f}")
    warm = [v for (r, n), vs in times.items() if r >= 2 for v in vs if n == "pack (after save)"]
    cached = [v for (r, n), vs in times.items() if r >= 1 for v in vs if n == "pack (cached)"]
    if warm:
        print(f"warm rounds, pack after save: p50 {statistics.median(warm):.2f} s, p95 {percentile(warm, 0.95):.2f} s")
    if cached:
        print(f"pack already built: p50 {statistics.median(cached):.3f} s, p95 {percentile(cached, 0.95):.3f} s")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
