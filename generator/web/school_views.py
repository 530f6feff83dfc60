"""A school's pages: its form (GET shows, POST saves), previews of its plans and 行事历, its pack."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Flask, abort, g, redirect, render_template, request, send_file, url_for

from ..errors import GongyuError, Problem
from .access import corpus as current_corpus
from .access import pack_service, school_access, status_of
from .db import SchoolRow
from .fields import (
    ADOPTION_FIELDS,
    DAY_FIELDS,
    DAYS_LABEL,
    GENERAL,
    MAX_DAYS,
    SECTION_ORDER,
    SPARE_DAYS,
    describe,
    plan_choices,
    saved_doc,
    school_fields,
)
from .form import form_values, read_form


def register(app: Flask) -> None:
    """Add the school's routes to ``app``.

    Not split: each route is a short handler defined here as a closure over the app's database, corpus
    and pack builder (Flask's way of registering them); the length is the number of school pages.
    """
    db = database_of(app)
    corpus = app.extensions["gongyu"]["corpus"]
    choices = plan_choices(corpus)
    plan_titles = {c.id: c.title for c in choices}

    def render_school(row: SchoolRow, values: dict[str, Any], problems: list[Problem] | list[tuple[str, str, str]],
                      *, version: int, message: str | None = None, conflict: bool = False, status_code: int = 200,
                      saved_problems: list[tuple[str, str, str]] | None = None) -> Any:
        by_field: dict[str, list[tuple[str, str]]] = {}
        for p in problems:
            key, text, hint = (p.path, p.message, p.hint) if isinstance(p, Problem) else p
            by_field.setdefault(key, []).append((text, hint))
        fields = school_fields()
        sections = [(name, [f for f in fields if f.section == name]) for name in SECTION_ORDER]
        day_rows = len([k for k in values if k.startswith("days.") and k.endswith(".date")])
        rows_shown = min(MAX_DAYS + SPARE_DAYS, max(day_rows, _max_day(values) + 1) + SPARE_DAYS)
        status, _ = status_of(row)
        return render_template(
            "school.html", row=row, values=values, errors=by_field, sections=sections, version=version,
            day_fields=DAY_FIELDS, days_label=DAYS_LABEL, day_rows=range(rows_shown), choices=choices,
            adoption_fields=ADOPTION_FIELDS, message=message, conflict=conflict, status=status,
            field_labels={f.key: f.label for f in fields}, general=GENERAL, problem_count=len(problems),
            saved_problems=saved_problems or [], plan_titles=plan_titles,
        ), status_code

    @app.route("/s/<school_id>/", methods=["GET", "POST"])
    @school_access
    def school_page(row: SchoolRow) -> Any:
        profile = row.profile_data()
        if request.method == "GET":
            values = form_values(profile or row.imported_data())
            notice = {"saved": "已保存。", "fresh": None}.get(request.args.get("m", ""))
            return render_school(row, values, row.problem_list(), version=row.version, message=notice)
        seen = _int(request.form.get("version"))
        submission = read_form(request.form, row.id, corpus, profile)
        values = _posted_values(request.form)
        if submission.problems:
            return render_school(row, values, submission.problems, version=seen, status_code=422,
                                 message="没有保存：请按红字提示修改后再点“保存”。之前保存的内容没有改变。")
        assert submission.school is not None
        data = submission.school.model_dump(mode="json", exclude_none=True)
        missing = _missing(submission.school, submission.doc)
        before = form_values(profile or {})
        after = form_values(data)
        labels = {**{f.key: f.label for f in school_fields()}, **submission.doc.labels}
        changed = sorted({labels.get(k) or labels.get(".".join(k.split(".")[:2])) or labels.get(k.split(".")[0], "采用方案")
                          for k in set(before) | set(after) if before.get(k) != after.get(k)})
        version = db.save_profile(row.id, seen, data, [(p.path, p.message, p.hint) for p in missing], g.actor,
                                  "改了：" + "、".join(changed) if changed else "没有改动")
        if version is None:
            current = db.school(row.id)
            return render_school(current or row, values, [], version=seen, conflict=True, status_code=409,
                                 message="没有保存：您打开这一页之后，别人（或另一个窗口）已经保存了本校的档案。")
        pack_service().start(data, bool(missing))  # ready by the time anyone downloads it
        return redirect(url_for("school_page", school_id=row.id, m="saved"), code=303)

    def resolved_for(row: SchoolRow) -> Any:
        from ..models.school import School
        from ..pipeline import resolve_school

        profile = row.profile_data()
        if profile is None:
            return None
        return resolve_school(corpus, School.model_validate(profile), doc=saved_doc(profile), draft=True)

    @app.get("/s/<school_id>/plan/<plan_id>")
    @school_access
    def school_plan(row: SchoolRow, plan_id: str) -> Any:
        resolved = resolved_for(row)
        if resolved is None:
            return render_template("message.html", title="还没有保存档案", text="请先填写并保存本校档案，再预览方案。",
                                   back=url_for("school_page", school_id=row.id)), 404
        for plan, document in zip(resolved.plans, resolved.documents, strict=True):
            if plan.id == plan_id:
                return render_template("plan.html", row=row, document=document, plan=plan)
        abort(404)

    @app.get("/s/<school_id>/xingshili")
    @school_access
    def school_xingshili(row: SchoolRow) -> Any:
        from ..render.xingshili import build_xingshili

        resolved = resolved_for(row)
        if resolved is None:
            return render_template("message.html", title="还没有保存档案", text="请先填写并保存本校档案，再预览行事历。",
                                   back=url_for("school_page", school_id=row.id)), 404
        sheet = build_xingshili(resolved.school.name, resolved.year, resolved.plans, office=resolved.school.is_office)
        return render_template("xingshili.html", row=row, sheet=sheet)

    @app.get("/s/<school_id>/pack.zip")
    @school_access
    def school_pack(row: SchoolRow) -> Any:
        profile = row.profile_data()
        if profile is None:
            return render_template("message.html", title="还没有保存档案", text="请先填写并保存本校档案，再下载方案包。",
                                   back=url_for("school_page", school_id=row.id)), 404
        status, value = pack_service().get(profile, bool(row.problem_list()))
        if status != "ok":
            labels = saved_doc(profile).labels
            return render_template("message.html", title="方案包没有生成",
                                   text="\n".join(describe(p, labels) for p in value),
                                   back=url_for("school_page", school_id=row.id)), 422
        return send_file(value, mimetype="application/zip", as_attachment=True, download_name=f"{row.id}.zip",
                         max_age=0)


def database_of(app: Flask) -> Any:
    return app.extensions["gongyu"]["db"]


def _int(text: str | None) -> int:
    try:
        return int(text or "0")
    except ValueError:
        return -1


def _max_day(values: dict[str, Any]) -> int:
    rows = [int(k.split(".")[1]) for k in values if k.startswith("days.") and k.split(".")[1].isdigit()]
    return max(rows, default=-1)


def _posted_values(form: Any) -> dict[str, Any]:
    """The form as posted, to show it again with the problems (nothing typed is lost)."""
    values: dict[str, Any] = {}
    for key in form:
        items = form.getlist(key)
        values[key] = items if key == "plans" or key.endswith(".skip") else items[-1]
    return values


def _missing(school: Any, doc: Any) -> list[Problem]:
    """What the saved profile still lacks for a final pack (people for leading groups …), located by field."""
    from ..pipeline import resolve_school
    from ..resolve.content import DRAFT_ADVICE

    corpus = current_corpus()
    try:
        resolve_school(corpus, school, doc=doc, draft=False)
    except GongyuError as exc:
        # the command line's way out (--draft) is what saving already does here
        return [replace(p, hint=p.hint.replace(DRAFT_ADVICE, WEB_DRAFT_HINT)) for p in exc.problems]
    return []


#: How the form says a missing name can wait (the command line's words: ``DRAFT_ADVICE``).
WEB_DRAFT_HINT = "暂时不知道的，可以先保存，方案包中这里以“________”留空"


