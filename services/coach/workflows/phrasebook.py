"""Best lines: agents share lines that worked, leads approve them into the team's phrasebook.

A line comes from one of the agent's own replies that scored high on a skill (at least
``HIGH_SCORE`` on it, within ``CANDIDATE_DAYS``), or is typed from a role-play debrief. Either
way it is redacted with ingest's own text redaction (``shared.text_redaction``) before it is
stored: a line names no customer, card or phone number, whatever was pasted. A lead of the
agent's team approves it (it joins the phrasebook, organised by skill, the customer's emotion
and the channel) or rejects it with a note the agent reads. The phrasebook shows the words, not
who wrote them: behaviour, not people.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import sqlalchemy as sa

from services.coach.domain.score_batches import team_id
from services.coach.domain.timeutil import as_utc
from services.coach.store.calibration_tables import conversation_messages
from services.coach.store.experiment_tables import message_scores
from services.coach.store.lines_tables import shared_lines
from shared.events.interactions import AuthorRole
from shared.events.scores import DIMENSIONS
from shared.http.problems import Conflict, NotFound, Unprocessable
from shared.text_redaction import EVERY_KIND, redact_text

HIGH_SCORE = 0.75  # a reply's score on a skill from which its lines may be shared for it
CANDIDATE_DAYS = 60  # how far back the agent's replies are offered
MAX_CANDIDATES = 20
MIN_LINE_CHARS = 8

LineSource = Literal["reply", "debrief"]
LineStatus = Literal["pending", "approved", "rejected"]
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ReplyCandidate:
    """One of the agent's own replies with the skills it scored high on."""

    message_id: str
    channel: str
    message_at: datetime
    body: str
    high_scores: dict[str, float]


@dataclass(frozen=True)
class LineRecord:
    line_id: str
    agent_id: str
    team_id: str
    text: str
    dimension: str
    emotion: str
    channel: str
    source: LineSource
    source_score: float | None
    redacted: int
    status: LineStatus
    note: str | None
    shared_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True)
class NewLine:
    text: str
    dimension: str
    emotion: str
    channel: str
    source: LineSource
    message_id: str | None = None


def normalised(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def reply_candidates(connection: sa.Connection, agent_id: str, *,
                     now: datetime) -> list[ReplyCandidate]:
    """The agent's recent replies that scored at least ``HIGH_SCORE`` on some skill."""
    scores, texts = message_scores.c, conversation_messages.c
    any_high = sa.or_(*(scores[dimension] >= HIGH_SCORE for dimension in DIMENSIONS))
    query = (sa.select(scores.message_id, scores.channel, scores.message_at, texts.body,
                       *(scores[dimension] for dimension in DIMENSIONS))
             .join(conversation_messages, texts.message_id == scores.message_id)
             .where(scores.agent_id == agent_id, texts.role == AuthorRole.AGENT.value,
                    scores.message_at >= as_utc(now - timedelta(days=CANDIDATE_DAYS)),
                    any_high)
             .order_by(scores.message_at.desc()).limit(MAX_CANDIDATES))
    found = []
    for row in connection.execute(query).mappings():
        high = {dimension: row[dimension] for dimension in DIMENSIONS
                if row[dimension] is not None and row[dimension] >= HIGH_SCORE}
        found.append(ReplyCandidate(message_id=row["message_id"], channel=row["channel"],
                                    message_at=as_utc(row["message_at"]), body=row["body"],
                                    high_scores=high))
    return found


def share_line(connection: sa.Connection, agent_id: str, line: NewLine, *,
               now: datetime) -> LineRecord:
    """Store a redacted line for a lead to decide on; 422 / 409 say what is wrong with it."""
    text = normalised(line.text)
    if len(text) < MIN_LINE_CHARS:
        raise Unprocessable(f"a line needs at least {MIN_LINE_CHARS} characters besides spaces")
    channel, score = line.channel, None
    if line.source == "reply":
        channel, score = _check_reply_line(connection, agent_id, line, text, now=now)
    elif line.message_id is not None:
        raise Unprocessable("a line from a debrief names no reply: leave message_id out")
    clean, found = redact_text(text, EVERY_KIND)
    clean = normalised(clean)
    table = shared_lines.c
    duplicate = connection.scalar(
        sa.select(table.line_id).where(table.agent_id == agent_id, table.text == clean,
                                       table.dimension == line.dimension,
                                       table.status != "rejected").limit(1))
    if duplicate is not None:
        raise Conflict("you have already shared this line for this skill")
    record = LineRecord(
        line_id=uuid.uuid4().hex, agent_id=agent_id, team_id=team_id(agent_id), text=clean,
        dimension=line.dimension, emotion=line.emotion, channel=channel, source=line.source,
        source_score=score, redacted=sum(found.values()), status="pending", note=None,
        shared_at=now, decided_at=None)
    connection.execute(sa.insert(shared_lines).values(
        line_id=record.line_id, agent_id=agent_id, team_id=record.team_id, text=clean,
        dimension=record.dimension, emotion=record.emotion, channel=channel,
        source=record.source, source_message_id=line.message_id, source_score=score,
        redacted=record.redacted, status="pending", shared_at=now))
    return record


def _check_reply_line(connection: sa.Connection, agent_id: str, line: NewLine, text: str, *,
                      now: datetime) -> tuple[str, float]:
    """The reply's channel and score: it must be the agent's, recent, high on the skill, and
    hold the line."""
    if line.message_id is None:
        raise Unprocessable("a line from a reply needs the reply's message_id")
    candidate = next((c for c in reply_candidates(connection, agent_id, now=now)
                      if c.message_id == line.message_id), None)
    if candidate is None:
        raise Unprocessable("message_id is not one of your recent high-scoring replies")
    score = candidate.high_scores.get(line.dimension)
    if score is None:
        raise Unprocessable(f"that reply did not score high on {line.dimension}; pick a skill "
                            f"it did: {', '.join(sorted(candidate.high_scores))}")
    if text.casefold() not in normalised(candidate.body).casefold():
        raise Unprocessable("the line must be words of that reply (shorten it, do not rewrite "
                            "it); a line of your own belongs to a debrief")
    return candidate.channel, score


def get_line(connection: sa.Connection, line_id: str) -> LineRecord | None:
    row = connection.execute(sa.select(shared_lines)
                             .where(shared_lines.c.line_id == line_id)).first()
    return None if row is None else _record(row)


def decide(connection: sa.Connection, line: LineRecord, *, approve: bool, note: str | None,
           now: datetime) -> LineRecord:
    """A pending line approved into the phrasebook or rejected; a decided line stays decided
    (409), so an agent's outcome never changes under them."""
    status: LineStatus = "approved" if approve else "rejected"
    changed = connection.execute(
        sa.update(shared_lines)
        .where(shared_lines.c.line_id == line.line_id, shared_lines.c.status == "pending")
        .values(status=status, note=note, decided_at=now)).rowcount
    if not changed:
        raise Conflict(f"this line was already {line.status}")
    found = get_line(connection, line.line_id)
    if found is None:
        raise NotFound("the line does not exist")
    return found


def list_lines(connection: sa.Connection, *, agent_id: str | None = None,
               team: str | None = None, status: LineStatus | None = None,
               dimension: str | None = None, emotion: str | None = None,
               channel: str | None = None) -> list[LineRecord]:
    """Lines of one agent or one team (exactly one), optionally filtered."""
    if (agent_id is None) == (team is None):
        raise ValueError("name an agent or a team")
    table = shared_lines.c
    query = sa.select(shared_lines).where(
        table.agent_id == agent_id if agent_id is not None else table.team_id == team)
    for column, value in ((table.status, status), (table.dimension, dimension),
                          (table.emotion, emotion), (table.channel, channel)):
        if value is not None:
            query = query.where(column == value)
    return [_record(row) for row in connection.execute(query.order_by(table.shared_at.desc(),
                                                                       table.line_id))]


def phrasebook_order(lines: Sequence[LineRecord]) -> list[LineRecord]:
    """Approved lines by skill (the rubric's order), then emotion and channel, newest first."""
    newest = sorted(lines, key=lambda line: line.decided_at or line.shared_at, reverse=True)
    return sorted(newest, key=lambda line: (DIMENSIONS.index(line.dimension)
                                            if line.dimension in DIMENSIONS else len(DIMENSIONS),
                                            line.emotion, line.channel))


def _record(row: sa.Row[tuple[object, ...]]) -> LineRecord:
    values = row._mapping
    decided = values["decided_at"]
    return LineRecord(
        line_id=values["line_id"], agent_id=values["agent_id"], team_id=values["team_id"],
        text=values["text"], dimension=values["dimension"], emotion=values["emotion"],
        channel=values["channel"], source=values["source"], source_score=values["source_score"],
        redacted=values["redacted"], status=values["status"], note=values["note"],
        shared_at=as_utc(values["shared_at"]),
        decided_at=None if decided is None else as_utc(decided))
