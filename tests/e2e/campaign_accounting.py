"""Accounting for the fault campaign: what was promised (2xx answers) against what is on every
topic, in the scorer's and the coach's tables, read back in full once the pipeline is idle.

Reads only public state: the topics (from the beginning, every partition), the consumer groups'
committed offsets, the services' tables and the coach's admin API.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from services.coach.store.tables import assignments, dimension_profiles, score_events
from services.scorer.conversation_context import is_scorable_candidate
from services.scorer.repository import scores as scorer_scores
from shared.events import ASSIGNMENTS, INTERACTIONS, SCORES, InteractionEvent, dlq_topic
from shared.events.codec import decode_as


def read_topic(bootstrap: str, topic: str, timeout_s: float = 60.0) -> list[bytes]:
    """Every record value of ``topic`` up to its current end, all partitions, no group."""
    return [record.value for record in read_records(bootstrap, topic, timeout_s)]


def read_records(bootstrap: str, topic: str, timeout_s: float = 60.0) -> list[Any]:
    """Every record of ``topic`` up to its current end, all partitions, no group."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                             client_id=f"campaign-read-{uuid.uuid4().hex[:6]}")
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        records: list[Any] = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if all(consumer.position(p) >= ends[p] for p in partitions):
                return records
            for batch in consumer.poll(timeout_ms=500, max_records=5000).values():
                records.extend(batch)
        raise AssertionError(f"could not read {topic} to its end within {timeout_s:.0f}s")
    finally:
        consumer.close()


def group_lag(bootstrap: str, group: str, topic: str) -> int | None:
    """Records of ``topic`` past ``group``'s committed offsets (None: nothing committed yet)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="campaign-lag")
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id="campaign-lag")
    try:
        committed = admin.list_group_offsets(group).get(group, {})
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        ends = consumer.end_offsets(partitions)
        if not any(p in committed for p in partitions):
            return None if any(ends.values()) else 0
        return sum(max(0, end - (committed[p].offset if p in committed else 0))
                   for p, end in ends.items())
    finally:
        consumer.close()
        admin.close()


@dataclass
class Row:
    stage: str
    expected: int
    found: int
    lost: int
    duplicated: int
    note: str = ""


@dataclass
class Accounting:
    rows: list[Row] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def row(self, stage: str) -> Row:
        return next(row for row in self.rows if row.stage == stage)

    def table(self) -> str:
        lines = [f"{'stage':<44} {'expected':>8} {'found':>7} {'lost':>5} {'dup':>4}  note",
                 "-" * 88]
        lines += [f"{r.stage:<44} {r.expected:>8} {r.found:>7} {r.lost:>5} {r.duplicated:>4}"
                  f"  {r.note}" for r in self.rows]
        lines += [f"{key}: {value}" for key, value in self.facts.items()]
        return "\n".join(lines)


def account(*, bootstrap: str, prefix: str, engine: sa.Engine, promised: set[str],
            coach_summary: dict[str, Any]) -> Accounting:
    """``promised``: the event ids of every delivery answered 2xx."""
    result = Accounting()

    # 1. support.interactions.v1: every promised event once, by event id.
    raw = read_topic(bootstrap, prefix + INTERACTIONS)
    events = [decode_as(InteractionEvent, value) for value in raw]
    on_topic = Counter(event.event_id for event in events)
    lost = promised - set(on_topic)
    result.rows.append(Row(
        "support.interactions.v1 (event_id)", len(promised), len(on_topic), len(lost),
        _extra(on_topic), note=f"{len(raw)} records; "
        f"{len(set(on_topic) - promised)} from deliveries never answered 2xx"))
    _problem(result, lost, "2xx'd events missing from support.interactions.v1")

    # 2. support.scores.v1: every public agent message once (or recorded as skipped).
    agent_messages = {message.message_id for event in events for message in event.messages
                      if is_scorable_candidate(message.author_role.value, message.public)}
    with engine.connect() as connection:
        skipped = dict(connection.execute(
            sa.select(scorer_scores.c.message_id, scorer_scores.c.skip_reason)
            .where(scorer_scores.c.status == "skipped")).all())
    raw_scores = read_records(bootstrap, prefix + SCORES)
    score_records = [json.loads(record.value) for record in raw_scores]
    scored = Counter(record["message_id"] for record in score_records)
    score_ids = Counter(record["event_id"] for record in score_records)
    expected_scored = agent_messages - set(skipped)
    lost_scores = expected_scored - set(scored)
    reasons = Counter(skipped.values())
    result.rows.append(Row(
        "support.scores.v1 (agent message)", len(expected_scored), len(scored),
        len(lost_scores), _extra(scored),
        note=f"{len(agent_messages)} public agent messages, {len(skipped)} skipped "
             f"({', '.join(f'{n}x {r[:40]}' for r, n in reasons.most_common(3))})"))
    _problem(result, lost_scores, "agent messages never scored")
    _problem(result, set(scored) - agent_messages, "scores for no agent message on the topic")
    _problem(result, set(scored) & set(skipped), "messages both skipped and scored")
    for record in raw_scores:  # where and when each copy of a repeated score was written
        message_id = json.loads(record.value)["message_id"]
        if scored[message_id] > 1:
            written = datetime.fromtimestamp(record.timestamp / 1000, UTC).strftime("%H:%M:%S.%f")
            result.problems.append(f"score of {message_id} at {record.partition}@{record.offset}"
                                   f" written {written[:-3]}")
    if len(score_ids) != len(scored):
        result.problems.append(f"{len(score_ids)} score event ids for {len(scored)} messages")

    # 3. The coach: every score applied once, to the right profile rows.
    with engine.connect() as connection:
        applied = Counter(connection.scalars(sa.select(score_events.c.event_id)))
        profile_counts = {(agent, dimension): count for agent, dimension, count in
                          connection.execute(sa.select(dimension_profiles.c.agent_id,
                                                       dimension_profiles.c.dimension,
                                                       dimension_profiles.c.scored_count))}
        drill_rows = {key: (agent, at) for key, agent, at in connection.execute(
            sa.select(assignments.c.assignment_id, assignments.c.agent_id,
                      assignments.c.published_at))}
    expected_counts: Counter[tuple[str, str]] = Counter()
    for record in {r["event_id"]: r for r in score_records}.values():
        for dimension, value in record["dimensions"].items():
            if value["score"] is not None:
                expected_counts[(record["agent_id"], dimension)] += 1
    wrong_profiles = {key for key in set(expected_counts) | set(profile_counts)
                      if expected_counts.get(key, 0) != profile_counts.get(key, 0)}
    lost_applied = set(score_ids) - set(applied)
    api_applied = int(coach_summary.get("score_events_applied", -1))
    result.rows.append(Row(
        "coach profiles (score event applied)", len(score_ids), len(applied), len(lost_applied),
        _extra(applied), note=f"admin API says {api_applied} applied; "
        f"{len(wrong_profiles)} of {len(profile_counts)} (agent, dimension) counts off"))
    _problem(result, lost_applied, "scores never applied by the coach")
    _problem(result, set(applied) - set(score_ids), "applied events that are not on the topic")
    _problem(result, wrong_profiles, "profile rows whose scored_count differs from the topic")
    if api_applied != len(applied):
        result.problems.append(f"admin summary: {api_applied} applied, tables: {len(applied)}")

    # 4. coach.assignments.v1: every drill the coach stored announced, each version of it once
    # (a drill re-aimed to a new focus is announced again, under an event id of its own).
    announced = [json.loads(value) for value in read_topic(bootstrap, prefix + ASSIGNMENTS)]
    versions = Counter(event["event_id"] for event in announced)
    drills = Counter(event["assignment_id"] for event in announced)
    unpublished = {key for key, (_agent, at) in drill_rows.items() if at is None}
    lost_drills = set(drill_rows) - set(drills)
    result.rows.append(Row(
        "coach.assignments.v1 (drill)", len(drill_rows), len(drills), len(lost_drills),
        _extra(versions), note=f"{len(unpublished)} stored but unpublished; "
        f"{len(versions) - len(drills)} re-aimed versions; "
        f"{len({agent for agent, _at in drill_rows.values()})} agents with drills"))
    _problem(result, lost_drills | unpublished, "drills never announced")
    _problem(result, set(drills) - set(drill_rows), "announced drills the coach has no row for")

    # Nothing a fault caused may have gone to a dead-letter topic.
    for topic in (INTERACTIONS, SCORES, ASSIGNMENTS):
        count = len(read_topic(bootstrap, prefix + dlq_topic(topic)))
        result.facts[f"dead-lettered on {dlq_topic(topic)}"] = count
        if count:
            result.problems.append(f"{count} records dead-lettered on {dlq_topic(topic)}")
    for row in result.rows:
        if row.duplicated:
            result.problems.append(f"{row.duplicated} duplicates on {row.stage}")
    return result


def _extra(counts: Counter[str]) -> int:
    return sum(count - 1 for count in counts.values())


def _problem(result: Accounting, ids: Iterable[Any], what: str) -> None:
    found = sorted(map(str, ids))
    if found:
        result.problems.append(f"{len(found)} {what}: {found[:5]}")
