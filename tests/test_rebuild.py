"""Rebuild only what changed: cache keys hold what an output is made from, never the newest
``updated:`` of unrelated articles; ``gongyu serve`` finds what ``gongyu build`` made; the bytes of
a download do not depend on which of the two made it."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.mkdocs_plugin.build import build_site
from generator.write import cache as cache_module

from .conftest import REPO, copy_mini_project


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _serve_like_build(root: Path, site_dir: Path) -> None:
    """What ``gongyu serve`` runs on each change: MkDocs with the plugin, no build date pinned."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir)))


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cache objects rendered (not found) from now on, by file name."""
    calls: list[str] = []
    original = cache_module.Cache._make

    def counting(self: cache_module.Cache, path: Path, make):  # type: ignore[no-untyped-def]
        calls.append(path.name)
        return original(self, path, make)

    monkeypatch.setattr(cache_module.Cache, "_make", counting)
    return calls


def test_serve_reuses_build_and_a_new_date_renders_nothing_cached(tmp_path: Path, made: list[str]) -> None:
    root = copy_mini_project(tmp_path / "p")
    build_site(root)
    first = _files(root / "site")
    assert made  # printables, blank drafts and the example pack were rendered
    # the cache as `gongyu serve` leaves it: made without the build's content date
    shutil.rmtree(root / ".cache")
    made.clear()
    _serve_like_build(root, tmp_path / "served")
    assert made  # made again: the cache was empty
    made.clear()
    build_site(root)  # the first build after serve: everything found
    assert made == []
    assert _files(root / "site") == first  # and the same bytes as a build from an empty cache
    made.clear()
    _serve_like_build(root, tmp_path / "served")  # and the other way round
    assert made == []
    article = root / "content/parents/demo-article.md"
    text = article.read_text(encoding="utf-8")
    assert re.search(r"^updated: 2026-11-01$", text, re.M)
    article.write_text(text.replace("updated: 2026-11-01", "updated: 2026-11-30"), encoding="utf-8")
    build_site(root)  # the newest `updated:` moved: it is the build's date, yet nothing cached is made again
    assert made == []
    after = _files(root / "site")
    changed = {name for name in after if after[name] != first.get(name)}
    assert not [name for name in changed if name.endswith((".pdf", ".docx", ".zip"))]


def test_laid_out_blanks_are_kept_in_the_cache_for_the_next_process(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.packs import stamp
    from generator.pipeline import load_corpus

    corpus = load_corpus(copy_mini_project(tmp_path / "p"))
    forms = [corpus.forms[form_id] for form_id in sorted(corpus.forms)]
    assert forms
    monkeypatch.setattr(stamp, "_blanks", {})
    stamp.use_cache(tmp_path / "cache")
    try:
        first = stamp.stamped_forms(forms, "示例县第一小学")
        stored = sorted((tmp_path / "cache" / "objects").rglob("*.json"))
        assert len(stored) == len(forms)
        monkeypatch.setattr(stamp, "_blanks", {})  # a new process: nothing in memory
        monkeypatch.setattr(stamp, "_opened", None)
        lay_out = stamp.lay_out

        def never(form: object) -> None:
            raise AssertionError("laid out again")

        monkeypatch.setattr(stamp, "lay_out", never)
        opened: list[Path] = []
        real_init = cache_module.Cache.__init__

        def counted(self: cache_module.Cache, folder: Path, **kwargs: object) -> None:
            opened.append(folder)
            real_init(self, folder, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(cache_module.Cache, "__init__", counted)
        assert stamp.stamped_forms(forms, "示例县第一小学") == first
        assert len(opened) == 1  # the folder checked and marked once, not once a form
        shutil.rmtree(tmp_path / "cache")  # removed by hand while the process runs: claimed and marked again
        monkeypatch.setattr(stamp, "_blanks", {})
        monkeypatch.setattr(stamp, "lay_out", lay_out)
        assert stamp.stamped_forms(forms, "示例县第一小学") == first
        assert len(opened) == 2 and (tmp_path / "cache" / ".gongyu-output").is_file()
    finally:
        stamp.use_cache(None)
    monkeypatch.undo()
    # stamping onto a stored blank gives what stamping onto a freshly laid-out one gives
    monkeypatch.setattr(stamp, "_blanks", {})
    assert stamp.stamped_forms(forms, "示例县第一小学") == first
    assert all(pdf.startswith(b"%PDF-") for pdf in first)


def test_word_packages_are_kept_in_the_cache_for_the_next_process(tmp_path: Path) -> None:
    """The prepared Word packages (styles, page set-up, footers) come from the cache folder in a new
    process, which then never imports python-docx; the packages are those a process makes itself."""
    script = """
import hashlib, sys
from pathlib import Path
from generator.packs import stamp
from generator.render import xingshili
from generator.render.docx import ooxml
stamp.use_cache(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
entries = (ooxml._plan_base().entries, xingshili._base().entries)
print(hashlib.sha256(repr(entries).encode()).hexdigest(), "docx" in sys.modules)
"""

    def run(*args: str) -> list[str]:
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=REPO,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    made, imported = run()
    assert imported == "True"
    assert run(str(tmp_path / "cache")) == [made, "True"]  # made, and stored
    assert run(str(tmp_path / "cache")) == [made, "False"]  # found: python-docx not even imported


def test_search_terms_are_cut_once_per_distinct_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.search import analyze

    text = "孩子在学校被同学欺负了，家长先听孩子把事情说完。"
    first = analyze.index_terms(text)
    assert "欺负" in first
    monkeypatch.setattr(analyze, "_cut_terms", lambda text: (_ for _ in ()).throw(AssertionError("cut again")))
    assert analyze.index_terms(text) == first
    assert analyze.stop_words() is analyze.stop_words()  # the function-word set is made once


EDITS = {
    # file, text replaced (None: a paragraph added at the end), the one page that shows it
    "article": ("content/parents/demo-article.md", None, "parents/demo-article/index.html"),
    "lesson": ("courses/demo-course/demo-lesson.yml", "两人吵了起来", "lessons/demo-lesson/index.html"),
}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_a_dirty_rebuild_renders_only_the_changed_page_and_equals_a_full_build(tmp_path: Path, kind: str) -> None:
    """What `gongyu serve` does on a save: MkDocs's dirty build, our pages reporting what changed."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = copy_mini_project(tmp_path / "p")
    site = tmp_path / "served"

    def dirty_build() -> None:
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(site)), dirty=True)

    dirty_build()
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    name, old, shown = EDITS[kind]
    edited = root / name
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text + "\n\n编辑时加上的一句：鹦鹉螺。\n" if old is None else text.replace(old, "鹦鹉螺", 1),
                      encoding="utf-8")
    dirty_build()
    rewritten = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                       if p.stat().st_mtime_ns != before.get(p))
    # MkDocs writes its 404 page every time, and the tag index lists every page's tags; nothing else
    # is written again, not even the short QR addresses (k/<lesson>/), tiny redirect pages
    assert rewritten == sorted(["404.html", shown, "tags/index.html"])
    assert "鹦鹉螺" in (site / shown).read_text(encoding="utf-8")
    full = tmp_path / "full"
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(full)))
    assert _files(site) == _files(full)  # the search index kept every page; nothing else differs


def test_a_failed_dirty_build_does_not_mark_its_pages_as_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save whose build fails half-way: the next build still renders the page the failed one did not write."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.mkdocs_plugin import plugin as plugin_module

    root = copy_mini_project(tmp_path / "p")
    site = tmp_path / "served"

    def dirty_build() -> None:
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(site)), dirty=True)

    dirty_build()
    article = root / "content/parents/demo-article.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n\n编辑时加上的一句：鹦鹉螺。\n", encoding="utf-8")
    original = plugin_module.GongyuPlugin.on_page_content

    def failing(self, html, *, page, config, files):  # type: ignore[no-untyped-def]
        raise RuntimeError("half-way")

    monkeypatch.setattr(plugin_module.GongyuPlugin, "on_page_content", failing)
    with pytest.raises(Exception, match="half-way"):
        dirty_build()
    monkeypatch.setattr(plugin_module.GongyuPlugin, "on_page_content", original)
    dirty_build()
    assert "鹦鹉螺" in (site / "parents/demo-article/index.html").read_text(encoding="utf-8")


def test_a_school_is_resolved_again_only_when_its_inputs_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`gongyu serve` reloads the project on every save; an unchanged profile keeps its resolved value."""
    from generator import pipeline
    from generator.resolve import school as resolving

    root = copy_mini_project(tmp_path / "p")
    calls: list[str] = []
    original = resolving.resolve_school

    def counting(school, corpus, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(school.id)
        return original(school, corpus, **kwargs)

    monkeypatch.setattr(resolving, "resolve_school", counting)
    first = pipeline.load_checked(root).schools["demo-school"]
    article = root / "content/parents/demo-article.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n\n新加的一段。\n", encoding="utf-8")
    assert pipeline.load_checked(root).schools["demo-school"] is first
    assert calls == ["demo-school"]
    plan = root / "plans/demo-plan.yml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("title: ", "title: 新", 1), encoding="utf-8")
    again = pipeline.load_checked(root).schools["demo-school"]
    assert calls == ["demo-school", "demo-school"]
    assert again.plans[0].plan.title.startswith("新")
    profile = root / "plans/schools/demo-school.yml"
    profile.write_text(profile.read_text(encoding="utf-8") + "\n# 改过\n", encoding="utf-8")
    pipeline.load_checked(root)
    assert calls == ["demo-school"] * 3


def test_a_lessons_printables_are_looked_up_again_only_when_it_changed(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`gongyu serve` with PDFs: an unchanged lesson's four PDFs are taken as they were (no jobs, no keys)."""
    from generator.pipeline import load_corpus
    from generator.write import printables

    root = copy_mini_project(tmp_path / "p")
    corpus = load_corpus(root, schools=False)
    jobs: list[str] = []
    original = printables.lesson_jobs

    def counting(lesson, course, url):  # type: ignore[no-untyped-def]
        jobs.append(lesson.id)
        return original(lesson, course, url)

    monkeypatch.setattr(printables, "lesson_jobs", counting)
    folder = tmp_path / "cache"
    first = cache_module.Cache(folder)
    made = printables.site_printables(corpus, "https://jiaoyu.xian-a.cn/", first)
    assert sorted(jobs) == sorted(corpus.lessons)
    again = cache_module.Cache(folder)
    assert printables.site_printables(corpus, "https://jiaoyu.xian-a.cn/", again) == made
    assert sorted(jobs) == sorted(corpus.lessons)  # nothing asked again
    assert {item.path for item in made if item.owner in corpus.lessons} <= again.used  # kept by finish()
    gone = next(item.path for item in made if item.owner in corpus.lessons)
    gone.unlink()
    third = cache_module.Cache(folder)
    printables.site_printables(corpus, "https://jiaoyu.xian-a.cn/", third)
    assert gone.is_file() and third.made == 1
    # another address changes the QR codes: every lesson's jobs again
    asked = len(jobs)
    printables.site_printables(corpus, "https://jiaoyu.xian-b.cn/", cache_module.Cache(folder))
    assert len(jobs) == asked + len(corpus.lessons)


def test_a_plan_edit_renders_only_that_plans_files_in_an_example_pack(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`gongyu serve` after a plan edit: the example packs render that plan's Word and PDF again, reuse
    the rest, and hold the same bytes as a pack rendered from nothing."""
    from generator.packs.pack import Rendered, pack_files
    from generator.pipeline import load_checked
    from generator.render.docx import gbt
    from generator.render.pdf import plan as pdf_plan

    root = tmp_path / "p"
    shutil.copytree(REPO / "plans", root / "plans")
    rendered: list[str] = []
    docx, pdf = gbt.render_docx, pdf_plan.render_pdf
    monkeypatch.setattr(gbt, "render_docx", lambda document: rendered.append("docx") or docx(document))
    monkeypatch.setattr(pdf_plan, "render_pdf", lambda document: rendered.append("pdf") or pdf(document))
    kept = Rendered()
    school = load_checked(root, templates=True).schools["heshan-teshu"]
    first = pack_files(school, load_checked(root, templates=True).corpus, forms=False, rendered=kept).files
    assert rendered.count("pdf") == len(school.plans) == 5
    path = root / "plans/anquan-jiaoyu.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(\n\s*paragraphs:\n\s*- (?:text: )?)(?![{'\"])", r"\1编辑时加上的一句。", text, count=1),
                    encoding="utf-8")
    checked = load_checked(root, templates=True)
    school = checked.schools["heshan-teshu"]
    rendered.clear()
    edited = pack_files(school, checked.corpus, forms=False, rendered=kept).files
    assert sorted(rendered) == ["docx", "pdf"]  # the edited plan's two files (PDFs start first); the work calendar kept its dates
    assert edited["anquan-jiaoyu.pdf"] != first["anquan-jiaoyu.pdf"]
    assert edited["jiazhang-xuexiao.pdf"] is first["jiazhang-xuexiao.pdf"]
    assert edited == pack_files(school, checked.corpus, forms=False).files  # the same as from nothing
