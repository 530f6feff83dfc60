"""The ``gongyu`` command line: a thin layer over the stages, with Chinese messages.

Every command reports problems as ``path:line:col: 说明`` and exits 1; a traceback is shown only
with ``--debug``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..base import urls
from ..errors import GongyuError
from . import zh
from .context import ChineseGroup, Context, reports_errors
from .zh import ChinesePath


@click.group(cls=ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="出错时显示完整的调用栈（供开发者排查）。")
@click.option("--root", type=ChinesePath(file_okay=False, path_type=Path), default=None,
              help="项目根目录（含 mkdocs.yml 和 content/、courses/、plans/）；默认从当前目录向上查找。")
@click.version_option(package_name="gongyu", message="gongyu %(version)s", help=zh.translate("Show the version and exit."))
@click.pass_context
def main(ctx: click.Context, debug: bool, root: Path) -> None:
    """共育（gongyu）：家校社协同育人的网站、打印材料和学校方案包生成工具。"""
    ctx.obj = Context(debug=debug, root=root)


def estimated_holiday_warnings(corpus: Any) -> list[str]:
    """Chinese warnings for school years whose official holiday schedule is not yet published."""
    from ..schoolcal import SchoolYear

    found: dict[int, list[str]] = {}
    for school_id, school in sorted(corpus.schools.items()):
        for year in SchoolYear.for_school(school, schedule=corpus.schedule).estimated_holiday_years:
            found.setdefault(year, []).append(school_id)
    return [f"警告：{year}年的放假和调休安排还没有收录（holidays 软件包中没有，plans/data/holidays.yml 中也没有填写），"
            f"{'、'.join(ids)} 的方案包中{year}年的节假日和据此调整的日期按常规推定，并会注明“推定”；"
            "国务院办公厅的通知公布后，照通知填写 plans/data/holidays.yml（或升级 holidays：pip install -U holidays），"
            "再重新生成。" for year, ids in sorted(found.items())]


@main.command()
@click.option("--strict", is_flag=True,
              help="发布前用：网站地址 site_url 没有设置或是示例地址（打印材料上印不出二维码）时也不通过。")
@click.pass_obj
@reports_errors
def check(obj: Context, strict: bool) -> None:
    """只检查内容文件，不生成网站（速度快）。"""
    from ..mkdocs_plugin.site_config import site_url_of, site_url_problem
    from ..pipeline import load_corpus

    root = obj.project()
    corpus = load_corpus(root)
    site_url = site_url_of(root)
    if urls.is_placeholder(site_url):
        if strict:
            raise GongyuError(site_url_problem(root, site_url))
        click.echo(urls.placeholder_warning(site_url), err=True)
    for line in estimated_holiday_warnings(corpus):
        click.echo(line, err=True)
    click.echo(
        f"检查通过：{len(corpus.articles)} 篇文章，{len(corpus.courses)} 门课程，{len(corpus.lessons)} 个课时，"
        f"{len(corpus.plans)} 个方案模板，{len(corpus.forms)} 张表格，{len(corpus.schools)} 份学校档案。"
    )


@main.command()
@click.option("--offline", is_flag=True, help="生成可离线使用（直接双击打开、可拷到U盘）的网站，并打成 zip。")
@click.option("--site-dir", type=ChinesePath(file_okay=False, path_type=Path), default=None,
              help="输出目录，默认是项目根目录下的 site/。")
@click.option("--no-pdf", is_flag=True, help="不生成 PDF 打印材料（更快，用于预览）。")
@click.option("--site-url", default=None, metavar="网址",
              help="网站的正式地址（打印材料上的二维码指向这里），默认读取 mkdocs.yml 中的 site_url。")
@click.option("--fonts", "font_dir", type=ChinesePath(file_okay=False, exists=True, path_type=Path), default=None,
              help="放公文字体（仿宋、楷体、黑体、小标宋）的文件夹，用于示例方案包的 PDF；不写则使用本机已安装的字体。")
@click.pass_obj
@reports_errors
def build(obj: Context, offline: bool, site_dir: Path | None, no_pdf: bool, site_url: str | None,
          font_dir: Path | None) -> None:
    """生成网站（严格模式：坏链接或无效文件都会报错）。"""
    from ..mkdocs_plugin.build import build_site

    if font_dir is not None:
        from ..base.fonts import find_fonts

        find_fonts(dirs=(font_dir,))

    result = build_site(obj.project(), site_dir=site_dir, offline=offline, pdf=not no_pdf, site_url=site_url)
    if result.placeholder_url:
        click.echo(urls.placeholder_warning(result.site_url), err=True)
    click.echo(f"网站已生成：{result.site_dir}（{result.pages} 个页面）")
    if result.archive is not None:
        click.echo(f"离线包：{result.archive}")


@main.command()
@click.option("--port", default=8000, show_default=True, help="端口")
@click.option("--no-pdf", is_flag=True, help="预览时不生成 PDF（更快）。")
@click.pass_obj
@reports_errors
def serve(obj: Context, port: int, no_pdf: bool) -> None:
    """本地预览网站；修改 YAML 或 Markdown 后自动刷新。"""
    from ..mkdocs_plugin.build import serve_site

    serve_site(obj.project(), port=port, pdf=not no_pdf)


@main.command()
@click.option("--out", type=ChinesePath(file_okay=False, path_type=Path), default=None,
              help="输出目录，默认是项目根目录下的 schemas/。")
@click.pass_obj
@reports_errors
def schema(obj: Context, out: Path | None) -> None:
    """生成 JSON Schema，供编辑器自动补全和检查 YAML。"""
    from ..write.schemas import write_schemas

    written = write_schemas(out or obj.project() / "schemas")
    for path in written:
        click.echo(f"已写入 {path}")


def _register_commands() -> None:
    """Commands that live in their own modules (printables, school packs)."""
    from .commands import print_cmd, school_cmd, web_cmd

    print_cmd.register(main)
    school_cmd.register(main)
    web_cmd.register(main)


_register_commands()
