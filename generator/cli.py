"""The ``gongyu`` command line: a thin layer over the stages, with Chinese messages.

Every command reports problems as ``path:line:col: 说明`` and exits 1; a traceback is shown only
with ``--debug``.
"""

from __future__ import annotations

import functools
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

import click

from .errors import GongyuError


class Context:
    """Options shared by every command."""

    def __init__(self, debug: bool, root: Path) -> None:
        self.debug = debug
        self.root = root


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn :class:`GongyuError` (and any unexpected error) into a message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context().find_object(Context)
        debug = bool(ctx and ctx.debug)
        try:
            return func(*args, **kwargs)
        except GongyuError as exc:
            if debug:
                traceback.print_exc()
            _fail(exc.format())
        except KeyboardInterrupt:
            _fail("已中断；已有的输出保持不变。")
        except Exception as exc:  # noqa: BLE001 - the user gets a message, not a traceback
            if debug:
                traceback.print_exc()
            _fail(f"内部错误：{type(exc).__name__}: {exc}\n    提示：请加上 --debug 重新运行，并把完整输出发给维护人员。")

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="出错时显示完整的调用栈（供开发者排查）。")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="项目根目录（含 content/、courses/、plans/），默认是当前目录。")
@click.version_option(package_name="gongyu", message="gongyu %(version)s")
@click.pass_context
def main(ctx: click.Context, debug: bool, root: Path) -> None:
    """共育（gongyu）：家校社协同育人的网站、打印材料和学校方案包生成工具。"""
    ctx.obj = Context(debug=debug, root=root)


def estimated_holiday_warnings(corpus: Any) -> list[str]:
    """Chinese warnings for school years whose official holiday schedule is not yet published."""
    from .calendar import SchoolYear

    found: dict[int, list[str]] = {}
    for school_id, school in sorted(corpus.schools.items()):
        for year in SchoolYear.for_school(school).estimated_holiday_years:
            found.setdefault(year, []).append(school_id)
    return [f"警告：{year}年的放假和调休安排尚未收入 holidays 软件包（可能国务院办公厅尚未公布），"
            f"{'、'.join(ids)} 的方案包中{year}年的节假日和据此调整的日期按常规推定，并会注明“推定”；"
            "公布后请升级 holidays（pip install -U holidays）再重新生成。" for year, ids in sorted(found.items())]


@main.command()
@click.pass_obj
@reports_errors
def check(obj: Context) -> None:
    """只检查内容文件，不生成网站（速度快）。"""
    from .corpus import load_corpus

    corpus = load_corpus(obj.root)
    for line in estimated_holiday_warnings(corpus):
        click.echo(line, err=True)
    click.echo(
        f"检查通过：{len(corpus.articles)} 篇文章，{len(corpus.courses)} 门课程，{len(corpus.lessons)} 个课时，"
        f"{len(corpus.plans)} 个方案模板，{len(corpus.forms)} 张表格，{len(corpus.schools)} 份学校档案。"
    )


@main.command()
@click.option("--offline", is_flag=True, help="生成可离线使用（直接双击打开、可拷到U盘）的网站，并打成 zip。")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录，默认是项目根目录下的 site/。")
@click.option("--no-pdf", is_flag=True, help="不生成 PDF 打印材料（更快，用于预览）。")
@click.pass_obj
@reports_errors
def build(obj: Context, offline: bool, site_dir: Path | None, no_pdf: bool) -> None:
    """生成网站（严格模式：坏链接或无效文件都会报错）。"""
    from .build import build_site

    result = build_site(obj.root, site_dir=site_dir, offline=offline, pdf=not no_pdf)
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
    from .build import serve_site

    serve_site(obj.root, port=port, pdf=not no_pdf)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录，默认是项目根目录下的 schemas/。")
@click.pass_obj
@reports_errors
def schema(obj: Context, out: Path | None) -> None:
    """生成 JSON Schema，供编辑器自动补全和检查 YAML。"""
    from .schemas import write_schemas

    written = write_schemas(out or obj.root / "schemas")
    for path in written:
        click.echo(f"已写入 {path}")


def _register_optional_commands() -> None:
    """Commands that live in their own modules (printables, school packs)."""
    import importlib

    for name in ("generator.commands.print_cmd", "generator.commands.school_cmd"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(main)


_register_optional_commands()
