"""Alembic migrations, applied on service start.

Each service owns its tables and its migration folder (``services/<name>/migrations``) with its
own version table, so three services starting at once never race on one history.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

# Alembic keeps its running context in module globals: two apps starting in one process (tests
# run several in threads) must not migrate at the same time.
_IN_PROCESS = threading.Lock()

# Any fixed number: replicas of one service starting together take turns migrating.
_MIGRATION_LOCK_ID = 0x52415050  # "RAPP"


def alembic_config(script_location: Path, *, version_table: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["version_table"] = version_table
    return config


def apply_migrations(engine: Engine, script_location: Path, *, version_table: str) -> None:
    config = alembic_config(script_location, version_table=version_table)
    with _IN_PROCESS, _sqlite_file_lock(engine), engine.begin() as connection:
        _serialise_migrations(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """Several processes on one SQLite file (uvicorn workers) take turns migrating.

    SQLite's own lock is taken only at the first write, after Alembic read the version table, so
    two processes could both decide to create the same table; a lock file closes that gap.
    """
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a+b") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _serialise_migrations(connection: Connection) -> None:
    """On PostgreSQL, hold a transaction-scoped advisory lock so concurrent replicas queue up.

    SQLite needs nothing: its database-level write lock already serialises the DDL.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})


def downgrade_all(engine: Engine, script_location: Path, *, version_table: str) -> None:
    config = alembic_config(script_location, version_table=version_table)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
