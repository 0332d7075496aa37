"""Where each backfill stopped: saved after every page is published, read on start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

metadata = sa.MetaData()
cursors = sa.Table(
    "ingest_backfill_cursors",
    metadata,
    sa.Column("source_key", sa.String(200), primary_key=True),
    sa.Column("provider", sa.String(40), nullable=False),
    sa.Column("cursor", sa.JSON(), nullable=False),
    sa.Column("records_imported", sa.Integer(), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class SavedCursor:
    cursor: dict[str, Any]
    records_imported: int


class CursorStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def load(self, source_key: str) -> SavedCursor | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(cursors.c.cursor, cursors.c.records_imported)
                .where(cursors.c.source_key == source_key)
            ).first()
        return SavedCursor(dict(row.cursor), int(row.records_imported)) if row else None

    def save(self, source_key: str, *, provider: str, cursor: dict[str, Any],
             records_imported: int) -> None:
        values = {"cursor": cursor, "records_imported": records_imported,
                  "updated_at": datetime.now(UTC)}
        with self.engine.begin() as connection:
            updated = connection.execute(
                sa.update(cursors).where(cursors.c.source_key == source_key).values(**values)
            )
            if updated.rowcount == 0:  # one backfill per source at a time: no race to insert
                connection.execute(sa.insert(cursors).values(source_key=source_key,
                                                             provider=provider, **values))
