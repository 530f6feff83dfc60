"""``gongyu print ID``: the printables of one lesson, course, plan or form, as PDF files.

* a lesson: ``handout.pdf``, ``handout-large.pdf``, ``signin.pdf``, ``feedback.pdf``;
* a course: the same, in one folder per lesson;
* a plan: every form the plan uses, ``<form-id>.pdf``;
* a form: ``<form-id>.pdf``.

Everything is rendered in memory first; files are written (each atomically) only when all of
them rendered, so a failure leaves the output folder as it was.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from ...base import urls
from ...base.paths import shown_path
from ...errors import GongyuError
from ...load.corpus import KIND_NAMES, Corpus
from ...mkdocs_plugin.site_config import site_url_of
from ...models import PlanTemplate
from ...pipeline import load_corpus
from ...write.atomic import safe_child, write_bytes
from ..context import Context, reports_errors
from ..zh import ChinesePath


def plan_forms(plan: PlanTemplate) -> list[str]:
    """Every form a plan uses: its ``forms`` list, then forms named by events and duties (no repeats)."""
    found: list[str] = []
    for form_id in [*plan.forms, *(e.form for _, e in plan.all_events()), *(d.form for d in plan.duties)]:
        if form_id and form_id not in found:
            found.append(form_id)
    return found


def school_name_of(path: Path, *, draft: bool) -> str | None:
    """The school's name from a profile, and nothing else: a printable uses only the name, so the
    rest of the profile (leading group, dates …) may still be unfinished. With ``draft`` a missing
    name prints the sheets without one."""
    from pydantic import TypeAdapter, ValidationError

    from ...load.compose import load_yaml_file
    from ...models.common import Label

    shown = shown_path(path)
    doc = load_yaml_file(path, shown)
    hint = "请写上学校全称，例如 name: 青山县石桥镇中心小学"
    if not isinstance(doc.data, dict):
        raise GongyuError(doc.problem((), "学校档案应是“键: 值”的形式，第一项是 name（学校全称）", hint))
    raw = doc.data.get("name")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if draft:
            return None
        raise GongyuError(doc.problem(("name",), "学校档案里没有学校名称 name，表头印不上校名",
                                      hint + "；暂时不写校名的，可以加 --draft 先打印不带校名的材料"))
    if not isinstance(raw, str):
        raise GongyuError(doc.problem(("name",), "学校名称 name 应是一段文字", hint))
    try:
        return TypeAdapter(Label).validate_python(raw).strip()
    except ValidationError as exc:
        reason = "；".join(str(error.get("msg", "")).removeprefix("Value error, ") for error in exc.errors())
        raise GongyuError(doc.problem(("name",), f"学校名称 name 不能用：{reason}", hint)) from None


def _unknown(corpus: Corpus, item_id: str) -> GongyuError:
    guess = difflib.get_close_matches(item_id, sorted(corpus.kinds), n=1, cutoff=0.6)
    hint = f"您是不是想写“{guess[0]}”？" if guess else "可以打印课时、课程、方案或表格；编号见网站上各页面的地址或 YAML 文件名"
    return GongyuError(f"找不到编号为“{item_id}”的内容。{hint}")


def collect(corpus: Corpus, item_id: str, site_url: str,
            school_name: str | None) -> list[tuple[tuple[str, ...], bytes]]:
    """Render every printable of ``item_id``: (path parts under the output folder, PDF bytes)."""
    from ...render.printables import lesson_jobs, lesson_qr_url, render_form, render_job

    kind = corpus.kinds.get(item_id)
    if kind is None:
        raise _unknown(corpus, item_id)

    def lesson_files(lesson_id: str, prefix: tuple[str, ...]) -> list[tuple[tuple[str, ...], bytes]]:
        lesson = corpus.lessons[lesson_id]
        course = corpus.courses[corpus.lesson_course[lesson_id]]
        url = lesson_qr_url(site_url, lesson_id)
        return [((*prefix, name), render_job(job))
                for _kind, name, _label, job in lesson_jobs(lesson, course, url, school_name=school_name)]

    if kind == "lesson":
        return lesson_files(item_id, ())
    if kind == "course":
        files: list[tuple[tuple[str, ...], bytes]] = []
        for lesson in corpus.course_lessons(item_id):
            files += lesson_files(lesson.id, (lesson.id,))
        return files
    if kind == "form":
        return [((f"{item_id}.pdf",), render_form(corpus.forms[item_id], school_name=school_name))]
    if kind == "plan":
        form_ids = plan_forms(corpus.plans[item_id])
        if not form_ids:
            raise GongyuError(f"方案“{item_id}”没有用到任何表格，没有可打印的内容；方案正文请用学校方案包生成")
        return [((f"{form_id}.pdf",), render_form(corpus.forms[form_id], school_name=school_name))
                for form_id in form_ids]
    raise GongyuError(f"“{item_id}”是{KIND_NAMES.get(kind, kind)}，没有打印材料；可以打印课时、课程、方案或表格")


@click.command("print")
@click.argument("item_id", metavar="ID")
@click.option("--out", type=ChinesePath(file_okay=False, path_type=Path), default=None,
              help="输出目录，默认是项目根目录下的 dist/print/<ID>/。")
@click.option("--school", "school_file", type=ChinesePath(dir_okay=False, path_type=Path), default=None,
              help="学校档案（plans/schools/ 中的 .yml 文件）；给出后，表格、签到表和反馈表的抬头印上学校名称"
                   "（只用到档案里的 name，其余内容没写完也可以）。")
@click.option("--site-url", default=None,
              metavar="网址",
              help="网站地址，用于讲义上的二维码，例如 https://jxgy.某某县.gov.cn/；"
                   "不填时读取 mkdocs.yml 中的 site_url；没有或是示例地址时不印二维码，改印“网址未设置”方框。")
@click.option("--fonts", "font_dir", type=ChinesePath(file_okay=False, exists=True, path_type=Path), default=None,
              help="放公文字体（仿宋、楷体、黑体、小标宋）的文件夹；不写则使用本机已安装的字体。")
@click.option("--draft", is_flag=True,
              help="学校档案还没写好时用：只读取学校名称，没有名称也照样打印（表头不印校名）。")
@click.pass_obj
@reports_errors
def print_command(obj: Context, item_id: str, out: Path | None, school_file: Path | None,
                  site_url: str | None, font_dir: Path | None, draft: bool) -> None:
    """打印材料：课时的讲义、大字版讲义、签到表和反馈表，或方案、表格的空白表格（PDF）。

    ID 是课时、课程、方案或表格的编号。
    """
    from ...render.pdf.typst_engine import get_engine

    root = obj.project()
    corpus = load_corpus(root, schools=False)
    if item_id not in corpus.kinds:
        raise _unknown(corpus, item_id)
    school_name = None
    if school_file is not None:
        if not school_file.is_file():
            raise GongyuError(f"找不到学校档案 {shown_path(school_file)}；请检查文件路径")
        school_name = school_name_of(school_file, draft=draft)
        if school_name is None:
            click.echo(f"提示：{shown_path(school_file)} 里还没有学校名称 name，表头不印校名（--draft）。", err=True)
    if site_url is None:
        site_url = site_url_of(root)
    if corpus.kinds[item_id] in ("lesson", "course"):
        if urls.is_placeholder(site_url):
            click.echo(urls.placeholder_warning(site_url), err=True)

    if font_dir is not None:
        from ...base.fonts import find_fonts

        find_fonts(dirs=(font_dir,))
    get_engine()  # no CJK font: say so before any work
    files = collect(corpus, item_id, site_url or "", school_name)

    target = out if out is not None else safe_child(root / "dist" / "print", item_id)
    written = [safe_child(target, *parts) for parts, _pdf in files]
    for path, (_parts, pdf) in zip(written, files):
        write_bytes(path, pdf)
        click.echo(f"已写入 {shown_path(path)}")
    title = corpus.title_of(item_id)
    click.echo(f"《{title}》的打印材料已生成：共 {len(written)} 个 PDF，在 {shown_path(target.resolve())}")


def register(group: click.Group) -> None:
    """Add ``print`` to the ``gongyu`` command group."""
    group.add_command(print_command)
