"""The Flask application: sign-in, a school's form and pack, the county's page.

Flask gives the routes and the signed session cookie (HttpOnly, SameSite=Lax), Flask-WTF the CSRF
token on every form, SQLAlchemy the database, argon2-cffi the code hashes; waitress serves it
(``gongyu web``). Every page works without JavaScript; the CSS is served from this package, never
from another host.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from flask import Flask, abort, g, redirect, render_template, request, send_file, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import GongyuError, Problem
from . import codes
from .county import (CODES_NAME, DRAFT, NOT_STARTED, READY, SAVED, SUMMARY_NAME, codes_bytes, failure_text,
                     import_schools, sheet_bytes)
from .db import Database, SchoolRow, database_url
from .form import (ADOPTION_FIELDS, DAY_FIELDS, DAYS_LABEL, GENERAL, MAX_DAYS, SECTION_ORDER, SPARE_DAYS, describe,
                   form_values, plan_choices, read_form, saved_doc, school_fields)
from .packs import PackService

if TYPE_CHECKING:
    from ..load.corpus import Corpus

#: Largest request accepted (a county's school list is far smaller; a form post is a few KB).
MAX_UPLOAD = 2 * 1024 * 1024
SESSION_HOURS = 12


def _load_corpus() -> Corpus:
    from ..pipeline import load_corpus
    from ..project import templates_project

    return load_corpus(templates_project(None, Path.cwd()).root, schools=False)


def create_app(data_dir: Path, db_url: str | None = None, *, corpus: Corpus | None = None, workers: int = 2,
               secure_cookies: bool = False, behind_proxy: bool = False) -> Flask:
    """The service over ``data_dir`` (SQLite file and pack cache) or the database at ``db_url``.

    ``behind_proxy``: trust one reverse proxy's X-Forwarded-For/-Proto (the client's address counts
    failed sign-ins; without this every school behind nginx would share the proxy's address).
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__)
    db = Database(database_url(data_dir, db_url))
    corpus = corpus if corpus is not None else _load_corpus()
    app.config.update(
        SECRET_KEY=db.secret_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        SESSION_COOKIE_NAME="gongyu_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
        MAX_CONTENT_LENGTH=MAX_UPLOAD,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session: a long form is not lost
    )
    app.jinja_env.autoescape = True
    if behind_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    CSRFProtect(app)
    app.extensions["gongyu"] = {"db": db, "corpus": corpus,
                                "packs": PackService(corpus, data_dir / "packs", workers=workers)}
    choices = plan_choices(corpus)
    plan_titles = {c.id: c.title for c in choices}

    # -- who is asking ---------------------------------------------------------------------------
    @app.before_request
    def _who() -> None:
        g.role = g.subject = g.actor = None
        selector = session.get("selector")
        if not selector:
            return
        from .db import Code

        with db.session() as s:
            code = s.get(Code, selector)
            if code is None or code.role != session.get("role") or code.subject != session.get("subject"):
                session.clear()  # a new code was issued: the old sign-in ends
                return
        g.role, g.subject = code.role, code.subject
        if code.role == "admin":
            admin = db.admin(int(code.subject))
            g.actor = f"县管理员 {admin.name if admin else code.subject}"
        else:
            g.actor = f"学校 {code.subject}"

    @app.after_request
    def _headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def school_access(view: Callable[..., Any]) -> Callable[..., Any]:
        """The school itself or a county admin; anyone else is refused (403), nobody signed in goes to /."""

        @functools.wraps(view)
        def wrapper(school_id: str, **kwargs: Any) -> Any:
            if g.role is None:
                return redirect(url_for("index"))
            if not (g.role == "admin" or (g.role == "school" and g.subject == school_id)):
                abort(403)
            row = db.school(school_id)
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
        profile = row.profile_data()
        if profile is None:
            return NOT_STARTED, []
        problems = row.problem_list()
        if problems:
            return DRAFT, problems
        packs: PackService = app.extensions["gongyu"]["packs"]
        return (READY if packs.ready(profile, False) else SAVED), []

    # -- sign-in ---------------------------------------------------------------------------------
    @app.get("/")
    def index() -> Any:
        if g.role == "school":
            return redirect(url_for("school_page", school_id=g.subject))
        if g.role == "admin":
            return redirect(url_for("county_page"))
        return render_template("signin.html", error=None)

    @app.post("/signin")
    def signin() -> Any:
        client = request.remote_addr or "?"
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        typed = request.form.get("code", "")[:64]
        with db.session() as s, s.begin():
            wait = codes.wait_seconds(s, client, now)
            if wait:
                return render_template("signin.html", error=f"登录失败的次数太多，请 {wait} 秒后再试。"), 429
            code = codes.check(s, typed)
            if code is None:
                codes.record_failure(s, client, now)
                db.audit(s, f"来自 {client}", "登录失败", "登录码不对")
            else:
                codes.clear_failures(s, client)
                db.audit(s, f"学校 {code.subject}" if code.role == "school" else f"县管理员（编号 {code.subject}）",
                         "登录", "", code.subject if code.role == "school" else None)
        if code is None:
            return render_template("signin.html", error="登录码不对。请核对县里发的登录码（字母不分大小写，短横线可以不输）。"), 401
        session.clear()
        session.permanent = True
        session.update(selector=code.selector, role=code.role, subject=code.subject)
        return redirect(url_for("index"))

    @app.post("/signout")
    def signout() -> Any:
        session.clear()
        return redirect(url_for("index"))

    # -- a school's page -------------------------------------------------------------------------
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
            notice = {"saved": "已保存。", "fresh": None}.get(request.args.get("m", ""), None)
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
        changed = sorted({labels.get(k, k.split(".")[0]) for k in set(before) | set(after) if before.get(k) != after.get(k)})
        version = db.save_profile(row.id, seen, data, [(p.path, p.message, p.hint) for p in missing], g.actor,
                                  "改了：" + "、".join(changed) if changed else "没有改动")
        if version is None:
            current = db.school(row.id)
            return render_school(current or row, values, [], version=seen, conflict=True, status_code=409,
                                 message="没有保存：您打开这一页之后，别人（或另一个窗口）已经保存了本校的档案。")
        packs: PackService = app.extensions["gongyu"]["packs"]
        packs.start(data, bool(missing))  # ready by the time anyone downloads it
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
        for plan, document in zip(resolved.plans, resolved.documents):
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
        packs: PackService = app.extensions["gongyu"]["packs"]
        status, value = packs.get(profile, bool(row.problem_list()))
        if status != "ok":
            labels = saved_doc(profile).labels
            return render_template("message.html", title="方案包没有生成",
                                   text="\n".join(describe(p, labels) for p in value),
                                   back=url_for("school_page", school_id=row.id)), 422
        return send_file(value, mimetype="application/zip", as_attachment=True, download_name=f"{row.id}.zip",
                         max_age=0)

    # -- the county ------------------------------------------------------------------------------
    @app.get("/county/")
    @admin_only
    def county_page() -> Any:
        rows = []
        for row in db.schools():
            status, problems = status_of(row)
            profile = row.profile_data() or {}
            adopted = [plan_titles.get(a["plan"], a["plan"]) for a in profile.get("plans", [])]
            labels = saved_doc(profile).labels if profile else {}
            rows.append((row, status, adopted, [describe(Problem(*p[:1], 0, 0, *p[1:]), labels) for p in problems]))
        counts = {name: sum(1 for r in rows if r[1] == name) for name in (NOT_STARTED, DRAFT, SAVED, READY)}
        return render_template("county.html", rows=rows, counts=counts, issued=None)

    @app.get("/county/summary.xlsx")
    @admin_only
    def county_summary() -> Any:
        table = []
        for row in db.schools():
            status, problems = status_of(row)
            profile = row.profile_data() or {}
            labels = saved_doc(profile).labels if profile else {}
            table.append([row.id, row.name, status, "\n".join(plan_titles.get(a["plan"], a["plan"]) for a in profile.get("plans", [])),
                          "\n".join(describe(Problem(p[0], 0, 0, p[1], p[2]), labels) for p in problems),
                          row.updated_at.strftime("%Y-%m-%d %H:%M") + " UTC" if row.updated_at else "", row.updated_by or ""])
        data = sheet_bytes("汇总", ("学校编号", "学校名称", "状态", "采用方案", "问题", "最后保存", "保存人"), table,
                           (24, 36, 14, 40, 60, 20, 24))
        return _download(data, SUMMARY_NAME, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.get("/county/packs.zip")
    @admin_only
    def county_packs() -> Any:
        packs: PackService = app.extensions["gongyu"]["packs"]
        started = []
        for row in db.schools():
            profile = row.profile_data()
            if profile is not None:
                started.append((row, packs.start(profile, bool(row.problem_list()))))
        buffer = io.BytesIO()
        skipped = []
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
            for row, future in started:
                status, value = future.result(timeout=600)
                if status == "ok":
                    out.writestr(zipfile.ZipInfo(f"{row.id}.zip", date_time=(2000, 1, 1, 0, 0, 0)), Path(value).read_bytes())
                else:
                    skipped.append(row.id)
            note = "全县方案包：每所学校一个压缩包（学校编号.zip）。只含已经保存档案的学校。\r\n"
            if skipped:
                note += "以下学校的方案包没有生成，请在县级页面查看问题：" + "、".join(skipped) + "\r\n"
            out.writestr(zipfile.ZipInfo("README.txt", date_time=(2000, 1, 1, 0, 0, 0)), ("\ufeff" + note).encode("utf-8"))
        return _download(buffer.getvalue(), "全县方案包.zip", "application/zip")

    @app.post("/county/school/<school_id>/code")
    @admin_only
    def county_code(school_id: str) -> Any:
        if db.school(school_id) is None:
            abort(404)
        with db.session() as s, s.begin():
            code = codes.issue(s, "school", school_id)
            db.audit(s, g.actor, "发放新登录码", "旧登录码作废", school_id)
        return render_template("message.html", title=f"{school_id} 的新登录码",
                               text=f"新登录码：{code}\n请抄下来交给学校；离开本页后不再显示。旧登录码已作废。",
                               back=url_for("county_page"), code=code)

    @app.post("/county/import")
    @admin_only
    def county_import() -> Any:
        upload = request.files.get("sheet")
        if upload is None or not upload.filename:
            return render_template("message.html", title="没有选择文件", text="请选择学校名单（.xlsx）后再点“导入”。",
                                   back=url_for("county_page")), 400
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "学校名单.xlsx"
            upload.save(path)
            result = import_schools(db, path, corpus, g.actor)
        if result.failures and not result.new:
            return render_template("message.html", title="学校名单中有问题",
                                   text=failure_text(result.failures), back=url_for("county_page")), 422
        if not result.new:
            return render_template("message.html", title="已导入", text=f"更新了 {len(result.updated)} 所学校，没有新学校。"
                                   + ("\n" + failure_text(result.failures) if result.failures else ""),
                                   back=url_for("county_page"))
        return _download(codes_bytes(result.new), CODES_NAME,
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.get("/county/audit")
    @admin_only
    def county_audit() -> Any:
        return render_template("audit.html", lines=db.audit_lines())

    # -- errors ----------------------------------------------------------------------------------
    @app.errorhandler(CSRFError)
    def _csrf(_error: Any) -> Any:
        return render_template("message.html", title="页面已过期", text="请回到上一页，刷新后再提交。填写的内容如未保存，需要重新填写。",
                               back=url_for("index")), 400

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: Any) -> Any:
        return render_template("message.html", title="文件太大",
                               text=f"上传的内容超过了 {MAX_UPLOAD // 1024 // 1024} MB 的上限。学校名单一般只有几十 KB，请检查是否选错了文件。",
                               back=url_for("index")), 413

    @app.errorhandler(403)
    def _forbidden(_error: Any) -> Any:
        return render_template("message.html", title="没有权限", text="这一页不属于您登录的学校（或账号）。",
                               back=url_for("index")), 403

    @app.errorhandler(404)
    def _missing_page(_error: Any) -> Any:
        return render_template("message.html", title="没有这一页", text="地址可能抄错了。", back=url_for("index")), 404

    @app.errorhandler(GongyuError)
    def _gongyu(error: GongyuError) -> Any:
        return render_template("message.html", title="出错了", text=error.format(), back=url_for("index")), 422

    return app


def _download(data: bytes, name: str, mimetype: str) -> Any:
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


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

    corpus = _current_corpus()
    try:
        resolve_school(corpus, school, doc=doc, draft=False)
    except GongyuError as exc:
        return list(exc.problems)
    return []


def _current_corpus() -> Corpus:
    from flask import current_app

    return current_app.extensions["gongyu"]["corpus"]


__all__ = ["create_app", "json"]
