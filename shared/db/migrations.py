"""Alembic migrations, applied on service start.

Each service owns its tables and its migration folder (``services/<name>/migrations``) with its
own version table, so three services starting at once never race on one history.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine


def alembic_config(script_location: Path, *, version_table: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["version_table"] = version_table
    return config


def apply_migrations(engine: Engine, script_location: Path, *, version_table: str) -> None:
    config = alembic_config(script_location, version_table=version_table)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def downgrade_all(engine: Engine, script_location: Path, *, version_table: str) -> None:
    config = alembic_config(script_location, version_table=version_table)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
