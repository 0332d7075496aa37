"""The databases tests run on: a real SQLite file and a real PostgreSQL.

PostgreSQL comes from ``RAPPORT_TEST_POSTGRES_URL`` (``.ci/run`` and ``make test`` start one).
In CI a missing PostgreSQL fails loudly; on a laptop without one the PostgreSQL cases skip with
the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from shared.db.engine import create_db_engine

BACKENDS = ("sqlite", "postgresql")


def postgres_admin_url() -> str | None:
    return os.environ.get("RAPPORT_TEST_POSTGRES_URL")


@contextmanager
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database of the given backend, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'rapport-test.db'}"
        return
    admin_url = postgres_admin_url()
    if not admin_url:
        if os.environ.get("CI"):
            pytest.fail("RAPPORT_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests")
        pytest.skip("PostgreSQL not configured (set RAPPORT_TEST_POSTGRES_URL; make test does)")
    name = f"rapport_test_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(admin_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def table_names(engine: Engine) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(engine).get_table_names())
