"""``gongyu web`` in headless Chromium (Playwright, Debian's chromium): a school and the county, as people use it.

The school's flow runs with JavaScript switched off (every page must work without it) on a
360-px-wide phone; the county's on a desktop. The server is the real ``gongyu web`` process,
set up with ``gongyu web add-schools`` and ``add-admin`` as a county clerk would.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .helpers import CHROMIUM
from .web_helpers import Server, cli_county, start_server, stop_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.is_file(),
                       reason=f"{CHROMIUM} not found: install Debian's chromium package (scripts/setup.sh test does)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")

OWN, OTHER = "qingshan-xiaoxue", "school-2"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str], str, Path]]:
    folder = tmp_path_factory.mktemp("web-browser")
    data_dir, codes, admin = cli_county(folder)
    server = start_server(data_dir, folder, workers=1)
    try:
        yield server, codes, admin, folder
    finally:
        stop_server(server)


def outside_requests(page: Any, base: str) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if not request.url.startswith(base) else None)
    return seen


def test_school_signs_in_fixes_an_error_previews_and_downloads_its_pack(county: Any, browser: Any) -> None:
    server, codes, _admin, folder = county
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    elsewhere = outside_requests(page, server.url)
    try:
        page.goto(server.url)
        # a wrong code signs nobody in
        page.get_by_label("登录码").fill("AAAA-BBBB-CCCC")
        page.get_by_role("button", name="登录").click()
        assert "登录码不对" in page.locator("#signin-error").inner_text()
        page.get_by_label("登录码").fill(codes[OWN].lower())
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"**/s/{OWN}/")  # the click starts the navigation; wait for the new page
        assert page.locator("#status").inner_text() == "未开始"

        # an empty 学校名称: the message stands beside the field, nothing is saved
        page.get_by_label("学校名称").fill("")
        page.get_by_label("校长", exact=True).fill("王校长")
        page.get_by_role("button", name="保存").click()
        error = page.locator("#err-name-1")
        assert "“学校名称”不能为空" in error.inner_text()
        assert page.get_by_label("学校名称").get_attribute("aria-invalid") == "true"
        assert page.get_by_label("校长", exact=True).input_value() == "王校长"  # what was typed is kept
        assert page.locator("#status").inner_text() == "未开始"

        # fixed and saved
        page.get_by_label("学校名称").fill("青山县石桥镇青山小学")
        page.get_by_role("button", name="保存").click()
        assert page.locator("#message").inner_text() == "已保存。"
        assert page.get_by_label("校长", exact=True).input_value() == "王校长"

        # previews
        page.get_by_role("link", name="预览行事历").click()
        assert page.locator("table.xingshili").first.is_visible()
        assert "第1周" in page.locator("table.xingshili").first.inner_text()  # by week, stacked on a phone
        page.go_back()
        page.get_by_role("link", name="预览《", exact=False).first.click()
        assert page.locator("h1.doc-title").first.is_visible()
        page.go_back()

        # the pack
        with page.expect_download(timeout=180_000) as info:
            page.get_by_role("link", name="下载方案包").click()
        target = folder / "download.zip"
        info.value.save_as(target)
        with zipfile.ZipFile(target) as pack:
            suffixes = {Path(name).suffix for name in pack.namelist()}
            assert pack.testzip() is None
        assert {".docx", ".pdf", ".ics"} <= suffixes

        # another school's page is refused
        response = page.goto(f"{server.url}s/{OTHER}/")
        assert response.status == 403 and "没有权限" in page.content()
        assert page.goto(f"{server.url}county/").status == 403
    finally:
        context.close()
    assert not elsewhere


@pytest.mark.parametrize("scale", ["100%", "200%"])
def test_the_form_fits_a_360_px_phone_with_large_text(county: Any, browser: Any, scale: str) -> None:
    server, codes, _admin, _folder = county
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # the test adds its own style
    page = context.new_page()
    try:
        page.goto(server.url)
        page.get_by_label("登录码").fill(codes[OTHER])
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"**/s/{OTHER}/")  # styles go into the school's page, not the sign-in page being left
        page.add_style_tag(content=f"html {{ font-size: {scale} !important; }}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width} px wide at {scale}"
        box = page.get_by_role("button", name="保存").bounding_box()
        assert box is not None and box["height"] >= 40
    finally:
        context.close()


def test_county_sees_every_school_downloads_the_summary_and_issues_a_code(county: Any, browser: Any) -> None:
    server, codes, admin, folder = county
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(server.url)
        page.get_by_label("登录码").fill(admin)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/county/")
        assert page.locator(f"#school-{OTHER} .state").inner_text().startswith("未开始")
        with page.expect_download() as info:
            page.get_by_role("link", name="下载 汇总.xlsx").click()
        assert info.value.suggested_filename == "汇总.xlsx"
        info.value.save_as(folder / "汇总.xlsx")
        from openpyxl import load_workbook

        rows = list(load_workbook(folder / "汇总.xlsx").active.values)
        assert {r[0] for r in rows[1:]} == {OWN, OTHER}

        page.locator(f"#school-{OTHER}").get_by_role("button", name="发新登录码").click()
        new_code = page.locator("#new-code").inner_text()
        assert new_code and new_code != codes[OTHER]
        other = browser.new_context()
        school_page = other.new_page()
        school_page.goto(server.url)
        school_page.get_by_label("登录码").fill(codes[OTHER])
        school_page.get_by_role("button", name="登录").click()
        assert "登录码不对" in school_page.content()
        school_page.get_by_label("登录码").fill(new_code)
        school_page.get_by_role("button", name="登录").click()
        school_page.wait_for_url(f"**/s/{OTHER}/")
        other.close()
        codes[OTHER] = new_code
    finally:
        context.close()
