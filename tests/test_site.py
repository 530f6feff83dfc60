"""Building the site: pages exist, Chinese search is segmented, nothing loads from another host."""

from __future__ import annotations

import re
import shutil
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.mkdocs_plugin.build import build_site
from generator.errors import GongyuError

from .conftest import REPO, gongyu


class _Loads(HTMLParser):
    """Collects every URL an HTML page makes the browser fetch (not plain links)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed", "track") and values.get("src"):
            self.urls.append(values["src"] or "")
        if tag == "link" and (values.get("rel") or "") in ("stylesheet", "preload", "modulepreload", "icon", "prefetch",
                                                           "preconnect", "dns-prefetch", "manifest"):
            self.urls.append(values.get("href") or "")
        if tag == "object" and values.get("data"):
            self.urls.append(values["data"] or "")
        style = values.get("style") or ""
        self.urls += re.findall(r"url\(([^)]+)\)", style)


def external_loads(site: Path) -> list[str]:
    found = []
    for page in sorted(site.rglob("*.html")):
        parser = _Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.relative_to(site)}: {url}" for url in parser.urls if re.match(r"^(https?:)?//", url.strip("'\""))]
    for sheet in sorted(site.rglob("*.css")):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)", text) + re.findall(r"@import\s+['\"]((?:https?:)?//[^'\"]+)", text):
            found.append(f"{sheet.relative_to(site)}: {url}")
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .conftest import copy_mini_project

    root = copy_mini_project(tmp_path_factory.mktemp("site") / "project")
    build_site(root)
    return root


def test_every_item_has_a_page(built: Path) -> None:
    site = built / "site"
    for path in ("index.html", "lessons/demo-lesson/index.html", "lessons/demo-drowning/index.html",
                 "plans/demo-plan/index.html", "forms/demo-form/index.html", "courses/demo-course/index.html",
                 "parents/demo-article/index.html", "parents/index.html", "teachers/index.html", "schools/index.html",
                 "stages/chuzhong/index.html", "topics/kongchuo-baoxue/index.html", "tags/index.html"):
        assert (site / path).is_file(), path


def test_lesson_page_shows_agenda_with_minutes(built: Path) -> None:
    html = (built / "site/lessons/demo-lesson/index.html").read_text(encoding="utf-8")
    assert "<th>环节</th>" in html and "<td>讲授<br>25 分钟</td>" in html and "60 分钟" in html
    assert "亲子作业" in html and "讨论" in html


def test_plan_page_shows_rules_in_words(built: Path) -> None:
    html = (built / "site/plans/demo-plan/index.html").read_text(encoding="utf-8")
    assert "每年1月和7月的20日至月底" in html
    assert "每学期开学第一周" in html
    assert "<td>小学辍学率</td>" in html and "<strong>低于0.18%</strong>" in html  # the metric once


def test_search_index_holds_segmented_chinese(built: Path) -> None:
    from generator.search.query import BuiltIndex

    site = built / "site"
    assert not (site / "search/search_index.json").exists()  # Material's search is gone
    index = BuiltIndex(site / "search")
    # Words (jieba, with the field's own words) and character pairs are both terms.
    shard = index.load(index.shard_of("控辍保学"))
    assert shard["控辍保学"][0] > 0 and len(shard["控辍保学"]) > 1  # a vocabulary word with postings
    assert index.load(index.shard_of("上学")).get("上学")
    assert index.search("孩子不想上学")[0] == "parents/demo-article/"
    # Every page loads the search script with a relative address; no page loads the index.
    html = (site / "parents/demo-article/index.html").read_text(encoding="utf-8")
    assert '<script src="../../assets/gongyu/search.js" defer></script>' in html
    assert "search/m.js" not in html and (site / "assets/gongyu/search.js").is_file()
    assert '<script src="./assets/gongyu/search.js" defer></script>' in (site / "index.html").read_text(encoding="utf-8")


def test_no_request_to_another_host(built: Path) -> None:
    assert external_loads(built / "site") == []
    html = (built / "site/index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_navigation_stays_small(built: Path) -> None:
    html = (built / "site/lessons/demo-lesson/index.html").read_text(encoding="utf-8")
    assert html.count('class="md-nav__link') < 40


def test_failed_build_keeps_previous_site(built: Path) -> None:
    site = built / "site"
    before = (site / "index.html").read_bytes()
    lesson = built / "courses/demo-course/demo-lesson.yml"
    good = lesson.read_text(encoding="utf-8")
    lesson.write_text(good.replace("duration: 60", "duration: 六十"), encoding="utf-8")
    try:
        with pytest.raises(GongyuError):
            build_site(built, pdf=False)
    finally:
        lesson.write_text(good, encoding="utf-8")
    assert (site / "index.html").read_bytes() == before
    assert not list(built.glob(".site.tmp-*"))


def test_broken_link_in_article_fails_strict_build(tmp_path: Path, built: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns("site", ".cache"))
    article = root / "content/parents/demo-article.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n见[另一篇](missing.md)。\n", encoding="utf-8")
    result = gongyu("--root", str(root), "build", "--no-pdf")
    assert result.returncode == 1
    assert "content/parents/demo-article.md:" in result.stderr and "missing.md" in result.stderr
    assert "Traceback" not in result.stderr


def test_plugin_works_from_a_fresh_mkdocs_yml(tmp_path: Path, built: Path) -> None:
    other = tmp_path / "elsewhere"
    (other / "docs").mkdir(parents=True)
    (other / "docs" / "about.md").write_text("# 关于\n", encoding="utf-8")
    (other / "mkdocs.yml").write_text(textwrap.dedent(f"""\
        site_name: 测试
        theme: {{name: material, language: zh}}
        plugins:
          - gongyu:
              root: {built.as_posix()}
              pdf: false
              packs: false
        """), encoding="utf-8")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(other / "mkdocs.yml"), site_dir=str(other / "site"))
    build(config)
    assert (other / "site/lessons/demo-lesson/index.html").is_file()
    assert (other / "site/plans/demo-plan/index.html").is_file()
    assert external_loads(other / "site") == []


def test_two_builds_are_byte_identical(tmp_path: Path, built: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    build_site(built, site_dir=first)
    build_site(built, site_dir=second)
    files_a = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert files_a == files_b
    differing = [str(p) for p in files_a if (first / p).read_bytes() != (second / p).read_bytes()]
    assert differing == []


def test_lesson_and_form_pages_link_their_pdfs(built: Path) -> None:
    site = built / "site"
    html = (site / "lessons/demo-lesson/index.html").read_text(encoding="utf-8")
    for name in ("handout.pdf", "handout-large.pdf", "signin.pdf", "feedback.pdf"):
        assert f"print/lessons/demo-lesson/{name}" in html, name
        pdf = site / "print/lessons/demo-lesson" / name
        assert pdf.read_bytes().startswith(b"%PDF-"), name
    form_html = (site / "forms/demo-form/index.html").read_text(encoding="utf-8")
    assert "print/forms/demo-form.pdf" in form_html
    assert (site / "print/forms/demo-form.pdf").is_file()
    plan_html = (site / "plans/demo-plan/index.html").read_text(encoding="utf-8")
    assert "print/forms/demo-form.pdf" in plan_html
    assert "demo-plan-draft.docx" in plan_html and (site / "plans/demo-plan/demo-plan-draft.docx").is_file()


def test_kill_during_build_leaves_previous_site(tmp_path: Path, built: Path) -> None:
    """``kill -9`` half-way through a build: the old site stays whole and the next build works."""
    import os
    import signal
    import subprocess
    import sys
    import time

    root = tmp_path / "p"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns(".cache"))
    before = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    lesson = root / "courses/demo-course/demo-lesson.yml"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("title: 和青春期", "title: 改过的和青春期"), encoding="utf-8")
    # a fresh PDF cache makes the build long enough to be killed in the middle
    process = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(root), "build"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(root.glob(".site.tmp-*/*")):
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL  # killed, not finished
    after = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    build_site(root)
    assert not list(root.glob(".site.tmp-*"))
    assert "改过的和青春期" in (root / "site/lessons/demo-lesson/index.html").read_text(encoding="utf-8")


def test_committed_schemas_are_current() -> None:
    from generator.write.schemas import SCHEMAS, schema_text

    for name, model in SCHEMAS.items():
        path = REPO / "schemas" / f"{name}.schema.json"
        assert path.read_text(encoding="utf-8") == schema_text(model), f"请运行 gongyu schema 更新 {path.name}"


def test_properdocs_build_has_working_search(tmp_path: Path) -> None:
    """``properdocs build`` (the MkDocs 1.x fork) runs the gongyu plugin and its search like MkDocs."""
    import subprocess
    import sys

    pytest.importorskip("properdocs", reason="properdocs is not installed (pip install -e '.[test]')")
    from generator.search.query import BuiltIndex

    from .conftest import copy_mini_project

    root = copy_mini_project(tmp_path / "project")
    result = subprocess.run([sys.executable, "-m", "properdocs", "build", "-q", "-d", str(tmp_path / "site")], cwd=root,
                            capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr[-2000:]
    site = tmp_path / "site"
    assert (site / "assets/gongyu/search.js").is_file()
    assert BuiltIndex(site / "search").search("孩子不想上学")[0] == "parents/demo-article/"
