"""``gongyu serve`` after a save that changes only page text: that page is rendered, nothing else,
and the site is what a full build makes (mkdocs_plugin/quick.py). Any other save falls back to the
dirty build of everything, and the site is still what a full build makes."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import copy_mini_project
from .helpers import ServeHarness

ARTICLE = "content/parents/demo-article.md"
LESSON = "courses/demo-course/demo-lesson.yml"


def _files(folder: Path) -> dict[str, str]:
    # tags.json: gongyu serve leaves it out (no page reads it), a build writes it
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "tags.json"}


def _full_build(root: Path, site: Path) -> dict[str, str]:
    """A plain `mkdocs build` in a process of its own: nothing of this process's serve can reach it."""
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
                   cwd=root, check=True, capture_output=True)
    return _files(site)


def _edit(root: Path, name: str, change: Callable[[str], str]) -> None:
    path = root / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[ServeHarness]:
    """`gongyu serve` of a copy of the small project, after its first build."""
    harness = ServeHarness(copy_mini_project(tmp_path / "p"), tmp_path / "served")
    try:
        harness.rebuild()
        yield harness
    finally:
        harness.close()


def _quick_and_indexed(serve: ServeHarness) -> bool:
    """Save as `gongyu serve` does; wait for the search index; whether the quick rebuild did it."""
    quick = serve.save()
    assert serve.plugin.indexer.wait(timeout=600) is True
    return quick


def _append(text: str) -> str:
    return text + "\n\n编辑时加上的一句：鹦鹉螺。\n"


TEXT_EDITS = {
    # file, a change and a second one, the one page that shows it, and the downloads made from it
    "article": (ARTICLE, _append, _append, "parents/demo-article/index.html", ()),
    "lesson": (LESSON, lambda text: text.replace("两人吵了起来", "鹦鹉螺", 1),
               lambda text: text.replace("事后再谈", "事后再谈鹦鹉螺", 1), "lessons/demo-lesson/index.html",
               tuple(f"print/lessons/demo-lesson/{name}.pdf"
                     for name in ("feedback", "handout", "handout-large", "organiser", "signin"))),
}


@pytest.mark.parametrize("kind", sorted(TEXT_EDITS))
def test_a_text_edit_renders_only_its_page_and_the_site_equals_a_full_build(tmp_path: Path, serve: ServeHarness,
                                                                           kind: str) -> None:
    root = serve.root
    assert serve.plugin.indexer.wait(timeout=600) is True
    before = {p: p.stat().st_mtime_ns for p in serve.site.rglob("*") if p.is_file()}
    name, change, again, shown, printed = TEXT_EDITS[kind]
    _edit(root, name, change)
    assert _quick_and_indexed(serve) is True
    rewritten = sorted(p.relative_to(serve.site).as_posix() for p in serve.site.rglob("*")
                       if p.is_file() and p.stat().st_mtime_ns != before.get(p) and p.parent.name != "search")
    # not even the 404 page or the tag index: only the search index besides
    assert rewritten == sorted([shown, *printed])
    assert "鹦鹉螺" in (serve.site / shown).read_text(encoding="utf-8")
    served = _files(serve.site)
    _edit(root, name, again)  # a second save on top of the first
    assert _quick_and_indexed(serve) is True
    served_twice = _files(serve.site)
    assert served_twice == _full_build(root, tmp_path / "full-2")
    # then a save the quick rebuild cannot do: the dirty build takes the pages the quick ones made as they are
    about = (root / "docs/about.md").read_text(encoding="utf-8")
    _edit(root, "docs/about.md", _append)
    assert _quick_and_indexed(serve) is False
    assert _files(serve.site) == _full_build(root, tmp_path / "full-3")
    (root / "docs/about.md").write_text(about, encoding="utf-8")
    _edit(root, name, lambda text: text.replace("事后再谈鹦鹉螺", "事后再谈").removesuffix(_append("")))
    assert served == _full_build(root, tmp_path / "full-1")


FALLBACKS = {
    # a save that changes more than page text: the quick rebuild declines, the dirty build runs
    "a new title": (ARTICLE, lambda text: text.replace("title: 孩子不想上学怎么办", "title: 孩子不愿上学怎么办", 1)),
    "a new topic (tags)": (ARTICLE, lambda text: text.replace("topics: [控辍保学, 亲子沟通]", "topics: [控辍保学]", 1)),
    "a broken link (a warning)": (ARTICLE, lambda text: text + "\n\n见[不存在的页](no-such-page.md)。\n"),
    "a page under docs/": ("docs/about.md", _append),
    "mkdocs.yml": ("mkdocs.yml", lambda text: text + "\n# 改了一下\n"),
    "a YAML error": (LESSON, lambda text: text + "\n  : : :\n"),
}


@pytest.mark.parametrize("case", sorted(FALLBACKS))
def test_a_save_that_changes_more_than_text_falls_back_to_the_dirty_build(tmp_path: Path, serve: ServeHarness,
                                                                          case: str,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    root = serve.root
    name, change = FALLBACKS[case]
    _edit(root, name, change)
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        assert serve.plugin.quick_rebuild() is False
    assert caplog.records == []  # what went wrong is shown once, by the dirty build
    if case in ("a broken link (a warning)", "a YAML error"):
        with pytest.raises(Exception):  # noqa: B017,PT011 - MkDocs's Abort, or our error through it
            serve.rebuild()
        assert len(caplog.records) == 1
        return
    serve.rebuild()
    assert serve.plugin.indexer.wait(timeout=600) is True
    _edit(root, ARTICLE, _append)  # and the next text edit is quick again, on top of the dirty build
    assert _quick_and_indexed(serve) is True
    served = _files(serve.site)
    assert served == _full_build(root, tmp_path / "full")


class _Server:
    """What the plugin sees of MkDocs's live-reload server."""

    def __init__(self, builder: Callable[..., None]) -> None:
        self.builder = builder
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_serve_runs_the_quick_rebuild_first_and_mkdocs_builder_when_it_cannot(serve: ServeHarness) -> None:
    full: list[str] = []
    server = _Server(lambda config=None: full.append("dirty build") or serve.rebuild())
    assert serve.plugin.on_serve(server, config=serve.config, builder=server.builder) is server
    assert sorted(Path(path).name for path in server.watched) == ["content", "courses", "plans"]
    _edit(serve.root, ARTICLE, _append)
    server.builder()  # what the server calls after a save
    assert full == [] and "鹦鹉螺" in (serve.site / "parents/demo-article/index.html").read_text(encoding="utf-8")
    _edit(serve.root, "docs/about.md", _append)
    server.builder()
    assert full == ["dirty build"] and "鹦鹉螺" in (serve.site / "about/index.html").read_text(encoding="utf-8")
    server.builder()  # nothing changed since the dirty build: quick, and nothing to render
    assert full == ["dirty build"]


def test_serve_speaks_chinese_and_says_where_to_look(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.mkdocs_plugin.build import ServeConsole

    console = ServeConsole(tmp_path)
    logger = logging.getLogger("mkdocs.test-serve-console")
    logger.addHandler(console)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        logger.info("[01:46:05] Serving on http://127.0.0.1:8000/")
        logger.info("Building documentation...")  # MkDocs's own chatter: left out
        logger.info("[01:46:09] Detected file changes")
        logger.warning("Doc file 'parents/a.md' contains a link 'nope.md', but the target 'parents/nope.md' is not found "
                       "among documentation files.")
        logger.error("courses/x.yml:3:1: 缩进不一致")
    finally:
        logger.removeHandler(console)
    out, err = capsys.readouterr()
    assert out.splitlines() == ["预览地址：http://127.0.0.1:8000/（用浏览器打开；改完文件保存即可，按 Ctrl+C 结束预览）",
                                "发现文件有改动，正在更新网站……"]
    assert "链接“nope.md”指向的页面不存在" in err and "courses/x.yml:3:1: 缩进不一致" in err
    assert "Doc file" not in err


def test_serve_reports_a_content_problem_before_mkdocs_starts(tmp_path: Path) -> None:
    from generator.errors import GongyuError
    from generator.mkdocs_plugin.build import serve_site

    root = copy_mini_project(tmp_path / "p")
    _edit(root, LESSON, lambda text: text + "  : : :\n")
    with pytest.raises(GongyuError) as raised:
        serve_site(root, port=1)  # port 1: it would fail if the server ever started
    assert "courses/demo-course/demo-lesson.yml:" in raised.value.format()


def test_serve_says_when_its_port_is_taken_before_building(tmp_path: Path) -> None:
    import socket

    from generator.errors import GongyuError
    from generator.mkdocs_plugin.build import serve_site

    root = copy_mini_project(tmp_path / "p")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(GongyuError) as raised:
            serve_site(root, port=port)
    assert f"端口 {port} 已被占用" in raised.value.format() and f"--port {port + 1}" in raised.value.format()
    assert not (root / "site").exists()
