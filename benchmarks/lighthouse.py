"""Lighthouse (mobile) and axe on five kinds of page: a report, not a test (scores are not asserted).

Usage::

    .venv/bin/python benchmarks/lighthouse.py [--site-dir DIR] [--port 8721] [--lighthouse PATH] [--no-axe]

Without ``--site-dir`` it builds the bundled corpus (with PDFs, as published) into a temporary
folder. The site is served on 127.0.0.1 from this process; Lighthouse (npm ``lighthouse``, found
on ``PATH``, in ``$LIGHTHOUSE`` or given with ``--lighthouse``) drives the system Chromium
(``$CHROME_PATH``, default ``/usr/bin/chromium``) with its default mobile settings (Moto G
Power-sized screen, simulated slow 4G and 4× CPU slowdown). Scores vary from run to run by a
few points on a busy machine; accessibility, best practices and SEO are stable.

axe counts come from the vendored ``tests/vendor/axe.min.js`` run in Playwright at 360×740,
counted by impact (violated rules, and the number of elements in brackets).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

#: (name, public path): home, an article, a lesson, a plan and a form page.
PAGES = [
    ("home", ""),
    ("article", "parents/jz-bullied/"),
    ("lesson", "lessons/aqj-fangnishui/"),
    ("plan", "plans/kongchuo-baoxue/"),
    ("form", "forms/jiafang-jilu/"),
]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
AXE = REPO / "tests" / "vendor" / "axe.min.js"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


_TEXT = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
         ".svg": "image/svg+xml", ".xml": "application/xml"}


class _Gzip(_Quiet):
    """Text files gzip-compressed, as any static host (nginx with gzip_types, a CDN) serves them."""

    def do_GET(self) -> None:  # noqa: N802
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = _TEXT.get(path.suffix)
        if kind is None or not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(site: Path, port: int, *, compress: bool = True) -> http.server.ThreadingHTTPServer:
    handler = _Gzip if compress else _Quiet
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def lighthouse(binary: str, url: str, chrome: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(
            [binary, url, "--quiet", "--output=json", f"--output-path={out}",
             "--only-categories=" + ",".join(CATEGORIES),
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
            check=True, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, timeout=300)
        report = json.loads(out.read_text(encoding="utf-8"))
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    failed = sorted(audit_id for audit_id, audit in report["audits"].items()
                    if audit.get("score") is not None and audit["score"] < 1
                    and audit.get("scoreDisplayMode") == "binary")
    scores["failed"] = failed  # type: ignore[assignment]
    metrics = {"FCP": "first-contentful-paint", "LCP": "largest-contentful-paint", "TBT": "total-blocking-time",
               "CLS": "cumulative-layout-shift", "SI": "speed-index"}
    scores["metrics"] = "  ".join(f"{name} {report['audits'][audit]['displayValue']}"  # type: ignore[assignment]
                                  for name, audit in metrics.items() if audit in report["audits"])
    return scores


def axe_counts(base: str, chrome: str) -> dict[str, dict[str, str]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chrome, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        page = context.new_page()
        for name, path in PAGES:
            page.goto(base + path, wait_until="load")
            page.add_script_tag(path=str(AXE))
            found = page.evaluate("""async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => [v.id, v.impact, v.nodes.length]);
            }""")
            counts = {}
            for impact in ("critical", "serious", "moderate", "minor"):
                rules = [v for v in found if v[1] == impact]
                counts[impact] = f"{len(rules)} ({sum(v[2] for v in rules)})"
            counts["rules"] = ", ".join(f"{v[0]}×{v[2]}" for v in found)
            results[name] = counts
        browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path)
    parser.add_argument("--port", type=int, default=8721)
    parser.add_argument("--lighthouse", default=os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse"))
    parser.add_argument("--no-axe", action="store_true")
    parser.add_argument("--no-gzip", action="store_true", help="serve files uncompressed (default: gzip, as a real host)")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--pages", nargs="*", help="only these page names (home, article, lesson, plan, form)")
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    tmp = None
    site = args.site_dir
    if site is None:
        from generator.mkdocs_plugin.build import build_site

        tmp = tempfile.TemporaryDirectory()
        site = Path(tmp.name) / "site"
        build_site(REPO, site_dir=site)
    server = serve(site, args.port, compress=not args.no_gzip)
    base = f"http://127.0.0.1:{args.port}/"
    try:
        if not args.no_axe:
            print("axe 4 at 360x740: violated rules (elements) by impact")
            for name, counts in axe_counts(base, chrome).items():
                print(f"  {name:8} critical {counts['critical']:8} serious {counts['serious']:8} "
                      f"moderate {counts['moderate']:8} minor {counts['minor']:8} {counts['rules']}")
        if not args.no_lighthouse:
            if not args.lighthouse:
                print("lighthouse not found: npm install lighthouse, then pass --lighthouse or set $LIGHTHOUSE")
                return 1
            print("Lighthouse mobile: " + " / ".join(CATEGORIES))
            for name, path in PAGES:
                if args.pages and name not in args.pages:
                    continue
                scores = lighthouse(args.lighthouse, base + path, chrome)
                print(f"  {name:8} " + " / ".join(f"{scores[c]:3}" for c in CATEGORIES) + f"   {scores['metrics']}"
                      + (f"   below 100: {', '.join(scores['failed'])}" if scores["failed"] else ""))
    finally:
        server.shutdown()
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
