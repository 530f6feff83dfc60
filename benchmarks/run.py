"""Site build benchmark (not a test): gongyu against plain MkDocs on synthetic corpora.

Usage: ``.venv/bin/python benchmarks/run.py [--sizes 100 1000] [--rounds 3] [--keep DIR] [--skip-others]``

For each size (lessons + articles, half each; see ``synth.py``) it prints one column of a table:

- ``gongyu build --no-pdf`` once into an empty cache, then ``--rounds`` times (median);
- plain ``mkdocs build`` of the very same pages: the Markdown that ``PageBuilder`` generates, written
  to a ``docs/`` folder and built with a vanilla ``mkdocs.yml`` (Material, its search plugin with
  jieba, the same Markdown extensions and the same small navigation, no gongyu plugin), and the
  ratio of the two medians; both run as subprocesses, so interpreter start-up is in both;
- the rebuild after one edit of one lesson YAML (median over ``--rounds`` different edits);
- in-process time of ``load_corpus`` and ``PageBuilder.pages`` (where gongyu's own time goes);
- bytes per page: all files of the site over the number of HTML pages, and the median HTML page;
- the bytes a browser downloads to run one search: for gongyu, the index shards one public query
  loads (median and maximum, see ``search_bench.py``); for plain MkDocs, Material's whole
  ``search_index.json``, its worker and lunr language files (raw and gzip -6).

Then it runs ``printables_bench.py`` and ``packs_bench.py`` from this folder when they exist.
Times are wall-clock seconds on this machine; compare ratios, not absolute numbers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from search_bench import bytes_per_query  # noqa: E402
from synth import make_corpus  # noqa: E402

OTHER_BENCHMARKS = ("printables_bench.py", "packs_bench.py")


# -- measuring ---------------------------------------------------------------------------------
def run_timed(args: list[str], *, cwd: Path) -> float:
    """Wall-clock seconds of a subprocess; its output is shown only when it fails."""
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"failed ({result.returncode}): {' '.join(args)}")
    return elapsed


def samples(rounds: int, action: Callable[[int], float]) -> list[float]:
    return [action(index) for index in range(rounds)]


def secs(values: list[float]) -> str:
    """Median, and the fastest run: on a shared machine the minimum is the least disturbed."""
    return f"{statistics.median(values):.1f} s（最快 {min(values):.1f}）"


def gongyu_build(root: Path, site: Path) -> float:
    return run_timed([sys.executable, "-m", "generator", "--root", str(root), "build", "--no-pdf",
                      "--site-dir", str(site)], cwd=REPO)


def mkdocs_build(config: Path, site: Path) -> float:
    return run_timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                     cwd=config.parent)


# -- the vanilla MkDocs project ----------------------------------------------------------------
def write_vanilla(root: Path, dest: Path) -> int:
    """The corpus's pages as plain Markdown in ``dest/docs`` plus a vanilla ``mkdocs.yml``."""
    from generator.pipeline import load_corpus
    from generator.render.pages import PageBuilder

    corpus = load_corpus(root, schools=False)
    builder = PageBuilder(corpus)
    pages = builder.pages()
    for article_id, article in sorted(corpus.articles.items()):
        pages[builder.site.uris[article_id]] = builder.article_markdown(article)
    docs = dest / "docs"
    for uri, text in pages.items():
        path = docs / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for extra in sorted((root / "docs").rglob("*")):
        if extra.is_file() and not (docs / extra.relative_to(root / "docs")).exists():
            target = docs / extra.relative_to(root / "docs")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(extra.read_bytes())
    project = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", ""))
    config = {
        "site_name": "vanilla",
        "site_url": "https://example.invalid/",
        "docs_dir": "docs",
        "theme": {"name": "material", "language": "zh", "font": False},
        "plugins": ["search"],
        "markdown_extensions": project["markdown_extensions"],
        "nav": project["nav"],
        "validation": {"nav": {"omitted_files": "info", "not_found": "info"},
                       "links": {"not_found": "info", "anchors": "info", "unrecognized_links": "info"}},
    }
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return len(pages)


# -- site measurements -------------------------------------------------------------------------
def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def page_bytes(site: Path) -> tuple[int, float, float]:
    """(HTML pages, all bytes per HTML page, median HTML page bytes)."""
    pages = sorted(site.rglob("*.html"))
    total = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
    return len(pages), total / len(pages), statistics.median(path.stat().st_size for path in pages)


def search_bytes(site: Path) -> tuple[int, int, int, int]:  # the vanilla site: Material's search
    """(index raw, index gzip, everything search loads raw, gzip) as Material's worker fetches it."""
    index = (site / "search" / "search_index.json").read_bytes()
    files = [next((site / "assets/javascripts/workers").glob("search.*.min.js"))]
    langs = json.loads(index)["config"]["lang"]
    lunr = site / "assets/javascripts/lunr"
    extra = []
    for lang in langs:  # mirrors setupSearchLanguages() in Material's search worker
        if lang == "ja":
            extra.append(lunr / "tinyseg.js")
        if lang in ("hi", "th"):
            extra.append(lunr / "wordcut.js")
        if lang != "en":
            extra.append(lunr / "min" / f"lunr.{lang}.min.js")
    if len(langs) > 1:
        extra.append(lunr / "min" / "lunr.multi.min.js")
    if extra:
        extra.insert(0, lunr / "min" / "lunr.stemmer.support.min.js")
    blobs = [index] + [path.read_bytes() for path in files + extra]
    return len(index), gz(index), sum(map(len, blobs)), sum(map(gz, blobs))


# -- one size ----------------------------------------------------------------------------------
def measure(size: int, rounds: int, work: Path, schools: int) -> dict[str, str]:
    from generator.pipeline import load_corpus
    from generator.render.pages import PageBuilder

    root = work / f"corpus-{size}"
    print(f"[{size}] generating the synthetic corpus …", flush=True)
    synth = make_corpus(root, size, schools=schools)
    vanilla = work / f"vanilla-{size}"
    generated = write_vanilla(root, vanilla)
    site = work / f"site-{size}"
    plain = work / f"plain-{size}"

    load_s = statistics.median(samples(rounds, lambda _: _timed(lambda: load_corpus(root, schools=False))))
    corpus = load_corpus(root, schools=False)
    pages_s = statistics.median(samples(rounds, lambda _: _timed(lambda: PageBuilder(corpus).pages())))

    print(f"[{size}] gongyu build (empty cache) …", flush=True)
    cold = gongyu_build(root, site)
    print(f"[{size}] gongyu build ×{rounds} …", flush=True)
    warm = samples(rounds, lambda _: gongyu_build(root, site))
    print(f"[{size}] mkdocs build ×{rounds} …", flush=True)
    vanilla_s = samples(rounds, lambda _: mkdocs_build(vanilla / "mkdocs.yml", plain))

    lesson = synth.lessons[0]
    original = lesson.read_text(encoding="utf-8")

    def edit_and_rebuild(index: int) -> float:
        data = yaml.safe_load(original)
        data["key_points"][0] += f"（第{index + 1}次修改）"
        lesson.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
        return gongyu_build(root, site)

    print(f"[{size}] rebuild after one YAML edit ×{rounds} …", flush=True)
    try:
        rebuild = samples(rounds, edit_and_rebuild)
    finally:
        lesson.write_text(original, encoding="utf-8")

    n_pages, per_page, median_html = page_bytes(site)
    v_pages, v_per_page, v_median_html = page_bytes(plain)
    _, _, search_raw, search_gz = search_bytes(plain)
    index_files = sorted((site / "search").glob("*.js"))
    index_raw = sum(path.stat().st_size for path in index_files)
    query_median, query_max = bytes_per_query(site / "search")
    return {
        "内容：课时 + 文章": f"{len(synth.lessons)} + {len(synth.articles)}",
        "HTML 页面（gongyu / 纯 MkDocs）": f"{n_pages} / {v_pages}",
        "gongyu build --no-pdf 首次（空缓存）": f"{cold:.1f} s",
        "gongyu build --no-pdf 中位数": secs(warm),
        "mkdocs build（同样的页面）中位数": secs(vanilla_s),
        "比值 gongyu / mkdocs（中位数 / 最快）": f"{statistics.median(warm) / statistics.median(vanilla_s):.2f}× / "
                                               f"{min(warm) / min(vanilla_s):.2f}×",
        "改一个课时 YAML 后重建 中位数": secs(rebuild),
        "  其中 load_corpus（进程内）": f"{load_s:.2f} s",
        "  其中 PageBuilder.pages（进程内）": f"{pages_s:.2f} s",
        "每页字节：全站 ÷ 页数（gongyu / 纯）": f"{per_page / 1024:.0f} / {v_per_page / 1024:.0f} KiB",
        "HTML 页面中位数（gongyu / 纯）": f"{median_html / 1024:.1f} / {v_median_html / 1024:.1f} KiB",
        "搜索一次的下载量 gzip：gongyu 中位 / 最大": f"{query_median / 1024:.0f} / {query_max / 1024:.0f} KiB",
        "  纯 MkDocs（Material 搜索，整个索引）原始 / gzip": f"{search_raw / 1024:.0f} / {search_gz / 1024:.0f} KiB",
        "  每页的索引字节（原始）": f"{index_raw / max(generated, 1) / 1024:.1f} KiB",
    }


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def print_table(columns: dict[int, dict[str, str]]) -> None:
    sizes = list(columns)
    rows = list(next(iter(columns.values())))

    def width(text: str) -> int:  # CJK characters take two columns in a terminal
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    def pad(text: str, size: int) -> str:
        return text + " " * max(size - width(text), 0)

    first = max(width(row) for row in rows) + 2
    cells = [max(width(columns[s][row]) for row in rows) + 2 for s in sizes]
    cells = [max(c, len(f"{s} 项") + 2) for c, s in zip(cells, sizes)]
    print(pad("指标", first) + "".join(pad(f"{s} 项", c) for s, c in zip(sizes, cells)))
    print("-" * (first + sum(cells)))
    for row in rows:
        print(pad(row, first) + "".join(pad(columns[s][row], c) for s, c in zip(sizes, cells)))


def run_others(skip: bool) -> None:
    for name in OTHER_BENCHMARKS:
        script = HERE / name
        if not script.is_file():
            print(f"\n[{name}] 不存在，跳过。")
            continue
        if skip:
            print(f"\n[{name}] 已按 --skip-others 跳过。")
            continue
        print(f"\n== {name} ==", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=REPO, text=True, encoding="utf-8", errors="replace",
                                capture_output=True)
        print((result.stdout + result.stderr).rstrip())
        if result.returncode != 0:
            print(f"[{name}] 退出码 {result.returncode}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="lessons + articles per corpus")
    parser.add_argument("--rounds", type=int, default=3, help="repetitions for each median")
    parser.add_argument("--schools", type=int, default=300, help="school profiles written beside each corpus")
    parser.add_argument("--keep", type=Path, default=None, help="work folder to keep (default: a temporary one)")
    parser.add_argument("--skip-others", action="store_true", help="do not run printables_bench / packs_bench")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gongyu-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        columns = {size: measure(size, args.rounds, work, args.schools) for size in args.sizes}
    print(f"\n中位数取 {args.rounds} 次；机器：{os.cpu_count()} 核，Python {sys.version.split()[0]}\n")
    print_table(columns)
    run_others(args.skip_others)


if __name__ == "__main__":
    main()
