"""Every service's migrations apply and roll back on real SQLite and real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations, downgrade_all
from tests.support.databases import table_names

SERVICES = Path(__file__).resolve().parents[2] / "services"
SERVICE_NAMES = sorted(
    path.parent.parent.name
    for path in SERVICES.glob("*/migrations/env.py")
    if any((path.parent / "versions").glob("*.py"))
)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_migrations_apply_twice_and_roll_back(database_url: str, service: str) -> None:
    engine = create_db_engine(database_url)
    location = SERVICES / service / "migrations"
    version_table = f"alembic_version_{service}"
    try:
        apply_migrations(engine, location, version_table=version_table)
        created = table_names(engine)
        assert version_table in created
        assert len(created) > 1, f"{service} migrations created no tables"
        apply_migrations(engine, location, version_table=version_table)  # start-up is idempotent
        downgrade_all(engine, location, version_table=version_table)
        assert table_names(engine) <= {version_table}
    finally:
        engine.dispose()


def test_all_services_share_one_database_without_clashing(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        for service in SERVICE_NAMES:
            apply_migrations(
                engine,
                SERVICES / service / "migrations",
                version_table=f"alembic_version_{service}",
            )
        tables = table_names(engine)
        assert {f"alembic_version_{s}" for s in SERVICE_NAMES} <= tables
    finally:
        engine.dispose()


def test_concurrent_processes_migrating_one_sqlite_file_take_turns(tmp_path: Path) -> None:
    """uvicorn workers start together; without the lock file two of them create one table."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    script = (
        "import sys; from pathlib import Path;"
        "from shared.db.engine import create_db_engine;"
        "from shared.db.migrations import apply_migrations;"
        f"apply_migrations(create_db_engine({url!r}), Path({str(SERVICES)!r}) / sys.argv[1]"
        " / 'migrations', version_table='alembic_version_' + sys.argv[1])"
    )
    workers = [subprocess.Popen([sys.executable, "-c", script, service])
               for service in SERVICE_NAMES for _ in range(3)]
    assert [worker.wait(120) for worker in workers] == [0] * len(workers)
    engine = create_db_engine(url)
    try:
        assert {f"alembic_version_{s}" for s in SERVICE_NAMES} <= table_names(engine)
    finally:
        engine.dispose()
