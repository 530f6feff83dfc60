"""Reading ``mkdocs.yml`` with MkDocs's own loader, for commands that need its values outside a build."""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import GongyuError, Problem


def site_url_of(root: Path) -> str:
    """``site_url`` of the project's ``mkdocs.yml`` (``!ENV`` and every other tag resolved as MkDocs does)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        return ""
    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    mkdocs_log.setLevel(logging.ERROR)  # the loader's informational chatter is not for our users
    try:
        config = load_config(str(config_file))
    except ConfigurationError as exc:
        raise GongyuError(Problem("mkdocs.yml", 0, 0, f"mkdocs.yml 配置有误：{exc}")) from None
    finally:
        mkdocs_log.setLevel(level)
    return config.site_url or ""


def site_url_problem(root: Path, site_url: str) -> Problem:
    """The located problem of an unset or placeholder ``site_url`` (for ``gongyu check --strict``)."""
    line = column = 0
    config_file = root / "mkdocs.yml"
    if config_file.is_file():
        for number, text in enumerate(config_file.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if text.startswith("site_url:"):
                rest = text[len("site_url:"):]
                line, column = number, len("site_url:") + len(rest) - len(rest.lstrip()) + 1
                break
    shown = f"“{site_url}”" if site_url else "没有设置"
    return Problem("mkdocs.yml", line, column,
                   f"网站地址 site_url {shown}，不是本站能控制的地址：打印材料上的二维码会印成“网址未设置”方框",
                   "把 mkdocs.yml 的 site_url 改成本站发布后的真实地址（以 https:// 开头），"
                   "生成时也可以用 --site-url 指定")
