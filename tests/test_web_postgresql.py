"""``gongyu web --db postgresql://…``: the same service on a throwaway PostgreSQL cluster.

The cluster is made with the server's own ``initdb`` and ``pg_ctl`` in a temporary folder (as the
``postgres`` or ``nobody`` user when the tests run as root, since PostgreSQL refuses root), listens
on a free port of 127.0.0.1 only, and is stopped and removed afterwards. Skipped, saying why, where
no PostgreSQL server is installed (Debian: ``apt-get install postgresql``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .web_helpers import county_sheet, form_of, free_port, gongyu_cli, sign_in

OWN = "qingshan-xiaoxue"


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


INITDB, PG_CTL = _bin("initdb"), _bin("pg_ctl")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(INITDB is None or PG_CTL is None,
                       reason="no PostgreSQL server here (initdb/pg_ctl not found): apt-get install postgresql"),
]
psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed: pip install 'gongyu[postgresql]'")


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A fresh cluster on 127.0.0.1:<free port>; its URL (trust authentication, user ``gongyu``)."""
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:
        for name in ("postgres", "nobody"):
            try:
                owner = pwd.getpwnam(name)
                break
            except KeyError:
                continue
        if owner is None or shutil.which("runuser") is None:
            pytest.skip("running as root without a postgres/nobody user or runuser: initdb refuses root")
        as_user = ["runuser", "-u", owner.pw_name, "--"]
    folder = Path(tempfile.mkdtemp(prefix="gongyu-pg-"))
    folder.chmod(0o755)
    if owner is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data, log = folder / "data", folder / "server.log"
    port = free_port()
    try:
        subprocess.run([*as_user, INITDB, "-D", str(data), "-U", "gongyu", "--auth=trust", "-E", "UTF8", "--locale=C",
                        "--no-sync"], check=True, capture_output=True, timeout=120)
        subprocess.run([*as_user, PG_CTL, "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
                        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"could not start a PostgreSQL cluster: {exc} {getattr(exc, 'stderr', b'')!r}")
    try:
        yield f"postgresql://gongyu@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, PG_CTL, "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True,
                       timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_two_processes_share_one_postgresql_database(postgres_url: str, tmp_path: Path, web_corpus: Any) -> None:
    """Set up with the commands, then two app instances (as behind a proxy) on one database."""
    import re

    from openpyxl import load_workbook

    from generator.web import create_app

    county_sheet(tmp_path / "学校名单.xlsx", 2)
    gongyu_cli("web", "add-schools", "学校名单.xlsx", "--db", postgres_url, cwd=tmp_path)
    codes = {r[0]: r[2] for r in list(load_workbook(tmp_path / "登录码.xlsx").active.values)[1:]}
    admin = re.search(r"登录码：(\S+)", gongyu_cli("web", "add-admin", "县管理员甲", "--db", postgres_url,
                                                cwd=tmp_path)).group(1)
    first = create_app(tmp_path / "a", postgres_url, corpus=web_corpus, workers=1)
    second = create_app(tmp_path / "b", postgres_url, corpus=web_corpus, workers=1)
    try:
        assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
        school = first.test_client()
        assert sign_in(school, codes[OWN]).status_code == 302
        # the session cookie made by one process is good in the other
        other_process = second.test_client()
        other_process.set_cookie("gongyu_session", school.get_cookie("gongyu_session").value)
        assert other_process.get(f"/s/{OWN}/").status_code == 200
        assert other_process.get("/s/school-2/").status_code == 403

        county = second.test_client()
        assert sign_in(county, admin).status_code == 302
        form_a, form_b = form_of(school, OWN), form_of(county, OWN)
        form_a["people.校长"], form_b["people.校长"] = "甲", "乙"
        assert school.post(f"/s/{OWN}/", data=form_a).status_code == 303
        assert county.post(f"/s/{OWN}/", data=form_b).status_code == 409

        form_a = form_of(school, OWN)
        form_a["name"] = ""
        assert school.post(f"/s/{OWN}/", data=form_a).status_code == 422
        row = second.extensions["gongyu"]["db"].school(OWN)
        assert row.version == 1 and row.profile_data()["people"]["校长"] == "甲"
        assert row.profile_data()["name"] == "青山县石桥镇青山小学"
        assert "保存档案" in county.get("/county/audit").get_data(as_text=True)
    finally:
        for app in (first, second):
            app.extensions["gongyu"]["packs"].close()
            app.extensions["gongyu"]["db"].engine.dispose()


def test_a_bad_database_address_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    import sys

    done = subprocess.run([sys.executable, "-m", "generator", "web", "add-admin", "甲", "--db",
                           f"postgresql://gongyu@127.0.0.1:{free_port()}/postgres"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "连接不上数据库" in done.stderr and "Traceback" not in done.stderr
