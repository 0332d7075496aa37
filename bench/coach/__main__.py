"""Score events per second turned into skill profiles, through a real Kafka broker.

    python -m deploy.kafka.launcher start --background --data-dir /tmp/bench-coach-kafka \
        --port 19192 --controller-port 19193
    python -m bench.coach --bootstrap 127.0.0.1:19192 [--events 50000] [--agents 500]
    python -m deploy.kafka.launcher stop --data-dir /tmp/bench-coach-kafka

Produces N score events to a fresh topic prefix, then runs the coach's real consumer (the same
``ConsumerLoop`` + batch handler + assignment run the service uses) against a fresh database and
measures until every event is applied. Prints the figures; it is not a test.
"""

from __future__ import annotations

import argparse
import random
import secrets
import tempfile
import time
import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from services.coach.app import MIGRATIONS
from services.coach.clients.announcer import SilentAnnouncer
from services.coach.domain.policy import AssignmentPolicy
from services.coach.domain.scenario_library import load_library
from services.coach.settings import CoachSettings, ProfileSettings
from services.coach.store.tables import assignments, dimension_profiles
from services.coach.streams.score_consumer import ScoreBatchHandler, make_score_loop
from services.coach.workflows.assignment_service import AssignmentService
from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations
from shared.events import ASSIGNMENTS, SCORES, ScoreEvent
from shared.events.codec import decode_as, encode_event
from shared.events.schemas import example_paths
from shared.events.scores import DIMENSIONS, DimensionResult
from shared.kafka.admin import ensure_topics
from shared.kafka.consumer import Decoded
from shared.kafka.producer import create_producer, send_bytes, wait_all
from shared.kafka.runner import BackgroundConsumer
from shared.settings import DatabaseSettings, KafkaSettings

NOW = datetime.now(UTC)


def make_events(count: int, agents: int, teams: int, seed: int = 7) -> list[ScoreEvent]:
    rng = random.Random(seed)
    template = decode_as(ScoreEvent, example_paths(SCORES)[0].read_bytes())
    skill = {(a, d): rng.uniform(0.2, 0.9) for a in range(agents) for d in DIMENSIONS}
    events = []
    for index in range(count):
        agent = index % agents
        dims = {d: DimensionResult(score=None if rng.random() < 0.15 else min(1.0, max(
            0.0, rng.gauss(skill[(agent, d)], 0.12))), evidence=()) for d in DIMENSIONS}
        at = NOW - timedelta(minutes=rng.randrange(90 * 24 * 60))
        events.append(template.model_copy(update={
            "event_id": f"bench:{index}@m", "agent_id": f"zendesk:{agent % teams}:{agent}",
            "message_id": f"m{index}", "message_at": at, "scored_at": at, "dimensions": dims}))
    return events


def produce(kafka: KafkaSettings, events: Sequence[ScoreEvent]) -> float:
    producer = create_producer(kafka, client_suffix="bench-coach")
    started = time.perf_counter()
    futures = [send_bytes(producer, kafka.topic(SCORES), key=e.agent_id, value=encode_event(e))
               for e in events]
    wait_all(futures, timeout_s=60)
    elapsed = time.perf_counter() - started
    producer.close()
    return elapsed


class TimedHandler:
    """Wraps the real handler to time the database work and the first batch."""

    def __init__(self, inner: ScoreBatchHandler) -> None:
        self.inner = inner
        self.first_batch_at: float | None = None
        self.handler_s = 0.0
        self.batches = 0

    def __call__(self, batch: Sequence[Decoded]) -> list[tuple[Decoded, str]]:
        started = time.perf_counter()
        self.first_batch_at = self.first_batch_at or started
        rejected = self.inner(batch)
        self.handler_s += time.perf_counter() - started
        self.batches += 1
        return rejected


def run(args: argparse.Namespace) -> None:
    kafka = KafkaSettings(bootstrap_servers=args.bootstrap, topic_partitions=args.partitions,
                          topic_prefix=f"bench{uuid.uuid4().hex[:8]}.")
    ensure_topics(kafka.bootstrap_servers, partitions=args.partitions,
                  topic_prefix=kafka.topic_prefix)
    database_url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'coach.db'}"
    engine = create_db_engine(database_url)
    apply_migrations(engine, MIGRATIONS, version_table="alembic_version_coach")
    events = make_events(args.events, args.agents, args.teams)
    produce_s = produce(kafka, events)

    # The production environment (the default) wants real secrets; the bench serves no HTTP.
    settings = CoachSettings(kafka=kafka, database=DatabaseSettings(url=database_url),
                             admin_token=secrets.token_hex(16), link_secret=secrets.token_hex(16),
                             scorer_token=secrets.token_hex(16),
                             consumer_group=f"bench-coach-{uuid.uuid4().hex[:6]}",
                             max_poll_records=args.max_poll_records)
    producer = create_producer(kafka, client_suffix="bench-coach-assign")
    service = AssignmentService(
        engine=engine, producer=producer, topic=kafka.topic(ASSIGNMENTS),
        library=load_library(), profile_settings=ProfileSettings(), policy=AssignmentPolicy(),
        announcer=SilentAnnouncer(), clock=lambda: NOW, produce_timeout_s=30)
    after = service.assign_unassigned if args.assign else _no_assignment
    handler = TimedHandler(ScoreBatchHandler(engine=engine, half_life_s=30 * 86_400,
                                             clock=lambda: NOW, after_batch=after))
    runner = BackgroundConsumer(lambda: make_score_loop(settings, producer=producer,
                                                        handler=handler))
    started = time.perf_counter()
    runner.start()
    finished = handler.inner.wait_for(len(events), timeout_s=args.timeout_s)
    ended = time.perf_counter()
    runner.stop()
    producer.close()
    report(args, engine, database_url, produce_s, started, ended, handler, finished)


def _no_assignment(_agents: Collection[str]) -> None:
    return None


def report(args: argparse.Namespace, engine: sa.Engine, database_url: str, produce_s: float,
           started: float, ended: float, handler: TimedHandler, finished: bool) -> None:
    with engine.connect() as connection:
        rows = connection.scalar(sa.select(sa.func.count()).select_from(dimension_profiles))
        assigned = connection.scalar(sa.select(sa.func.count()).select_from(assignments))
    total_s = ended - started
    steady_s = ended - (handler.first_batch_at or started)
    applied = handler.inner.seen
    print(f"database           {database_url.split('://')[0]}")
    print(f"events             {applied}/{args.events} applied{'' if finished else ' (TIMED OUT)'}"
          f"  agents {args.agents}  teams {args.teams}  partitions {args.partitions}")
    print(f"produce            {args.events / produce_s:,.0f} events/s ({produce_s:.2f} s)")
    print(f"consume, overall   {applied / total_s:,.0f} events/s "
          f"({total_s:.2f} s, group join included)")
    print(f"consume, steady    {applied / steady_s:,.0f} events/s "
          f"({steady_s:.2f} s from the first batch)")
    print(f"handler            {handler.batches} batches, {handler.handler_s:.2f} s in the "
          f"handler ({handler.handler_s / max(handler.batches, 1) * 1000:.1f} ms/batch)")
    print(f"profile rows       {rows}   assignments {assigned}"
          f"   assignment run {'on' if args.assign else 'off'}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.coach", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:19192")
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--max-poll-records", type=int,
                        default=CoachSettings.model_fields["max_poll_records"].default)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--no-assign", dest="assign", action="store_false",
                        help="profiles only, without the assignment run after each batch")
    parser.add_argument("--timeout-s", type=float, default=300)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
