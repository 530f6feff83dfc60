"""``gongyu web add-schools`` / ``add-admin``: the county's commands, with the same located messages as ``school build``."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from .conftest import gongyu
from .web_helpers import county_sheet


def test_add_schools_reports_a_bad_row_like_school_build_and_imports_the_rest(tmp_path: Path) -> None:
    sheet = county_sheet(tmp_path / "学校名单.xlsx", 3)
    book = load_workbook(sheet)
    ws = book["学校名单"]
    header_row = next(r for r in range(1, 6) if ws.cell(r, 1).value == "学校编号")
    name_column = [c.value for c in ws[header_row]].index("学校名称") + 1
    ws.cell(header_row + 2, name_column).value = None  # school-2 without a name
    book.save(sheet)
    data = tmp_path / "data"
    web = gongyu("web", "add-schools", str(sheet), "--data", str(data), "--out", str(tmp_path / "登录码.xlsx"))
    build = gongyu("school", "build", str(sheet), "--no-pdf", "--out", str(tmp_path / "out"))
    assert web.returncode == 1 and build.returncode == 1
    letter = "B" if name_column == 2 else chr(ord("A") + name_column - 1)
    located = f"第{header_row + 2}行 {letter}列: “学校名称”不能为空"
    assert located in web.stderr and located in build.stderr
    rows = list(load_workbook(tmp_path / "登录码.xlsx").active.values)
    assert [r[0] for r in rows[1:]] == ["qingshan-xiaoxue", "school-3"]
    assert all(len(r[2]) == 14 for r in rows[1:])
    # run again: nothing new, the codes file is not overwritten
    again = gongyu("web", "add-schools", str(sheet), "--data", str(data), "--out", str(tmp_path / "登录码.xlsx"))
    assert again.returncode == 1 and "已经存在，没有覆盖" in again.stderr
    again = gongyu("web", "add-schools", str(sheet), "--data", str(data), "--out", str(tmp_path / "二次.xlsx"))
    assert "更新了 2 所已有学校" in again.stdout and not (tmp_path / "二次.xlsx").exists()


def test_add_admin_prints_a_code_once_and_refuses_an_empty_name(tmp_path: Path) -> None:
    done = gongyu("web", "add-admin", "张三", "--data", str(tmp_path / "data"))
    assert done.returncode == 0 and "县管理员 张三 的登录码：" in done.stdout
    code = done.stdout.split("登录码：")[1].split()[0]
    secret = code.replace("-", "")[4:].encode()  # the first four characters only find the code
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").glob("gongyu-web.sqlite3*"))
    assert b"$argon2id$" in stored and secret not in stored
    empty = gongyu("web", "add-admin", " ", "--data", str(tmp_path / "data"))
    assert empty.returncode == 1 and "姓名不能为空" in empty.stderr and "Traceback" not in empty.stderr


def test_web_help_is_in_chinese() -> None:
    done = gongyu("web", "--help")
    assert done.returncode == 0 and "网上填报" in done.stdout and "--port" in done.stdout and "add-schools" in done.stdout


def test_the_wheel_carries_the_web_templates_and_stylesheet() -> None:
    """Every template and static file of ``gongyu web`` matches the package data of pyproject.toml."""
    import fnmatch
    import tomllib

    from .conftest import REPO

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["generator"]
    web = REPO / "generator" / "web"
    files = [p for folder in ("templates", "static") for p in (web / folder).rglob("*") if p.is_file()]
    assert any(p.name == "school.html" for p in files) and any(p.name == "web.css" for p in files)
    for path in files:
        relative = path.relative_to(REPO / "generator").as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative
