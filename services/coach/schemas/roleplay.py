"""Request and response bodies of the role-play API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.coach.domain.roleplay_roles import MIN_PARTICIPANTS, Role
from shared.events.scores import Dimension

MAX_PARTICIPANTS = 12
MAX_ROUNDS = 24


class RoleplayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario_id: str = Field(min_length=1, max_length=120)
    participants: list[str] = Field(
        min_length=MIN_PARTICIPANTS, max_length=MAX_PARTICIPANTS,
        description="Agent ids of one team, in the order roles rotate through them: the first "
                    "is the agent of round 1, the second its customer, the rest observe.")
    rounds: int | None = Field(default=None, ge=1, le=MAX_ROUNDS,
                               description="Rounds to play; default: one per participant, so "
                                           "everyone plays the agent once.")
    timebox_minutes: int | None = Field(default=None, ge=1, le=60,
                                        description="Minutes per round; default: the "
                                                    "scenario's timebox.")


class ParticipantOut(BaseModel):
    position: int = Field(description="1-based place in the rotation.")
    agent_id: str | None = Field(description="Shown to the lead, the admin and the participant "
                                             "themself; null for the other participants.")
    role: Role = Field(description="Their role in the current round.")


class RoleplayOut(BaseModel):
    roleplay_id: str
    team_id: str
    scenario_id: str
    scenario_title: str
    round: int = Field(description="The current round, 1-based.")
    round_count: int
    phase: Literal["playing", "debrief"]
    timebox_minutes: int
    round_started_at: datetime
    remaining_seconds: int = Field(description="Seconds left in the round's timebox (0: over).")
    your_role: Role | None = Field(description="The caller's role this round; null for a lead "
                                               "or the admin who is not taking part.")
    participants: list[ParticipantOut]
    page_path: str = Field(description="The role-play page; each participant opens it with "
                                       "their own sign-in token (?token=...).")
    created_at: datetime


class ReplyOut(BaseModel):
    round: int = Field(description="1-based.")
    turn: int = Field(description="1-based: which scripted customer message it answers.")
    text: str


class RoleplayStateOut(BaseModel):
    """What a participant's page polls: enough to notice a new round, the debrief or a reply."""

    roleplay_id: str
    round: int
    round_count: int
    phase: Literal["playing", "debrief"]
    remaining_seconds: int
    replies: list[ReplyOut] = Field(description="The current round's typed replies.")
    ratings_saved: int = Field(description="Observers who rated the current round.")
    debriefs_saved: int


class AdvanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_round: int = Field(ge=1, le=MAX_ROUNDS,
                            description="The round the caller sees (1-based); if the session "
                                        "has moved on already the request is a 409 and "
                                        "nothing moves twice.")


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    round: int = Field(ge=1, le=MAX_ROUNDS, description="The current round (1-based).")
    text: str = Field(min_length=1, max_length=5000)


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ratings: dict[Dimension, float | None] = Field(
        description="Every rubric dimension: 0..1, or null where it does not apply. Tone "
                    "always applies.")
    note: str | None = Field(default=None, max_length=2000)


class RatingOut(BaseModel):
    round: int
    ratings: dict[Dimension, float | None]
    note: str | None


class DebriefIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    what_worked: str = Field(min_length=1, max_length=4000)
    lines: list[str] = Field(default_factory=list, max_length=20,
                             description="Lines worth keeping, one per entry (blank ones are "
                                         "dropped).")


class DebriefOut(BaseModel):
    position: int = Field(description="The author's 1-based place in the rotation (0: their "
                                      "seat's data was erased).")
    what_worked: str
    lines: list[str]


class DebriefListOut(BaseModel):
    roleplay_id: str
    debriefs: list[DebriefOut]


class DebriefLineOut(BaseModel):
    roleplay_id: str
    scenario_id: str
    agent_id: str = Field(description="Who proposed the line.")
    text: str
    saved_at: datetime


class RoleplayListOut(BaseModel):
    roleplays: list[RoleplayOut]
