"""Bulk inserts and upserts for the two databases the coach runs on.

SQLite's ``executemany`` runs in-process and is fast. psycopg sends one statement per row (in
pipeline mode), and a multi-row ``VALUES`` costs SQLAlchemy a fresh compile per row count, so on
PostgreSQL the rows travel as one array per column: ``INSERT ... SELECT * FROM unnest(...)``,
a single statement whose compiled form is cached like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

Row = Mapping[str, object]
UpdateSet = Callable[[Any], Mapping[str, Any]]  # excluded -> {column: expression}


def insert_for(connection: sa.Connection, table: sa.Table) -> Any:
    """An insert construct that has ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    if connection.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database dialect {connection.dialect.name!r}")


def bulk_upsert(connection: sa.Connection, table: sa.Table, rows: Sequence[Row], *,
                conflict: Sequence[str] | None = None, update: UpdateSet | None = None) -> None:
    """Insert ``rows``; on a conflict on ``conflict`` apply ``update`` (or skip the row when
    no update is given). Without ``conflict`` a duplicate is an error, as for a plain insert."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        names = list(rows[0])
        statement = _with_conflict(_insert_from_arrays(table, names), conflict, update)
        connection.execute(statement, {name: [row[name] for row in rows] for name in names})
        return
    statement = _with_conflict(insert_for(connection, table), conflict, update)
    connection.execute(statement, list(rows))


class _TimestampTz(sa.types.UserDefinedType[Any]):
    """``timestamptz``: the array cast ``TIMESTAMP WITH TIME ZONE[]`` is not valid syntax."""

    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "TIMESTAMPTZ"


def _element_type(column: sa.Column[Any]) -> Any:
    if isinstance(column.type, sa.DateTime) and column.type.timezone:
        return _TimestampTz()
    return column.type


def _insert_from_arrays(table: sa.Table, names: list[str]) -> Any:
    arrays = [sa.bindparam(name, type_=postgresql.ARRAY(_element_type(table.c[name])))
              for name in names]
    unnested = sa.func.unnest(*arrays).table_valued(*names).render_derived(name="incoming")
    return postgresql.insert(table).from_select(
        names, sa.select(*(unnested.c[name] for name in names)))


def _with_conflict(statement: Any, conflict: Sequence[str] | None,
                   update: UpdateSet | None) -> Any:
    if conflict is None:
        return statement
    if update is None:
        return statement.on_conflict_do_nothing(index_elements=list(conflict))
    return statement.on_conflict_do_update(index_elements=list(conflict),
                                           set_=dict(update(statement.excluded)))
