"""End-to-end fault campaign: realistic traffic from ten helpdesk platforms while the broker, the
scorer, the coach and PostgreSQL fail, then a full accounting of every record.

    make test PYTEST_ARGS="-m faults"        # this campaign alone (it also runs in the suite)

About 1,050 conversations (~2,950 signed deliveries, mixed channels) go to the ingest process at a
fixed rate. Meanwhile, at fixed points of the traffic's progress:

1. the broker is killed with SIGKILL and, once senders get 503s, restarted on the same data
   directory and ports;
2. the scorer process is killed with SIGKILL while it scores a poll batch, and restarted;
3. the coach is restarted (SIGTERM, must exit 0);
4. PostgreSQL, the database all three services use, is restarted (``pg_ctl stop -m fast``).

Senders retry 503s after ``Retry-After``, as the platforms do. Once every delivery has its final
answer and the consumer groups have caught up, the campaign accounts for everything: each event
of a delivery answered 2xx is on ``support.interactions.v1`` exactly once; each public agent
message there is scored exactly once on ``support.scores.v1`` (or recorded as skipped, with its
reason); each score is applied exactly once to its agent's profile (the coach's tables, and its
admin API's count); each drill the coach stored is on ``coach.assignments.v1`` exactly once; and
nothing went to a dead-letter topic. The table is printed.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from services.coach.store.tables import assignments
from shared.db.engine import create_db_engine
from shared.events import INTERACTIONS, SCORES
from tests.e2e.campaign_accounting import account, group_lag
from tests.e2e.campaign_senders import Senders
from tests.e2e.campaign_stack import CampaignStack, environment_ready
from tests.e2e.campaign_traffic import Conversation, campaign_traffic
from tests.support.postgres_server import postgres_bin_dir
from tests.support.processes import wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow, pytest.mark.faults]

CONVERSATIONS = 1050
# Conversations started per second: ~2.8 deliveries each, so ~22 webhooks/s for ~130 s, which
# the scorer (the slowest stage, ~40-100 agent messages/s on two cores) keeps up with between
# faults, and which spans all four faults.
RATE_PER_S = 8.0
FAULTS_AT = {"broker": 0.12, "scorer": 0.35, "coach": 0.55, "postgres": 0.72}


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[CampaignStack]:
    reason = environment_ready()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the fault campaign must run in CI: {reason}")
        pytest.skip(reason)
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None
    stack = CampaignStack(tmp_path, bin_dir)
    try:
        stack.start()
        yield stack
    finally:
        stack.close()


async def _campaign(stack: CampaignStack, traffic: list[Conversation]
                    ) -> tuple[Senders, dict[str, Any]]:
    senders = Senders(stack.url("ingest"), stack.secrets, traffic, rate_per_s=RATE_PER_S)
    outcome: dict[str, Any] = {}

    async def faults() -> None:
        await senders.wait_progress(FAULTS_AT["broker"])
        mark = senders.failed_attempts
        await asyncio.to_thread(stack.kill_broker, lambda: senders.failed_attempts - mark >= 3)
        await senders.wait_progress(FAULTS_AT["scorer"])
        outcome["scorer_mid_batch"] = await asyncio.to_thread(stack.kill_scorer_mid_batch)
        await senders.wait_progress(FAULTS_AT["coach"])
        outcome["coach_exit_code"] = await asyncio.to_thread(stack.restart_coach)
        await senders.wait_progress(FAULTS_AT["postgres"])
        mark = senders.failed_attempts
        await asyncio.to_thread(stack.restart_postgres,
                                lambda: senders.failed_attempts - mark >= 5)

    sending = asyncio.create_task(senders.run())
    faulting = asyncio.create_task(faults())
    await asyncio.wait({sending, faulting}, return_when=asyncio.FIRST_EXCEPTION)
    if faulting.done() and faulting.exception() is not None:
        sending.cancel()
    await faulting  # raises a fault's failure
    await sending
    return senders, outcome


def _backlog(stack: CampaignStack, engine: sa.Engine) -> dict[str, int | None]:
    """What the scorer and the coach have yet to do: their groups' lag, unpublished drills."""
    bootstrap = stack.broker.bootstrap
    with engine.connect() as connection:
        unpublished = connection.execute(sa.select(sa.func.count()).select_from(assignments)
                                         .where(assignments.c.published_at.is_(None)))
        drills = unpublished.scalar_one()
    return {"scorer lag": group_lag(bootstrap, "rapport-scorer", stack.prefix + INTERACTIONS),
            "coach lag": group_lag(bootstrap, "rapport-coach", stack.prefix + SCORES),
            "unpublished drills": drills}


def _drain(stack: CampaignStack, engine: sa.Engine, timeout_s: float) -> str | None:
    """Wait until the scorer and the coach caught up and the coach's outbox is empty; or say
    what is left after ``timeout_s``."""
    try:
        wait_until(lambda: all(v == 0 for v in _backlog(stack, engine).values()),
                   timeout_s=timeout_s,
                   what="the scorer and the coach to catch up after the campaign")
    except AssertionError as exc:
        return f"{exc}: {_backlog(stack, engine)}"
    return None


class BacklogSampler:
    """Every few seconds, what each stage has yet to do, and whether the services are ready:
    printed when the campaign fails, to see which stage stalled and when."""

    def __init__(self, stack: CampaignStack, engine: sa.Engine, every_s: float = 5.0) -> None:
        self.samples: list[str] = []
        self._stack, self._engine, self._every_s = stack, engine, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> BacklogSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        while not self._stop.wait(self._every_s):  # the sampling interval
            try:
                ready = {name: _ready(service.url)
                         for name, service in self._stack.services.items()}
                backlog = _backlog(self._stack, self._engine)
                self.samples.append(f"{datetime.now(UTC):%H:%M:%S} {backlog} ready {ready}")
            except Exception as exc:  # the broker or the database may be the fault of the moment
                self.samples.append(f"{datetime.now(UTC):%H:%M:%S} unavailable: {exc!r}"[:200])


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def test_fault_campaign_loses_and_duplicates_nothing(
    stack: CampaignStack, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    traffic = campaign_traffic(CONVERSATIONS)
    engine = create_db_engine(stack.database_url)
    try:
        with BacklogSampler(stack, engine) as sampler:
            senders, outcome = asyncio.run(_campaign(stack, traffic))
            sent_s = time.monotonic() - started
            stuck = _drain(stack, engine, timeout_s=240)
            drained_s = time.monotonic() - started
        admin = {"Authorization": f"Bearer {stack.admin_token}"}
        summary = httpx.get(f"{stack.url('coach')}/v1/admin/summary", headers=admin,
                            timeout=10).raise_for_status().json()
        answered = [sent for sent in senders.results if sent.status is not None
                    and 200 <= sent.status < 300]
        promised = {event_id for sent in answered for event_id in sent.delivery.event_ids}
        accounting = account(bootstrap=stack.broker.bootstrap, prefix=stack.prefix,
                             engine=engine, promised=promised, coach_summary=summary)
    finally:
        engine.dispose()

    not_2xx = [sent for sent in senders.results if sent not in answered]
    mismatched = [sent.delivery.recorded.source for sent in answered if sent.answer is not None
                  and set(sent.answer["accepted"]) | set(sent.answer["duplicates"])  # type: ignore[arg-type]
                  != set(sent.delivery.event_ids)]
    accounting.facts |= {
        "conversations": f"{len(traffic)} ({len({c.template for c in traffic})} recorded "
                         f"templates, {len({c.provider for c in traffic})} platforms)",
        "deliveries": f"{len(senders.results)} sent, {len(answered)} answered 2xx, "
                      f"{len(not_2xx)} not; attempts by answer {dict(senders.attempts)}",
        "delivered (events promised by 2xx)": len(promised),
        "faults": outcome,
        "time": f"traffic and faults {sent_s:.0f}s, drained {drained_s:.0f}s, "
                f"total {time.monotonic() - started:.0f}s",
    }
    with capsys.disabled():
        print("\n\nFault campaign accounting\n" + accounting.table())
        print("\n".join(stack.log.entries) + "\n")
        if stuck or accounting.problems:
            print("backlog samples:\n" + "\n".join(sampler.samples) + "\n")

    assert stuck is None, stuck
    assert not not_2xx, [(s.delivery.recorded.source, s.status, s.attempts) for s in not_2xx[:5]]
    assert not mismatched, f"2xx answers naming other events than the delivery's: {mismatched[:5]}"
    assert outcome["scorer_mid_batch"], "the scorer was never caught mid-batch"
    assert outcome["coach_exit_code"] == 0
    assert not accounting.problems, "\n".join(accounting.problems)
    for row in accounting.rows:
        assert row.lost == 0, row
        assert row.duplicated == 0, row
    assert accounting.row("coach.assignments.v1 (drill)").found > 0, "no drill was assigned"
