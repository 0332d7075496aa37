"""Request and response bodies of the experiments and team-view API (``/v1/teams/...``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.scores import Dimension

# Days an experiment's windows may name: scores are kept a year or so, and a far date would
# only overflow the date arithmetic.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
AgentIdIn = Annotated[str, Field(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f]+$")]
WindowDay = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]


class ExperimentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Printable text: no control characters (PostgreSQL cannot store NUL).
    name: str = Field(min_length=1, max_length=200,
                      pattern=r"^[^\x00-\x1f]*[^\x00-\x20][^\x00-\x1f]*$")
    dimension: Dimension = Field(description="The skill the cohort practised.")
    cohort: list[AgentIdIn] = Field(min_length=1, max_length=500,
                                    description="Agent ids of the team who practised.")
    comparison: list[AgentIdIn] | None = Field(
        default=None, max_length=500,
        description="Agent ids who did not practise; default: every other agent of the team "
                    "the coach has scores for, as of now.")
    baseline_from: WindowDay = Field(description="First day of the baseline window (UTC).")
    baseline_to: WindowDay = Field(description="Last day of the baseline window, inclusive.")
    practice_from: WindowDay = Field(description="First day of the practice window (UTC).")
    practice_to: WindowDay = Field(description="Last day of the practice window, inclusive.")


class IntervalOut(BaseModel):
    low: float
    high: float


class GroupResultOut(BaseModel):
    agents_in_group: int
    agents_measured: int = Field(description="Agents with a scored message on the skill in "
                                             "both windows; only they count.")
    baseline_messages: int
    practice_messages: int
    baseline_mean: float | None = Field(description="Mean over measured agents of each "
                                                    "agent's mean score in the baseline window.")
    practice_mean: float | None
    change: float | None = Field(description="Mean over measured agents of (practice mean - "
                                             "baseline mean); score points on the 0-1 scale.")
    interval: IntervalOut | None = Field(description="Bootstrap interval over agents; null "
                                                     "with fewer than 3 measured agents.")


OutcomeMeasure = Literal["satisfaction ratings", "reopened conversations"]


class OutcomeOut(BaseModel):
    measure: OutcomeMeasure
    available: bool = Field(description="Whether some agent of the cohort has data in both "
                                        "windows.")
    note: str = Field(description="What the figures are, or why there are none.")
    cohort: GroupResultOut | None
    comparison: GroupResultOut | None
    difference: float | None
    difference_interval: IntervalOut | None


class ExperimentResultOut(BaseModel):
    cohort: GroupResultOut
    comparison: GroupResultOut
    difference: float | None = Field(description="Cohort change minus comparison change "
                                                 "(difference-in-differences).")
    difference_interval: IntervalOut | None
    confidence: float
    resamples: int
    seed: int
    model_versions_baseline: list[str] = Field(description="Scoring models behind the "
                                                           "baseline window's scores.")
    model_versions_practice: list[str]
    summary: str = Field(description="The result in one sentence.")


class ExperimentOut(BaseModel):
    experiment_id: str
    team_id: str
    name: str
    dimension: Dimension
    measures: str = Field(description="What the skill's score looks for in a reply.")
    baseline_from: date
    baseline_to: date
    practice_from: date
    practice_to: date
    created_at: datetime
    cohort: list[str]
    comparison: list[str]
    estimator: str
    result: ExperimentResultOut
    outcomes: list[OutcomeOut]


class ExperimentSummaryOut(BaseModel):
    experiment_id: str
    name: str
    dimension: Dimension
    baseline_from: date
    baseline_to: date
    practice_from: date
    practice_to: date
    created_at: datetime
    cohort_size: int
    comparison_size: int


class ExperimentListOut(BaseModel):
    team_id: str
    experiments: list[ExperimentSummaryOut]


class TeamAgentsOut(BaseModel):
    team_id: str
    agent_ids: list[str] = Field(description="Agents of the team the coach has scores for, "
                                             "in id order (to pick a cohort).")


class TeamSkillPointOut(BaseModel):
    week: str
    mean: float = Field(description="The team's mean score per scored reply that week.")
    scored_count: int


class TeamSkillSeriesOut(BaseModel):
    dimension: Dimension
    measures: str
    points: list[TeamSkillPointOut]


class DrillWeekOut(BaseModel):
    week: str
    assigned: int
    completed: int


class SkillAgreementOut(BaseModel):
    dimension: Dimension
    reviewers_alpha: float | None = Field(description="Krippendorff's alpha between the "
                                                      "reviewers; null: undefined.")
    model_alpha: float | None = Field(description="Alpha between the model and the "
                                                  "reviewers' consensus.")


class CalibrationHealthOut(BaseModel):
    available: bool
    circles: int = Field(description="Calibration circles of the team.")
    revealed: int = Field(description="Circles whose results were revealed.")
    latest_title: str | None = Field(description="The most recently revealed circle.")
    agreement: list[SkillAgreementOut] = Field(
        description="Per skill, the agreement in the most recently revealed circle.")
    note: str


class TeamViewOut(BaseModel):
    team_id: str
    as_of: datetime
    agents: int = Field(description="Agents of the team the coach has scores for.")
    weeks: list[str]
    skills: list[TeamSkillSeriesOut]
    drills: list[DrillWeekOut]
    calibration: CalibrationHealthOut
    open_disputes: int | None = Field(description="Disputes awaiting the lead; null where "
                                                  "the coach keeps none.")
