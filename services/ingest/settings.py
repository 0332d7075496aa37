"""Ingest settings: env prefix ``RAPPORT_INGEST_`` (nested: ``RAPPORT_INGEST_KAFKA__...``).

Webhook secrets are the exception: operators paste one per helpdesk, so each lives in its own
short variable, ``RAPPORT_WEBHOOK_SECRET_<PROVIDER>`` (``RAPPORT_WEBHOOK_SECRET_ZENDESK``), and
lands in ``webhook_secrets`` keyed by the lower-case provider name.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from shared.retention import RetentionSchedule, keep_days
from shared.settings import ServiceSettings

WEBHOOK_SECRET_PREFIX = "RAPPORT_WEBHOOK_SECRET_"


def secret_variable(provider: str) -> str:
    """The environment variable an operator sets for ``provider``'s webhook secret."""
    return f"{WEBHOOK_SECRET_PREFIX}{provider.upper()}"


class RedactionSettings(BaseModel):
    """``RAPPORT_INGEST_REDACTION__ENABLED=false`` turns it off; one toggle per kind of data."""

    enabled: bool = True
    email: bool = True
    phone: bool = True
    card: bool = True
    iban: bool = True
    national_id: bool = True


class HubSpotApiSettings(BaseModel):
    """HubSpot events carry no message body; it is fetched from this API while the sender waits."""

    base_url: str = "https://api.hubapi.com"
    access_token: SecretStr | None = None
    # HubSpot gives up on a webhook after a few seconds, so the whole fetch must fit well inside.
    timeout_s: float = Field(default=2.0, gt=0)
    max_attempts: int = Field(default=3, ge=1)
    max_retry_wait_s: float = Field(default=1.0, ge=0)

    @field_validator("access_token", mode="before")
    @classmethod
    def _empty_token_is_unset(cls, value: Any) -> Any:
        # docker-compose passes an unset one as "": that is no token, not "Bearer ".
        return None if isinstance(value, str) and not value.strip() else value


class IngestRetention(RetentionSchedule):
    """``RAPPORT_INGEST_RETENTION__DELIVERIES_DAYS=30`` (docs/operations.md)."""

    # The ledger only answers "published already?"; senders stop retrying within days. A
    # delivery sent again after this is published again (the sinks dedupe on message ids).
    deliveries_days: int = keep_days(30, "delivery ledger rows")


class IngestSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RAPPORT_INGEST_", env_nested_delimiter="__",
                                      extra="ignore")

    port: int = 8001
    webhook_secrets: dict[str, SecretStr] = Field(default_factory=dict)
    # Platforms that sign a timestamp: older (or further in the future) than this is a replay.
    replay_window_s: float = Field(default=300.0, gt=0)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # How long a sender waits for the broker's acks=all before it gets a 503; senders time out
    # after 5-10 s (Front, Chatwoot: 5 s), so this stays well below that.
    publish_timeout_s: float = Field(default=3.0, gt=0)
    # A delivery claimed but neither published nor released within this time (the process died
    # in between) may be taken over by a retry.
    claim_ttl_s: float = Field(default=30.0, gt=0)
    # Public URL of this service as senders address it, when a proxy rewrites scheme or host;
    # HubSpot signs the full URL.
    public_base_url: str | None = None
    salesforce_org_ids: Annotated[tuple[str, ...], NoDecode] = ()
    redaction: RedactionSettings = Field(default_factory=RedactionSettings)
    # HMAC-SHA256 key turning e-mail-shaped ids and tags into stable pseudonyms before they are
    # published. Changing it changes every such pseudonym (new agents and customers for coach
    # and scorer), so it is set once per deployment; the placeholder works only in development.
    pseudonym_key: SecretStr = SecretStr("changeme")
    hubspot: HubSpotApiSettings = Field(default_factory=HubSpotApiSettings)
    retention: IngestRetention = Field(default_factory=IngestRetention)

    @model_validator(mode="before")
    @classmethod
    def _read_webhook_secrets(cls, data: Any) -> Any:
        if isinstance(data, dict) and "webhook_secrets" not in data:
            data["webhook_secrets"] = {
                name.removeprefix(WEBHOOK_SECRET_PREFIX).lower(): value
                for name, value in os.environ.items()
                if name.startswith(WEBHOOK_SECRET_PREFIX) and value
            }
        return data

    @field_validator("salesforce_org_ids", mode="before")
    @classmethod
    def _split_org_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    def webhook_secret(self, provider: str) -> str | None:
        secret = self.webhook_secrets.get(provider)
        return secret.get_secret_value() if secret is not None else None
