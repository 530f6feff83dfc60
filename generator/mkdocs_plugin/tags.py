"""What gongyu asks of Material's tags plugin: tags in the order children meet them, no export under serve."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from ..models.common import STAGES


def tag_order(tag: Any, *_: Any) -> tuple[int, str]:
    """Sort key for Material's tags: the school stages in the order children go through them
    (学前, 小学低年级 … 高中, 跨学段), then every other tag by name. The default sorts by code point,
    which put 初中 before 学前 and 小学中年级 before 小学低年级 at the top of a page."""
    name = str(getattr(tag, "name", tag))
    return (STAGES.index(name) if name in STAGES else len(STAGES), name)


def order_tags(config: MkDocsConfig) -> None:
    """Point Material's tags plugin (when it is on) at :func:`tag_order`, for page headers and listings."""
    for key in ("tags", "material/tags"):
        plugin = config.plugins.get(key)
        settings = getattr(plugin, "config", None)
        if settings is not None and hasattr(settings, "tags_sort_by"):
            settings.tags_sort_by = tag_order
            settings.listings_tags_sort_by = tag_order


def no_tags_export(config: MkDocsConfig) -> None:
    """``gongyu serve``: Material's tags plugin does not write ``tags.json``. No page reads that file (it
    is for other sites to import our tags); writing it took a fifth of a save's rebuild at 1,000 articles.
    ``gongyu build`` still writes it."""
    for key in ("tags", "material/tags"):
        settings = getattr(config.plugins.get(key), "config", None)
        if settings is not None and hasattr(settings, "export"):
            settings.export = False
