"""The site in Chinese to the end (issue 21): the 404 page, heading anchors, the plain build opened
from disk, images only from the site itself, no symlinks published from docs/, short QR links and
downloads named by lesson.

The browser tests drive Debian's Chromium through Playwright as tests/test_browser.py does; set
``GONGYU_SCREENSHOTS=/some/folder`` to keep the screenshots.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.mkdocs_plugin.build import build_site

from .conftest import gongyu

CHROMIUM = Path(os.environ.get("GONGYU_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = os.environ.get("GONGYU_SCREENSHOTS")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture corpus with the project's mkdocs.yml and docs/, built with its PDFs."""
    from .conftest import copy_mini_project

    root = copy_mini_project(tmp_path_factory.mktemp("site-zh") / "project")
    build_site(root, site_url="https://jx.qingshan.edu.cn/")
    return root


# ------------------------------------------------------------------------------------------------
# Static checks of the built site
# ------------------------------------------------------------------------------------------------


def test_404_page_is_chinese_with_search_and_a_way_home(built: Path) -> None:
    html = (built / "site" / "404.html").read_text(encoding="utf-8")
    assert "Not found" not in html
    assert "<h1>找不到这个页面</h1>" in html and "<title>找不到这个页面" in html
    assert 'type="search"' in html and "回到首页" in html
    # served at any depth: its links and the search script are absolute
    assert 'href="/"' in html and 'src="/assets/gongyu/search.js"' in html


def test_heading_anchors_have_a_chinese_title(built: Path) -> None:
    pages = sorted((built / "site").rglob("*.html"))
    assert not [p for p in pages if "Permanent link" in p.read_text(encoding="utf-8")]
    assert any('title="本节链接"' in p.read_text(encoding="utf-8") for p in pages)


def test_short_links_redirect_to_their_lesson(built: Path) -> None:
    page = (built / "site" / "k" / "demo-lesson" / "index.html").read_text(encoding="utf-8")
    assert 'url=../../lessons/demo-lesson/"' in page and 'href="../../lessons/demo-lesson/"' in page
    assert (built / "site" / "lessons" / "demo-lesson" / "index.html").is_file()


def test_pdf_downloads_are_named_by_lesson(built: Path) -> None:
    html = (built / "site" / "lessons" / "demo-lesson" / "index.html").read_text(encoding="utf-8")
    for label in ("讲义", "大字版讲义", "签到表", "反馈表", "组织者用页"):
        assert f'download="家长课-和青春期的孩子好好说话-{label}.pdf"' in html, label


def _with_article_html(root: Path, html: str) -> None:
    article = root / "content/parents/demo-article.md"
    article.write_text(article.read_text(encoding="utf-8") + f"\n{html}\n", encoding="utf-8")


@pytest.mark.parametrize("html", [
    '<img src="https://img.example.net/a.png" alt="图">',
    "<img src='//cdn.example.net/a.png' alt='图'>",
    '![图](http://img.example.net/a.png)',
])
def test_an_image_from_another_host_fails_the_build(tmp_path: Path, built: Path, html: str) -> None:
    root = tmp_path / "p"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns("site", ".cache"))
    _with_article_html(root, html)
    result = gongyu("--root", str(root), "build", "--no-pdf")
    assert result.returncode == 1, result.stdout
    assert "content/parents/demo-article.md" in result.stderr and "example.net/a.png" in result.stderr
    assert "只能用本站的文件" in result.stderr and "Traceback" not in result.stderr


def test_a_local_image_builds(tmp_path: Path, built: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns("site", ".cache"))
    (root / "docs" / "img").mkdir()
    (root / "docs" / "img" / "a.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    _with_article_html(root, '<img src="../../img/a.svg" alt="图">')
    result = gongyu("--root", str(root), "build", "--no-pdf")
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_a_symlink_in_docs_is_refused(tmp_path: Path, built: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns("site", ".cache"))
    secret = tmp_path / "secret.txt"
    secret.write_text("私人文件", encoding="utf-8")
    (root / "docs" / "passwd.txt").symlink_to(secret)
    (root / "docs" / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    result = gongyu("--root", str(root), "build", "--no-pdf")
    assert result.returncode == 1
    assert "docs/passwd.txt" in result.stderr and "docs/elsewhere" in result.stderr and "符号链接" in result.stderr
    assert not (root / "site" / "passwd.txt").exists()


def test_check_strict_fails_on_a_placeholder_site_url(tmp_path: Path, built: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns("site", ".cache"))
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("site_url:"))
    for url in ("https://gongyu.example.cn/", "http://localhost:8000/", "https://gongyu.example/"):
        config.write_text(text.replace(text.splitlines()[line - 1], f"site_url: {url}"), encoding="utf-8")
        result = gongyu("--root", str(root), "check", "--strict")
        assert result.returncode == 1, url
        assert f"mkdocs.yml:{line}:11:" in result.stderr and "site_url" in result.stderr, result.stderr
        relaxed = gongyu("--root", str(root), "check")
        assert relaxed.returncode == 0 and "site_url" in relaxed.stderr
    config.write_text(text.replace(text.splitlines()[line - 1], "site_url: https://jx.qingshan.edu.cn/"), encoding="utf-8")
    assert gongyu("--root", str(root), "check", "--strict").returncode == 0


# ------------------------------------------------------------------------------------------------
# In Chromium
# ------------------------------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"{CHROMIUM} not found (scripts/setup.sh test installs it)")


class _Site404Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as a web server would: a missing path gets 404.html with status 404."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            yield chromium
        finally:
            chromium.close()


def _screenshot(page: Any, tmp_path: Path, name: str) -> Path:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=False)
    return path


@needs_chromium
@pytest.mark.browser
def test_404_in_chromium_searches_and_goes_home(built: Path, browser: Any, tmp_path: Path) -> None:
    handler = functools.partial(_Site404Handler, directory=str(built / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        response = page.goto(base + "lessons/no-such-lesson/deeper/", wait_until="load")
        assert response is not None and response.status == 404
        assert page.locator("h1").first.inner_text() == "找不到这个页面"
        assert page.title().startswith("找不到这个页面")
        shot = _screenshot(page, tmp_path, "404.png")
        assert shot.stat().st_size > 1000
        # the search box is visible as a box (the theme strips inputs of their border) and finger-sized
        box = page.locator("#gy-notfound-q").evaluate("""i => { const s = getComputedStyle(i), r = i.getBoundingClientRect();
            return {border: parseFloat(s.borderBottomWidth), style: s.borderBottomStyle, height: r.height, width: r.width}; }""")
        assert box["border"] >= 1 and box["style"] != "none", box
        assert box["height"] >= 44 and box["width"] >= 180, box
        page.fill("#gy-notfound-q", "青春期的孩子")
        page.click(".gy-notfound-search button")
        page.wait_for_selector(".gy-search__link", timeout=15000)
        assert page.locator("dialog.gy-search").evaluate("d => d.open")
        links = page.locator(".gy-search__link").evaluate_all("a => a.map(x => x.getAttribute('href'))")
        assert any("lessons/demo-lesson/" in href for href in links), links
        _screenshot(page, tmp_path, "404-search.png")
        page.keyboard.press("Escape")
        page.click("text=回到首页")
        page.wait_for_load_state("load")
        assert page.url == base
        assert errors == []
    finally:
        context.close()
        server.shutdown()
        server.server_close()


@needs_chromium
@pytest.mark.browser
def test_plain_build_opened_from_disk_follows_links(built: Path, browser: Any, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto((built / "site" / "index.html").as_uri(), wait_until="load")
        page.locator("a[href$='parents/']:visible").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/parents/index.html"), page.url
        assert page.locator("h1").count() >= 1  # a page, not the browser's folder listing
        _screenshot(page, tmp_path, "file-parents.png")
        page.locator("a[href*='demo-article']:visible").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/demo-article/index.html"), page.url
    finally:
        context.close()


def test_page_tags_list_stages_in_school_order_first(built: Path) -> None:
    """Material sorts a page's tags by code point (初中 before 学前, 小学中年级 before 小学低年级);
    the plugin orders them: stages as children go through school, then topics."""
    import re

    from generator.mkdocs_plugin.tags import tag_order

    assert sorted(["初中", "学前", "家校合作", "小学中年级", "小学低年级", "高中"], key=tag_order) == [
        "学前", "小学低年级", "小学中年级", "初中", "高中", "家校合作"]
    html = (built / "site" / "parents" / "demo-article" / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="md-tags"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    tags = [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r'<a [^>]*class="md-tag[^"]*"[^>]*>(.*?)</a>|'
                                                                   r'<span [^>]*class="md-tag[^"]*"[^>]*>(.*?)</span>',
                                                                   nav.group(1), re.S) for t in t if t]
    assert tags[0] == "初中" and sorted(tags[1:]) == tags[1:], tags
