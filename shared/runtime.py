"""What every service opens at start and closes at stop: database, producer, topics.

Nothing connects at import time; the app factory's lifespan calls ``open_clients``.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import uvicorn
from fastapi import FastAPI
from kafka import KafkaProducer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared.db.engine import create_db_engine, create_session_factory, database_reachable
from shared.db.migrations import apply_migrations
from shared.kafka.admin import broker_reachable, ensure_topics
from shared.kafka.producer import create_producer
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass
class Clients:
    engine: Engine
    sessions: sessionmaker[Session]
    producer: KafkaProducer

    def close(self) -> None:
        self.producer.flush(timeout=10)
        self.producer.close(timeout=10)
        self.engine.dispose()


def open_clients(
    settings: ServiceSettings, *, service: str, migrations: Path, version_table: str
) -> Clients:
    """Open the database (migrated) and a producer (topics created); on a failure half-way,
    what was already opened is closed before the error propagates."""
    engine = create_db_engine(settings.database.url, echo=settings.database.echo)
    try:
        apply_migrations(engine, migrations, version_table=version_table)
        created = ensure_topics(
            settings.kafka.bootstrap_servers,
            partitions=settings.kafka.topic_partitions,
            topic_prefix=settings.kafka.topic_prefix,
        )
        if created:
            log.info("created topics: %s", ", ".join(created))
        producer = create_producer(settings.kafka, client_suffix=service)
    except BaseException:
        engine.dispose()
        raise
    return Clients(engine=engine, sessions=create_session_factory(engine), producer=producer)


def standard_checks(
    settings: ServiceSettings, clients: Clients | None
) -> dict[str, Callable[[], bool]]:
    if clients is None:
        return {"startup": lambda: False}
    return {
        "database": lambda: database_reachable(clients.engine),
        "kafka": lambda: broker_reachable(settings.kafka.bootstrap_servers),
    }


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    # uvicorn turns SIGTERM into a graceful shutdown (the lifespan's exit closes consumers and
    # producers), then re-raises the signal at the handler it found. Finding this one, the
    # process reports the clean stop as exit code 0 rather than death by signal.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=20,
    )


def _exit_cleanly(_signum: int, _frame: FrameType | None) -> None:
    sys.exit(0)
