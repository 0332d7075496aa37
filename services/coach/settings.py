"""Coach settings: env prefix ``RAPPORT_COACH_`` (nested: ``RAPPORT_COACH_POLICY__...``).

``RAPPORT_ADMIN_TOKEN`` is read without the coach prefix because one admin token serves the whole
stack. Secrets default to placeholders that ``ServiceSettings`` refuses outside development.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.retention import RetentionSchedule, keep_days
from shared.settings import ServiceSettings


class ProfileSettings(BaseModel):
    """How scores become a skill estimate."""

    # A month of conversations counts fully; last quarter's habits fade to an eighth.
    half_life_days: float = Field(default=30.0, gt=0)
    # Shrinkage strength k in n_eff / (n_eff + k): with k recent messages an agent's own mean
    # and the team mean weigh the same.
    prior_strength: float = Field(default=10.0, gt=0)
    # Below this many scored messages a dimension cannot become the weekly focus.
    min_evidence: int = Field(default=8, ge=1)
    # z for the reported interval (1.96 -> about 95%).
    interval_z: float = Field(default=1.96, gt=0)


class PolicySettings(BaseModel):
    """The weekly assignment policy."""

    max_drills_per_week: int = Field(default=3, ge=1, le=10)
    no_repeat_weeks: int = Field(default=6, ge=1)
    starting_difficulty: int = Field(default=2, ge=1, le=5)
    # Practice scores (target dimension, 0-1) that count as a success / a struggle.
    success_score: float = Field(default=0.7, ge=0, le=1)
    struggle_score: float = Field(default=0.45, ge=0, le=1)


class CoachRetention(RetentionSchedule):
    """``RAPPORT_COACH_RETENTION__ATTEMPTS_DAYS=365`` and so on (docs/operations.md)."""

    # Practice replies and reflection answers; the drills they belong to and the profiles stay.
    attempts_days: int = keep_days(365, "practice attempts and reflections")
    # The ledger of score events applied (for redelivery); Kafka keeps a score for days only.
    score_events_days: int = keep_days(365, "applied score event ids")
    # Per-message skill scores (no text) that before/after experiments average; a year covers
    # a baseline window well before any practice window.
    message_scores_days: int = keep_days(365, "per-message skill scores")
    # Customers' praise (their comments and thank-you messages) in the gratitude spotlight: a
    # year of retros; a customer's erasure removes theirs at once.
    gratitude_days: int = keep_days(365, "customers' praise for the gratitude spotlight")
    # Conversations' texts (redacted) a circle samples and a dispute quotes; a circle or a dispute
    # keeps its own copy of what it rated. As long as the scorer keeps message bodies.
    conversation_texts_days: int = keep_days(90, "conversation texts for calibration circles "
                                                 "and disputes")


class CoachSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RAPPORT_COACH_", env_nested_delimiter="__",
                                      extra="ignore", populate_by_name=True)

    port: int = 8003
    admin_token: SecretStr = Field(
        default=SecretStr("changeme"),
        validation_alias=AliasChoices("RAPPORT_ADMIN_TOKEN", "RAPPORT_COACH_ADMIN_TOKEN"),
    )
    link_secret: SecretStr = SecretStr("changeme")
    link_ttl_hours: float = Field(default=72.0, gt=0)
    public_base_url: str = "http://127.0.0.1:8003"
    scorer_url: str = "http://127.0.0.1:8002"
    # Sent as a bearer token to the scorer, which requires one outside development; so does the
    # coach service, rather than fail on an agent's first practice (its command-line tools do
    # not call the scorer). The scorer's own variable serves too: one secret for both.
    scorer_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("RAPPORT_COACH_SCORER_TOKEN", "RAPPORT_SCORER_API_TOKEN"),
    )
    scorer_timeout_s: float = Field(default=10.0, gt=0)
    announce_webhook_url: str | None = None
    announce_timeout_s: float = Field(default=5.0, gt=0)
    consumer_group: str = "rapport-coach"
    # A batch costs one transaction plus one row write per (agent, dimension) it touches, so
    # bigger polls amortise better; 2000 events are a fraction of a second of work.
    max_poll_records: int = Field(default=2000, ge=1)
    scenarios_dir: Path | None = None
    profile: ProfileSettings = Field(default_factory=ProfileSettings)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    retention: CoachRetention = Field(default_factory=CoachRetention)

    def require_serving_secrets(self) -> None:
        """Raise ``ValueError`` unless the service (not a tool) has what it needs to serve."""
        if self.environment != "development" and self.scorer_token is None:
            raise ValueError("scorer_token is required to serve (set RAPPORT_COACH_SCORER_TOKEN "
                             f"or RAPPORT_SCORER_API_TOKEN; environment={self.environment})")
