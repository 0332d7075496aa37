"""Agent messages per second through the real broker, and live latency while the stream runs.

The scorer starts first and joins its group on empty topics; then the benchmark produces the
whole backlog and times from the first record produced to the scores the scorer's producer
stamped (``CreateTime``, same host clock). The first half of the backlog runs alone (the stream
throughput); during the second half a probe posts one live request at a time to ``/v1/score``
(live latency under stream load, and the throughput left to the stream meanwhile).
"""

from __future__ import annotations

import json
import random
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from bench.scorer.corpus import Example, interaction_events, scorable_replies
from bench.scorer.scorer_process import ScorerProcess, assigned_members
from deploy.kafka.launcher import free_port
from shared.events import INTERACTIONS, SCORES, InteractionEvent
from shared.events.codec import encode_event
from shared.kafka.admin import ensure_topics
from shared.kafka.producer import create_producer
from shared.settings import KafkaSettings

PARTITIONS = 6


@dataclass
class StreamRun:
    dtype: str
    events: int
    scores: int
    alone_rate: float  # scores/s over the first half, no live traffic
    with_live_rate: float  # scores/s over the second half, live probes running
    live_ms_busy: list[float] = field(default_factory=list)
    live_ms_idle: list[float] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


class LiveProbe:
    """One live request at a time, ``interval_s`` apart, until stopped."""

    def __init__(self, url: str, api_token: str, examples: list[Example],
                 interval_s: float) -> None:
        self._url = f"{url}/v1/score"
        self._headers = {"Authorization": f"Bearer {api_token}"}
        self._bodies = [example.body() for example in random.Random(7).sample(examples, 50)]
        self._interval_s = interval_s
        self._stop = threading.Event()
        self.latencies_ms: list[float] = []
        self._thread = threading.Thread(target=self._run, name="live-probe", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> list[float]:
        self._stop.set()
        self._thread.join(30)
        return self.latencies_ms

    def _run(self) -> None:
        with httpx.Client(timeout=30, headers=self._headers) as client:
            for index in range(10**9):
                started = time.perf_counter()
                response = client.post(self._url, json=self._bodies[index % len(self._bodies)])
                response.raise_for_status()
                self.latencies_ms.append((time.perf_counter() - started) * 1000)
                if self._stop.wait(self._interval_s):
                    return


def run_stream(*, bootstrap: str, examples: list[Example], dtype: str, events: int,
               torch_threads: int, live_interval_s: float, workdir: Path) -> StreamRun:
    run_id = uuid.uuid4().hex[:8]
    kafka = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=f"bench{run_id}.",
                          topic_partitions=PARTITIONS)
    ensure_topics(bootstrap, partitions=PARTITIONS, topic_prefix=kafka.topic_prefix)
    backlog = list(interaction_events(examples, events, run_id))
    expected = sum(scorable_replies(event) for event in backlog)
    group = f"bench-scorer-{run_id}"
    scorer = ScorerProcess(bootstrap=bootstrap, topic_prefix=kafka.topic_prefix,
                           database_url=f"sqlite:///{workdir / f'scorer-{run_id}.db'}",
                           group_id=group, port=free_port(), dtype=dtype,
                           torch_threads=torch_threads, log_path=workdir / f"scorer-{run_id}.log")
    scorer.start()
    watcher = ScoreWatcher(kafka)
    try:
        _wait(lambda: assigned_members(bootstrap, group) == 1, "the scorer to join its group")
        watcher.start()
        probe = LiveProbe(scorer.url, scorer.api_token, examples, live_interval_s)
        started = time.time()
        _produce(kafka, backlog)
        half = expected // 2
        watcher.wait_for(half, timeout_s=60 + expected / 10)
        probe.start()
        watcher.wait_for(expected, timeout_s=60 + expected / 10)
        busy = probe.stop()
        idle_probe = LiveProbe(scorer.url, scorer.api_token, examples, 0.02)
        idle_probe.start()
        _wait(lambda: len(idle_probe.latencies_ms) >= 50, "idle live probes")
        idle = idle_probe.stop()
    finally:
        watcher.stop()
        scorer.stop()
    stamps = sorted(watcher.stamps.values())
    return StreamRun(
        dtype=dtype, events=events, scores=expected,
        alone_rate=half / (stamps[half - 1] - started),
        with_live_rate=(expected - half) / (stamps[-1] - stamps[half - 1]),
        live_ms_busy=busy, live_ms_idle=idle,
    )


def _produce(kafka: KafkaSettings, backlog: list[InteractionEvent]) -> None:
    producer = create_producer(kafka, client_suffix="bench")
    topic = kafka.topic(INTERACTIONS)
    for event in backlog:
        producer.send(topic, key=event.kafka_key().encode(), value=encode_event(event))
    producer.flush(60)
    producer.close()


class ScoreWatcher:
    """Reads the scores topic in the background: each event id with its producer timestamp."""

    def __init__(self, kafka: KafkaSettings) -> None:
        topic = kafka.topic(SCORES)
        self._consumer = KafkaConsumer(bootstrap_servers=kafka.bootstrap_servers,
                                       enable_auto_commit=False)
        self._consumer.assign([TopicPartition(topic, p) for p in range(PARTITIONS)])
        self._consumer.seek_to_beginning()
        self.stamps: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="score-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(30)
        self._consumer.close()

    def wait_for(self, count: int, *, timeout_s: float) -> None:
        _wait(lambda: len(self.stamps) >= count, f"{count} scores", timeout_s)

    def _run(self) -> None:
        while not self._stop.is_set():
            for records in self._consumer.poll(timeout_ms=200).values():
                for record in records:
                    event_id = json.loads(record.value)["event_id"]
                    self.stamps.setdefault(event_id, record.timestamp / 1000)


def _wait(condition: Callable[[], bool], what: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)
