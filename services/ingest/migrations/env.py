"""Alembic environment: runs against the connection given by shared.db.migrations."""

from shared.db.alembic_env import run_migrations

run_migrations()
