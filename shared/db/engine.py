"""Engines for SQLite (the embedded default) and PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Accept the ``postgres://`` / ``postgresql://`` forms operators paste; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def shown_url(url: str) -> str:
    """The database's address as a message may show it: without the password."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def missing_database(url: str, owner: str) -> str | None:
    """Why a tool must not connect to ``url``: it names a SQLite file that is not there, and
    connecting would create an empty database. None for a file that is, memory or PostgreSQL."""
    parsed = make_url(normalise_url(url))
    database = parsed.database
    if (parsed.get_backend_name() != "sqlite" or not database or database == ":memory:"
            or Path(database).is_file()):
        return None
    return (f"no {owner} database at {shown_url(url)} (relative to {Path.cwd()}): run this from "
            "the directory `make up` runs in, or set DATABASE_URL")


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine whose errors never carry the statement's parameters: those are message bodies
    and ids, and an error's text ends up in logs and dead-letter reasons."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, echo=echo)
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         hide_parameters=True)


def _sqlite_engine(url: str, database: str | None, *, echo: bool) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # Three services share one file in a local run: wait for locks instead of failing.
    engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False},
                           hide_parameters=True)
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the single writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def database_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
