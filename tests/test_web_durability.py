"""``gongyu web`` as a real process: a save that was acknowledged survives ``kill -9`` and a restart."""

from __future__ import annotations

import http.cookiejar
import os
import signal
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .web_helpers import TOKEN, cli_county, parse_form, start_server, stop_server

pytestmark = pytest.mark.slow
OWN = "qingshan-xiaoxue"


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (Linux /proc)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                todo += children
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


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
        with browser.opener.open(f"{server.url}s/{OWN}/pack.zip", timeout=300) as response:
            assert response.read(2) == b"PK"  # the pack workers are up
        helpers = descendants(server.process.pid)
        assert helpers
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=30)
    finally:
        stop_server(server)
    assert server.process.returncode == -signal.SIGKILL
    # the pack workers notice and go too (none is left waiting for work forever)
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = [pid for pid in helpers if alive(pid)]
    for pid in left:  # ours: do not leave them behind even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not left, left
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
