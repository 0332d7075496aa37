"""A practice reply: score it live with the scorer, keep it, and say one kind, concrete thing.

The conversation history sent with each reply is rebuilt on the server from the script and the
agent's latest attempt at each earlier turn, so the page cannot make the scorer see a
conversation that did not happen.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from statistics import fmean
from typing import Literal

import sqlalchemy as sa

from services.coach.clients.scorer_client import ScorerRejected, ScorerReply, ScorerUnavailable
from services.coach.context import CoachContext
from services.coach.domain.focus import display_name
from services.coach.domain.frameworks import Move, move_for
from services.coach.domain.practice_script import ScriptStep, scoring_context, script_steps
from services.coach.domain.scenario_library import UnknownScenarioError
from services.coach.domain.scenario_models import Scenario
from services.coach.metrics import DRILLS_COMPLETED, PRACTICE_ATTEMPTS
from services.coach.store import assignment_store
from services.coach.store.assignment_store import AssignmentRecord
from services.coach.store.attempt_store import (
    AttemptRecord,
    attempts_for,
    insert_attempt,
    latest_per_turn,
)
from shared.http.problems import (
    Conflict,
    NotFound,
    RapportError,
    ServiceUnavailable,
    Unprocessable,
)

COMPLETED = "this drill is completed; start the next one"
# The drill's new reason says why it moved; the page shows it once reloaded.
REAIMED = "this drill was re-aimed to a new scenario; reload to see it"
# The scorer writes a suggestion for every dimension scoring under this (its ``WEAK_SCORE``).
WEAK_SCORE = 0.5
# A rise this large between two replies is more than the scorer's noise: worth saying so.
GROWTH_STEP = 0.1


def record_attempt(context: CoachContext, assignment: AssignmentRecord, *, turn: int,
                   reply: str, scenario_id: str | None = None) -> AttemptRecord:
    """Score and keep a reply; ``scenario_id`` is the one the page loaded (None: not said).

    A drill not yet started may be re-aimed while the agent has it open: their reply was written
    to the old script and must not be scored against the new one. The page says which scenario
    it shows; the write below checks again, as a re-aim may land while the reply is scored.
    """
    if assignment.status == "completed":
        raise Conflict(COMPLETED)
    if scenario_id is not None and scenario_id != assignment.scenario_id:
        raise Conflict(REAIMED)
    steps = script_steps(scenario_of(context, assignment))
    if turn >= len(steps):
        raise Unprocessable(f"turn {turn} does not exist; this drill has {len(steps)} turns")
    with context.engine.connect() as connection:
        earlier = latest_per_turn(attempts_for(connection, assignment.assignment_id))
    scored = _score(context, steps, earlier, turn=turn, reply=reply, channel=_channel(context,
                    assignment))
    attempt = AttemptRecord(
        attempt_id=uuid.uuid4().hex, assignment_id=assignment.assignment_id, turn=turn,
        reply=reply, scores=dict(scored.scores), overall=scored.overall,
        target_score=scored.scores.get(assignment.target_dimension),
        evidence={dim: list(lines) for dim, lines in scored.evidence.items()},
        suggestions=[s.model_dump() for s in scored.suggestions],
        model_version=scored.model_version, created_at=context.clock())
    with context.engine.begin() as connection:
        # Claim first, on the scenario this reply was scored against; a refusal rolls back.
        if not assignment_store.claim_for_attempt(connection, assignment.assignment_id,
                                                  scenario_id=assignment.scenario_id,
                                                  now=attempt.created_at):
            raise _refusal(connection, assignment.assignment_id)
        insert_attempt(connection, attempt)
    return attempt


def _refusal(connection: sa.Connection, assignment_id: str) -> RapportError:
    """Why the drill changed under a reply being scored: completed, re-aimed or gone."""
    now = assignment_store.get_assignment(connection, assignment_id)
    if now is None:
        return NotFound(f"no assignment {assignment_id!r}")
    if now.status == "completed":
        return Conflict(COMPLETED)
    return Conflict(REAIMED)


def complete(context: CoachContext, assignment: AssignmentRecord) -> AssignmentRecord:
    """Close the drill with its practice score; completing twice changes nothing."""
    with context.engine.begin() as connection:
        latest = latest_per_turn(attempts_for(connection, assignment.assignment_id))
        score = practice_score(list(latest.values()))
        completed_now = assignment_store.mark_completed(
            connection, assignment.assignment_id, practice_score=score, now=context.clock())
        updated = assignment_store.get_assignment(connection, assignment.assignment_id)
    if updated is None:
        raise NotFound(f"assignment {assignment.assignment_id!r} disappeared")
    if completed_now:
        DRILLS_COMPLETED.labels(assignment.target_dimension).inc()
    return updated


def practice_score(latest: list[AttemptRecord]) -> float | None:
    """Mean target-dimension score over the turns answered (None: nothing scored)."""
    scores = [a.target_score for a in latest if a.target_score is not None]
    return round(fmean(scores), 4) if scores else None


@dataclass(frozen=True)
class Feedback:
    """What the practice page shows after a reply: a tip to try, or praise for what worked.

    It names the move and its framework, quotes the agent's own words as evidence (``quotes``:
    sentences of the reply itself), and notices growth since the agent's previous reply.
    """

    kind: Literal["tip", "praise"]
    text: str
    dimension: str | None = None  # the skill a tip or praise is about
    # Derived from the three above and the attempt: two feedbacks saying the same are equal.
    move: Move | None = field(default=None, compare=False)
    quotes: tuple[str, ...] = field(default=(), compare=False)
    growth: str | None = field(default=None, compare=False)


def feedback(attempt: AttemptRecord, target_dimension: str,
             before: Sequence[tuple[AttemptRecord, Feedback]] = ()) -> Feedback:
    """The target dimension's suggestion first; otherwise any; otherwise say what worked.

    ``before`` holds the drill's earlier attempts with the feedback each got, oldest first. A tip
    the agent has just received is not given again, nor one they have since followed (a later
    reply scored it fine), nor a second apology once they have apologised: a coach who repeats
    themselves, or asks for another sorry, stops being listened to.
    """
    chosen = _choose(attempt, target_dimension, before)
    growth = _growth(attempt, [earlier for earlier, _ in before], target_dimension)
    return replace(chosen, growth=growth)


def _choose(attempt: AttemptRecord, target_dimension: str,
            before: Sequence[tuple[AttemptRecord, Feedback]]) -> Feedback:
    skip = _already_covered(attempt, before)
    usable = [s for s in attempt.suggestions if s.get("dimension") not in skip]
    usable.sort(key=lambda s: s.get("dimension") != target_dimension)  # the target's tip first
    if usable:
        dimension = usable[0].get("dimension") or target_dimension
        return Feedback("tip", usable[0]["text"], dimension,
                        move_for(dimension, usable[0].get("framework")),
                        own_words(attempt, dimension))
    name = display_name(target_dimension).lower()
    move = move_for(target_dimension)
    lines = own_words(attempt, target_dimension)
    score = attempt.target_score
    if score is not None and score >= WEAK_SCORE:
        if lines:
            return Feedback("praise", f"Your {name} came through in: \u201c{lines[0]}\u201d Keep "
                                      "that specific.", target_dimension, move, lines[1:])
        return Feedback("praise", f"Your {name} was strong in this reply. Keep it that specific.",
                        target_dimension, move)
    if attempt.suggestions:  # every tip for this reply is one they have just had or followed
        return Feedback("tip", f"Keep working on {name}: reread the customer's newest message and "
                               "answer what changed in it, in your own words.", target_dimension,
                        move, lines)
    return Feedback("tip", f"Try one sentence that shows {name} for this customer's exact "
                           "situation.", target_dimension, move, lines)


def own_words(attempt: AttemptRecord, dimension: str) -> tuple[str, ...]:
    """The scorer's evidence for ``dimension``: sentences of the agent's own reply (the scorer's
    contract: exact substrings), line breaks folded so a quote reads as one line."""
    quoted = (" ".join(line.split()) for line in attempt.evidence.get(dimension) or [])
    return tuple(line for line in quoted if line)


def _growth(attempt: AttemptRecord, earlier: Sequence[AttemptRecord],
            target_dimension: str) -> str | None:
    """Celebrate a clear rise in the drill's skill since the agent's previous reply."""
    now = attempt.target_score
    was = next((a.target_score for a in reversed(earlier) if a.target_score is not None), None)
    if now is None or was is None or now - was < GROWTH_STEP:
        return None
    name = display_name(target_dimension).lower()
    return (f"Your {name} went from {round(was * 100)}% to {round(now * 100)}% since your last "
            "reply: that is the practice working.")


def feedback_in_order(attempts: Sequence[AttemptRecord],
                      target_dimension: str) -> list[tuple[AttemptRecord, Feedback]]:
    """Each attempt with its feedback, in the order the agent made them (``attempts`` order)."""
    given: list[tuple[AttemptRecord, Feedback]] = []
    for attempt in attempts:
        given.append((attempt, feedback(attempt, target_dimension, given)))
    return given


def in_practice_order(attempts: Sequence[AttemptRecord]) -> list[AttemptRecord]:
    """Oldest first; attempts made in the same instant go by turn (an agent answers in order)."""
    return sorted(attempts, key=lambda a: (a.created_at, a.turn))


def _already_covered(attempt: AttemptRecord,
                     before: Sequence[tuple[AttemptRecord, Feedback]]) -> set[str]:
    skip: set[str] = set()
    if before and before[-1][1].kind == "tip" and before[-1][1].dimension:
        skip.add(before[-1][1].dimension)  # just received
    replies = [earlier for earlier, _ in before] + [attempt]
    for index, (_, given) in enumerate(before):
        if given.kind != "tip" or not given.dimension:
            continue
        later = replies[index + 1:]
        if any((reply.scores.get(given.dimension) or 0.0) >= WEAK_SCORE for reply in later):
            skip.add(given.dimension)  # followed
    if any((earlier.scores.get("apology") or 0.0) >= WEAK_SCORE for earlier, _ in before):
        skip.add("apology")  # one sincere apology per conversation
    return skip


def _score(context: CoachContext, steps: list[ScriptStep], earlier: dict[int, AttemptRecord],
           *, turn: int, reply: str, channel: str) -> ScorerReply:
    conversation = scoring_context(steps, turn, {i: a.reply for i, a in earlier.items()})
    try:
        scored = context.scorer.score(channel=channel, customer=conversation.customer,
                                      reply=reply, history=conversation.history)
    except ScorerUnavailable as exc:
        PRACTICE_ATTEMPTS.labels("scorer_unavailable").inc()
        raise ServiceUnavailable(f"live scoring is unavailable: {exc}", retry_after_s=10) from None
    except ScorerRejected as exc:
        raise Unprocessable(f"the scorer could not score this reply: {exc}") from None
    PRACTICE_ATTEMPTS.labels("scored").inc()
    return scored


def scenario_of(context: CoachContext, assignment: AssignmentRecord) -> Scenario:
    try:
        return context.library.get(assignment.scenario_id)
    except UnknownScenarioError:
        raise NotFound(f"scenario {assignment.scenario_id!r} is no longer in the library") from None


def _channel(context: CoachContext, assignment: AssignmentRecord) -> str:
    return str(scenario_of(context, assignment).channel)
