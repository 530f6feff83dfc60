"""The service's database: schools and their profiles, sign-in codes, county accounts, the audit log.

SQLAlchemy 2 over SQLite (a file in the data folder, the default) or PostgreSQL (``--db
postgresql://…``). Every change is one transaction; a profile's ``version`` is bumped by the same
``UPDATE … WHERE version = :seen`` that writes it, so of two people saving the same school the
second is told, never silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ForeignKey, Integer, String, Text, create_engine, event, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from ..errors import GongyuError

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

DB_FILE = "gongyu-web.sqlite3"


class Base(DeclarativeBase):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)


class SchoolRow(Base):
    """A school of the county; ``profile`` is the saved profile as the model's JSON (None: not started)."""

    __tablename__ = "schools"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: The profile the county imported (its Excel row), the form's starting point before a first save.
    imported: Mapped[str | None] = mapped_column(Text, nullable=True)
    profile: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    #: What the saved profile still lacks for a final pack (JSON list of [field, message, hint]).
    problems: Mapped[str] = mapped_column(Text, default="[]")
    updated_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(200), nullable=True)

    def profile_data(self) -> dict[str, Any] | None:
        return json.loads(self.profile) if self.profile else None

    def imported_data(self) -> dict[str, Any] | None:
        return json.loads(self.imported) if self.imported else None

    def problem_list(self) -> list[tuple[str, str, str]]:
        return [(str(path), str(message), str(hint)) for path, message, hint in json.loads(self.problems or "[]")]


class Admin(Base):
    """A county account."""

    __tablename__ = "admins"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class Code(Base):
    """A sign-in code: a public ``selector`` to find it and an argon2 hash of the secret part.

    ``role`` is ``school`` (subject: the school id) or ``admin`` (subject: the admin id as text).
    """

    __tablename__ = "codes"
    selector: Mapped[str] = mapped_column(String(16), primary_key=True)
    hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class Audit(Base):
    """Who did what, when (UTC)."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(default=_now, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    school_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("schools.id"), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")


class Failure(Base):
    """Failed sign-ins by client address, to slow down guessing."""

    __tablename__ = "signin_failures"
    client: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[dt.datetime] = mapped_column(default=_now)


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def database_url(data_dir: Path, url: str | None) -> str:
    """``url`` as given, else the SQLite file in the data folder.

    ``postgresql://…`` (and ``postgres://…``) use psycopg 3 — ``pip install 'gongyu[postgresql]'`` —
    unless the URL names another driver (``postgresql+psycopg2://…``).
    """
    if not url:
        return f"sqlite:///{(data_dir / DB_FILE).resolve().as_posix()}"
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def make_engine(url: str) -> Engine:
    """An engine; SQLite in WAL mode, fully synchronous, waiting for a lock instead of failing."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    else:
        import importlib.util

        if url.startswith("postgresql+psycopg://") and importlib.util.find_spec("psycopg") is None:
            raise GongyuError("缺少连接 PostgreSQL 的软件包 psycopg。请先运行：pip install 'gongyu[postgresql]'")
        try:
            engine = create_engine(url, pool_pre_ping=True)
        except ArgumentError as exc:
            raise GongyuError(f"数据库地址写法不对（{exc}）。PostgreSQL 请写成 postgresql://用户:密码@主机:端口/库名") from None
    try:
        Base.metadata.create_all(engine)
    except OperationalError as exc:
        raise GongyuError(f"连接不上数据库：{str(exc.orig).strip().splitlines()[0] if exc.orig else exc}。"
                          "请检查地址、用户名、密码，以及数据库服务是否已启动") from None
    return engine


class Database:
    """The engine and the few queries every part of the service shares."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def secret_key(self) -> str:
        """The key signing session cookies: made once, shared by every process on this database."""
        with self.session() as s:
            found = s.get(Setting, "secret_key")
            if found is not None:
                return found.value
            try:
                s.add(Setting(key="secret_key", value=secrets.token_hex(32)))
                s.commit()
            except IntegrityError:  # another process made it first
                s.rollback()
            return s.get(Setting, "secret_key").value  # type: ignore[union-attr]

    def audit(self, s: Session, actor: str, action: str, detail: str = "", school_id: str | None = None) -> None:
        s.add(Audit(actor=actor, action=action, detail=detail, school_id=school_id))

    def save_profile(self, school_id: str, seen_version: int, profile: dict[str, Any], problems: list[tuple[str, str, str]],
                     actor: str, detail: str) -> int | None:
        """Write a profile if nobody saved since ``seen_version``; the new version, or None (changed meanwhile).

        The write and its audit line are one transaction.
        """
        with self.session() as s, s.begin():
            statement = (update(SchoolRow).where(SchoolRow.id == school_id, SchoolRow.version == seen_version)
                         .values(profile=json.dumps(profile, ensure_ascii=False, sort_keys=True),
                                 name=profile.get("name") or SchoolRow.name,
                                 version=SchoolRow.version + 1,
                                 problems=json.dumps(problems, ensure_ascii=False),
                                 updated_at=_now(), updated_by=actor))
            # an UPDATE gives a CursorResult (with rowcount); Session.execute is typed for any statement
            result = cast("CursorResult[Any]", s.execute(statement))
            if result.rowcount != 1:
                return None
            self.audit(s, actor, "保存档案", detail, school_id)
        return seen_version + 1

    def schools(self) -> list[SchoolRow]:
        with self.session() as s:
            return list(s.scalars(select(SchoolRow).order_by(SchoolRow.id)))

    def school(self, school_id: str) -> SchoolRow | None:
        with self.session() as s:
            return s.get(SchoolRow, school_id)

    def admin(self, admin_id: int) -> Admin | None:
        with self.session() as s:
            return s.get(Admin, admin_id)

    def audit_lines(self, limit: int = 500) -> list[Audit]:
        with self.session() as s:
            return list(s.scalars(select(Audit).order_by(Audit.id.desc()).limit(limit)))

    def count_admins(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(Admin)) or 0


__all__ = ["Admin", "Audit", "Base", "Code", "Database", "Failure", "SchoolRow", "Setting", "database_url", "insert"]
