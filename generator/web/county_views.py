"""The county's pages: every school's status, 汇总.xlsx, all packs in one zip, new codes, imports, the audit log."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask, abort, g, render_template, request, send_file, url_for

from ..errors import Problem
from . import codes
from .access import admin_only, pack_service, status_of
from .county import (
    CODES_NAME,
    DRAFT,
    NOT_STARTED,
    READY,
    SAVED,
    SUMMARY_NAME,
    codes_bytes,
    failure_text,
    import_schools,
    sheet_bytes,
)
from .fields import describe, plan_choices, saved_doc


def register(app: Flask) -> None:
    """Add the county's routes to ``app``.

    Not split: each route is a short handler defined here as a closure over the app's database and
    templates (Flask's way of registering them); the length is the number of county pages.
    """
    db = app.extensions["gongyu"]["db"]
    corpus = app.extensions["gongyu"]["corpus"]
    plan_titles = {c.id: c.title for c in plan_choices(corpus)}

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
            adopted = "\n".join(plan_titles.get(a["plan"], a["plan"]) for a in profile.get("plans", []))
            table.append([row.id, row.name, status, adopted,
                          "\n".join(describe(Problem(p[0], 0, 0, p[1], p[2]), labels) for p in problems),
                          row.updated_at.strftime("%Y-%m-%d %H:%M") + " UTC" if row.updated_at else "", row.updated_by or ""])
        data = sheet_bytes("汇总", ("学校编号", "学校名称", "状态", "采用方案", "问题", "最后保存", "保存人"), table,
                           (24, 36, 14, 40, 60, 20, 24))
        return _download(data, SUMMARY_NAME, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.get("/county/packs.zip")
    @admin_only
    def county_packs() -> Any:
        packs = pack_service()
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


def _download(data: bytes, name: str, mimetype: str) -> Any:
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
