"""``gongyu web``: a county-hosted service where each school fills in its profile and downloads its pack.

``app`` (routes and access rules), ``form`` (the form generated from the profile model), ``db``
(SQLAlchemy tables), ``codes`` (sign-in codes), ``packs`` (pack building in worker processes,
cached by profile hash), ``county`` (importing the school list, county accounts, workbooks).
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
