"""Running the policy: read agents' state, decide, store, publish, announce.

Assignments are written first and published from the table (an outbox): a publish that fails
leaves ``published_at`` empty and the next run sends it again, so nothing decided is lost and
``coach.assignments.v1`` consumers dedupe on the event id.

After every profile batch the agents who already have drills this week are looked at again: when
their evidence now clearly points at another skill (``focus.clear_change``), the drills they
have not started are re-aimed (``policy.decide_reaim``) and go through the same outbox under a
new event id. The agent reads why in each drill's reason; the shared channel hears nothing of
it, as a re-aim names a weak skill.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass

from kafka import KafkaProducer
from kafka.errors import KafkaError
from sqlalchemy import Engine

from services.coach.clients.announcer import Announcer
from services.coach.domain.policy import (
    AssignmentPolicy,
    Decision,
    ReaimDecision,
    decide_assignments,
    decide_reaim,
)
from services.coach.domain.scenario_library import ScenarioLibrary
from services.coach.domain.timeutil import Clock, iso_week
from services.coach.metrics import (
    ASSIGNMENTS,
    ASSIGNMENTS_PUBLISHED,
    ASSIGNMENTS_REAIMED,
    DECISION_SECONDS,
)
from services.coach.settings import ProfileSettings
from services.coach.store import assignment_store
from services.coach.store.agent_states import load_agent_states
from services.coach.store.profile_store import profiled_agent_ids
from shared.events.codec import encode_event
from shared.kafka.producer import PublishError, send_bytes, wait_all, wait_settled

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AssignmentRun:
    week: str
    decisions: tuple[Decision, ...]
    created: tuple[str, ...]  # assignment ids this run inserted
    reaims: tuple[ReaimDecision, ...] = ()
    reaimed: tuple[str, ...] = ()  # assignment ids this run moved to a new focus

    @property
    def agents_assigned(self) -> int:
        created = set(self.created)
        return sum(1 for d in self.decisions
                   if any(a.assignment_id in created for a in d.assignments))


class AssignmentService:
    def __init__(self, *, engine: Engine, producer: KafkaProducer, topic: str,
                 library: ScenarioLibrary, profile_settings: ProfileSettings,
                 policy: AssignmentPolicy, announcer: Announcer, clock: Clock,
                 produce_timeout_s: float) -> None:
        self._engine = engine
        self._producer = producer
        self._topic = topic
        self._library = library
        self._profile_settings = profile_settings
        self._policy = policy
        self._announcer = announcer
        self._clock = clock
        self._produce_timeout_s = produce_timeout_s
        # Agents known to have drills in ``_planned_week``: assignments are never deleted, so the
        # consumer can skip them without asking the database after every batch.
        self._planned_week = ""
        self._planned: set[str] = set()
        self._planned_lock = threading.Lock()  # the consumer thread and admin requests share it
        # Whether the outbox may hold unpublished rows (true at start: a previous run may have
        # stopped between storing and publishing). The consumer thread and admin requests both
        # publish: the lock makes "nothing pending, so clean" and "I just stored rows, so
        # dirty" impossible to interleave (a lost flag would strand a drill unpublished), and
        # keeps two threads from sending the same rows at once.
        self._outbox_dirty = True
        self._outbox_lock = threading.Lock()

    def current_week(self) -> str:
        return iso_week(self._clock())

    def assign_unassigned(self, agent_ids: Collection[str]) -> AssignmentRun:
        """After a profile batch: decide for the agents whose current week has no drills yet,
        and re-aim the not-started drills of the others where their focus changed clearly."""
        week = self.current_week()
        with self._planned_lock:
            if week != self._planned_week:
                self._planned_week, self._planned = week, set()
            unknown = set(agent_ids) - self._planned
        if unknown:
            with self._engine.connect() as connection:
                found = assignment_store.agents_with_assignments(connection, week, unknown)
            self._remember_planned(week, found)
            unknown -= found
        run = self.assign(sorted(unknown), week)
        # Agents planned just now were decided on this very evidence: nothing to re-aim.
        reaims, reaimed = self.reaim(sorted(set(agent_ids) - unknown), week)
        return AssignmentRun(run.week, run.decisions, run.created, reaims, reaimed)

    def reaim(self, agent_ids: Collection[str], week: str
              ) -> tuple[tuple[ReaimDecision, ...], tuple[str, ...]]:
        """Re-aim these agents' not-started drills of ``week`` where the focus changed clearly;
        returns the decisions and the ids moved. Running it again on the same evidence moves
        nothing."""
        if not agent_ids:
            return (), ()
        now = self._clock()
        with self._engine.connect() as connection:
            movable = assignment_store.agents_with_unstarted(connection, week, agent_ids)
            if not movable:
                return (), ()
            states = load_agent_states(connection, movable, week=week, as_of=now,
                                       settings=self._profile_settings, policy=self._policy)
        decisions = tuple(decide_reaim(states[agent_id], self._library, week, self._policy, now)
                          for agent_id in sorted(movable))
        drills = [drill for decision in decisions for drill in decision.drills]
        if not drills:
            return decisions, ()
        with self._engine.begin() as connection:
            reaimed = assignment_store.reaim(connection, drills)
        for decision in decisions:
            moved = [d for d in decision.drills if d.drill.assignment_id in reaimed]
            if moved and decision.focus is not None:
                ASSIGNMENTS_REAIMED.labels(decision.focus.dimension).inc(len(moved))
                log.info("re-aimed %d not-started drills of week %s to a clearly lower skill",
                         len(moved), week)
        if reaimed:
            with self._outbox_lock:
                self._outbox_dirty = True
            self.publish_pending()
        return decisions, tuple(reaimed)

    def assign_everyone(self, week: str | None = None) -> AssignmentRun:
        with self._engine.connect() as connection:
            agent_ids = profiled_agent_ids(connection)
        return self.assign(agent_ids, week or self.current_week())

    def assign(self, agent_ids: Collection[str], week: str) -> AssignmentRun:
        started = time.perf_counter()
        now = self._clock()
        with self._engine.connect() as connection:
            states = load_agent_states(connection, agent_ids, week=week, as_of=now,
                                       settings=self._profile_settings, policy=self._policy)
        decisions = tuple(decide_assignments(states[agent_id], self._library, week, self._policy)
                          for agent_id in agent_ids)
        planned = [assignment for decision in decisions for assignment in decision.assignments]
        with self._engine.begin() as connection:
            created = assignment_store.insert_planned(connection, planned, now)
        DECISION_SECONDS.observe(time.perf_counter() - started)
        self._remember_planned(week, {p.agent_id for p in planned})
        with self._outbox_lock:
            self._outbox_dirty = self._outbox_dirty or bool(created)
            dirty = self._outbox_dirty
        self._count_and_announce(decisions, set(created))
        if dirty:
            self.publish_pending()
        return AssignmentRun(week, decisions, tuple(created))

    def publish_pending(self, limit: int = 500) -> int:
        """Send every assignment not yet acknowledged by the topic; raises ``PublishError``."""
        with self._outbox_lock:
            return self._publish_pending_locked(limit)

    def _publish_pending_locked(self, limit: int) -> int:
        with self._engine.connect() as connection:
            pending = assignment_store.unpublished(connection, limit)
        if not pending:
            self._outbox_dirty = False
            return 0
        try:
            futures = [send_bytes(self._producer, self._topic, key=record.agent_id,
                                  value=encode_event(record.to_event())) for record in pending]
        except KafkaError as exc:  # no metadata for the topic within max_block_ms, and the like
            raise PublishError(f"could not send to {self._topic}: {type(exc).__name__}") from exc
        try:
            wait_all(futures, timeout_s=self._produce_timeout_s)
            acknowledged = [True] * len(futures)
        except PublishError:
            # Wait until each send is decided: one that timed out while the broker was away may
            # still land, and the next run would send its row again (a drill announced twice).
            log.warning("%s has not acknowledged %d assignments within %.0fs; waiting until the "
                        "producer delivers or fails them", self._topic, len(futures),
                        self._produce_timeout_s)
            acknowledged = wait_settled(futures)
        with self._engine.begin() as connection:
            assignment_store.mark_published(
                connection, [r.assignment_id for r, ok in zip(pending, acknowledged, strict=True)
                             if ok], self._clock())
        if not all(acknowledged):
            raise PublishError(f"{self._topic} did not acknowledge {acknowledged.count(False)} "
                               f"of {len(pending)} assignments")
        self._outbox_dirty = len(pending) >= limit
        ASSIGNMENTS_PUBLISHED.inc(len(pending))
        return len(pending)

    def _remember_planned(self, week: str, agent_ids: set[str]) -> None:
        with self._planned_lock:
            if week == self._planned_week:
                self._planned |= agent_ids

    def _count_and_announce(self, decisions: tuple[Decision, ...], created: set[str]) -> None:
        agents = 0
        for decision in decisions:
            new = [a for a in decision.assignments if a.assignment_id in created]
            if not new or decision.focus is None:
                continue
            ASSIGNMENTS.labels(decision.focus.dimension).inc(len(new))
            agents += 1
        if agents:
            weeks = {d.week for d in decisions}
            this_week = weeks == {self.current_week()}
            self._announcer.announce(announcement_text(
                agents, None if this_week else ", ".join(sorted(weeks))))


def announcement_text(agents: int, week: str | None = None) -> str:
    """What the shared channel reads: that new practice exists, nothing about anyone. An agent's
    focus skill is theirs to see on their own practice page, not the team's."""
    who = "1 agent" if agents == 1 else f"{agents} agents"
    when = "this week" if week is None else f"in week {week}"
    return (f"Rapport: new practice drills are ready for {who} {when}. "
            "Open your practice page to see yours.")
