"""An index on when each delivery arrived, so the retention job finds old ones without a scan.

Revision ID: ingest_0003
Revises: ingest_0002
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "ingest_0003"
down_revision: str | None = "ingest_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ingest_deliveries_received", "ingest_deliveries", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_ingest_deliveries_received", table_name="ingest_deliveries")
