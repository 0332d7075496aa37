"""Helpers for the ingest tests: fixtures, signed deliveries, a real HTTP server, topic reads."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from kafka import KafkaConsumer
from pydantic import SecretStr

from services.ingest.delivery_files import RecordedDelivery, load_deliveries, load_delivery
from services.ingest.providers import PROVIDER_NAMES
from services.ingest.providers.base import Delivery
from services.ingest.settings import IngestSettings
from services.ingest.signing_clients import sign_recorded
from shared.events import INTERACTIONS, InteractionEvent
from shared.events.codec import decode_as
from shared.settings import DatabaseSettings, KafkaSettings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SECRETS = {provider: f"test-secret-for-{provider}" for provider in PROVIDER_NAMES}
SALESFORCE_ORG = "00D5g000004ABCDEA2"
PSEUDONYM_KEY = "test-pseudonym-key-for-ingest"


def fixture(provider: str, name: str) -> RecordedDelivery:
    return load_delivery(FIXTURES / provider / f"{name}.json")


def provider_fixtures(provider: str) -> list[RecordedDelivery]:
    return load_deliveries(FIXTURES / provider)


def delivery_of(recorded: RecordedDelivery, *, headers: dict[str, str] | None = None,
                url: str | None = None, body: bytes | None = None,
                query: dict[str, str] | None = None) -> Delivery:
    """A ``Delivery`` as the route would build it (no signature headers unless given)."""
    return Delivery(
        provider=recorded.provider, method="POST",
        url=url or f"http://127.0.0.1/webhooks/{recorded.provider}",
        headers={key.lower(): value for key, value in {**recorded.headers,
                                                       **(headers or {})}.items()},
        query=recorded.query if query is None else query,
        body=recorded.body if body is None else body,
        received_at=datetime.now(UTC),
    )


def ingest_settings(kafka: KafkaSettings, database_url: str, **overrides: Any) -> IngestSettings:
    values: dict[str, Any] = {
        "environment": "test",
        "kafka": kafka,
        "database": DatabaseSettings(url=database_url),
        "webhook_secrets": {name: SecretStr(value) for name, value in SECRETS.items()},
        "salesforce_org_ids": (SALESFORCE_ORG,),
        "pseudonym_key": SecretStr(PSEUDONYM_KEY),
    }
    values.update(overrides)
    return IngestSettings(**values)


def signed_post_args(recorded: RecordedDelivery, base_url: str, *,
                     secret: str | None = None, now_s: float | None = None,
                     body: bytes | None = None) -> dict[str, Any]:
    """``httpx`` keyword arguments for POSTing ``recorded`` signed as its platform signs."""
    signed = sign_recorded(recorded, base_url,
                           SECRETS[recorded.provider] if secret is None else secret,
                           now_s=now_s, body=body)
    return {"url": signed.url, "content": recorded.body if body is None else body,
            "headers": signed.headers}


class _NotifyingServer(uvicorn.Server):
    """A uvicorn server that says when start-up (lifespan included) finished."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        self.ready.set()


@contextlib.contextmanager
def serving(app: FastAPI, port: int) -> Iterator[str]:
    """Run ``app`` with uvicorn on a thread; yields its base URL; stops it on exit."""
    server = _NotifyingServer(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                             access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        if not server.ready.wait(60):
            raise RuntimeError("the ingest app did not start within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def read_events(kafka: KafkaSettings, *, until: set[str], timeout_s: float = 30.0
                ) -> list[InteractionEvent]:
    """Every event on the test's interactions topic, read until all ``until`` ids were seen."""
    consumer = KafkaConsumer(kafka.topic(INTERACTIONS), bootstrap_servers=kafka.bootstrap_servers,
                             group_id=f"read-{uuid.uuid4().hex[:8]}",
                             auto_offset_reset="earliest", consumer_timeout_ms=1000)
    events: list[InteractionEvent] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=500)
            events.extend(decode_as(InteractionEvent, record.value)
                          for records in batch.values() for record in records)
            if until <= {event.event_id for event in events}:
                return events
    finally:
        consumer.close()
    missing = until - {event.event_id for event in events}
    raise AssertionError(f"events never reached the topic: {sorted(missing)}")


class NoLateSettlements:
    """For test publishers that settle every send before ``publish`` returns."""

    def in_producer(self, event_id: str) -> bool:
        return False

    def on_late_settlement(self, callback: object) -> None:
        pass
