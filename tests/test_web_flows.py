"""``gongyu web``: saving, errors beside the field, conflicts, codes, the county's downloads, the audit log."""

from __future__ import annotations

import io
import json
import re
import typing
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from .web_helpers import County, csrf, form_of, make_county, sign_in

OWN = "qingshan-xiaoxue"


@pytest.fixture
def county(tmp_path: Path, web_corpus: Any) -> Iterator[County]:
    found = make_county(tmp_path, web_corpus)
    yield found
    found.app.extensions["gongyu"]["packs"].close()


def school_client(county: County, school_id: str = OWN) -> Any:
    client = county.app.test_client()
    assert sign_in(client, county.codes[school_id]).status_code == 302
    return client


def db_of(county: County) -> Any:
    return county.app.extensions["gongyu"]["db"]


def field_block(page: str, key: str) -> str:
    """The HTML of one field's block (label, input, its errors, its help)."""
    found = re.search(r'<div class="field[^"]*">\s*<label for="f-' + re.escape(key) + r'">.*?</div>', page, re.S)
    assert found, key
    return found.group(0)


def test_save_then_empty_name_is_explained_beside_the_field_and_the_saved_profile_stays(county: County) -> None:
    client = school_client(county)
    form = form_of(client, OWN)
    form["people.德育处主任"] = "张新"
    assert client.post(f"/s/{OWN}/", data=form).status_code == 303
    saved = db_of(county).school(OWN)
    assert saved.version == 1 and saved.profile_data()["people"]["德育处主任"] == "张新"

    form = form_of(client, OWN)
    form["name"] = "  "
    form["people.德育处主任"] = "李四"
    response = client.post(f"/s/{OWN}/", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    block = field_block(page, "name")
    assert "“学校名称”不能为空" in block and 'aria-invalid="true"' in block
    assert "之前保存的内容没有改变" in page
    # what was typed elsewhere is shown again, not lost
    assert 'value="李四"' in field_block(page, "people.德育处主任")
    after = db_of(county).school(OWN)
    assert (after.version, after.profile) == (saved.version, saved.profile)


def test_the_message_is_the_one_the_command_line_gives_for_the_same_cell(county: County, web_corpus: Any,
                                                                          tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from generator.xlsx import read_schools

    client = school_client(county)
    form = form_of(client, OWN)
    form["year"] = "2026"
    page = client.post(f"/s/{OWN}/", data=form).get_data(as_text=True)
    web_message = re.search(r'id="err-year-1">([^<]+)<', page).group(1)

    sheet = tmp_path / "学校名单.xlsx"
    book = load_workbook(tmp_path / "学校名单.xlsx")
    ws = book["学校名单"]
    header_row = next(r for r in range(1, 6) if ws.cell(r, 1).value == "学校编号")
    column = [c.value for c in ws[header_row]].index("学年") + 1
    ws.cell(header_row + 1, column).value = "2026"
    book.save(sheet)
    _rows, failures = read_schools(sheet, web_corpus)
    cli_messages = [p.message for _origin, problems in failures for p in problems]
    assert web_message in cli_messages, (web_message, cli_messages)


def test_a_second_save_from_an_older_page_is_told_and_overwrites_nothing(county: County) -> None:
    first = school_client(county)
    second = county.app.test_client()
    sign_in(second, county.admin_code)
    form_a = form_of(first, OWN)
    form_b = form_of(second, OWN)
    form_a["people.校长"] = "甲校长"
    form_b["people.校长"] = "乙校长"
    assert first.post(f"/s/{OWN}/", data=form_a).status_code == 303
    response = second.post(f"/s/{OWN}/", data=form_b)
    assert response.status_code == 409
    assert "别人（或另一个窗口）已经保存了本校的档案" in response.get_data(as_text=True)
    row = db_of(county).school(OWN)
    assert row.profile_data()["people"]["校长"] == "甲校长" and row.version == 1
    # after reloading, the second person's save goes through
    form_b = form_of(second, OWN)
    form_b["people.校长"] = "乙校长"
    assert second.post(f"/s/{OWN}/", data=form_b).status_code == 303
    assert db_of(county).school(OWN).profile_data()["people"]["校长"] == "乙校长"


def test_a_wrong_code_signs_nobody_in_and_repeated_failures_slow_down(county: County) -> None:
    client = county.app.test_client()
    env = {"REMOTE_ADDR": "10.1.2.3"}
    wrong = county.codes[OWN][:-1] + ("A" if county.codes[OWN][-1] != "A" else "B")
    for _ in range(5):
        response = client.post("/signin", data={"code": wrong, "csrf_token": csrf(client)}, environ_base=env)
        assert response.status_code == 401 and "登录码不对" in response.get_data(as_text=True)
        assert client.get(f"/s/{OWN}/").status_code == 302
    # the sixth try must wait, even with the right code
    response = client.post("/signin", data={"code": county.codes[OWN], "csrf_token": csrf(client)}, environ_base=env)
    assert response.status_code == 429 and "秒后再试" in response.get_data(as_text=True)
    assert client.get(f"/s/{OWN}/").status_code == 302
    # another address is not held up
    assert sign_in(county.app.test_client(), county.codes[OWN]).status_code == 302


def test_codes_are_stored_hashed_and_accepted_however_typed(county: County) -> None:
    from sqlalchemy import select

    from generator.web.db import Code

    code = county.codes[OWN]
    with db_of(county).session() as s:
        stored = list(s.scalars(select(Code)))
    assert all(code.replace("-", "")[4:] not in c.hash and c.hash.startswith("$argon2id$") for c in stored)
    client = county.app.test_client()
    assert sign_in(client, f"  {code.lower().replace('-', ' ')} ").status_code == 302
    assert client.get(f"/s/{OWN}/").status_code == 200


def test_a_new_code_ends_the_old_one_and_its_sessions(county: County) -> None:
    school = school_client(county)
    admin = county.app.test_client()
    sign_in(admin, county.admin_code)
    response = admin.post(f"/county/school/{OWN}/code", data={"csrf_token": csrf(admin, "/county/")})
    new_code = re.search(r'id="new-code">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert new_code != county.codes[OWN]
    assert school.get(f"/s/{OWN}/").status_code == 302  # signed out
    assert sign_in(county.app.test_client(), county.codes[OWN]).status_code == 401
    assert sign_in(county.app.test_client(), new_code).status_code == 302


def test_missing_people_save_a_draft_with_the_gaps_marked_and_a_pack_with_blanks(county: County) -> None:
    client = school_client(county)
    form = form_of(client, OWN)
    form["people.德育处主任"] = ""
    assert client.post(f"/s/{OWN}/", data=form).status_code == 303
    page = client.get(f"/s/{OWN}/").get_data(as_text=True)
    assert 'id="status">草稿' in page and "已保存为草稿" in page
    assert "德育处主任" in field_block(page, "people.德育处主任") and "err-people.德育处主任-1" in page
    assert "--draft" not in page and "可以先保存" in field_block(page, "people.德育处主任")
    assert 'class="ok banner"' in client.get(f"/s/{OWN}/?m=saved").get_data(as_text=True)
    response = client.get(f"/s/{OWN}/pack.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as pack:
        readme = pack.read(f"{OWN}/README.txt").decode("utf-8-sig")
    assert "【草稿】" in readme


def test_pack_previews_and_cache(county: County) -> None:
    client = school_client(county)
    assert client.get(f"/s/{OWN}/pack.zip").status_code == 404  # nothing saved yet
    assert client.post(f"/s/{OWN}/", data=form_of(client, OWN)).status_code == 303
    first = client.get(f"/s/{OWN}/pack.zip")
    assert first.status_code == 200 and first.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(first.data)) as pack:
        names = pack.namelist()
    assert {Path(n).suffix for n in names} >= {".docx", ".pdf", ".ics", ".txt"}
    assert f"{OWN}/xingshili.pdf" in names and any(n.startswith(f"{OWN}/forms/") for n in names)
    cache = list((county.data_dir / "packs").glob("*.zip"))
    assert len(cache) == 1
    assert client.get(f"/s/{OWN}/pack.zip").data == first.data
    page = client.get(f"/s/{OWN}/xingshili").get_data(as_text=True)
    assert "周次" in page and "青山县石桥镇青山小学" in page
    page = client.get(f"/s/{OWN}/plan/kongchuo-baoxue").get_data(as_text=True)
    assert "控辍保学" in page and 'class="doc-title"' in page
    assert client.get(f"/s/{OWN}/plan/no-such-plan").status_code == 404
    # saved again with a change: a new pack, and the stale one is gone from the cache
    form = form_of(client, OWN)
    form["people.校长"] = "换了校长"
    assert client.post(f"/s/{OWN}/", data=form).status_code == 303
    second = client.get(f"/s/{OWN}/pack.zip")
    assert second.data != first.data
    assert [p.name for p in (county.data_dir / "packs").glob("*.zip")] != [p.name for p in cache]
    assert len(list((county.data_dir / "packs").glob("*.zip"))) == 1


def test_county_page_summary_packs_and_audit(county: County) -> None:
    from openpyxl import load_workbook

    school = school_client(county)
    form = form_of(school, OWN)
    form["people.校长"] = "新校长"
    school.post(f"/s/{OWN}/", data=form)
    admin = county.app.test_client()
    sign_in(admin, county.admin_code)
    page = admin.get("/county/").get_data(as_text=True)
    assert "未开始 1 所" in page
    summary = admin.get("/county/summary.xlsx")
    assert "filename*=UTF-8''%E6%B1%87%E6%80%BB.xlsx" in summary.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(summary.data)).active.values)
    assert rows[0][:4] == ("学校编号", "学校名称", "状态", "采用方案")
    states = {r[0]: r[2] for r in rows[1:]}
    assert states["school-2"] == "未开始" and states[OWN] in ("已保存", "方案包已就绪")
    packs = admin.get("/county/packs.zip")
    with zipfile.ZipFile(io.BytesIO(packs.data)) as whole:
        assert sorted(whole.namelist()) == ["README.txt", f"{OWN}.zip"]
    audit = admin.get("/county/audit").get_data(as_text=True)
    assert f"学校 {OWN}" in audit and "保存档案" in audit and "校长" in audit


def test_import_from_the_county_page_gives_codes_once_and_refuses_a_large_file(county: County, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from .web_helpers import county_sheet

    admin = county.app.test_client()
    sign_in(admin, county.admin_code)
    sheet = county_sheet(tmp_path / "more.xlsx", schools=3)
    token = csrf(admin, "/county/")
    response = admin.post("/county/import", data={"csrf_token": token, "sheet": (sheet.open("rb"), "学校名单.xlsx")},
                          content_type="multipart/form-data")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0] == ("学校编号", "学校名称", "登录码") and [r[0] for r in rows[1:]] == ["school-3"]
    assert sign_in(county.app.test_client(), rows[1][2]).status_code == 302
    big = io.BytesIO(b"0" * (3 * 1024 * 1024))
    response = admin.post("/county/import", data={"csrf_token": token, "sheet": (big, "big.xlsx")},
                          content_type="multipart/form-data")
    assert response.status_code == 413


def test_the_form_covers_every_field_of_the_profile_model() -> None:
    """One source of truth: a new field in the model must show up in the form (or be listed as kept)."""
    from generator.models.school import Adoption, OwnDay, School
    from generator.web.fields import ADOPTION_FIELDS, DAY_FIELDS, PRESERVED, school_fields

    def leaves(model: type[BaseModel], base: tuple[str, ...]) -> set[tuple[str, ...]]:
        found = set()
        for name, info in model.model_fields.items():
            path = (*base, name)
            inner = [a for a in (info.annotation, *typing.get_args(info.annotation))
                     if isinstance(a, type) and issubclass(a, BaseModel)]
            if inner and path not in (("calendar", "days"), ("plans",)):
                found |= leaves(inner[0], path)
            else:
                found.add(path)
        return found

    covered = {f.path for f in school_fields()} | {("people",), ("plans",)}
    covered |= {("calendar", "days")}
    school_leaves = leaves(School, ())
    missing = school_leaves - covered - PRESERVED
    assert not missing, missing
    assert {name for name, *_ in DAY_FIELDS} == set(OwnDay.model_fields)
    adoption = {name for name, *_ in ADOPTION_FIELDS} | {"plan", "skip", "targets"}
    assert set(Adoption.model_fields) - adoption == {"events"} and ("plans", "*", "events") in PRESERVED
    # labels come from the Excel columns where one exists
    labels = {f.path: f.label for f in school_fields()}
    assert labels[("name",)] == "学校名称" and labels[("calendar", "autumn_start")] == "秋季开学"
    assert json.dumps(sorted(map(list, covered)))  # plain data
