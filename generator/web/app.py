"""The Flask application: configuration, who is asking, sign-in, error pages; the views are registered from
``school_views`` and ``county_views``.

Flask gives the routes and the signed session cookie (HttpOnly, SameSite=Lax), Flask-WTF the CSRF
token on every form, SQLAlchemy the database, argon2-cffi the code hashes; waitress serves it
(``gongyu web``). Every page works without JavaScript; the CSS is served from this package, never
from another host.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import GongyuError
from . import codes, county_views, school_views
from .db import Database, database_url
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

    Not split: the configuration, then the sign-in routes and error handlers, each a short closure over
    the app and its database; the school's and county's pages are registered from their own modules.
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
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
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
            error = "登录码不对。请核对县里发的登录码（字母不分大小写，短横线可以不输）。"
            return render_template("signin.html", error=error), 401
        session.clear()
        session.permanent = True
        session.update(selector=code.selector, role=code.role, subject=code.subject)
        return redirect(url_for("index"))

    @app.post("/signout")
    def signout() -> Any:
        session.clear()
        return redirect(url_for("index"))

    school_views.register(app)
    county_views.register(app)

    # -- errors ----------------------------------------------------------------------------------
    @app.errorhandler(CSRFError)
    def _csrf(_error: Any) -> Any:
        return render_template("message.html", title="页面已过期",
                               text="请回到上一页，刷新后再提交。填写的内容如未保存，需要重新填写。",
                               back=url_for("index")), 400

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: Any) -> Any:
        return render_template("message.html", title="文件太大",
                               text=f"上传的内容超过了 {MAX_UPLOAD // 1024 // 1024} MB 的上限。"
                                    "学校名单一般只有几十 KB，请检查是否选错了文件。",
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
