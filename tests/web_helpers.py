"""Shared set-up for the ``gongyu web`` tests: a county of two schools, an admin, signed-in clients."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def county_sheet(path: Path, schools: int = 2) -> Path:
    """The template school list with its example row and ``schools - 1`` copies of it under other ids."""
    from openpyxl import load_workbook

    from generator.pipeline import load_corpus
    from generator.project import templates_project
    from generator.xlsx import template_bytes

    corpus = load_corpus(templates_project(None, Path.cwd()).root, schools=False)
    book = load_workbook(io.BytesIO(template_bytes(corpus)))
    sheet = book["学校名单"]
    header_row = next(r for r in range(1, 6) if sheet.cell(r, 1).value == "学校编号")
    example = [c.value for c in sheet[header_row + 1]]
    headers = [c.value for c in sheet[header_row]]
    for n in range(2, schools + 1):
        row = list(example)
        row[headers.index("学校编号")] = f"school-{n}"
        row[headers.index("学校名称")] = f"青山县第{n}小学"
        sheet.append(row)
    book.save(path)
    return path


def csrf(client: Any, url: str = "/") -> str:
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    found = TOKEN.search(page)
    assert found, page[:500]
    return found.group(1)


def sign_in(client: Any, code: str) -> Any:
    return client.post("/signin", data={"code": code, "csrf_token": csrf(client)})


@dataclass
class County:
    app: Any
    codes: dict[str, str]  # school id → code
    admin_code: str
    data_dir: Path


def make_county(tmp: Path, corpus: Any, schools: int = 2, workers: int = 1) -> County:
    from generator.web import create_app
    from generator.web.county import add_admin, import_schools

    app = create_app(tmp / "data", corpus=corpus, workers=workers)
    db = app.extensions["gongyu"]["db"]
    result = import_schools(db, county_sheet(tmp / "学校名单.xlsx", schools), corpus, "测试")
    assert not result.failures, result.failures
    return County(app, {i: c for i, _n, c in result.new}, add_admin(db, "县管理员甲"), tmp / "data")


def form_of(client: Any, school_id: str) -> dict[str, Any]:
    """The school's form as a browser would post it: every field's current value, with the CSRF token."""
    return parse_form(client.get(f"/s/{school_id}/").get_data(as_text=True))


def parse_form(page: str) -> dict[str, Any]:
    """The values of the profile form in a page, as a browser would post them."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.data: dict[str, Any] = {}
            self.textarea: str | None = None
            self.select: str | None = None
            self.in_form = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "form" and a.get("class") == "profile":
                self.in_form = True
            if not self.in_form:
                return
            name = a.get("name")
            if tag == "input" and name:
                if a.get("type") == "checkbox":
                    if "checked" in a:
                        self.data.setdefault(name, []).append(a.get("value"))
                else:
                    self.data[name] = a.get("value") or ""
            elif tag == "textarea" and name:
                self.textarea = name
                self.data[name] = ""
            elif tag == "select" and name:
                self.select = name
                self.data.setdefault(name, "")
            elif tag == "option" and self.select and "selected" in a:
                self.data[self.select] = a.get("value") or "__TEXT__"

        def handle_data(self, data: str) -> None:
            if self.textarea:
                self.data[self.textarea] += data
            if self.select and self.data.get(self.select) == "__TEXT__":
                self.data[self.select] = data

        def handle_endtag(self, tag: str) -> None:
            if tag == "textarea":
                self.textarea = None
            if tag == "select":
                self.select = None
            if tag == "form":
                self.in_form = False

    parser = Fields()
    parser.feed(page)
    return parser.data


@dataclass
class Server:
    """``gongyu web`` started as its own process on a free port of 127.0.0.1."""

    process: Any
    url: str
    data_dir: Path
    port: int
    log: Path


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gongyu_cli(*args: str, cwd: Path) -> str:
    """Run ``gongyu …`` (this checkout's) in ``cwd``; its standard output."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def start_server(data_dir: Path, cwd: Path, port: int | None = None, workers: int = 1, threads: int = 8) -> Server:
    """Start ``gongyu web`` and wait until it answers (at most a minute)."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = port or free_port()
    log = cwd / f"server-{port}.log"
    handle = log.open("ab")
    process = subprocess.Popen([sys.executable, "-m", "generator", "web", "--data", str(data_dir), "--port", str(port),
                                "--workers", str(workers), "--threads", str(threads)],
                               cwd=cwd, stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"gongyu web did not start: {log.read_text(encoding='utf-8', errors='replace')}")
        time.sleep(0.2)
    return Server(process, url, data_dir, port, log)


def stop_server(server: Server) -> None:
    """Stop a server started here (by its own process id only)."""
    import subprocess

    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


def cli_county(folder: Path, schools: int = 2) -> tuple[Path, dict[str, str], str]:
    """A county made with the commands a clerk runs: its data folder, school codes and an admin code."""
    from openpyxl import load_workbook

    county_sheet(folder / "学校名单.xlsx", schools)
    data_dir = folder / "gongyu-web"
    gongyu_cli("web", "add-schools", "学校名单.xlsx", "--data", str(data_dir), cwd=folder)
    rows = list(load_workbook(folder / "登录码.xlsx").active.values)[1:]
    out = gongyu_cli("web", "add-admin", "县管理员甲", "--data", str(data_dir), cwd=folder)
    admin = re.search(r"登录码：(\S+)", out).group(1)
    return data_dir, {r[0]: r[2] for r in rows}, admin
