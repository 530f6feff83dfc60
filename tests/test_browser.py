"""The real corpus site in a real browser (headless Chromium through Playwright).

What a static check of the HTML cannot see: scripts that fetch from other hosts at run time,
console errors, Chinese search as a person types, pastes or dictates into the site's search box
(``generator/search``), the print stylesheet, a phone-sized screen, and the offline build opened
from ``file://`` (USB sticks). The public query set ``tests/search_queries.yml`` runs online and
from ``file://``; set ``GONGYU_SEARCH_REPORT=/some/file.json`` to keep its figures.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, installed by ``scripts/setup.sh test``);
Playwright's own browser downloads are never used. Set ``GONGYU_SCREENSHOTS=/some/folder`` to keep
screenshots of the home page, a lesson on a phone and a search result.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from generator.mkdocs_plugin.build import build_site

from .conftest import REPO

CHROMIUM = Path(os.environ.get("GONGYU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(),
                       reason=f"{CHROMIUM} not found: install Debian's chromium package (scripts/setup.sh test does)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("GONGYU_SCREENSHOTS")


#: Pages visited by the loading tests: (public path, a piece of the page's own title).
PAGES = [
    ("", "共育"),
    ("parents/jz-school-refusal/", "不想上学"),
    ("lessons/aqj-fangnishui/", "防溺水"),
    ("plans/kongchuo-baoxue/", "控辍保学"),
]

#: Everyday queries (test id, what a person types) and the pages, any one of which is expected
#: among the first three results.
SEARCHES = [
    ("buxiang-shangxue", "孩子不想上学", {"parents/jz-school-refusal/"}),
    ("fang-nishui", "防溺水", {"lessons/aqj-fangnishui/", "lessons/aqs-fangnishui/", "parents/jz-summer-drowning/"}),
    ("wan-shouji", "玩手机", {"parents/jz-phone-rules/"}),
    ("yeye-nainai", "爷爷奶奶带孩子", {"parents/jz-grandparent-daily/"}),
    ("jiafang", "家访", {"teachers/js-jiafang/", "parents/jz-jiafang-welcome/"}),
    ("xiaoyuan-qiling", "校园欺凌", {"plans/qiling-zhili/", "parents/jz-bullied/", "teachers/js-bullying-report/"}),
    ("bei-qifu", "孩子被欺负", {"parents/jz-bullied/", "lessons/aqj-fangqiling/"}),
    ("kongchuo-baoxue", "控辍保学", {"plans/kongchuo-baoxue/", "plans/kongchuo-jindong/"}),
    ("qiandaobiao", "签到表", {"schools/xx-jiazhang-xuexiao/"}),
    ("jiazhanghui", "家长会", {"parents/jz-parent-meeting/", "teachers/js-parent-meeting/"}),
    ("liushou-ertong", "留守儿童", {"plans/liushou-guanai/", "teachers/js-yirenyidang/", "parents/jz-liushou-qinqing/",
                                    "parents/jz-liushou-tuofu/"}),
    ("xiaoshengchu", "小升初", {"parents/jz-xiaoshengchu/", "lessons/xg-xiaoshengchu/"}),
    ("fa-piqi", "孩子发脾气", {"lessons/xq-qingxu-fapiqi/"}),
    ("youxiao-xianjie", "幼小衔接", {"parents/jz-youxiao/", "lessons/xq-youxiao-xianjie/"}),
    ("fanghuo", "防火", {"lessons/aqj-fanghuo/", "lessons/aqs-fanghuo/"}),
    ("meiqi-zhongdu", "煤气中毒", {"lessons/aqj-fanghuo/"}),
]


# -- fixtures ----------------------------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real corpus (content/, courses/, plans/), built once for the module without PDFs."""
    site_dir = tmp_path_factory.mktemp("browser") / "site"
    build_site(REPO, site_dir=site_dir, pdf=False)
    return site_dir


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline build (no directory URLs, search index inlined) as it goes onto a USB stick."""
    site_dir = tmp_path_factory.mktemp("browser-offline") / "site"
    build_site(REPO, site_dir=site_dir, offline=True, pdf=False)
    return site_dir


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """The site served over HTTP on 127.0.0.1, from a thread of this process."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Visit:
    """A browser tab that records every request, failed response and error while it is open."""

    page: Any
    local: tuple[str, ...]
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request to another host: {url}" for url in self.foreign]
                + [f"failed: {item}" for item in self.failed]
                + [f"error: {item}" for item in self.errors])


def _is_local(url: str, local: tuple[str, ...]) -> bool:
    return url.startswith(local) or url.startswith(("data:", "blob:", "about:"))


def open_tab(browser: Any, local: tuple[str, ...], viewport: dict[str, int] = DESKTOP) -> tuple[Any, Visit]:
    """A fresh context whose requests to anything but ``local`` are recorded and blocked.

    Blocking keeps the test honest on a machine with internet access: a page that needs a CDN
    must fail here exactly as it fails in a village school or on a USB stick.
    """
    context = browser.new_context(viewport=viewport, locale="zh-CN", service_workers="block")
    page = context.new_page()
    visit = Visit(page=page, local=local)

    def on_request(request: Any) -> None:
        visit.requests.append(request.url)
        if not _is_local(request.url, local):
            visit.foreign.append(request.url)

    def route(route: Any) -> None:
        if _is_local(route.request.url, local):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            visit.failed.append(f"{response.status} {response.url}")

    def on_request_failed(request: Any) -> None:
        # ERR_ABORTED is the browser cancelling a request because the test navigated on (a
        # favicon still loading, say); a missing file shows as ERR_FILE_NOT_FOUND or a 404.
        if _is_local(request.url, local) and "ERR_ABORTED" not in str(request.failure):
            visit.failed.append(f"{request.failure} {request.url}")

    def on_console(message: Any) -> None:
        if message.type == "error":
            visit.errors.append(f"console: {message.text}")

    context.route("**/*", route)
    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.errors.append(f"page: {error}"))
    return context, visit


@pytest.fixture
def tab(browser: Any, base_url: str) -> Iterator[Visit]:
    context, visit = open_tab(browser, (base_url,))
    try:
        yield visit
    finally:
        context.close()


def shoot(page: Any, name: str, *, full_page: bool = False) -> None:
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / name), full_page=full_page)


# -- search helpers ----------------------------------------------------------------------------
def wait_for_results(page: Any, query: str) -> None:
    """Until the result list shows ``query`` (search.js marks the list with the query it shows)."""
    page.wait_for_function(
        """(q) => {
            const list = document.querySelector(".gy-search__results");
            return list !== null && list.dataset.query === q.normalize("NFKC").toLowerCase().replace(/\\s+/g, " ").trim();
        }""",
        arg=query,
        timeout=20_000,
    )


def type_query(page: Any, query: str) -> None:
    """Type like a person: one character at a time, then a key that ends the input.

    Chinese is entered through an input method; Playwright inserts characters that are not on a US
    keyboard as text (an ``input`` event without key events), like a paste or dictation.
    """
    page.fill("#gy-search-q", "")
    page.keyboard.type(query, delay=30)
    assert page.input_value("#gy-search-q") == query
    wait_for_results(page, query)


def open_search_with_slash(page: Any) -> None:
    page.keyboard.press("/")
    page.wait_for_function("() => document.activeElement?.id === 'gy-search-q'", timeout=5_000)


def result_pages(page: Any, prefix: str) -> list[str]:
    """Public paths of the pages in the result list, best first (one entry per page)."""
    hrefs = page.eval_on_selector_all(".gy-search__results > li > a", "items => items.map(a => a.href)")
    paths = []
    for href in hrefs:
        url = href.split("#", 1)[0].split("?", 1)[0]
        paths.append(unquote(url[len(prefix):] if url.startswith(prefix) else url))
    return paths


# -- served site -------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "title"), PAGES, ids=[p or "home" for p, _ in PAGES])
def test_page_loads_without_errors_or_other_hosts(tab: Visit, base_url: str, path: str, title: str) -> None:
    response = tab.page.goto(base_url + path, wait_until="load")
    assert response is not None and response.status == 200
    tab.page.wait_for_load_state("networkidle")
    assert title in tab.page.inner_text("article h1")
    # The search code is on every page; its index is not fetched until the search box opens.
    assert any(url.endswith("/assets/gongyu/search.js") for url in tab.requests)
    assert not [url for url in tab.requests if "/search/" in url], "search index fetched before opening search"
    assert any(re.search(r"/assets/javascripts/bundle\.[0-9a-f]+\.min\.js$", url) for url in tab.requests)
    assert tab.problems() == []
    if path == "":
        shoot(tab.page, "home-desktop.png")


@pytest.mark.parametrize(("query", "expected"), [(q, e) for _, q, e in SEARCHES], ids=[i for i, _, _ in SEARCHES])
def test_search_finds_the_page_a_parent_means(tab: Visit, base_url: str, query: str, expected: set[str]) -> None:
    tab.page.goto(base_url, wait_until="load")
    open_search_with_slash(tab.page)
    type_query(tab.page, query)
    found = result_pages(tab.page, base_url)
    assert found, f"no result for {query}"
    assert expected & set(found[:3]), f"{query}: first results {found[:5]}, expected one of {sorted(expected)}"
    assert tab.problems() == []


def test_print_hides_header_and_navigation(tab: Visit, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "lessons/aqj-fangnishui/", wait_until="load")
    page.emulate_media(media="print")
    shown = page.evaluate("""() => {
        const display = el => getComputedStyle(el).display;
        return {
            header: [...document.querySelectorAll(".md-header")].map(display),
            sidebars: [...document.querySelectorAll(".md-sidebar")].map(display),
            content: display(document.querySelector(".md-content")),
            title: display(document.querySelector("article h1")),
        };
    }""")
    assert shown["header"] and set(shown["header"]) == {"none"}
    assert shown["sidebars"] and set(shown["sidebars"]) == {"none"}
    assert shown["content"] != "none" and shown["title"] != "none"
    page.emulate_media(media="screen")
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).display") != "none"


def test_lesson_reads_well_on_a_phone(browser: Any, base_url: str) -> None:
    context, visit = open_tab(browser, (base_url,), viewport=PHONE)
    try:
        page = visit.page
        page.goto(base_url + "lessons/aqj-fangnishui/", wait_until="networkidle")
        # Nothing wider than the screen: tables scroll inside their own box, the page does not.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article.md-typeset')).fontSize)")
        assert size >= 16, f"body text is {size}px on a phone"
        shoot(page, "lesson-phone.png")
        shoot(page, "lesson-phone-full.png", full_page=True)
        # On a phone the search button is a magnifier in the header; the dialog fills the screen.
        page.click("header .gy-search-button")
        page.wait_for_function("() => document.activeElement?.id === 'gy-search-q'", timeout=5_000)
        type_query(page, "防溺水")
        shoot(page, "search-phone.png")
        assert result_pages(page, base_url), "no search result on a phone"  # ranking: the tests above
        assert visit.problems() == []
    finally:
        context.close()


def test_search_result_opens_the_page(tab: Visit, base_url: str) -> None:
    page = tab.page
    page.goto(base_url, wait_until="load")
    open_search_with_slash(page)
    type_query(page, "爷爷奶奶带孩子")
    shoot(page, "search-desktop.png")
    page.click(".gy-search__results > li >> nth=0 >> a >> nth=0")
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == "/parents/jz-grandparent-daily/"
    assert tab.problems() == []


# -- offline build from file:// ----------------------------------------------------------------
@pytest.fixture
def offline_tab(browser: Any, offline_site: Path) -> Iterator[Visit]:
    context, visit = open_tab(browser, (offline_site.as_uri() + "/",))
    try:
        yield visit
    finally:
        context.close()


def test_offline_pages_open_from_the_file_system(offline_tab: Visit, offline_site: Path) -> None:
    page = offline_tab.page
    page.goto(offline_site.as_uri() + "/index.html", wait_until="load")
    assert "共育" in page.inner_text("article h1")
    page.click("article a[href$='parents/index.html']")
    page.wait_for_load_state("load")
    assert page.url.endswith("/parents/index.html")
    page.goto((offline_site / "lessons" / "aqj-fangnishui.html").as_uri(), wait_until="load")
    assert "防溺水" in page.inner_text("article h1")
    assert offline_tab.problems() == []


def test_offline_search_works_from_the_file_system(offline_tab: Visit, offline_site: Path) -> None:
    page = offline_tab.page
    page.goto(offline_site.as_uri() + "/index.html", wait_until="load")
    # Classic scripts, not fetch() or workers: they load from file:// too.
    assert offline_tab.foreign == []
    open_search_with_slash(page)
    type_query(page, "防溺水")
    found = result_pages(page, offline_site.as_uri() + "/")
    assert {"lessons/aqj-fangnishui.html", "lessons/aqs-fangnishui.html", "parents/jz-summer-drowning.html"} & set(found[:3]), \
        found[:5]
    assert offline_tab.problems() == []


# -- the public query set, online and from file:// ---------------------------------------------
QUERY_SET = yaml.safe_load((REPO / "tests/search_queries.yml").read_text(encoding="utf-8"))["queries"]


def _page_key(path: str) -> str:
    """``parents/jz-bullied/`` and ``parents/jz-bullied.html`` → ``parents/jz-bullied``."""
    path = path.rstrip("/")
    return path[:-len(".html")] if path.endswith(".html") else path


def run_query_set(page: Any, prefix: str) -> dict[str, Any]:
    """Every public query typed into the box; top-1, top-3 and MRR, and the misses."""
    top1 = top3 = 0
    mrr = 0.0
    misses = []
    for item in QUERY_SET:
        type_query(page, item["q"])
        found = [_page_key(path) for path in result_pages(page, prefix)]
        rank = next((i + 1 for i, key in enumerate(found) if key in item["expect"]), None)
        top1 += rank == 1
        top3 += rank is not None and rank <= 3
        mrr += 1 / rank if rank else 0
        if rank is None or rank > 3 or (item.get("first") and found[:1] != [item["first"]]):
            misses.append({"q": item["q"], "rank": rank, "found": found[:5]})
    n = len(QUERY_SET)
    return {"queries": n, "top1": top1 / n, "top3": top3 / n, "mrr": mrr / n, "misses": misses}


def _report(name: str, figures: dict[str, Any]) -> None:
    print(f"\n{name}: top-1 {figures['top1']:.1%}  top-3 {figures['top3']:.1%}  MRR {figures['mrr']:.3f}")
    target = os.environ.get("GONGYU_SEARCH_REPORT")
    if target:
        path = Path(target)
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        data[name] = figures
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.mark.slow
def test_public_queries_online(tab: Visit, base_url: str) -> None:
    assert len(QUERY_SET) >= 60
    tab.page.goto(base_url, wait_until="load")
    open_search_with_slash(tab.page)
    figures = run_query_set(tab.page, base_url)
    _report("online", figures)
    assert figures["top3"] >= 0.95, figures["misses"]
    assert not [m for m in figures["misses"] if m["q"] == "防溺水"], "防溺水 must find the parents' article first"
    assert tab.problems() == []


@pytest.mark.slow
def test_public_queries_from_the_file_system(offline_tab: Visit, offline_site: Path) -> None:
    page = offline_tab.page
    page.goto(offline_site.as_uri() + "/index.html", wait_until="load")
    open_search_with_slash(page)
    figures = run_query_set(page, offline_site.as_uri() + "/")
    _report("file://", figures)
    assert figures["top3"] >= 0.95, figures["misses"]
    assert offline_tab.problems() == []


def test_search_dialog_is_accessible_and_starts_on_every_kind_of_input(tab: Visit, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "parents/", wait_until="load")
    button = page.locator("header .gy-search-button")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement?.id === 'gy-search-q'", timeout=5_000)
    assert page.get_attribute("dialog.gy-search", "aria-label") == "搜索本站"
    assert page.evaluate("document.querySelector('dialog.gy-search').open")
    assert page.inner_text("label[for=gy-search-q]")
    # Pasted or dictated text: an input event with no key at all.
    page.evaluate("""() => { const box = document.getElementById('gy-search-q');
        box.value = '防溺水'; box.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'})); }""")
    wait_for_results(page, "防溺水")
    assert _page_key(result_pages(page, base_url)[0]) == "parents/jz-summer-drowning"
    # The end of an input-method composition.
    page.evaluate("""() => { const box = document.getElementById('gy-search-q');
        box.value = '家访'; box.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: '家访'})); }""")
    wait_for_results(page, "家访")
    # Results: title, a one-line summary and badges; nothing struck through.
    first = page.locator(".gy-search__results > li").first
    assert first.locator(".gy-search__title").inner_text() and first.locator(".gy-search__summary").inner_text()
    assert first.locator(".gy-search__badge").count() >= 1
    assert page.evaluate("""() => [...document.querySelectorAll('.gy-search *')]
        .every(e => !getComputedStyle(e).textDecorationLine.includes('line-through') && e.tagName !== 'S' && e.tagName !== 'DEL')""")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.gy-search__title')).fontSize)")
    assert size >= 18, f"result titles are {size}px"
    # The chips filter by reader.
    page.click(".gy-search__chips button[data-audience='教师']")
    page.wait_for_function("() => document.querySelector(\".gy-search__chips button[data-audience='教师']\").getAttribute('aria-pressed') === 'true'")
    page.wait_for_timeout(300)
    assert all(path.startswith(("teachers/", "lessons/", "courses/", "forms/")) for path in result_pages(page, base_url))
    page.click(".gy-search__chips button[data-audience='']")
    # Nothing found: the nearest topics instead of an empty list.
    type_query(page, "校园霸凌量子")
    type_query(page, "量子力学")
    assert "没有找到" in page.inner_text(".gy-search__status")
    assert all("/topics/" in href for href in page.eval_on_selector_all(".gy-search__results a", "a => a.map(x => x.href)"))
    # Hostile text is shown as text.
    type_query(page, "<img src=x onerror=alert(1)>")
    assert page.locator(".gy-search img").count() == 0
    # Esc closes and gives the focus back to the button that opened the dialog.
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('dialog.gy-search').open", timeout=5_000)
    assert page.evaluate("document.activeElement?.classList.contains('gy-search-button')")
    assert tab.problems() == []
