"""Disputes: an agent questions one score on one of their replies; their team's lead upholds it or
corrects it. A correction changes the agent's profile (score_corrections) in the same
transaction and becomes a human label (label_export). One dispute per reply and dimension.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.coach.domain.score_batches import team_id as team_of_agent
from services.coach.domain.timeutil import as_utc
from services.coach.schemas.calibration import (
    DisputeIn,
    DisputeListOut,
    DisputeOut,
    ResolutionIn,
    ScoredMessageOut,
    ScoredMessagesOut,
)
from services.coach.store.calibration_tables import conversation_messages, disputes
from services.coach.store.experiment_tables import message_scores
from services.coach.store.message_texts import reply_context
from services.coach.store.score_corrections import apply_correction
from shared.events.scores import DIMENSIONS
from shared.http.problems import Conflict, NotFound, Unprocessable

RECENT_MESSAGES = 20


def recent_messages(connection: sa.Connection, agent_id: str) -> ScoredMessagesOut:
    """The agent's latest scored replies, with their text when the coach holds it."""
    scores = message_scores.c
    rows = list(connection.execute(
        sa.select(message_scores, conversation_messages.c.body)
        .outerjoin(conversation_messages,
                   conversation_messages.c.message_id == scores.message_id)
        .where(scores.agent_id == agent_id)
        .order_by(scores.message_at.desc(), scores.message_id).limit(RECENT_MESSAGES)))
    disputed: dict[str, list[str]] = {}
    for message_id, dimension in connection.execute(
            sa.select(disputes.c.message_id, disputes.c.dimension)
            .where(disputes.c.agent_id == agent_id)):
        disputed.setdefault(message_id, []).append(dimension)
    return ScoredMessagesOut(agent_id=agent_id, messages=[
        ScoredMessageOut(message_id=row.message_id, message_at=as_utc(row.message_at),
                         channel=row.channel, model_version=row.model_version,
                         scores={dim: getattr(row, dim) for dim in DIMENSIONS}, reply=row.body,
                         disputed=sorted(disputed.get(row.message_id, [])))
        for row in rows])


def file_dispute(connection: sa.Connection, agent_id: str, body: DisputeIn,
                 now: datetime) -> DisputeOut:
    scored = connection.execute(sa.select(message_scores).where(
        message_scores.c.message_id == body.message_id,
        message_scores.c.agent_id == agent_id)).first()
    if scored is None:
        raise NotFound(f"no scored reply {body.message_id!r} of this agent")
    model_score = getattr(scored, body.dimension)
    if model_score is None:
        raise Unprocessable(f"{body.dimension} was not scored on this reply (it did not apply)")
    existing = connection.scalar(sa.select(disputes.c.dispute_id).where(
        disputes.c.agent_id == agent_id, disputes.c.message_id == body.message_id,
        disputes.c.dimension == body.dimension))
    if existing is not None:
        raise Conflict(f"this score is already disputed (dispute {existing})")
    context = reply_context(connection, body.message_id)
    dispute_id = uuid.uuid4().hex
    connection.execute(disputes.insert().values(
        dispute_id=dispute_id, agent_id=agent_id, team_id=team_of_agent(agent_id),
        customer_id=context.customer_id if context else None,
        message_id=body.message_id, dimension=body.dimension, channel=scored.channel,
        model_version=scored.model_version, message_at=as_utc(scored.message_at),
        model_scores={dim: getattr(scored, dim) for dim in DIMENSIONS},
        customer=context.customer if context else None,
        history=context.history_json() if context else None,
        reply=context.reply if context else None, comment=body.comment, status="open",
        corrected_score=None, resolution_note=None, created_at=as_utc(now), resolved_at=None))
    return dispute_out(get_dispute(connection, dispute_id))


def get_dispute(connection: sa.Connection, dispute_id: str) -> sa.Row[Any]:
    row = connection.execute(sa.select(disputes).where(disputes.c.dispute_id
                                                       == dispute_id)).first()
    if row is None:
        raise NotFound(f"no dispute {dispute_id!r}")
    return row


def agent_disputes(connection: sa.Connection, agent_id: str) -> DisputeListOut:
    return _listed(connection, disputes.c.agent_id == agent_id)


def team_disputes(connection: sa.Connection, team_id: str, status: str | None) -> DisputeListOut:
    condition = disputes.c.team_id == team_id
    if status is not None:
        condition = sa.and_(condition, disputes.c.status == status)
    return _listed(connection, condition)


def resolve(connection: sa.Connection, dispute: sa.Row[Any], body: ResolutionIn, *,
            now: datetime, half_life_s: float) -> DisputeOut:
    # Locked, so two leads answering at once cannot both apply a correction.
    current = connection.execute(sa.select(disputes.c.status).where(
        disputes.c.dispute_id == dispute.dispute_id).with_for_update()).scalar_one()
    if current != "open":
        raise Conflict(f"the dispute is already {current}")
    if body.outcome == "corrected":
        assert body.score is not None  # ResolutionIn requires it
        apply_correction(connection, agent_id=dispute.agent_id, dimension=dispute.dimension,
                         message_id=dispute.message_id, message_at=dispute.message_at,
                         old=dispute.model_scores[dispute.dimension], new=body.score,
                         half_life_s=half_life_s)
    connection.execute(disputes.update().where(disputes.c.dispute_id == dispute.dispute_id)
                       .values(status=body.outcome, corrected_score=body.score,
                               resolution_note=body.note or None, resolved_at=as_utc(now)))
    return dispute_out(get_dispute(connection, dispute.dispute_id))


def dispute_out(row: sa.Row[Any]) -> DisputeOut:
    return DisputeOut(
        dispute_id=row.dispute_id, agent_id=row.agent_id, message_id=row.message_id,
        dimension=row.dimension, channel=row.channel, message_at=as_utc(row.message_at),
        model_score=row.model_scores[row.dimension], comment=row.comment, status=row.status,
        corrected_score=row.corrected_score, resolution_note=row.resolution_note,
        created_at=as_utc(row.created_at),
        resolved_at=as_utc(row.resolved_at) if row.resolved_at else None,
        customer=row.customer, reply=row.reply)


def _listed(connection: sa.Connection, condition: sa.ColumnElement[bool]) -> DisputeListOut:
    rows = connection.execute(sa.select(disputes).where(condition)
                              .order_by(disputes.c.created_at.desc(), disputes.c.dispute_id))
    return DisputeListOut(disputes=[dispute_out(row) for row in rows])
