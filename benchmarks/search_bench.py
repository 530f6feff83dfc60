"""Site search benchmark (not a test): bytes per query and time per keystroke at scale.

Usage: ``.venv/bin/python benchmarks/search_bench.py [--sizes 1000 5000] [--keep DIR] [--no-browser]``

For each size it makes a synthetic corpus (``synth.py``: the real corpus's sentences, shuffled),
builds it with ``gongyu build --no-pdf`` and reports:

- the index on disk (files, raw and gzip -6);
- bytes one query downloads beyond the page: ``m.js`` + the term shards of the query's terms + the
  page shards of the first ten results, gzip -6, for each public query (``tests/search_queries.yml``),
  median and maximum (computed with the Python copy of the ranking, ``generator/search/query.py``);
- in headless Chromium with the CPU throttled 4× (CDP ``Emulation.setCPUThrottlingRate``), each
  query typed one character at a time: milliseconds from the ``input`` event until the results are
  drawn, median and 95th percentile: each prefix twice, first as typed (it may load shards over
  local HTTP) and again with its shards loaded;
- the cold page: every byte the home page loads (gzip), measured in the browser.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from synth import make_corpus  # noqa: E402

from generator.search.query import BuiltIndex

QUERIES = [item["q"] for item in yaml.safe_load((REPO / "tests/search_queries.yml").read_text(encoding="utf-8"))["queries"]]


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6, mtime=0))


def query_files(index: BuiltIndex, query: str) -> set[str]:
    """The index files search.js loads for a query (as its ``run()`` does)."""
    terms = index.analyzer.analyze(query)
    files = {"m"} | {index.shard_of(key) for key in index.analyzer.starts(query)} | {index.shard_of(t) for t in terms}
    per = index.meta["docsPerShard"]
    files |= {f"d{page // per}" for page, _ in index.rank(query)[:10]}
    return files


def bytes_per_query(folder: Path) -> tuple[float, int]:
    index = BuiltIndex(folder)
    sizes: dict[str, int] = {}
    totals = []
    for query in QUERIES:
        total = 0
        for name in query_files(index, query):
            if name not in sizes:
                path = folder / f"{name}.js"
                sizes[name] = gz(path.read_bytes()) if path.is_file() else 0
            total += sizes[name]
        totals.append(total)
    return statistics.median(totals), max(totals)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


#: One keystroke: empty the box, then put the text in and fire ``input``; milliseconds until
#: search.js has drawn the results (``gongyuSearch.lastRender``).
KEYSTROKE = """async (text) => {
    const box = document.getElementById('gy-search-q');
    box.value = ''; box.dispatchEvent(new Event('input'));
    const last = window.gongyuSearch.lastRender || 0;
    const start = performance.now();
    box.value = text; box.dispatchEvent(new Event('input'));
    while ((window.gongyuSearch.lastRender || 0) === last) await new Promise(r => setTimeout(r, 0));
    return window.gongyuSearch.lastRender - start;
}"""


def browser_figures(site: Path, port: int) -> dict[str, str]:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}/"
    warm: list[float] = []
    cold: list[float] = []
    page_bytes = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            context = browser.new_context(service_workers="block")
            page = context.new_page()
            bodies: list[bytes] = []
            page.on("response", lambda r: bodies.append(r.body()) if r.ok else None)
            page.goto(base, wait_until="networkidle")
            page_bytes = sum(gz(b) for b in bodies)
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            page.click(".gy-search-button")
            page.wait_for_function("() => document.querySelector('.gy-search__status').textContent.includes('输入')")
            for query in QUERIES:
                for k in range(1, len(query) + 1):
                    # Twice: the first time may load shards (cold), the second finds them loaded (warm).
                    for times in (cold, warm):
                        times.append(page.evaluate(KEYSTROKE, query[:k]))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()

    def pct(values: list[float], q: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")

    return {
        "冷启动页面（首页，全部 gzip）": f"{page_bytes / 1024:.0f} KiB",
        "每次按键，CPU 降速 4×（分片已载入）中位 / p95": f"{statistics.median(warm):.1f} / {pct(warm, 0.95):.1f} ms",
        "每次按键，CPU 降速 4×（首次，含载入分片）中位 / p95": f"{statistics.median(cold):.1f} / {pct(cold, 0.95):.1f} ms",
        "按键次数": str(len(warm)),
    }


def measure(size: int, work: Path, browser: bool, port: int) -> dict[str, str]:
    root = work / f"corpus-{size}"
    site = work / f"site-{size}"
    if not (site / "search" / "m.js").is_file():  # --keep reuses an earlier build
        make_corpus(root, size, schools=0)
        subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "build", "--no-pdf", "--site-dir", str(site)],
                       cwd=REPO, check=True, capture_output=True)
    folder = site / "search"
    files = sorted(folder.glob("*.js"))
    raw = sum(p.stat().st_size for p in files)
    packed = sum(gz(p.read_bytes()) for p in files)
    median, worst = bytes_per_query(folder)
    row = {
        "页面数": str(len(list(site.rglob("*.html")))),
        "索引文件数": str(len(files)),
        "索引总量 原始 / gzip": f"{raw / 1024:.0f} / {packed / 1024:.0f} KiB",
        "m.js gzip": f"{gz((folder / 'm.js').read_bytes()) / 1024:.1f} KiB",
        "一次查询下载量 gzip 中位 / 最大": f"{median / 1024:.0f} / {worst / 1024:.0f} KiB",
    }
    if browser:
        row.update(browser_figures(site, port))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temporary folder)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    parser.add_argument("--port", type=int, default=8711)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            print(f"== {size} 项（课时 + 文章）")
            for key, value in measure(size, work, not args.no_browser, args.port).items():
                print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
