"""Orchestrating a site build: check the corpus, run MkDocs into a staging folder, swap it in.

MkDocs writes into a temporary folder beside ``site/``; only a complete, strict build replaces the
previous site, so a failed or killed build never leaves a half-written site behind.
"""

from __future__ import annotations

import errno
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..base.clock import BuildDate, building
from ..errors import GongyuError, Problem
from ..pipeline import load_checked
from ..write.atomic import staged_dir, write_bytes
from . import options
from .options import BuildOptions


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    pages: int
    archive: Path | None
    site_url: str = ""

    @property
    def placeholder_url(self) -> bool:
        """The QR codes of this build point at an example address (say so)."""
        from ..base.urls import is_placeholder

        return is_placeholder(self.site_url)


class _Collector(logging.Handler):
    """Keeps MkDocs warnings so they can be reported in Chinese, with the file they concern."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _translate(message: str, root: Path) -> Problem:
    """MkDocs's English warnings, in Chinese, located in the source file when we can."""
    link = re.search(r"Doc file '([^']+)' contains a link '([^']+)', but the target '?([^']*)'? is not found", message)
    if link:
        page, target = link.group(1), link.group(2)
        source = root / "content" / page
        line, column = 0, 0
        if source.is_file():
            for number, text in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
                if target in text:
                    line, column = number, text.index(target) + 1
                    break
        shown = f"content/{page}" if source.is_file() else page
        return Problem(shown, line, column, f"链接“{target}”指向的页面不存在",
                       "请检查链接路径（相对于本文件），或改用相关内容 related 中的编号")
    anchor = re.search(r"Doc file '([^']+)' contains a link '([^']+)', but the doc '([^']+)' does not contain an anchor", message)
    if anchor:
        return Problem(anchor.group(1), 0, 0, f"链接“{anchor.group(2)}”中的锚点在目标页面中不存在", "请检查 # 后面的小标题")
    return Problem("mkdocs.yml", 0, 0, f"网站生成时出现警告：{message}", "严格模式下任何警告都会使生成失败")


def _mkdocs_build(config_file: Path, site_dir: Path, *, offline: bool, root: Path, options: BuildOptions,
                  site_url: str | None = None) -> tuple[int, str]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from .plugin import GongyuPlugin

    collector = _Collector()
    mkdocs_log = logging.getLogger("mkdocs")
    previous_level = mkdocs_log.level
    mkdocs_log.addHandler(collector)
    mkdocs_log.setLevel(logging.WARNING)
    mkdocs_log.propagate = False
    plugin = None
    config = None
    try:
        # offline: links must name their files (…/index.html) to work from file:// and a USB stick
        overrides = {"site_url": site_url} if site_url else {}
        config = load_config(str(config_file), site_dir=str(site_dir), strict=True,
                             use_directory_urls=not offline, **overrides)
        config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does: one command
        plugin = config.plugins.get("gongyu")
        if isinstance(plugin, GongyuPlugin):
            plugin.options = options  # the corpus already checked: handed over, not loaded again
        build(config)
    except ConfigurationError as exc:
        raise GongyuError(Problem(str(config_file.name), 0, 0, f"mkdocs.yml 配置有误：{exc}")) from None
    except (Abort, PluginError) as exc:
        failure = getattr(plugin, "failure", None)
        if failure is not None:  # our own located problems, as they were raised
            raise failure from None
        problems = [_translate(message, root) for message in collector.messages]
        if not problems and str(exc):
            problems = [Problem("mkdocs.yml", 0, 0, f"网站生成失败：{exc}")]
        raise GongyuError(problems or [Problem("mkdocs.yml", 0, 0, "网站生成失败")]) from None
    finally:
        if config is not None:
            config.plugins.on_shutdown()
        mkdocs_log.removeHandler(collector)
        mkdocs_log.setLevel(previous_level)
        mkdocs_log.propagate = True
    pages = sum(1 for _ in site_dir.rglob("index.html")) if not offline else sum(1 for _ in site_dir.rglob("*.html"))
    return pages, config.site_url or ""


def zip_folder(folder: Path, archive: Path, prefix: str) -> None:
    """A deterministic zip of ``folder`` (sorted entries, pinned dates), written atomically."""
    from ..packs import zip_pack

    write_bytes(archive, zip_pack(folder, prefix))


def content_epoch(corpus) -> int:  # type: ignore[no-untyped-def]
    """A build date that depends only on the content: the newest article's ``updated`` day."""
    from ..base.clock import content_epoch as epoch_of

    return epoch_of(article.meta.updated for article in corpus.articles.values())


def build_site(root: Path, *, site_dir: Path | None = None, offline: bool = False, pdf: bool = True,
               site_url: str | None = None) -> BuildResult:
    """Check the corpus, build the site strictly into a staging folder and swap it into place."""
    root = root.resolve()
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise GongyuError(Problem(str(root), 0, 0, "找不到 mkdocs.yml", "请在项目根目录运行，或用 --root 指定项目目录"))
    checked = load_checked(root)  # fail fast with every content problem before MkDocs starts
    dest = (site_dir or root / "site").resolve()
    archive = (root / "dist" if site_dir is None else dest.parent) / "gongyu-offline.zip" if offline else None
    date = BuildDate.from_environment().or_epoch(content_epoch(checked.corpus))
    # refused before anything is written when dest is the project, its sources or someone's folder
    with staged_dir(dest, kind="site", made_by="gongyu build", project=root) as tmp:
        with building(date):
            pages, used_url = _mkdocs_build(config_file, tmp, offline=offline, root=root, site_url=site_url,
                                            options=BuildOptions(pdf=pdf, checked=checked, date=date))
        if archive is not None:  # zipped from the staging, under the lock: the very site swapped in
            zip_folder(tmp, archive, "gongyu")
    return BuildResult(site_dir=dest, pages=pages, archive=archive, site_url=used_url)


#: MkDocs's messages under ``gongyu serve`` that a reader needs, in Chinese; its other information is left out.
SERVE_MESSAGES = {
    "Detected file changes": "发现文件有改动，正在更新网站……",
    "Reloading browsers": "网站已更新，打开着的网页会自动刷新。",
    "An error happened during the rebuild. The server will appear stuck until build errors are resolved.":
        "这次改动没有生效，网页停在改动之前：请按上面的提示改正后再保存。",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


class ServeConsole(logging.Handler):
    """What ``gongyu serve`` prints: where to open the preview, each update, and every warning or error
    in Chinese (MkDocs's own English warnings translated and located where we can, as ``gongyu build`` does)."""

    def __init__(self, root: Path) -> None:
        super().__init__(level=logging.INFO)
        self.root = root

    def emit(self, record: logging.LogRecord) -> None:
        message = re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", record.getMessage())  # the server's time stamp
        if message.startswith("Serving on "):
            text = f"预览地址：{message.removeprefix('Serving on ')}（用浏览器打开；改完文件保存即可，按 Ctrl+C 结束预览）"
        elif message in SERVE_MESSAGES:
            text = SERVE_MESSAGES[message]
        elif record.levelno >= logging.WARNING:
            text = message if _CJK.search(message) else _translate(message, self.root).format()
        elif record.name == "mkdocs.plugins.gongyu":
            text = message  # our own, in Chinese
        else:
            return
        print(text, file=sys.stderr if record.levelno >= logging.WARNING else sys.stdout, flush=True)


def _port_taken(port: int) -> GongyuError:
    return GongyuError(Problem("gongyu serve", 0, 0, f"端口 {port} 已被占用（也许另一个预览还开着）",
                               f"关掉另一个预览，或换一个端口，例如：gongyu serve --port {port + 1}"))


def _port_free(port: int) -> None:
    """Refuse a port another program listens on (MkDocs would find out only after the first build)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if sys.platform != "win32":  # as MkDocs's server binds: a port left in TIME_WAIT is free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise _port_taken(port) from None
            raise


def serve_site(root: Path, *, port: int = 8000, pdf: bool = True) -> None:
    """Serve the site with live reload; edits to YAML or Markdown rebuild it.

    The project is checked first (every problem located, as ``gongyu build`` reports them); MkDocs's
    log goes to :class:`ServeConsole`.
    """
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import Abort

    root = root.resolve()
    if not (root / "mkdocs.yml").is_file():
        raise GongyuError(Problem(str(root), 0, 0, "找不到 mkdocs.yml", "请在项目根目录运行，或用 --root 指定项目目录"))
    _port_free(port)  # before the first build, which can take a minute
    load_checked(root)  # content problems stop here, before MkDocs starts (and the plugin finds the project read)
    watch = [str(root / name) for name in ("content", "courses", "plans") if (root / name).is_dir()]
    options.register(root, pdf)
    console = ServeConsole(root)
    mkdocs_log = logging.getLogger("mkdocs")
    previous_level = mkdocs_log.level
    mkdocs_log.addHandler(console)
    mkdocs_log.setLevel(logging.INFO)
    mkdocs_log.propagate = False
    print("正在生成预览网站……", flush=True)
    try:
        # dirty: a save re-renders only the pages whose generated Markdown changed (mkdocs_plugin/dirty.py)
        serve(str(root / "mkdocs.yml"), livereload=True, build_type="dirty", watch=watch,
              dev_addr=f"127.0.0.1:{port}")
    except Abort:
        raise GongyuError(Problem("mkdocs.yml", 0, 0, "预览网站没有生成成功，原因见上面的提示",
                                  "改正后重新运行 gongyu serve")) from None
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise _port_taken(port) from None  # taken while the first build ran
    finally:
        options.unregister(root)
        mkdocs_log.removeHandler(console)
        mkdocs_log.setLevel(previous_level)
        mkdocs_log.propagate = True
