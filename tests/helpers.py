"""What several test modules share: small projects on disk, the printables' test corpus, reading PDFs and
Word files. Fixtures are in ``conftest.py``; test modules import only from here and from there.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.load.corpus import Corpus
from generator.pipeline import load_corpus
from generator.search.build import IndexedPage
from generator.search.extract import Section
from generator.search.meta import PageMeta

SITE = "https://jx.qingshan.edu.cn/"
#: Characters and strings special to Typst, Jinja, Markdown, HTML and shells: must print as typed.
HOSTILE = '#set text(red) {{ 7*7 }} $x$ <script>alert(1)</script> C:\\temp\\a ] [ "引号" *粗* _斜_ @ref //注'
#: The school years the example packs are built for.
YEARS = ("2026-2027", "2027-2028")


# ------------------------------------------------------------------------------------------------
# A plan, a form and a school profile on disk (the school year and packs)
# ------------------------------------------------------------------------------------------------

PLAN_YAML = """\
id: test-plan
kind: 控辍保学
title: 测试控辍保学工作实施方案
summary: 测试用的方案模板。
legal_basis:
  - 《中华人民共和国义务教育法》
  - '{{条例:义务教育}}'
background:
  - 让每一个孩子读完九年义务教育。
goals:
  - 辍学率控制在指标以内。
targets:
  - {id: t-primary, metric: 小学年辍学率, comparison: "<", value: 0.18, unit: "%", school_stages: [小学]}
  - {id: t-junior, metric: 初中年辍学率, comparison: "<", value: 1.21, unit: "%", school_stages: [初中]}
  - {id: t-visit, metric: 每学期家访学生比例, comparison: ">=", value: 50, unit: "%", note: 每学期不少于一半。}
principles:
  - 依法控辍。
organisation:
  group: 控辍保学工作领导小组
  roles:
    - {role: 组长, holder: 校长, duty: 本校控辍保学第一责任人。}
    - {role: 副组长, holder: 分管副校长}
    - {role: 成员, holder: 教导处主任}
    - {role: 成员, holder: 年级组长, many: true}
  office: 教导处
  office_duty: 负责日常工作。
  units:
    - unit: 教导处
      duties: [每天汇总各班到校情况。, 每月更新台账。]
sections:
  - title: 重点对象和重点时段
    paragraphs: [盯住人和时两个重点。]
    items: [留守儿童。, {text: 八年级及以上的学困生。, stages: [初中]}]
    sections:
      - title: 两个重点时段
        items: [寒假和春节前后。, 暑假。]
        sections:
          - title: 第三层
            items: [第四层的一条。]
phases:
  - id: p-before
    name: 假前宣传和重点家访
    when: {months: [1, 7], days: [20, 31]}
    tasks: [集中宣传义务教育法律法规。]
    events:
      - {id: e-visit, title: 重点学生假前家访, when: {months: [1, 7], days: [20, 31]}, unit: 班主任, form: f-visit}
  - id: p-festival
    name: 春节前后走访
    when: {anchor: 寒假开始, until: 春节}
    events:
      - {id: e-before-sf, title: 为返乡家长补签责任书, when: {anchor: 春节, offset: -10, days: 10}, unit: 班主任}
      - {id: e-after-sf, title: 节后劝返, when: {anchor: 春节, offset: 6, days: 5}, unit: 包保责任人}
events:
  - {id: e-launch, title: 启动仪式, when: {date: "11-16"}, unit: 德育处}
  - {id: e-range, title: 自查整改, when: {date: "12-01", to: "01-08"}, unit: 德育处}
  - {id: e-week1, title: 开学到校情况核查, when: {term: 每学期, week: 1}, unit: 教导处}
  - {id: e-last, title: 考核和表彰, when: {term: 春季, week: -1}, unit: 校长}
  - id: e-report
    title: 报送材料
    when: {term: 秋季, weeks: [1, 2]}
    unit: 教导处
    deadline: true
    details: "逗号,分号;反斜杠\\\\ 和“引号”都要原样保留。"
duties:
  - {id: d-daily, title: 清点到校人数, when: {every: 天}, unit: 班主任}
  - {id: d-weekly, title: 网格联络人报告学生动向, when: {every: 周, within: 假期}, unit: 网格联络人}
  - {id: d-monthly, title: 更新疑似辍学学生台账, when: {every: 月}, unit: 教导处}
requirements: [各班结合实际细化措施。]
outcomes: [辍学率控制在指标以内。]
safeguards: [经费列入预算。]
forms: [f-visit]
"""

FORM_YAML = """\
id: f-visit
title: 家访记录表
purpose: 每次家访后填写。
blocks:
  - heading: 基本情况
  - fields:
      - {label: 学生}
      - {label: 家访日期}
  - table:
      columns: [{label: 家访人}, {label: 情况, width: 3}]
      rows: 3
"""

SCHOOL_YAML = """\
id: test-school
name: 测试县测试镇测试小学
type: 小学
place: {province: 贵州省, county: 测试县, town: 测试镇}
authority: 测试县教育局
year: 2027-2028
people:
  校长: 王校长
  分管副校长: 李副校长
  教导处主任: 刘主任
plans:
  - plan: test-plan
"""


def make_project(root: Path, *, school: str | None = SCHOOL_YAML, plan: str = PLAN_YAML) -> Path:
    """A project folder with one plan template, one form and (optionally) one school profile."""
    (root / "plans" / "forms").mkdir(parents=True, exist_ok=True)
    (root / "plans" / "schools").mkdir(parents=True, exist_ok=True)
    (root / "plans" / "test-plan.yml").write_text(plan, encoding="utf-8")
    (root / "plans" / "forms" / "f-visit.yml").write_text(FORM_YAML, encoding="utf-8")
    if school is not None:
        (root / "plans" / "schools" / "test-school.yml").write_text(school, encoding="utf-8")
    return root


def project_corpus(tmp_path: Path, **kwargs: str | None) -> Corpus:
    return load_corpus(make_project(tmp_path / "project", **kwargs), schools=True)



# ------------------------------------------------------------------------------------------------
# The printables' tiny corpus
# ------------------------------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo")),
    reason="需要 poppler-utils（pdftotext、pdffonts、pdftoppm、pdfinfo）",
)



COURSE = {
    "id": "demo-course",
    "title": "演示课程：陪孩子走好第一步",
    "kind": "家长学校",
    "audience": ["家长"],
    "stage": "小学低年级",
    "summary": "只用于测试的课程。",
    "lessons": ["demo-lesson", "demo-long"],
}

LESSON = {
    "id": "demo-lesson",
    "title": "睡前十分钟：和孩子好好说话",
    "audience": "家长",
    "stage": "小学低年级",
    "duration": 60,
    "format": "讲座",
    "topics": ["亲子沟通"],
    "preparation": ["打印讲义和签到表各 40 份", "提前一周在班级群发通知"],
    "objectives": [
        "能说出睡前聊天的三个好处",
        "能在一周内坚持五次睡前十分钟聊天",
        "知道孩子说出危险信号时要当天告诉老师",
    ],
    "agenda": [
        {"step": "导入", "minutes": 10, "content": "请家长说说孩子睡前都在做什么。"},
        {"step": "讲授", "minutes": 40, "content": "讲睡前聊天的做法。"},
        {"step": "小结", "minutes": 10, "content": "回顾要点，布置亲子作业。"},
    ],
    "key_points": ["孩子愿意说，是因为说了不挨骂。", f"特殊字符照原样印出：{HOSTILE}"],
    "case": {"title": "一个例子", "story": "某同学睡前总看手机。", "analysis": "固定的聊天时间比长短更重要。"},
    "discussion": ["您家睡前通常做什么？"],
    "home_practice": ["今晚睡前和孩子聊十分钟，不看手机。"],
    "take_home": ["放下手机，看着孩子。", "先听完，再说话。"],
}

LONG_LESSON = {
    **LESSON,
    "id": "demo-long",
    "title": "一节内容很多的课：看讲义能不能排进两页",
    "key_points": [f"第{n}条要点。" + "家长要耐心倾听孩子说话，先接住情绪再讲道理，" * 6 for n in range(1, 13)],
    "home_practice": ["每天和孩子聊十分钟，记下孩子说的一件开心事和一件烦心事。" * 3 for _ in range(5)],
    "take_home": ["放下手机，看着孩子。"] * 6,
}

FORM = {
    "id": "demo-form",
    "title": "演示登记表",
    "purpose": "只用于测试，每种内容块都有。",
    "orientation": "纵向",
    "blocks": [
        {"heading": "基本情况"},
        {"text": ["这是一段说明文字。", f"特殊字符：{HOSTILE}"]},
        {"fields": [
            {"label": "学生班级"},
            {"label": "性别", "options": ["男", "女"]},
            {"label": "家庭住址", "wide": True},
            {"label": "情况说明", "lines": 3, "wide": True},
        ], "columns": 2},
        {"table": {"columns": [{"label": "日期", "width": 1}, {"label": "发生了什么", "width": 4}], "rows": 6}},
        {"signatures": [{"label": "班主任（签字）"}, {"label": "学校（盖章）", "date": False}]},
    ],
    "note": "填表说明的文字。",
}

WIDE_FORM = {
    "id": "demo-wide",
    "title": "横向演示表",
    "purpose": "横向的表格。",
    "orientation": "横向",
    "blocks": [
        {"fields": [{"label": "学校"}, {"label": "学年"}, {"label": "填表人"}], "columns": 3},
        {"table": {"columns": [{"label": f"第{n}栏", "width": 1 + n % 3} for n in range(1, 10)], "rows": 12}},
    ],
}

PLAN = {
    "id": "demo-plan",
    "kind": "控辍保学",
    "title": "演示方案",
    "summary": "只用于测试的方案。",
    "forms": ["demo-form", "demo-wide"],
}


def dump_yaml(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ------------------------------------------------------------------------------------------------
# Reading PDFs
# ------------------------------------------------------------------------------------------------


def write_pdf(tmp_path: Path, name: str, pdf: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout


def squash(text: str) -> str:
    """Text without any whitespace: line breaks fall anywhere in Chinese."""
    return re.sub(r"\s+", "", text)


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """Rows of ``pdffonts``: name, type, embedded, subset."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type [type2] encoding emb sub uni object ID: the yes/no columns are the 5th-3rd from last
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return rows


def gray_page(path: Path, page: int, dpi: int) -> Image.Image:  # noqa: F821
    from PIL import Image

    png = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", str(path)],
                         capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def docx_text(path: Path) -> str:
    """Every paragraph and table cell of a Word file, read with python-docx."""
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)




# ------------------------------------------------------------------------------------------------
# Headless Chromium (tests/test_browser.py, tests/test_phone.py; fixtures in conftest.py)
# ------------------------------------------------------------------------------------------------

CHROMIUM = Path(os.environ.get("GONGYU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class Visit:
    """A browser tab that records every request, failed response and error while it is open."""

    page: Any
    local: tuple[str, ...]
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request to another host: {url}" for url in self.foreign]
                + [f"failed: {item}" for item in self.failed]
                + [f"error: {item}" for item in self.errors])


def _is_local(url: str, local: tuple[str, ...]) -> bool:
    return url.startswith(local) or url.startswith(("data:", "blob:", "about:"))


def open_tab(browser: Any, local: tuple[str, ...], viewport: dict[str, int] = DESKTOP) -> tuple[Any, Visit]:
    """A fresh context whose requests to anything but ``local`` are recorded and blocked.

    Blocking keeps the test honest on a machine with internet access: a page that needs a CDN
    must fail here exactly as it fails in a village school or on a USB stick.
    """
    context = browser.new_context(viewport=viewport, locale="zh-CN", service_workers="block")
    page = context.new_page()
    visit = Visit(page=page, local=local)

    def on_request(request: Any) -> None:
        visit.requests.append(request.url)
        if not _is_local(request.url, local):
            visit.foreign.append(request.url)

    def route(route: Any) -> None:
        if _is_local(route.request.url, local):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            visit.failed.append(f"{response.status} {response.url}")

    def on_request_failed(request: Any) -> None:
        # ERR_ABORTED is the browser cancelling a request because the test navigated on (a
        # favicon still loading, say); a missing file shows as ERR_FILE_NOT_FOUND or a 404.
        if _is_local(request.url, local) and "ERR_ABORTED" not in str(request.failure):
            visit.failed.append(f"{request.failure} {request.url}")

    def on_console(message: Any) -> None:
        if message.type == "error":
            visit.errors.append(f"console: {message.text}")

    context.route("**/*", route)
    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.errors.append(f"page: {error}"))
    return context, visit


def example_packs(corpus: Any) -> dict[tuple[str, str], Any]:
    """Every example school's pack (Word, 行事历, ICS; no PDFs, no forms), keyed by (school id, year), for each of YEARS."""
    from generator.packs import pack_files, retarget
    from generator.resolve.school import resolve_school

    built = {}
    for school_id, school in sorted(corpus.schools.items()):
        for year in YEARS:
            resolved = resolve_school(retarget(school, year), corpus, draft=True)
            built[(school_id, year)] = pack_files(resolved, corpus, pdf=False, forms=False)
    return built


# ------------------------------------------------------------------------------------------------
# The site search
# ------------------------------------------------------------------------------------------------

def search_pages() -> list[IndexedPage]:
    """The real articles, one section per paragraph block (so that many sections share words)."""
    pages = []
    for path in sorted((Path(__file__).resolve().parents[1] / "content").glob("*/*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---", 2)
        meta = yaml.safe_load(head)
        sections = [Section(anchor=f"s{i}", heading=block.splitlines()[0][:12], text=[block])
                    for i, block in enumerate(body.split("\n\n")) if block.strip()]
        pages.append(IndexedPage(url=f"{path.parent.name}/{path.stem}/", title=meta["title"], sections=sections,
                                 meta=PageMeta(kind="文章", audience=meta["audience"], badges=meta["audience"],
                                               summary=meta["summary"], questions=meta.get("questions", []),
                                               keywords=meta["topics"])))
    return pages


class ServeHarness:
    """MkDocs's serve, without the server: one ``on_startup``, a dirty build per save, ``on_shutdown``."""

    def __init__(self, root: Path, site: Path) -> None:
        from mkdocs.config import load_config

        self.root, self.site = root, site
        self.config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        self.config.plugins.on_startup(command="serve", dirty=True)
        self.plugin = self.config.plugins["gongyu"]

    def rebuild(self) -> None:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site))
        assert config.plugins["gongyu"] is self.plugin  # MkDocs keeps the instance of a plugin with on_startup
        build(config, dirty=True)

    def close(self) -> None:
        self.config.plugins.on_shutdown()

    def save(self) -> bool:
        """What ``gongyu serve`` runs after a save: the quick rebuild when it can (True), else the dirty build."""
        if self.plugin.quick_rebuild():
            return True
        self.rebuild()
        return False
