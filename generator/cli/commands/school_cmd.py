"""``gongyu school …``: school profiles, school lists in Excel, and school packs."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from ...errors import GongyuError
from ...models.school import SCHOOL_TYPES
from ...packs.outcome import SUMMARY_NAME
from ..context import Context, reports_errors
from ..zh import ChinesePath

DEFAULT_PROFILE = Path("school.yml")
DEFAULT_SHEET = Path("学校名单.xlsx")
DEFAULT_OUT = Path("dist/schools")


def register(group: click.Group) -> None:
    """Add the ``school`` command group to the ``gongyu`` command line."""
    group.add_command(school)


@click.group()
def school() -> None:
    """学校档案与学校方案包：新建档案、批量生成方案包、Excel 学校名单模板。"""


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise GongyuError(f"文件 {path} 已经存在，没有覆盖。要覆盖请加上 --force，或用 --out 换一个文件名")


def _load_corpus(obj: Context) -> Any:
    """The plan templates and forms: the project's own, else those shipped with gongyu (``plans/`` only:
    packs hold no article or course, and reading a large site's would make every school build wait).
    A clean read is kept in the cache folder, once there is one (a build with PDFs makes it), so the next
    process need not read the same files again; a command refused later has then made no folder."""
    from ...pipeline import load_templates
    from ...write.cache import default_folder
    from ...write.outputs import CACHE, marker_kind

    root = obj.templates().root
    folder = default_folder(root)
    return load_templates(root, cache=folder.resolve() if marker_kind(folder) == CACHE else None)


def _current_first_year() -> int:
    from ...base.clock import school_year_in_progress

    return school_year_in_progress(dt.date.today())


def _fit_note(plan: Any) -> str:
    """（只用于……）after a plan that only some school types may adopt."""
    parts = [f"有{'或'.join(plan.stages)}的学校" if plan.stages else "", "、".join(plan.school_types),
             f"{'、'.join(plan.not_for)}不用" if plan.not_for else ""]
    text = "；".join(p for p in parts if p)
    return f"（{text}）" if text else ""


def profile_text(corpus: Any, schema_ref: str, first_year: int) -> str:
    """A commented school profile to fill in; valid as it stands (with placeholder names).

    Not split: it is the text of the profile template, top to bottom, with a few values filled in.
    """
    from ...schoolcal import SchoolYear

    year = SchoolYear.default(first_year)
    plan_ids = sorted(corpus.plans) if corpus is not None else []
    chosen = "kongchuo-baoxue" if "kongchuo-baoxue" in plan_ids else (plan_ids[0] if plan_ids else "kongchuo-baoxue")
    lines = [
        f"# yaml-language-server: $schema={schema_ref}",
        "#",
        "# 学校档案：把下面的内容改成本校的实际情况，保存后运行",
        "#   gongyu school build 本文件名 --out dist/schools",
        "# 就会生成本校的方案包（各方案的 Word 和 PDF、工作行事历、日历文件和空白表格）。",
        "# 以“#”开头的行是说明，不会出现在生成的文件里。",
        "# 冒号“:”后面要空一格再写内容；每一级缩进用两个空格，不要用 Tab 键；标点用半角。",
        "",
        "# 学校编号：只用小写英文字母、数字和连字符“-”，例如学校名称的拼音。生成的文件夹就用这个名字。",
        "id: mouxian-mouzhen-xiaoxue",
        "",
        "# 学校全称，会自动加在每份方案标题的前面。",
        "name: 某县某镇某某小学",
        "",
        f"# 学校类型：{'、'.join(SCHOOL_TYPES)}，选其一。",
        "type: 小学",
        "",
        "# 学校所在地。省（自治区、直辖市）写全称，例如 贵州省、广西壮族自治区、重庆市：",
        "# 方案会引用该省的地方性法规，并写“本省”“本自治区”或“本市”。市（州）和乡镇（街道）可以不写。",
        "place:",
        "  province: 贵州省   # 改成本校所在的省（自治区、直辖市）",
        "  # city: 某市",
        "  county: 某县",
        "  town: 某镇",
        "",
        "# 主管单位：方案报送给谁，例如 某县教育局 或 某镇教育管理中心。",
        "authority: 某县某镇教育管理中心",
        "",
        "# 学年：前后两个年份相差一年，中间用“-”连接。",
        f"year: {year.name}",
        "",
        "# 校历：写了的日期按本校的来，没写的按常规估算（寒假包含春节，春节会自动算出）。",
        "# 拿到本校校历后，删去“calendar:”和要写的日期这几行开头的“# ”，再改成实际日期（写成 年-月-日）。",
        "# calendar:",
        f"#   autumn_start: {year.autumn_start.isoformat()}   # 秋季学期开学日",
        f"#   autumn_end: {year.autumn_end.isoformat()}     # 秋季学期最后一天（散学典礼）",
        f"#   spring_start: {year.spring_start.isoformat()}   # 春季学期开学日",
        f"#   spring_end: {year.spring_end.isoformat()}     # 春季学期最后一天",
        f"#   summer_end: {year.summer_end.isoformat()}     # 暑假最后一天",
        "#   # 本校自己的日子（国家法定节假日和调休会自动加上，不用写）：",
        "#   # 放假＝本地节日等不安排工作的日子，上课＝调课补上课的日子，活动＝运动会等（列入行事历和日历）",
        "#   days:",
        f"#     - {{date: {year.autumn_start.replace(month=10, day=30).isoformat()}, name: 秋季运动会, type: 活动}}",
        "",
        "# 岗位与姓名：方案里的领导小组按岗位自动填上这里的姓名。左边写岗位，右边写姓名。",
        "# 所采用方案的领导小组用到、而这里没有的岗位，生成时会逐一列出，照提示补上即可。",
        "people:",
        "  校长: 王某某",
        "  分管副校长: 李某某",
        "  德育处主任: 张某某",
        "  教导处主任: 刘某某",
        "  总务处主任: 陈某某",
        "  心理辅导教师: 赵某某",
        "  家长委员会主任: 周某某",
        "  # 法治副校长: 某某某",
        "  # 少先队辅导员（团委书记）: 某某某",
        "",
        "# 本校设有的处室。",
        "departments:",
        "  - 德育处",
        "  - 教导处",
        "  - 总务处",
        "",
        "# 本县（市）的法规和文件：会加在每份方案“主要依据”的最后。书名号写全，一行一份；没有就不写。",
        "# 要写的话，删去下面两行开头的“# ”，再换成本县文件的真实名称。",
        "# regulations:",
        "#   - 《某县义务教育控辍保学工作实施办法》",
        "",
        "# 对外公开的学校电话，可以不写。",
        "# phone: ",
        "",
        "# 学生人数：只写总数，不写任何学生的姓名或个人情况。",
        "students:",
        "  total: 500         # 在校生总数",
        "  left_behind: 200   # 其中留守儿童",
        "  # boarding: 100    # 其中住校生",
        "  # classes: 12      # 班级数",
        "",
        "# 本校采用的方案：每一项以“- plan:”开头，后面写方案编号。要采用哪个，就删去那一行开头的“# ”。",
        "# 每个方案下面还可以写：",
        "#   title       改用的标题（不写学校名称）",
        "#   issue_date  印发日期（不写就用秋季开学日）",
        "#   group       领导小组成员，例如 group: {组长: [王某某], 成员: [甲, 乙]}（不写就按 people 自动填）",
        "#   targets     改写指标数值，例如 targets: {kc-visit-term: 60}",
        "#   events      改写某件事的日期，例如 events: {kc-letter-parent: {anchor: 秋季学期结束}}",
        "#   skip        本校不做的事项或阶段编号，例如 skip: [kc-leaflets]",
        "#   legal_basis 本方案另加的依据（县里的文件、上级通知），例如 legal_basis: [《某县控辍保学工作实施办法》]",
        "plans:",
        f"  - plan: {chosen}" + (f"   # {_fit_note(corpus.plans[chosen])[1:-1]}，其他学校请换成下面适用的方案"
                                 if corpus is not None and chosen in corpus.plans and _fit_note(corpus.plans[chosen]) else ""),
    ]
    for plan_id in plan_ids:
        if plan_id != chosen:
            lines.append(f"  # - plan: {plan_id}   # {corpus.plans[plan_id].title}{_fit_note(corpus.plans[plan_id])}")
    lines += [
        "",
        "# 备注：只出现在本校方案包的说明里，可以不写。",
        "# note: ",
        "",
    ]
    return "\n".join(lines)


def _check_year(year: str) -> None:
    match = re.fullmatch(r"(\d{4})-(\d{4})", year.strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise GongyuError(f"--year 的值“{year}”不对：请写成前后相差一年的两个年份，例如 2026-2027")


def _schema_ref(root: Path, out: Path) -> str:
    schema = (root / "schemas" / "school.schema.json").resolve()
    try:
        return Path(os.path.relpath(schema, out.resolve().parent)).as_posix()
    except ValueError:  # another drive on Windows
        return schema.as_uri()


@school.command("new")
@click.option("--out", type=ChinesePath(dir_okay=False, path_type=Path), default=DEFAULT_PROFILE, show_default=True,
              help="写到哪个文件。")
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
@click.pass_obj
@reports_errors
def new(obj: Context, out: Path, force: bool) -> None:
    """生成一份带中文说明的学校档案，照着填写即可。"""
    from ...write.atomic import write_bytes

    _refuse_overwrite(out, force)
    corpus = _load_corpus(obj)
    text = profile_text(corpus, _schema_ref(corpus.root, out), _current_first_year())
    write_bytes(out, text.encode("utf-8"))
    click.echo(f"已写入 {out}。请用记事本或 VS Code 打开，按说明填写后运行：gongyu school build {out}")


def _one_profile(inputs: tuple[Path, ...]) -> bool:
    """One school's .yml profile, not a batch (a folder, a sheet, several profiles)."""
    return len(inputs) == 1 and inputs[0].suffix.lower() in (".yml", ".yaml") and not inputs[0].is_dir()


def _wants_summary(inputs: tuple[Path, ...], out: Path) -> bool:
    """汇总.xlsx is for batches. One .yml profile gets none: its outcome is on the screen, and a county
    clerk's summary is no use to one school (it costs a tenth of the build). A summary already in ``out``
    (from a batch) is rewritten all the same, so that it never disagrees with the packs beside it."""
    return not _one_profile(inputs) or (out / SUMMARY_NAME).exists()


@school.command("build")
@click.argument("inputs", nargs=-1, required=True, type=ChinesePath(path_type=Path))
@click.option("--year", default=None, metavar="2026-2027", help="按哪个学年生成（默认用档案中的学年）。")
@click.option("--out", type=ChinesePath(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="输出目录；每所学校一个子文件夹。")
@click.option("--draft", is_flag=True, help="信息不全（如领导小组缺人）时不报错，在文件中留“____”空白。")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="个数", help="同时使用几个 CPU 核心（默认全部）。")
@click.option("--no-pdf", is_flag=True, help="只生成 Word、行事历和日历文件，不生成 PDF（更快，用于预览）。")
@click.option("--zip", "zipped", is_flag=True, help="另为每所学校生成一个 zip 压缩包（学校编号.zip），便于发送。")
@click.option("--fonts", "font_dir", type=ChinesePath(file_okay=False, exists=True, path_type=Path), default=None,
              help="放公文字体（仿宋、楷体、黑体、小标宋）的文件夹；不写则使用本机已安装的字体。")
@click.option("--holidays", "holidays_file", type=ChinesePath(dir_okay=False, exists=True, path_type=Path),
              default=None, help="照国务院办公厅通知填写的放假安排（格式同 plans/data/holidays.yml），"
                                 "用于 holidays 软件包尚未收录的年份。")
@click.pass_obj
@reports_errors
def build(obj: Context, inputs: tuple[Path, ...], year: str | None, out: Path, draft: bool, jobs: int | None,
          no_pdf: bool, zipped: bool, font_dir: Path | None, holidays_file: Path | None) -> None:
    """生成学校方案包。文件可以是学校档案（.yml）、放档案的文件夹，或 Excel 学校名单（.xlsx）。

    批量生成时，输出目录中另有“汇总.xlsx”，列出每所学校是否生成、生成了哪些文件、有什么问题；
    只有一份 .yml 档案时不另写（输出目录中已有汇总.xlsx 时照常更新）。
    """
    if year is not None:
        _check_year(year)
    font_dirs = (font_dir,) if font_dir is not None else ()
    warmed = _warm_up(inputs, font_dirs) if not no_pdf and (jobs or os.cpu_count() or 1) > 1 else None
    try:
        _build(obj, inputs, year, out, draft, jobs, no_pdf, zipped, font_dirs, holidays_file)
    finally:
        if warmed is not None:
            warmed()


def _warm_up(inputs: tuple[Path, ...], font_dirs: tuple[Path, ...]) -> Any:
    """One school's profile (one .yml file): its pack is rendered in this process, so start warming
    Typst up on another core now (see ``pipeline.warm_up_pdf``); a folder or a sheet goes to worker
    processes, and ``--jobs 1`` asks for one core."""
    if not _one_profile(inputs):
        return None
    from ...pipeline import warm_up_pdf

    return warm_up_pdf(font_dirs)


def _build(obj: Context, inputs: tuple[Path, ...], year: str | None, out: Path, draft: bool, jobs: int | None,
           no_pdf: bool, zipped: bool, font_dirs: tuple[Path, ...], holidays_file: Path | None) -> None:
    """The rest of :func:`build`, while the PDF engine warms up (when it does)."""
    from ...packs import build_packs, load_profiles
    from ...packs.profiles import Failure

    corpus = _load_corpus(obj)
    if holidays_file is not None:
        from ...load.schedule import load_schedule_file

        corpus.schedule = load_schedule_file(holidays_file)
    notices: list[Failure] = []
    profiles, failures = load_profiles(list(inputs), corpus, notices)
    if year and any(p.school.year != year for p in profiles):
        click.echo(f"按 {year} 学年生成：档案中属于其他学年的校历和印发日期不使用，改按常规估算。", err=True)
    if not no_pdf and profiles:
        from ...base.fonts import find_fonts
        from ...render.pdf.plan import describe_fonts

        find_fonts(dirs=font_dirs)
        click.echo(describe_fonts())
    summary = _wants_summary(inputs, out)
    result = build_packs(profiles, corpus, out, draft=draft, jobs=jobs, year=year, pdf=not no_pdf, zipped=zipped,
                         summary=summary, failures=failures, font_dirs=font_dirs, notices=notices)
    click.echo(result.built_summary())
    if not summary and result.built:
        click.echo(f"只有一份学校档案，没有另写 {SUMMARY_NAME}（批量生成时才写）。")
    if result.notices:
        click.echo(result.notice_summary(), err=True)
    if result.failed:
        click.echo(result.failure_summary(), err=True)
        sys.exit(1)


@school.command("holidays-template")
@click.option("--out", type=ChinesePath(dir_okay=False, path_type=Path), default=Path("放假安排.yml"),
              show_default=True, help="写到哪个文件。")
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
@click.pass_obj
@reports_errors
def holidays_template(obj: Context, out: Path, force: bool) -> None:
    """生成放假安排文件的模板：国务院办公厅的通知公布、holidays 软件包尚未收录时，照通知填写后用 --holidays 指定。"""
    from ...load.schedule import FILE_NAME
    from ...write.atomic import write_bytes

    _refuse_overwrite(out, force)
    source = obj.templates().root / "plans" / FILE_NAME
    text = source.read_text(encoding="utf-8") if source.is_file() else "years: []\n"
    write_bytes(out, text.replace("# yaml-language-server: $schema=../../schemas/holidays.schema.json\n#\n", "").encode("utf-8"))
    click.echo(f"已写入 {out}。照通知填写后运行：gongyu school build 学校名单.xlsx --holidays {out}")


@school.command("xlsx-template")
@click.option("--out", type=ChinesePath(dir_okay=False, path_type=Path), default=DEFAULT_SHEET, show_default=True,
              help="写到哪个文件。")
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
@click.pass_obj
@reports_errors
def xlsx_template(obj: Context, out: Path, force: bool) -> None:
    """生成 Excel 学校名单模板：一行一所学校，第二张表是各列的填写说明。"""
    from ...write.atomic import write_bytes
    from ...xlsx import template_bytes

    _refuse_overwrite(out, force)
    corpus = _load_corpus(obj)
    write_bytes(out, template_bytes(corpus))
    click.echo(f"已写入 {out}。每行填一所学校，填好后运行：gongyu school build {out}")
