"""The site on a 360×740 phone, in headless Chromium: the grandmother's path (issue 13).

Short path for parents, emergency numbers on home, readable tables, accessibility (axe, contrast,
focusable scrolling tables, 200 % zoom) and the 大字 mode. The browser, the served real-corpus
site and the tab that blocks every other host come from ``test_browser``. axe-core is vendored
for the tests only (``tests/vendor/axe.min.js``, MPL-2.0); it is never part of the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from generator.pipeline import load_corpus
from generator.models.download import Download
from generator.render.pages import PageBuilder

from .conftest import MINI, REPO
from .test_browser import base_url, browser, open_tab, site  # noqa: F401 - fixtures used by name

pytestmark = [pytest.mark.browser]

PHONE = {"width": 360, "height": 740}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: Home, an article, a lesson, a plan and a form page.
A11Y_PAGES = ["", "parents/jz-bullied/", "lessons/aqj-fangnishui/", "plans/kongchuo-baoxue/", "forms/jiafang-jilu/"]


@pytest.fixture
def phone(browser: Any, base_url: str) -> Iterator[Any]:  # noqa: F811
    context, visit = open_tab(browser, (base_url,), viewport=PHONE)
    try:
        yield visit
        assert visit.problems() == []
    finally:
        context.close()


def go(visit: Any, url: str) -> Any:
    visit.page.goto(url, wait_until="load")
    visit.page.wait_for_selector(".md-header__inner .gy-bigtext", state="attached")  # gongyu.js has run
    return visit.page


# -- 1. the short path for parents --------------------------------------------------------------
def test_parents_page_starts_with_jump_links_and_urgent_topics(phone: Any, base_url: str) -> None:
    page = go(phone, base_url + "parents/")
    headings = page.eval_on_selector_all("article h2, article h3", "hs => hs.map(h => [h.tagName, h.id, h.innerText])")
    names = [text for _, _, text in headings]
    stages = [i for i, name in enumerate(names) if name.startswith(("学前", "小学", "初中", "高中", "跨学段"))]
    urgent = [i for i, (_, hid, _) in enumerate(headings) if hid in ("qiling", "anquan", "gedai", "liushou")]
    assert len(urgent) == 4 and stages, names
    assert max(urgent) < min(stages), f"urgent topics must come before the stages: {names}"
    assert any("欺负" in name for name in names[: urgent[0] + 1])
    # the jump links come first in the article and every one lands on a heading of this page
    first = page.evaluate("() => document.querySelector('article .gy-jump').getBoundingClientRect().top")
    assert first < 740, "jump links are not on the first screen"
    targets = page.eval_on_selector_all(".gy-jump a", "as => as.map(a => a.getAttribute('href'))")
    assert len(targets) >= 8
    for href in targets:
        assert href.startswith("#") and page.query_selector(f"article [id='{href[1:]}']"), href
    sizes = page.eval_on_selector_all(".gy-jump a", "as => as.map(a => a.getBoundingClientRect().height)")
    assert min(sizes) >= 44


def test_topic_page_lists_parents_articles_first(phone: Any, base_url: str) -> None:
    page = go(phone, base_url + "topics/xiaoyuan-qiling/")
    links = page.eval_on_selector_all("article a[href]:not(.headerlink):not(.md-tag)", "as => as.map(a => a.href)")
    assert "/parents/" in links[0], links[:3]
    order = page.eval_on_selector_all("article h2", r"hs => hs.map(h => h.innerText.replace(/¶\s*$/, '').trim())")
    assert order[0] == "给家长" and order.index("给老师") < order.index("课程与课时") < order.index("给学校（方案与行事安排）")


def test_whole_card_is_the_link(phone: Any, base_url: str) -> None:
    page = go(phone, base_url + "parents/")
    card = page.query_selector(".gy-cards li")
    card.scroll_into_view_if_needed()
    box = card.bounding_box()
    href = card.query_selector("a").evaluate("a => a.href")
    assert box["height"] >= 44 and box["width"] >= 300
    # tap the bottom right corner of the card, far from the title link's own text
    x, y = box["x"] + box["width"] - 6, box["y"] + box["height"] - 6
    assert page.evaluate(f"document.elementFromPoint({x}, {y}).closest('a')?.href") == href
    with page.expect_navigation():
        page.mouse.click(x, y)
    assert page.url == href


# -- 2. emergency help ---------------------------------------------------------------------------
def test_home_has_tap_to_call_numbers_in_the_first_two_screens(phone: Any, base_url: str) -> None:
    page = go(phone, base_url)
    calls = page.eval_on_selector_all("article a[href^='tel:']", """as => as.map(a => ({
        href: a.getAttribute('href'), bottom: a.getBoundingClientRect().bottom + window.scrollY,
        height: a.getBoundingClientRect().height, line: a.closest('li').innerText}))""")
    assert sorted(c["href"] for c in calls) == ["tel:110", "tel:119", "tel:120", "tel:12355", "tel:12356"]
    for call in calls:
        assert call["bottom"] <= 2 * PHONE["height"], call
        assert call["height"] >= 44, call
        assert len(call["line"]) > len(call["href"]) + 6, f"no words saying when to call: {call}"


def test_urgent_action_blocks_are_warnings_not_quotes(phone: Any, base_url: str) -> None:
    for path in ("parents/jz-bullied/", "parents/jz-summer-drowning/", "parents/jz-home-safety/"):
        page = go(phone, base_url + path)
        quotes = page.eval_on_selector_all("article blockquote", "qs => qs.map(q => q.innerText)")
        assert not [q for q in quotes if "立即" in q], path
        titles = page.eval_on_selector_all("article .admonition.warning > .admonition-title", "ts => ts.map(t => t.innerText)")
        assert any("请立即行动" in title for title in titles), (path, titles)


# -- 3. tables on phones -------------------------------------------------------------------------
def test_agenda_content_column_is_wide_enough(phone: Any, base_url: str) -> None:
    page = go(phone, base_url + "lessons/aqj-fangnishui/")
    widths = page.eval_on_selector_all(".gy-agenda tbody tr td:last-child", "tds => tds.map(td => td.getBoundingClientRect().width)")
    assert widths and min(widths) >= 180, widths
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_targets_table_has_no_repeated_or_empty_column(phone: Any, base_url: str) -> None:
    page = go(phone, base_url + "plans/kongchuo-baoxue/")
    rows = page.evaluate("""() => {
        const h = [...document.querySelectorAll('article h2')].find(h => h.innerText.startsWith('量化指标'));
        let el = h.nextElementSibling;
        while (el && !el.querySelector('table')) el = el.nextElementSibling;
        return [...el.querySelectorAll('tbody tr')].map(tr => [...tr.cells].map(td => td.innerText.trim()));
    }""")
    assert rows
    for column in range(len(rows[0])):
        assert any(row[column] for row in rows), f"column {column} is empty"
    for row in rows:
        assert all(row[0] not in cell for cell in row[1:]), f"the metric is repeated: {row}"
    box = page.evaluate("""() => { const t = [...document.querySelectorAll('article table')][0].closest('.md-typeset__scrollwrap');
        return [t.scrollWidth, t.clientWidth]; }""")
    assert box[0] <= box[1], f"the targets table scrolls sideways: {box}"


def test_timeline_labels_are_large_and_never_overlap(browser: Any, site: Path) -> None:  # noqa: F811
    """Every plan's timeline, drawn inline at the width it has on a 360 px phone, measured by Chromium."""
    svgs = sorted(site.glob("plans/*/timeline.svg"))
    assert svgs
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        for path in svgs:
            svg = path.read_text(encoding="utf-8")
            ElementTree.fromstring(svg)  # well-formed
            page.set_content(f'<body style="margin:0;padding:0 16px">{svg}</body>')
            found = page.evaluate("""() => {
                const svg = document.querySelector('svg'), box = svg.getBoundingClientRect();
                return {width: box.width, right: box.right, left: box.left, texts: [...svg.querySelectorAll('text')].map(t => {
                    const r = t.getBoundingClientRect();
                    return {text: t.textContent, size: parseFloat(t.getAttribute('font-size')) * box.width / svg.viewBox.baseVal.width,
                            l: r.left, r: r.right, t: r.top, b: r.bottom};
                })};
            }""")
            assert abs(found["width"] - 328) < 1
            for label in found["texts"]:
                assert label["size"] >= 12, (path.parent.name, label)
                assert found["left"] - 0.5 <= label["l"] and label["r"] <= found["right"] + 0.5, (path.parent.name, label)
            texts = found["texts"]
            for i, a in enumerate(texts):
                for b in texts[i + 1:]:
                    overlap_x = min(a["r"], b["r"]) - max(a["l"], b["l"])
                    overlap_y = min(a["b"], b["b"]) - max(a["t"], b["t"])
                    assert overlap_x <= 0.5 or overlap_y <= 2, (path.parent.name, a["text"], b["text"])
    finally:
        context.close()


# -- 4. accessibility ----------------------------------------------------------------------------
@pytest.mark.parametrize("path", A11Y_PAGES, ids=["home", "article", "lesson", "plan", "form"])
def test_axe_finds_no_serious_violation(phone: Any, base_url: str, path: str) -> None:
    page = go(phone, base_url + path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))""")
    assert violations == []


def test_wide_tables_are_focusable_named_regions(phone: Any, base_url: str) -> None:
    page = go(phone, base_url + "plans/kongchuo-baoxue/")
    boxes = page.eval_on_selector_all(".md-typeset__scrollwrap", """ws => ws.map(w => ({
        tab: w.getAttribute('tabindex'), role: w.getAttribute('role'), label: w.getAttribute('aria-label') || '',
        wide: w.scrollWidth > w.clientWidth}))""")
    assert any(box["wide"] for box in boxes), "expected a table wider than the phone on a plan page"
    for box in boxes:
        assert box["tab"] == "0" and box["role"] == "region" and box["label"].startswith("表格"), box
    # the keyboard reaches a wide table and scrolls it
    index = next(i for i, box in enumerate(boxes) if box["wide"])
    page.eval_on_selector_all(".md-typeset__scrollwrap", f"ws => ws[{index}].focus()")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # keyboard scrolling is animated: wait for it rather than read the position at once
    page.wait_for_function(f"() => document.querySelectorAll('.md-typeset__scrollwrap')[{index}].scrollLeft > 0",
                           timeout=5000)


def test_every_dialog_has_a_name(phone: Any, base_url: str) -> None:
    page = go(phone, base_url)
    page.click(".gy-search-button")  # the search dialog is made when it is first opened
    page.wait_for_selector("dialog[open]")
    names = page.eval_on_selector_all("[role=dialog], dialog", """ds => ds.map(d => d.getAttribute('aria-label')
        || (d.getAttribute('aria-labelledby') || '').split(' ').map(id => document.getElementById(id)?.innerText || '').join(''))""")
    assert names and all(name.strip() for name in names), names


@pytest.mark.parametrize("path", [*A11Y_PAGES, "parents/", "topics/xiaoyuan-qiling/"])
def test_readable_at_200_percent_zoom(browser: Any, base_url: str, path: str) -> None:  # noqa: F811
    """A 360 px phone at 200 % zoom is a 180 px wide page: nothing may widen it."""
    context, visit = open_tab(browser, (base_url,), viewport={"width": 180, "height": 370})
    try:
        page = go(visit, base_url + path)
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(el => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && r.right > document.documentElement.clientWidth + 1 && !el.closest('.md-typeset__scrollwrap, .md-sidebar, .md-search, .md-dialog, .md-header__title');
        }).slice(0, 5).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))""")
        assert page.evaluate("document.documentElement.scrollWidth") <= 180, wide
    finally:
        context.close()


def test_big_text_mode_persists(phone: Any, base_url: str) -> None:
    page = go(phone, base_url + "parents/jz-bullied/")
    size = "() => parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)"
    before = page.evaluate(size)
    button = page.query_selector(".gy-bigtext")
    assert button.get_attribute("aria-pressed") == "false" and button.bounding_box()["height"] >= 44
    button.click()
    assert page.evaluate(size) >= before * 1.2 and button.get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    go(phone, base_url + "lessons/aqj-fangnishui/")
    assert page.evaluate("document.documentElement.classList.contains('gy-big')")
    assert page.query_selector(".gy-bigtext").get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click(".gy-bigtext")
    page.reload(wait_until="load")
    assert not page.evaluate("document.documentElement.classList.contains('gy-big')")


def test_big_text_mode_is_set_before_the_page_script_runs(browser: Any, base_url: str) -> None:  # noqa: F811
    """No flash of small text: the choice is applied from <head>, even if gongyu.js never loads."""
    context, visit = open_tab(browser, (base_url,), viewport=PHONE)
    try:
        page = go(visit, base_url + "parents/jz-bullied/")
        normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
        page.evaluate("localStorage.setItem('gongyu.bigtext', '1')")
        page.route("**/gongyu.js", lambda route: route.abort())  # only the head script is left to do it
        page.goto(base_url + "lessons/aqj-fangnishui/", wait_until="load")
        assert page.query_selector(".gy-bigtext") is None  # gongyu.js really did not run
        assert page.evaluate("document.documentElement.classList.contains('gy-big')")
        large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
        assert large >= 1.2 * normal
    finally:
        context.close()


# -- 5. counts from the corpus -------------------------------------------------------------------
def test_home_counts_plans_from_the_corpus(phone: Any, base_url: str) -> None:
    corpus = load_corpus(REPO)
    page = go(phone, base_url)
    text = page.inner_text("article")
    plans = len(corpus.plans)
    assert f"{plans} 份工作方案模板" in text and f"{plans} 份方案模板" in text
    assert not re.search(r"[一二三四五六七八九十]+类", text)


# -- 6. downloads in the order a teacher wants them ------------------------------------------------
def test_lesson_downloads_in_teacher_order_with_sizes(tmp_path: Path) -> None:
    corpus = load_corpus(MINI)
    lesson_id = sorted(corpus.lessons)[0]
    files = []
    for kind, name, size in (("feedback", "feedback.pdf", 2048), ("handout-large", "handout-large.pdf", 300_000),
                             ("signin", "signin.pdf", 900), ("handout", "handout.pdf", 86 * 1024)):
        path = tmp_path / name
        path.write_bytes(b"x" * size)
        files.append(Download(owner=lesson_id, uri=f"print/lessons/{lesson_id}/{name}", label=name, kind=kind, path=path))
    markdown = PageBuilder(corpus, files).lesson_page(corpus.lessons[lesson_id])
    labels = re.findall(r"\[([^\]]+)\]\([^)]*print/lessons/[^)]*\)", markdown)
    assert labels == ["讲义（PDF，86 KB）", "大字版讲义（PDF，293 KB）", "签到表（PDF，900 B）", "反馈表（PDF，2 KB）"]
    assert re.search(r"\[讲义（PDF，86 KB）\]\([^)]*\)\{ \.md-button \.md-button--primary \}", markdown)


def test_numbers_in_article_text_are_tap_to_call(phone: Any, base_url: str) -> None:
    page = go(phone, base_url + "parents/jz-bullied/")
    links = page.eval_on_selector_all(
        "article a.gy-tel", "as => as.map(a => [a.getAttribute('href'), a.textContent, a.getBoundingClientRect().height])")
    assert links and all(href == "tel:" + text for href, text, _h in links), links
    assert min(height for *_x, height in links) >= 24, links  # WCAG 2.2 target size (minimum)


# -- 7. a grandmother with 大字 on: search, a link from the teacher, calling for help ----------------
def big(visit: Any, base_url: str, path: str) -> Any:
    page = go(visit, base_url)
    page.evaluate("localStorage.setItem('gongyu.bigtext', '1')")
    return go(visit, base_url + path)


def test_big_text_reaches_the_search_results(phone: Any, base_url: str) -> None:
    page = big(phone, base_url, "parents/jz-bullied/")
    body = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    page.click("header .gy-search-button")
    page.wait_for_selector("#gy-search-q")
    page.fill("#gy-search-q", "孩子在学校被人欺负了我该咋办")
    page.wait_for_selector(".gy-search__results > li .gy-search__summary")
    found = page.evaluate("""() => { const s = document.querySelector('.gy-search__summary');
        const size = el => parseFloat(getComputedStyle(document.querySelector(el)).fontSize);
        return {title: size('.gy-search__title'), summary: size('.gy-search__summary'), badge: size('.gy-search__badge'),
                input: size('#gy-search-q'), lines: s.getClientRects().length ? Math.round(s.getBoundingClientRect().height /
                parseFloat(getComputedStyle(s).lineHeight)) : 0, wrap: getComputedStyle(s).whiteSpace}; }""")
    assert min(found["title"], found["summary"], found["input"]) >= 0.8 * body, (body, found)
    assert found["badge"] >= 16, found
    assert found["wrap"] != "nowrap" and found["lines"] >= 2, f"the summary is cut to one line: {found}"
    # a whole question stays in view while she types it: the box has the dialog's width
    assert page.evaluate("document.getElementById('gy-search-q').getBoundingClientRect().width") >= 0.85 * PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_lesson_link_from_the_teacher_says_what_it_is_for_a_family(phone: Any, base_url: str) -> None:
    page = big(phone, base_url, "lessons/xq-gedai-daiwa/")
    note = page.query_selector("article .admonition.gy-family")
    assert note is not None and note.bounding_box()["y"] < 1.2 * PHONE["height"], "no word for the family near the top"
    assert "给老师用的" in note.inner_text()
    tags = page.eval_on_selector_all(".md-tag", "ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize))")
    assert tags and min(tags) >= 16, f"topic labels stay small in 大字: {tags}"
    page.click("article .admonition.gy-family a[href='#yaodian']")
    page.wait_for_function("() => { const r = document.getElementById('yaodian').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < innerHeight / 2; }", timeout=5000)
    assert page.inner_text("#yaodian").startswith("要点")


def test_emergency_buttons_under_the_summary_of_an_urgent_article(phone: Any, base_url: str) -> None:
    """With 大字 on, the drowning article's 120 and 110 are buttons within the first screen and a half."""
    page = big(phone, base_url, "parents/jz-summer-drowning/")
    calls = page.eval_on_selector_all("article .gy-call--strip a[href^='tel:']", """as => as.map(a => ({
        href: a.getAttribute('href'), bottom: a.getBoundingClientRect().bottom + window.scrollY,
        height: a.getBoundingClientRect().height, width: a.getBoundingClientRect().width}))""")
    assert [c["href"] for c in calls] == ["tel:110", "tel:120"], calls
    for call in calls:
        assert call["bottom"] <= 1.5 * PHONE["height"] and call["height"] >= 44 and call["width"] >= 44, call
