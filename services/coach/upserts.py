"""Dialect-specific ``INSERT ... ON CONFLICT`` for the two databases the coach runs on."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def insert_for(connection: sa.Connection, table: sa.Table) -> Any:
    """An insert construct that has ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    if connection.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database dialect {connection.dialect.name!r}")
