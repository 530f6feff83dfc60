"""Hostile content: text from YAML and Markdown never becomes markup, ids never become paths outside the output.

Every text field kind of the fixture gets the same payload (HTML, Markdown links, Jinja, Typst, shell
interpolation, RFC 5545 and Word-XML special characters); the site is built and every page audited.
"""

from __future__ import annotations

import html
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter, ValidationError

from generator.write.atomic import safe_child
from generator.mkdocs_plugin.build import build_site
from generator.errors import GongyuError
from generator.load import MAX_DEPTH, MAX_FILE_BYTES, load_yaml_file, parse_yaml, validate
from generator.models import Lesson
from generator.models.common import Id

from .conftest import MINI, copy_mini_project

#: Everything that means something to HTML, Markdown, Jinja, Typst, a shell, iCalendar or Word XML.
PAYLOAD = ('<script>alert(1)</script> <img src=x onerror=alert(1)> [点我](javascript:alert(1)) '
           '算式{{ 7*7 }}结束 {% raw %} ${x} #set text(red) \\ " \' | ; , & <w:p> \\n')
#: Breaks out of an attribute or of <title> when a template does not escape.
BREAKOUT = '"></title><script>alert(2)</script>'

LESSON = "courses/demo-course/demo-lesson.yml"
PLAN = "plans/demo-plan.yml"
FORM = "plans/forms/demo-form.yml"
ARTICLE = "content/parents/demo-article.md"

#: Raw HTML an author might paste into an article body.
ARTICLE_HTML = """
<script>alert(3)</script>

<img src=x onerror=alert(3)>

<a href="javascript:alert(3)">点我</a> [点我](javascript:alert(3)) [点我](JaVaScRiPt:alert(3))

<div onclick="alert(3)" style="background:url(javascript:alert(3))">正文算式{{ 7*7 }}结束 {% raw %} ${x}</div>

<iframe src="javascript:alert(3)"></iframe><object data="x"></object><embed src="x">

<svg onload=alert(3)><circle r="1"/></svg><form action="javascript:alert(3)"><input onfocus=alert(3) autofocus></form>

<meta http-equiv="refresh" content="0;url=javascript:alert(3)">
"""


def hostile(tag: str) -> str:
    return f"【{tag}】{PAYLOAD}"


def _edit_yaml(root: Path, rel: str, change: Any) -> None:
    path = root / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")


def _lesson(d: dict[str, Any]) -> None:
    d["title"] = hostile("课题")
    d["agenda"][0]["content"] = hostile("议程")
    d["case"]["story"] = hostile("案例") + "\n\n" + hostile("案例续")
    d["key_points"][0] = hostile("要点")


def plan_hostile(tag: str) -> str:
    """Plan text has a closed placeholder syntax ({{数值:编号}}) that check refuses when unknown
    (see test_plan_placeholders_are_refused_not_evaluated); single braces stay literal text."""
    return hostile(tag).replace("{{ 7*7 }}", "{ 7*7 }")


def _plan(d: dict[str, Any]) -> None:
    d["sections"][0]["sections"][0]["paragraphs"][0] = plan_hostile("段落")
    d["events"][0]["title"] = plan_hostile("事项")
    d["duties"][0]["title"] = plan_hostile("经常性工作")
    d["summary"] = plan_hostile("方案简介") + BREAKOUT


def _form(d: dict[str, Any]) -> None:
    d["blocks"][0]["fields"][0]["label"] = hostile("栏目")
    d["blocks"][1]["table"]["columns"][0]["label"] = hostile("表头")


TAGS = ["课题", "议程", "案例", "案例续", "要点", "段落", "事项", "经常性工作", "方案简介", "栏目", "表头", "摘要"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_mini_project(tmp_path_factory.mktemp("hostile") / "project")
    _edit_yaml(root, LESSON, _lesson)
    _edit_yaml(root, PLAN, _plan)
    _edit_yaml(root, FORM, _form)
    article = root / ARTICLE
    text = article.read_text(encoding="utf-8")
    summary = json.dumps(hostile("摘要"), ensure_ascii=False)  # JSON is valid YAML
    text = text.replace("summary: 先弄清原因，再和老师一起想办法，别硬逼也别放任。", f"summary: {summary}")
    article.write_text(text + ARTICLE_HTML, encoding="utf-8")
    build_site(root, pdf=False)
    return root / "site"


def html_pages(site: Path) -> dict[str, str]:
    """Every page with a body from content (``k/<id>/`` are the QR codes' redirect pages: no content)."""
    return {page.relative_to(site).as_posix(): page.read_text(encoding="utf-8") for page in sorted(site.rglob("*.html"))
            if page.relative_to(site).parts[0] != "k"}


def content_area(page: str) -> str:
    """The page body MkDocs renders from Markdown (what the plugin sanitises), without the theme around it."""
    start = page.find('<article class="md-content__inner')
    end = page.find("</article>", start)
    assert start >= 0 and end > start
    return page[start:end]


class _Audit(HTMLParser):
    """Everything in a page that could run script or load something a reader did not ask for."""

    _URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.handlers: list[str] = []
        self.js_urls: list[str] = []
        self.embeds: list[str] = []
        self.word_xml: list[str] = []
        self.meta_attrs: list[set[str]] = []
        self.tables: list[list[int]] = []
        self._in_script: dict[str, str | None] | None = None
        self._script_text: list[str] = []
        self._cells: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value}>")
            if name in self._URL_ATTRS and (value or "").strip().lower().startswith(("javascript:", "vbscript:")):
                self.js_urls.append(f"<{tag} {name}={value}>")
            if name == "style" and "javascript:" in (value or "").lower():
                self.js_urls.append(f"<{tag} style={value}>")
        if tag in ("iframe", "object", "embed", "form", "frame", "frameset", "base"):
            self.embeds.append(tag)
        if tag == "meta":
            self.meta_attrs.append(set(values))
            if (values.get("http-equiv") or "").lower() == "refresh":
                self.embeds.append("meta refresh")
        if ":" in tag:
            self.word_xml.append(tag)
        if tag == "script":
            self._in_script = values
            self._script_text = []
        if tag == "table":
            self.tables.append([])
        if tag == "tr":
            self._cells = 0
        if tag in ("td", "th") and self._cells is not None:
            self._cells += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._script_text)))
            self._in_script = None
        if tag == "tr" and self._cells is not None and self.tables:
            self.tables[-1].append(self._cells)
            self._cells = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._script_text.append(data)


def audit(text: str) -> _Audit:
    parser = _Audit()
    parser.feed(text)
    parser.close()
    return parser


def test_every_payload_reached_the_site(site: Path) -> None:
    everything = "\n".join(html.unescape(content_area(page)) for page in html_pages(site).values())
    for tag in TAGS:
        assert f"【{tag}】<script>alert(1)</script>" in everything, tag


def test_page_bodies_hold_no_markup_from_content(site: Path) -> None:
    for name, page in html_pages(site).items():
        if name == "404.html":
            continue  # our own template (a search form), no content in it
        found = audit(content_area(page))
        assert found.scripts == [], name
        assert found.handlers == [], name
        assert found.js_urls == [], name
        assert found.embeds == [], name
        assert found.word_xml == [], name


def test_text_stays_literal(site: Path) -> None:
    lesson = html.unescape(content_area((site / "lessons/demo-lesson/index.html").read_text(encoding="utf-8")))
    assert "【议程】<script>alert(1)</script> <img src=x onerror=alert(1)> [点我](javascript:alert(1)) 算式{{ 7*7 }}结束 " \
           "{% raw %} ${x} #set text(red) \\ \" ' | ; , & <w:p> \\n" in lesson
    # a new paragraph in YAML is a new paragraph on the page, not a line of Markdown syntax
    assert "【案例续】" in lesson
    article = content_area((site / "parents/demo-article/index.html").read_text(encoding="utf-8"))
    assert "正文算式{{ 7*7 }}结束 {% raw %} ${x}" in article


def test_templates_are_never_evaluated(site: Path) -> None:
    for path in sorted(p for p in site.rglob("*") if p.suffix in (".html", ".json", ".xml", ".txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "算式49结束" not in text, path
        assert "正文算式49结束" not in text, path


def test_plan_placeholders_are_refused_not_evaluated(tmp_path: Path) -> None:
    from generator.pipeline import load_corpus

    root = copy_mini_project(tmp_path / "project")
    _edit_yaml(root, PLAN, lambda d: d["sections"][0]["sections"][0]["paragraphs"].__setitem__(0, hostile("段落")))
    with pytest.raises(GongyuError) as caught:
        load_corpus(root)
    text = caught.value.format()
    said = text.split("demo-plan.yml:", 1)[-1]  # the temporary folder's name may hold a 49 of its own
    assert "demo-plan.yml:" in text and "占位符{{ 7*7 }}中的“7*7”不是可用的名称" in said and "49" not in said


def test_pipes_do_not_break_tables(site: Path) -> None:
    for name in ("lessons/demo-lesson/index.html", "plans/demo-plan/index.html", "forms/demo-form/index.html"):
        tables = audit(content_area((site / name).read_text(encoding="utf-8"))).tables
        assert tables, name
        for rows in tables:
            # a "|" that became a cell separator would make one row wider than the others
            assert len(set(rows)) == 1, (name, rows)
    agenda = audit(content_area((site / "lessons/demo-lesson/index.html").read_text(encoding="utf-8"))).tables[0]
    assert agenda == [2] * 6  # header, four steps, total (step and minutes share the first column)


def test_search_index_is_data_only(site: Path) -> None:
    """Each index file is one call with a JSON literal: text from content cannot break out into code.

    (The browser code puts every indexed string into the page with ``textContent``, never as HTML;
    tests/test_search_browser.py checks a hostile query there.)"""
    from generator.search.query import read_script

    files = sorted((site / "search").glob("*.js"))
    assert files
    seen = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert re.fullmatch(r'gongyuSearch\.add\("[a-z0-9]+",\{.*\}\);\n|gongyuSearch\.add\("d\d+",\[.*\]\);\n', text, re.S), path
        data = read_script(path)
        seen.append(json.dumps(data, ensure_ascii=False))
    assert any("alert(1)" in text for text in seen)  # the payload is there, as a string
    code = (site / "assets/gongyu/search.js").read_text(encoding="utf-8")
    assert code.count("innerHTML") == 1 and "button.innerHTML = '<svg" in code  # a fixed icon only
    assert "eval(" not in code and "new Function" not in code


def test_whole_pages_hold_no_markup_from_content(site: Path) -> None:
    """Titles and descriptions reach <title>, <meta>, the header and the tags listing through the theme's
    templates, which do not escape and are not sanitised: render/markdown.py:front_matter escapes them."""
    for name, page in html_pages(site).items():
        found = audit(page)
        for attrs, text in found.scripts:
            assert "alert" not in text, name
            # the theme's own scripts come from its assets folder, ours (gongyu.js) from assets/gongyu/;
            # a page never loads one from elsewhere
            src = attrs.get("src") or ""
            assert not src or "assets/javascripts/" in src or re.search(r"(^|/)assets/gongyu/[\w.-]+\.js$", src), name
        assert found.handlers == [], name
        assert found.js_urls == [], name
        assert all(attrs <= {"name", "content", "charset", "http-equiv", "property"} for attrs in found.meta_attrs), name


# --- ids and file names ---------------------------------------------------------------------------

@pytest.mark.parametrize("part", ["..", ".", "", "../etc", "a/../../b", "/etc/passwd", "C:\\Windows", "C:", "a\\b",
                                  "a\x00b", "x/y"])
def test_safe_child_refuses_paths_that_leave_the_folder(tmp_path: Path, part: str) -> None:
    with pytest.raises(GongyuError):
        safe_child(tmp_path, part)
    with pytest.raises(GongyuError):
        safe_child(tmp_path, "ok", part)


def test_safe_child_refuses_a_symlink_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    base = tmp_path / "base"
    base.mkdir()
    (base / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(GongyuError):
        safe_child(base, "link", "handout.pdf")


def test_safe_child_accepts_ordinary_names(tmp_path: Path) -> None:
    assert safe_child(tmp_path, "demo-lesson", "handout-1a2b.pdf") == tmp_path.resolve() / "demo-lesson" / "handout-1a2b.pdf"


@pytest.mark.parametrize("part", ["con", "CON", "con.pdf", "nul.txt", "aux", "prn", "com1", "LPT9.pdf"])
def test_safe_child_refuses_windows_reserved_names(tmp_path: Path, part: str) -> None:
    with pytest.raises(GongyuError):
        safe_child(tmp_path, part)


BAD_IDS = ["../etc", "..", "/etc/passwd", "C:\\x", "a/b", "a\x00b", "con", "nul", "com1", "lpt9", "aux", "prn",
           "CON", "Demo", "demo_lesson", "-demo", "demo-", "demo.yml", "ｃｏｎ", "", " ", "a" * 65, "演示"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_id_type_rejects_unsafe_names(bad: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Id).validate_python(bad)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_loader_rejects_unsafe_ids_with_a_located_message(bad: str) -> None:
    text = (MINI / LESSON).read_text(encoding="utf-8")
    text = text.replace("id: demo-lesson", f"id: {json.dumps(bad)}", 1)  # JSON strings are YAML strings
    with pytest.raises(GongyuError) as info:
        validate(Lesson, parse_yaml(text, "demo-lesson.yml"))
    problems = [p for p in info.value.problems if (p.line, p.column) == (1, 5)]
    assert problems and problems[0].message.startswith(("编号", "这里不能为空")), info.value.format()


# --- size and bombs -------------------------------------------------------------------------------

def test_file_over_the_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yml"
    with path.open("wb") as handle:
        handle.truncate(2 * 1024**3)  # sparse: 2 GB on paper, nothing on disk
    started = time.monotonic()
    with pytest.raises(GongyuError) as info:
        load_yaml_file(path, "huge.yml")
    assert time.monotonic() - started < 5
    assert info.value.problems[0].message.startswith("文件太大（2097152 KB）")
    assert MAX_FILE_BYTES < 2 * 1024**3


def _bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["lol1: &a1 [" + ", ".join(['"哈"'] * width) + "]"]
    for level in range(2, levels + 1):
        lines.append(f"lol{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [
    _bomb(),
    "big: &big [" + ", ".join(["哈哈哈哈哈哈"] * 5000) + "]\nrefs: [" + ", ".join(["*big"] * 2000) + "]\n",
    "a: &a {b: &b {c: *a}}\n",  # an alias to its own ancestor: a cycle
])
def test_alias_bombs_are_refused_quickly(text: str) -> None:
    started = time.monotonic()
    with pytest.raises(GongyuError) as info:
        parse_yaml(text, "bomb.yml")
    assert time.monotonic() - started < 5
    assert info.value.problems[0].message == "不支持 YAML 的锚点和别名（& 与 *）"


@pytest.mark.parametrize("text", ["[" * 100_000, "{a: " * 100_000, "".join(" " * i + "a:\n" for i in range(200))])
def test_deep_nesting_is_refused_quickly(text: str) -> None:
    started = time.monotonic()
    with pytest.raises(GongyuError) as info:
        parse_yaml(text, "deep.yml")
    assert time.monotonic() - started < 5
    assert info.value.problems[0].message == f"嵌套层级过深（超过 {MAX_DEPTH} 层）"
