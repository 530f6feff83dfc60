"""gongyu (共育): generator of the home–school–community education site, printables and school packs."""

from __future__ import annotations

__version__ = "0.1.0"
