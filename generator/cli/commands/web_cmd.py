"""``gongyu web …``: the county's online service where schools fill in their profile and download their pack."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ...errors import GongyuError
from ..context import Context, reports_errors

if TYPE_CHECKING:
    from ...load.corpus import Corpus
    from ...web.db import Database

DEFAULT_DATA = Path("gongyu-web")

_data_option = click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA,
                            show_default=True, help="数据文件夹：数据库文件和方案包缓存放在这里。")
_db_option = click.option("--db", "db_url", default=None, metavar="URL",
                          help="改用 PostgreSQL 等数据库，例如 postgresql://用户:密码@主机/库名"
                               "（默认用数据文件夹中的 SQLite 文件）。")


def register(group: click.Group) -> None:
    """Add the ``web`` command group to the ``gongyu`` command line."""
    group.add_command(web)


def _database(data_dir: Path, db_url: str | None) -> Database:
    from ...web.db import Database, database_url

    data_dir.mkdir(parents=True, exist_ok=True)
    return Database(database_url(data_dir, db_url))


@click.group(invoke_without_command=True)
@_data_option
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听的地址。默认只允许本机访问（放在 nginx 等反向代理后面）；写 0.0.0.0 则局域网内都能访问。")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="端口。")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="个数",
              help="生成方案包用几个进程（默认为 CPU 核心数）。")
@click.option("--threads", type=click.IntRange(min=1, max=64), default=8, show_default=True, help="同时处理几个请求。")
@click.option("--secure-cookie", is_flag=True, help="只通过 HTTPS 发送登录 Cookie（反向代理启用了 HTTPS 时加上）。")
@click.option("--behind-proxy", is_flag=True,
              help="放在 nginx 等反向代理后面时加上：按代理转来的 X-Forwarded-For 识别访问者（登录失败限速按访问者计算）。")
@click.pass_context
@reports_errors
def web(ctx: click.Context, data_dir: Path, db_url: str | None, host: str, port: int, workers: int | None, threads: int,
        secure_cookie: bool, behind_proxy: bool) -> None:
    """县里架设的网上填报服务：学校用登录码登录，填写档案、预览并下载本校方案包。

    不带子命令时启动服务；子命令 add-schools 导入学校名单，add-admin 新增县管理员账号。
    """
    if ctx.invoked_subcommand is not None:
        return
    db = _database(data_dir, db_url)
    from ...web import create_app
    from ...web.server import serve

    obj: Context = ctx.obj
    app = create_app(data_dir, db_url, corpus=_corpus(obj), workers=workers or os.cpu_count() or 1,
                     secure_cookies=secure_cookie, behind_proxy=behind_proxy)
    schools = len(db.schools())
    click.echo(f"共育网上填报服务已启动：http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
               f"（数据：{db_url or data_dir}；{schools} 所学校）。按 Ctrl+C 停止。")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"注意：监听 {host}，其他电脑也能访问本服务。对外开放时请放在启用 HTTPS 的反向代理后面。", err=True)
    if db.count_admins() == 0:
        click.echo("还没有县管理员账号：请另开一个窗口运行 gongyu web add-admin 姓名", err=True)
    if schools == 0:
        click.echo("还没有学校：请运行 gongyu web add-schools 学校名单.xlsx", err=True)
    serve(app, host=host, port=port, threads=threads)


def _corpus(obj: Context) -> Corpus:
    from ...pipeline import load_corpus

    return load_corpus(obj.templates().root, schools=False)


@web.command("add-schools")
@click.argument("sheet", type=click.Path(dir_okay=False, path_type=Path))
@_data_option
@_db_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("登录码.xlsx"), show_default=True,
              help="新学校的登录码写到哪个文件。")
@click.option("--force", is_flag=True, help="登录码文件已存在时覆盖。")
@click.pass_obj
@reports_errors
def add_schools(obj: Context, sheet: Path, data_dir: Path, db_url: str | None, out: Path, force: bool) -> None:
    """从 Excel 学校名单（与 school build 相同的格式）新增或更新学校；新学校的登录码写入 登录码.xlsx。"""
    from ...web.county import codes_bytes, failure_text, import_schools
    from ...write.atomic import write_bytes

    if not sheet.is_file():
        raise GongyuError(f"找不到学校名单 {sheet}：请检查路径；可以用 gongyu school xlsx-template 生成一份模板")
    if out.exists() and not force:
        raise GongyuError(f"文件 {out} 已经存在，没有覆盖（里面可能有还没发出去的登录码）。"
                          "要覆盖请加上 --force，或用 --out 换一个文件名")
    db = _database(data_dir, db_url)
    result = import_schools(db, sheet, _corpus(obj), "命令行 add-schools")
    if result.new:
        write_bytes(out, codes_bytes(result.new))
        click.echo(f"新增 {len(result.new)} 所学校，登录码已写入 {out}（只在这个文件中出现一次，请妥善保管、分发给各校）。")
    if result.updated:
        click.echo(f"更新了 {len(result.updated)} 所已有学校的信息（登录码和已保存的档案不变）。")
    if result.failures:
        click.echo(failure_text(result.failures), err=True)
        click.echo(f"有 {len(result.failures)} 行没有导入，请按提示修改后重新运行（已导入的学校不会重复）。", err=True)
        sys.exit(1)


@web.command("add-admin")
@click.argument("name")
@_data_option
@_db_option
@reports_errors
def add_admin(name: str, data_dir: Path, db_url: str | None) -> None:
    """新增一个县管理员账号，并显示它的登录码（只显示这一次）。"""
    from ...web.county import add_admin as make_admin

    db = _database(data_dir, db_url)
    code = make_admin(db, name)
    click.echo(f"县管理员 {name} 的登录码：{code}")
    click.echo("请抄下来妥善保管，它不会再显示；丢失后再运行一次本命令即可得到新账号。")
