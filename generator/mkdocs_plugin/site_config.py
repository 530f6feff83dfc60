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
