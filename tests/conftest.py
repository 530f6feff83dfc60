from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from generator.load.corpus import Corpus
from generator.mkdocs_plugin.build import build_site
from generator.models import Course, Form, Lesson
from generator.pipeline import load_corpus

from .helpers import CHROMIUM, CHROMIUM_ARGS, COURSE, FORM, LESSON, LONG_LESSON, PLAN, WIDE_FORM, dump_yaml

#: In CI every run tries the same examples (a failure there can be reproduced); locally they vary.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini"


def gongyu(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd or REPO, capture_output=True,
                          text=True, encoding="utf-8")


def copy_mini_project(root: Path) -> Path:
    """Copy the small fixture corpus to ``root`` with the project's mkdocs.yml and docs/."""
    shutil.copytree(MINI, root)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    return root


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A copy of the small fixture corpus with the project's mkdocs.yml and docs/."""
    return copy_mini_project(tmp_path / "project")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files from the current output (review the diff!)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


# --- the printables' tiny corpus (tests/helpers.py holds its documents) ----------------------------

@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with one course (two lessons), two forms and a plan that uses them."""
    root = tmp_path / "proj"
    dump_yaml(root / "courses" / "demo-course" / "_course.yml", COURSE)
    dump_yaml(root / "courses" / "demo-course" / "demo-lesson.yml", LESSON)
    dump_yaml(root / "courses" / "demo-course" / "demo-long.yml", LONG_LESSON)
    dump_yaml(root / "plans" / "forms" / "demo-form.yml", FORM)
    dump_yaml(root / "plans" / "forms" / "demo-wide.yml", WIDE_FORM)
    dump_yaml(root / "plans" / "demo-plan.yml", PLAN)
    return root


@pytest.fixture
def corpus(project: Path) -> Corpus:
    return load_corpus(project)


@pytest.fixture
def lesson(corpus: Corpus) -> Lesson:
    return corpus.lessons["demo-lesson"]


@pytest.fixture
def course(corpus: Corpus) -> Course:
    return corpus.courses["demo-course"]


@pytest.fixture
def form(corpus: Corpus) -> Form:
    return corpus.forms["demo-form"]




# --- the real corpus site, served, and a headless Chromium (tests/test_browser.py, tests/test_phone.py) ----

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
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def web_corpus() -> Any:
    """The plan templates, loaded once for every web test."""
    from generator.project import templates_project

    return load_corpus(templates_project(None, Path.cwd()).root, schools=False)
