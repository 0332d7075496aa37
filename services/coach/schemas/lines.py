"""Request and response bodies of the phrasebook and gratitude API (part of the OpenAPI document).

Kept apart from ``api_models`` so the issue-15 features can grow without one file every change
touches. The phrasebook's lines carry no author: the team sees words that worked, not who wrote
them. Only the agent's own list (and a lead's queue) says whose line it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from shared.events.interactions import Channel
from shared.events.scores import Dimension, Emotion

LineStatus = Literal["pending", "approved", "rejected"]


class ReplyCandidateOut(BaseModel):
    message_id: str
    channel: Channel
    message_at: datetime
    reply: str = Field(description="The reply as stored (redacted by ingest).")
    high_scores: dict[Dimension, float] = Field(
        description="The skills this reply scored high on (at least 0.75): a line from it may "
                    "be shared for any of them.")


class ReplyCandidatesOut(BaseModel):
    agent_id: str
    min_score: float
    replies: list[ReplyCandidateOut]


class DebriefLineOut(BaseModel):
    text: str
    scenario_id: str = Field(description="The role-play's scenario.")
    saved_at: datetime


class DebriefLinesOut(BaseModel):
    agent_id: str
    lines: list[DebriefLineOut] = Field(
        description="Lines this agent named worth keeping in role-play debriefs, newest first.")


class ShareLineIn(BaseModel):
    text: str = Field(min_length=8, max_length=400,
                      description="The line. Personal data is redacted before it is stored.")
    dimension: Dimension
    emotion: Emotion = Field(description="The customer's emotion the line answered.")
    channel: Channel = Field(description="For a reply's line the reply's channel is used.")
    source: Literal["reply", "debrief"]
    message_id: str | None = Field(default=None, max_length=300,
                                   description="The reply the line comes from (source reply).")


class LineOut(BaseModel):
    line_id: str
    text: str
    dimension: Dimension
    emotion: Emotion
    channel: Channel
    source: Literal["reply", "debrief"]
    status: LineStatus
    note: str | None = Field(description="The lead's word with the decision.")
    redacted: int = Field(description="Personal data items replaced before storing.")
    shared_at: datetime
    decided_at: datetime | None


class OwnLinesOut(BaseModel):
    agent_id: str
    lines: list[LineOut]


class QueuedLineOut(LineOut):
    agent_id: str = Field(description="Who shared it (shown to the team's lead only).")
    source_score: float | None = Field(description="The reply's score on the skill.")


class LineQueueOut(BaseModel):
    team_id: str
    lines: list[QueuedLineOut]


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject"]
    note: str | None = Field(default=None, max_length=500)


class PhrasebookLineOut(BaseModel):
    text: str
    dimension: Dimension
    emotion: Emotion
    channel: Channel


class PhrasebookOut(BaseModel):
    team_id: str
    dimension: Dimension | None = Field(description="The skill asked for (an agent's focus "
                                                    "when none was named), or all.")
    lines: list[PhrasebookLineOut]


class PraiseOut(BaseModel):
    kind: Literal["rating", "thanks"] = Field(
        description="rating: a high satisfaction rating; thanks: a message thanking warmly.")
    channel: Channel
    rating_score: float | None = Field(description="The rating on [0, 1], when it had a scale.")
    customer_words: str | None = Field(description="The comment or the message (redacted).")
    occurred_at: datetime
    reply: str | None = Field(description="The agent's reply that earned it, when still kept.")
    reply_at: datetime | None


class AgentGratitudeOut(BaseModel):
    agent_id: str
    since: datetime
    items: list[PraiseOut]


class TeamPraiseOut(PraiseOut):
    agent_id: str


class TeamGratitudeOut(BaseModel):
    team_id: str
    since: datetime
    items: list[TeamPraiseOut]

