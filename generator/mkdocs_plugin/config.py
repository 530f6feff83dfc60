"""Options of the ``gongyu`` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class GongyuConfig(Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from ``mkdocs.yml``."""
    root = c.Optional(c.Type(str))
    """Folder holding ``content/``, ``courses/`` and ``plans/``; default: the folder of ``mkdocs.yml``."""
    pdf = c.Type(bool, default=True)
    """Render printables (handouts, sheets, forms) as PDF and link them from the pages."""
    packs = c.Type(bool, default=True)
    """Build the example schools' packs and the plan templates as Word/PDF for download."""
    cache_dir = c.Optional(c.Type(str))
    """Where rendered PDFs are kept between builds; default: ``<root>/.cache/gongyu``."""
