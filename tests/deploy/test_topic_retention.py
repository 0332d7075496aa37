"""Every topic is created with a retention, wherever it is created: Kafka cannot erase one
person's records, so the retention is what bounds how long an erased person lingers there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from shared.events.topics import (
    DLQ_RETENTION_MS,
    RETENTION_MS,
    TOPICS,
    all_topics,
    retention_ms,
)
from shared.settings import KafkaSettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.kafka
def test_topics_the_services_create_carry_their_retention(kafka_settings: KafkaSettings) -> None:
    names = [kafka_settings.topic(topic) for topic in all_topics()]
    admin = KafkaAdminClient(bootstrap_servers=kafka_settings.bootstrap_servers.split(","))
    try:
        described = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name, configs={"retention.ms": None})
             for name in names])
    finally:
        admin.close()
    found = {name: _config_value(described, name, "retention.ms") for name in names}
    assert found == {name: str(retention_ms(name)) for name in names}
    assert {retention_ms(name) for name in names} == {RETENTION_MS, DLQ_RETENTION_MS}


def test_compose_creates_every_topic_with_its_retention() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    script = "\n".join(compose["services"]["kafka-init"]["command"])
    created: dict[str, int] = {}
    for topics, body in re.findall(r"for topic in ([^;]+); do(.*?)done", script, flags=re.S):
        match = re.search(r"--config retention\.ms=(\d+)", body)
        assert match, body
        created |= dict.fromkeys(topics.split(), int(match.group(1)))
    assert created == {topic: retention_ms(topic) for topic in all_topics()}


def test_the_kubernetes_topic_commands_and_the_local_broker_set_a_retention() -> None:
    guide = (ROOT / "docs" / "operations.md").read_text()
    commands = guide[guide.index("### 1. Topics"):guide.index("### 2. Secrets")]
    assert f"retention.ms={RETENTION_MS}" in commands
    assert f"retention.ms={DLQ_RETENTION_MS}" in commands
    assert "$t.dlq" in commands
    assert all(topic in commands for topic in TOPICS)
    broker = (ROOT / "deploy" / "kafka" / "server.properties.in").read_text()
    assert re.search(r"^log\.retention\.(hours|ms)=\d+$", broker, flags=re.M)


def _config_value(described: object, topic: str, key: str) -> str:
    """The value of ``key`` for ``topic`` in a describe_configs answer (kafka-python 3's dict
    form, or the response objects of older releases)."""
    if isinstance(described, dict):
        for resources in described.values():
            if topic in resources:
                entry = resources[topic][key]
                return str(entry["value"] if isinstance(entry, dict) else entry)
    raise AssertionError(f"no {key} for {topic} in {described!r}")
