"""Topic creation and broker reachability, for start-up and ``/readyz``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError

from shared.events.topics import all_topics, retention_ms


def ensure_topics(
    bootstrap_servers: str,
    *,
    partitions: int,
    topics: Iterable[str] | None = None,
    topic_prefix: str = "",
    timeout_s: float = 30.0,
) -> list[str]:
    """Create the missing topics; returns the names it created. Safe to call concurrently."""
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap_servers.split(","),
        client_id="rapport-admin",
        request_timeout_ms=int(timeout_s * 1000),
    )
    try:
        existing = set(admin.list_topics())
        names = topics or [f"{topic_prefix}{t}" for t in all_topics()]
        wanted = [t for t in names if t not in existing]
        if not wanted:
            return []
        spec = {name: {"num_partitions": partitions, "replication_factor": 1,
                       "configs": {"retention.ms": str(retention_ms(name))}}
                for name in wanted}
        # Another service may create one between our list and create: that is fine.
        with contextlib.suppress(TopicAlreadyExistsError):
            admin.create_topics(spec, wait_for_metadata=True)
        return wanted
    finally:
        admin.close()


def broker_reachable(bootstrap_servers: str, *, timeout_s: float = 3.0) -> bool:
    """True when the cluster answers a metadata request within the timeout."""
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap_servers.split(","),
            client_id="rapport-readyz",
            request_timeout_ms=int(timeout_s * 1000),
            bootstrap_timeout_ms=int(timeout_s * 1000),
        )
    except KafkaError:
        return False
    try:
        admin.list_topics()
        return True
    except KafkaError:
        return False
    finally:
        admin.close()
