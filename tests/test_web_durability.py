"""``gongyu web`` as a real process: a save that was acknowledged survives ``kill -9`` and a restart."""

from __future__ import annotations

import http.cookiejar
import os
import signal
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .web_helpers import TOKEN, cli_county, parse_form, start_server, stop_server

pytestmark = pytest.mark.slow
OWN = "qingshan-xiaoxue"


class Browser:
    """Just enough of a browser: cookies, forms, redirects (urllib)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path.lstrip("/"), timeout=120) as response:
            return response.read().decode("utf-8")

    def post(self, path: str, data: dict[str, Any]) -> str:
        body = urllib.parse.urlencode(data, doseq=True).encode("utf-8")
        with self.opener.open(self.base + path.lstrip("/"), data=body, timeout=120) as response:
            return response.read().decode("utf-8")

    def sign_in(self, code: str) -> None:
        token = TOKEN.search(self.get("/")).group(1)
        self.post("/signin", {"code": code, "csrf_token": token})


def test_an_acknowledged_save_survives_kill_9_and_a_restart(tmp_path: Path) -> None:
    data_dir, codes, _admin = cli_county(tmp_path)
    server = start_server(data_dir, tmp_path)
    try:
        browser = Browser(server.url)
        browser.sign_in(codes[OWN])
        form = parse_form(browser.get(f"/s/{OWN}/"))
        form["people.校长"] = "断电测试校长"
        form["calendar.autumn_start"] = "2026-08-31"
        page = browser.post(f"/s/{OWN}/", form)
        assert 'id="message">已保存。' in page  # acknowledged
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=30)
    finally:
        stop_server(server)
    assert server.process.returncode == -signal.SIGKILL
    again = start_server(data_dir, tmp_path)
    try:
        browser = Browser(again.url)
        browser.sign_in(codes[OWN])
        form = parse_form(browser.get(f"/s/{OWN}/"))
        assert form["people.校长"] == "断电测试校长"
        assert form["calendar.autumn_start"] == "2026-08-31"
        assert form["version"] == "1"
    finally:
        stop_server(again)
