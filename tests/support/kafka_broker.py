"""The Kafka broker the tests run against — always a real Apache Kafka.

Order: ``KAFKA_BOOTSTRAP_SERVERS`` (an already running cluster) -> testcontainers with the
``apache/kafka`` image when a Docker engine answers -> a local JVM broker from the Maven-resolved
jars (``deploy/kafka/launcher.py``). ``KAFKA_TEST_BACKEND=native|docker|auto`` forces a choice.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from deploy.kafka.launcher import (
    KAFKA_VERSION,
    LocalKafka,
    free_port,
    new_cluster_id,
    temporary_broker,
)


def docker_available(timeout_s: float = 3.0) -> bool:
    try:
        import docker

        client = docker.from_env(timeout=timeout_s)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


@contextmanager
def kafka_broker() -> Iterator[str]:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield os.environ["KAFKA_BOOTSTRAP_SERVERS"]
        return
    backend = os.environ.get("KAFKA_TEST_BACKEND", "auto")
    if backend == "docker" or (backend == "auto" and docker_available()):
        with _docker_broker() as bootstrap:
            yield bootstrap
        return
    with native_broker() as bootstrap:
        yield bootstrap


@contextmanager
def native_broker() -> Iterator[str]:
    broker, data_dir = temporary_broker()
    try:
        yield broker.start()
    finally:
        broker.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def _docker_broker() -> Iterator[str]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    port = free_port()  # same number inside and out, so the advertised address works on the host
    container = DockerContainer(f"apache/kafka:{KAFKA_VERSION}").with_bind_ports(port, port)
    for key, value in {
        "CLUSTER_ID": new_cluster_id(),
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": f"PLAINTEXT://:{port},CONTROLLER://:9093",
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://127.0.0.1:{port}",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "KAFKA_INTER_BROKER_LISTENER_NAME": "PLAINTEXT",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
        "KAFKA_LOG_DIRS": "/tmp/kraft-combined-logs",
        "KAFKA_HEAP_OPTS": "-Xms128m -Xmx512m",
    }.items():
        container = container.with_env(key, value)
    container = container.waiting_for(
        LogMessageWaitStrategy("Kafka Server started").with_startup_timeout(120)
    )
    with container:
        yield f"127.0.0.1:{port}"


class RestartableBroker:
    """A private JVM broker a test may kill with SIGKILL and start again on the same data
    directory and ports, as a crashed broker is restarted. Not the session broker: other tests
    use that one at the same time."""

    def __init__(self, partitions: int = 3) -> None:
        self.partitions = partitions
        self.broker, self.data_dir = temporary_broker(partitions)

    @property
    def bootstrap(self) -> str:
        return self.broker.bootstrap

    def start(self, timeout_s: float = 120.0) -> str:
        return self.broker.start(timeout_s)

    def kill(self) -> None:
        """SIGKILL the JVM: no shutdown hook, no clean log close (recovered at the next start)."""
        process = self.broker.process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(30)

    def restart(self, timeout_s: float = 120.0) -> str:
        self.kill()
        self.broker = LocalKafka(data_dir=self.data_dir, port=self.broker.port,
                                 controller_port=self.broker.controller_port,
                                 partitions=self.partitions)
        return self.broker.start(timeout_s)

    def close(self) -> None:
        self.broker.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
