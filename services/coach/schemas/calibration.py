"""Request and response bodies of calibration circles and disputes (the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.coach.domain.calibration_math import SCALE
from shared.events.interactions import Channel
from shared.events.scores import DIMENSIONS, Dimension

STEP = Field(description="0, 0.25, 0.5, 0.75 or 1; null: the dimension does not apply.")


class RubricLabels(BaseModel):
    """One person's rating of a reply on the whole rubric. Tone always applies."""

    model_config = ConfigDict(extra="forbid")

    acknowledgment: float | None = STEP
    apology: float | None = STEP
    ownership: float | None = STEP
    next_steps: float | None = STEP
    exploration: float | None = STEP
    tone: float = Field(description="0, 0.25, 0.5, 0.75 or 1 (tone always applies).")
    boundaries: float | None = STEP
    personalization: float | None = STEP

    @model_validator(mode="after")
    def _on_scale(self) -> RubricLabels:
        for dim in DIMENSIONS:
            value = getattr(self, dim)
            if value is not None and value not in SCALE:
                raise ValueError(f"{dim}: {value} is not one of 0, 0.25, 0.5, 0.75, 1 (or null "
                                 "for 'does not apply')")
        return self

    def as_dict(self) -> dict[str, float | None]:
        return {dim: getattr(self, dim) for dim in DIMENSIONS}


class TurnOut(BaseModel):
    role: str
    text: str


class CircleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    reviewers: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        min_length=2, max_length=12,
                                 description="Helpdesk user ids (provider:account:user) of the "
                                             "team; each rates every reply, blind.")
    date_from: date
    date_to: date = Field(description="Inclusive.")
    channel: Channel | None = None
    dimension: Dimension | None = Field(default=None,
                                        description="Only replies the model scored on it; "
                                                    "disagreement is measured on it.")
    disagreement: bool = Field(default=False,
                               description="Pick replies where the model is most likely wrong "
                                           "(services/coach/store/calibration_sample.py).")
    sample_size: int = Field(default=8, ge=2, le=40)

    @field_validator("reviewers")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a reviewer is named twice")
        return value

    @model_validator(mode="after")
    def _window(self) -> CircleIn:
        if self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")
        if self.date_from.year < 2000 or self.date_to.year > 2999:
            raise ValueError("the dates lie outside 2000..2999")
        if (self.date_to - self.date_from).days > 366:
            raise ValueError("the window is longer than a year")
        return self


class CircleFiltersOut(BaseModel):
    date_from: date
    date_to: date
    channel: str | None
    dimension: str | None
    disagreement: bool
    sample_size: int


class ReviewerProgressOut(BaseModel):
    reviewer_id: str
    rated: int
    submitted: bool


class CircleOut(BaseModel):
    circle_id: str
    team_id: str
    title: str
    status: Literal["rating", "revealed"]
    created_at: datetime
    revealed_at: datetime | None
    filters: CircleFiltersOut
    items: int
    agreed: int
    reviewers: list[ReviewerProgressOut]


class CircleListOut(BaseModel):
    team_id: str
    circles: list[CircleOut]


class ReviewItemOut(BaseModel):
    position: int
    channel: str
    customer: str
    history: list[TurnOut]
    reply: str
    my_rating: RubricLabels | None


class ReviewOut(BaseModel):
    """What a reviewer sees: the replies and their own ratings; no one else's, no model."""

    circle_id: str
    title: str
    status: Literal["rating", "revealed"]
    submitted: bool
    scale: list[float]
    items: list[ReviewItemOut]


class ReviewSummaryOut(BaseModel):
    circle_id: str
    title: str
    status: Literal["rating", "revealed"]
    items: int
    rated: int
    submitted: bool


class ReviewListOut(BaseModel):
    reviewer_id: str
    circles: list[ReviewSummaryOut]


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labels: RubricLabels


class DimensionAgreementOut(BaseModel):
    dimension: Dimension
    rated_replies: int = Field(description="Replies whose consensus says the dimension applies.")
    reviewers_alpha: float | None = Field(description="Krippendorff's alpha (interval) between "
                                                      "the reviewers; null: undefined.")
    model_alpha: float | None = Field(description="Alpha between the model (rounded to the "
                                                  "scale) and the reviewers' consensus.")


class ResultItemOut(BaseModel):
    position: int
    channel: str
    customer: str
    history: list[TurnOut]
    reply: str
    disagreement: float = Field(description="0: all alike .. 1: split on everything.")
    ratings: list[dict[str, float | None]] = Field(description="Reviewer 1, 2, ... in order.")
    consensus: dict[str, float | None]
    model: dict[str, float | None] = Field(description="The model's scores on the scale.")
    agreed: RubricLabels | None
    note: str | None


class ResultsOut(BaseModel):
    circle_id: str
    title: str
    reviewers: int
    model_versions: list[str]
    dimensions: list[DimensionAgreementOut]
    items: list[ResultItemOut] = Field(description="Most disagreed first.")


class AgreedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labels: RubricLabels
    note: str | None = Field(default=None, max_length=2000)


class ScoredMessageOut(BaseModel):
    message_id: str
    message_at: datetime
    channel: str
    model_version: str
    scores: dict[str, float | None]
    reply: str | None = Field(description="The agent's own reply, when the coach holds it.")
    disputed: list[str] = Field(description="Dimensions already disputed.")


class ScoredMessagesOut(BaseModel):
    agent_id: str
    messages: list[ScoredMessageOut]


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message_id: str = Field(min_length=1, max_length=300)
    dimension: Dimension
    comment: str = Field(min_length=1, max_length=2000)


class DisputeOut(BaseModel):
    dispute_id: str
    agent_id: str
    message_id: str
    dimension: Dimension
    channel: str
    message_at: datetime
    model_score: float
    comment: str
    status: Literal["open", "upheld", "corrected"]
    corrected_score: float | None
    resolution_note: str | None
    created_at: datetime
    resolved_at: datetime | None
    customer: str | None
    reply: str | None


class DisputeListOut(BaseModel):
    disputes: list[DisputeOut]


class ResolutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["upheld", "corrected"]
    score: float | None = Field(default=None, description="With 'corrected': the right score, "
                                                          "0, 0.25, 0.5, 0.75 or 1.")
    note: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _score(self) -> ResolutionIn:
        if self.outcome == "corrected" and self.score not in SCALE:
            raise ValueError("a correction needs a score of 0, 0.25, 0.5, 0.75 or 1")
        if self.outcome == "upheld" and self.score is not None:
            raise ValueError("an upheld score needs no new score")
        return self
