"""What a database still holds about a person: every row of every table, every column read."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import Engine


def table_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but Alembic's version tables, read back as the database has it."""
    found: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as connection:
        for name in sa.inspect(connection).get_table_names():
            if name.startswith("alembic_version"):
                continue
            table = sa.Table(name, sa.MetaData(), autoload_with=connection)
            found[name] = [tuple(row) for row in connection.execute(sa.select(table))]
    return found


def rows_mentioning(engine: Engine, needles: Iterable[str]) -> dict[str, int]:
    """Per table, the rows any column of which contains one of ``needles`` in its text (JSON and
    ids included); tables without such rows are left out, so "nothing remains" reads ``{}``."""
    wanted = [needle for needle in needles if needle]
    counts = {name: sum(1 for row in rows if any(needle in str(value) for value in row
                                                 for needle in wanted))
              for name, rows in table_rows(engine).items()}
    return {name: count for name, count in counts.items() if count}
