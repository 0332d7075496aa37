"""The coach's database for one command: connect, report what goes wrong, dispose afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from services.coach.commands.errors import CliError
from services.coach.settings import CoachSettings
from shared.db.engine import create_db_engine, missing_database, shown_url


@contextmanager
def command_connection(settings: CoachSettings) -> Iterator[Connection]:
    """A connection for one command (it ends soon, so no pool is kept). A SQLite file that is
    not there is an error, not a new empty database; database errors become a ``CliError``."""
    url, shown = settings.database.url, shown_url(settings.database.url)
    if (missing := missing_database(url, "coach")) is not None:
        raise CliError(missing)
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            yield connection
    except SQLAlchemyError as exc:
        raise CliError(f"cannot read the coach's database {shown}: "
                       f"{type(exc).__name__}: {str(exc).splitlines()[0]}") from None
    finally:
        engine.dispose()
