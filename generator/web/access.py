"""Who may open what: a school only its own pages, a county admin the county's; shared by the views."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, g, redirect, url_for

from .county import DRAFT, NOT_STARTED, READY, SAVED
from .db import Database, SchoolRow
from .packs import PackService


def database() -> Database:
    return current_app.extensions["gongyu"]["db"]


def pack_service() -> PackService:
    return current_app.extensions["gongyu"]["packs"]


def corpus() -> Any:
    return current_app.extensions["gongyu"]["corpus"]


def school_access(view: Callable[..., Any]) -> Callable[..., Any]:
    """The school itself or a county admin; anyone else is refused (403), nobody signed in goes to /."""

    @functools.wraps(view)
    def wrapper(school_id: str, **kwargs: Any) -> Any:
        if g.role is None:
            return redirect(url_for("index"))
        if not (g.role == "admin" or (g.role == "school" and g.subject == school_id)):
            abort(403)
        row = database().school(school_id)
        if row is None:
            abort(404)
        return view(row, **kwargs)

    return wrapper

def admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        if g.role is None:
            return redirect(url_for("index"))
        if g.role != "admin":
            abort(403)
        return view(**kwargs)

    return wrapper

def status_of(row: SchoolRow) -> tuple[str, list[tuple[str, str, str]]]:
    """未开始, 草稿 (saved, still lacking people …), 已保存 (pack not built yet) or 方案包已就绪."""
    profile = row.profile_data()
    if profile is None:
        return NOT_STARTED, []
    problems = row.problem_list()
    if problems:
        return DRAFT, problems
    return (READY if pack_service().ready(profile, False) else SAVED), []
