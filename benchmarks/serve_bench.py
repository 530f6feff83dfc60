"""Serve benchmark (not a test): from a save to the served page showing it, as a reader of `gongyu serve` sees it.

Usage::

    .venv/bin/python benchmarks/serve_bench.py [--articles 0 1000] [--rounds 5] [--pdf] [--plain]

For each corpus (``0``: a copy of this repository's; ``N``: ``synth.py``'s N articles + N lessons) a
real ``gongyu serve`` runs (``--no-pdf`` unless ``--pdf``). Each round saves one article, one lesson
and one plan template with a new sentence, then asks the server for that page until the sentence is
in it (MkDocs's server holds a request while a rebuild runs, so the page comes back as soon as the
rebuild has written it). ``--plain`` runs, side by side and interleaved, plain ``mkdocs serve --dirty``
on the same generated Markdown without the gongyu plugin (an article edited in its Markdown): the
floor MkDocs itself sets. Figures: median and maximum seconds per kind of edit, and the CPU seconds
the server process used over all rounds (on a shared machine the CPU time is the steadier figure),
and how many of gongyu's rebuilds were quick ones (``mkdocs_plugin/quick.py``: only the changed pages).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from rebuild_bench import prepare  # noqa: E402  (the same corpora as the rebuild benchmark)

TIMEOUT = 600.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - 127.0.0.1 only
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, marker: str, limit: float = TIMEOUT, *, gone: bool = False) -> float:
    """Seconds until ``url`` serves a page holding ``marker`` (with ``gone``: no longer holding it)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        page = fetch(url)
        if page is not None and (marker in page) != gone:
            return time.perf_counter() - started
        time.sleep(0.02)
    raise SystemExit(f"{url} never showed {marker!r}")


def cpu_of(pid: int) -> float:
    """CPU seconds used so far by process ``pid`` and its children that have ended (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def plain_project(root: Path, out: Path) -> Path:
    """The same pages as plain Markdown in ``out/docs`` and a mkdocs.yml without the gongyu plugin."""
    from generator.mkdocs_plugin.site_files import DEFAULT_NAV
    from generator.pipeline import load_corpus
    from generator.render.pages.incremental import build_pages

    made = build_pages(load_corpus(root, schools=False))
    shutil.copytree(root / "docs", out / "docs")
    for uri, text in made.pages.items():
        target = out / "docs" / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^  - gongyu(:\n(      .*\n)*|\n)", "", config, count=1, flags=re.M)
    config = re.sub(r"^strict: true", "strict: false", config, flags=re.M)  # the extra pages are not in the nav
    if not re.search(r"^nav:", config, flags=re.M):  # the small navigation the plugin gives every page
        config += "\n" + yaml.safe_dump({"nav": DEFAULT_NAV}, allow_unicode=True)
    (out / "mkdocs.yml").write_text(config, encoding="utf-8")
    return out


class Server:
    """A serve process on a free port; ``wait_ready`` waits for its first build."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.port = free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - open while the server runs
        self.process = subprocess.Popen([*args, *self.port_args()], cwd=cwd, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}/"

    def port_args(self) -> list[str]:
        return []

    def wait_ready(self) -> float:
        started = time.perf_counter()
        while fetch(self.base) is None:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit("the server stopped before its first build:\n" + self.log.read().decode()[-3000:])
            time.sleep(0.2)
        return time.perf_counter() - started

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Gongyu(Server):
    def __init__(self, root: Path, pdf: bool) -> None:
        self.pdf = pdf
        super().__init__([sys.executable, "-m", "generator", "--root", str(root), "serve",
                          *([] if pdf else ["--no-pdf"])], root)

    def port_args(self) -> list[str]:
        return ["--port", str(self.port)]


class Plain(Server):
    def __init__(self, root: Path) -> None:
        super().__init__([sys.executable, "-m", "mkdocs", "serve", "--dirty", "-f", str(root / "mkdocs.yml")], root)

    def port_args(self) -> list[str]:
        return ["-a", f"127.0.0.1:{self.port}"]


def edits(root: Path) -> dict[str, tuple[Path, str, str]]:
    """Kind → (file, text to replace or "" to append, page address)."""
    article = sorted((root / "content").rglob("*.md"))[0]
    lesson = sorted(p for p in (root / "courses").rglob("*.yml") if p.name != "_course.yml")[0]
    plan = sorted((root / "plans").glob("*.yml"))[0]
    section = article.parent.name
    return {
        "article": (article, "", f"{section}/{article.stem}/"),
        "lesson": (lesson, r"\nkey_points:\n\s*- ", f"lessons/{lesson.stem}/"),
        "plan": (plan, r"\n\s*paragraphs:\n\s*- (?:text: )?(?![{'\"])", f"plans/{plan.stem}/"),
    }


def save(path: Path, where: str, marker: str) -> str:
    """Write ``marker`` into ``path`` (appended, or right after the pattern ``where``); return the original text."""
    text = path.read_text(encoding="utf-8")
    if not where:
        new = text + f"\n\n{marker}。\n"
    else:
        found = re.search(where, text)
        if found is None:
            raise SystemExit(f"{path}: {where!r} not found")
        new = text[:found.end()] + marker + text[found.end():]
    path.write_text(new, encoding="utf-8")
    return text


def run(args: argparse.Namespace) -> None:
    base = Path(tempfile.mkdtemp(prefix="gongyu-serve-bench-"))
    try:
        for size in args.articles:
            root = prepare(size, base, args.pdf)
            servers: dict[str, Server] = {"gongyu": Gongyu(root, args.pdf)}
            if args.plain:
                servers["plain mkdocs --dirty"] = Plain(plain_project(root, base / f"plain-{size}"))
            times: dict[tuple[str, str], list[float]] = {}
            cpu: dict[str, float] = {}
            try:
                for name, server in servers.items():
                    print(f"{size or 'today'}: {name} first build {server.wait_ready():.1f} s", flush=True)
                    cpu[name] = cpu_of(server.process.pid)
                for round_number in range(args.rounds):
                    for name, server in servers.items():  # interleaved: each server once per round
                        kinds = edits(root)
                        if name != "gongyu":  # the same article, as the generated Markdown plain MkDocs reads
                            address = kinds["article"][2]
                            kinds = {"article": (base / f"plain-{size}" / "docs" / (address.rstrip("/") + ".md"),
                                                 "", address)}
                        for kind, (path, anchor, address) in kinds.items():
                            marker = f"基准测试第{round_number}轮{kind}句"
                            original = save(path, anchor, marker)
                            try:
                                seconds = wait_for(server.base + address, marker)
                            finally:
                                path.write_text(original, encoding="utf-8")
                            wait_for(server.base + address, marker, gone=True)  # the restoring rebuild is done
                            times.setdefault((name, kind), []).append(seconds)
                            print(f"  round {round_number} {name} {kind}: {seconds:.2f} s", flush=True)
                for name, server in servers.items():
                    cpu[name] = cpu_of(server.process.pid) - cpu[name]
                server = servers["gongyu"]
                server.log.seek(0)
                log = server.log.read().decode("utf-8", "replace")
                quick = log.count("只重新生成了改动的页面")  # ServeConsole's lines (mkdocs_plugin/build.py)
                print(f"  gongyu rebuilds after saves: {quick} quick (only the changed pages), "
                      f"{log.count('网站已更新') - quick} dirty builds of the whole site", flush=True)
            finally:
                for server in servers.values():
                    server.stop()
            label = "today's corpus" if size == 0 else f"{size} articles + {size} lessons"
            print(f"\n{label}{' (with PDFs)' if args.pdf else ' (--no-pdf)'}, {args.rounds} rounds: save → page shown")
            for (name, kind), values in times.items():
                print(f"  {name:<22} {kind:<8} median {statistics.median(values):6.2f} s   max {max(values):6.2f} s")
            for name, seconds in cpu.items():
                print(f"  {name:<22} CPU over all rounds {seconds:.1f} s")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[0, 1000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="serve with printables (the default of gongyu serve)")
    parser.add_argument("--plain", action="store_true", help="also run plain `mkdocs serve --dirty`, interleaved")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
