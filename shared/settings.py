"""Settings building blocks shared by every service.

Each service declares one ``BaseSettings`` subclass with its own env prefix (``RAPPORT_INGEST_``)
and nested Kafka / database / metrics sub-settings (``RAPPORT_INGEST_KAFKA__BOOTSTRAP_SERVERS``).
Two cluster-wide variables are honoured by every service because operators set them once for the
whole stack: ``KAFKA_BOOTSTRAP_SERVERS`` and ``DATABASE_URL``.

The environment defaults to ``production``: a deployment that forgets to say which it is gets the
strict behaviour (placeholder secrets refused, API tokens required), never the lenient one. Only
``make up`` (``deploy/local/dev.env``) and the tests set ``RAPPORT_<SVC>_ENVIRONMENT=development``.
"""

from __future__ import annotations

import os
import typing
from typing import Any, ClassVar, Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "production"]

# Values people paste from examples; refused anywhere but a developer's laptop.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "changethis", "secret", "password", "dev"}
)


class KafkaSettings(BaseModel):
    bootstrap_servers: str = "127.0.0.1:9092"
    client_id: str = "rapport"
    topic_partitions: int = Field(default=6, ge=1)
    request_timeout_ms: int = Field(default=30_000, ge=1_000)
    produce_timeout_s: float = Field(default=10.0, gt=0)
    # A bad deploy that cannot decode anything must halt, not drain the topic into the DLQ.
    dlq_max_consecutive_invalid: int = Field(default=100, ge=1)
    # Lets several stacks (or tests) share one cluster: "staging." -> "staging.support.scores.v1".
    topic_prefix: str = ""

    def topic(self, logical_name: str) -> str:
        return f"{self.topic_prefix}{logical_name}"


class DatabaseSettings(BaseModel):
    url: str = "sqlite:///.data/rapport.db"
    echo: bool = False


class MetricsSettings(BaseModel):
    enabled: bool = True


class ServiceSettings(BaseSettings):
    """Common fields; subclasses set ``model_config`` with their env prefix and their port."""

    # Inputs hold secrets: a validation error names the field and the problem, never the values.
    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore",
                                      hide_input_in_errors=True)

    # Secure by default: only an explicit ``development`` accepts placeholders and open APIs.
    environment: Environment = "production"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)

    @model_validator(mode="before")
    @classmethod
    def _apply_cluster_wide_variables(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        _fill_nested(data, "kafka", "bootstrap_servers", os.environ.get("KAFKA_BOOTSTRAP_SERVERS"))
        _fill_nested(data, "database", "url", os.environ.get("DATABASE_URL"))
        for name, field in cls.model_fields.items():
            if not _is_optional_secret(field.annotation):
                continue
            # "RAPPORT_SCORER_API_TOKEN=" means no token, never a token that "Bearer " matches.
            for key in (name, *_alias_names(field.validation_alias)):
                value = data.get(key)
                if isinstance(value, str) and not value.strip():
                    data[key] = None
        return data

    # Optional secrets (``SecretStr | None``) that only development may leave unset: the API
    # tokens, whose absence would leave an API open.
    required_outside_development: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> ServiceSettings:
        if self.environment == "development":
            return self
        for name in self.required_outside_development:
            if getattr(self, name) is None:
                variables = (_alias_names(type(self).model_fields[name].validation_alias)
                             or [f"{self.model_config.get('env_prefix', '')}{name}".upper()])
                raise ValueError(f"{name} is required (set {' or '.join(variables)}; "
                                 f"environment={self.environment})")
        for name, value in _secret_fields(self):
            if value.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
                raise ValueError(
                    f"{name} holds a placeholder secret; set a real value "
                    f"(environment={self.environment})"
                )
        return self


def _is_optional_secret(annotation: Any) -> bool:
    arguments = typing.get_args(annotation)
    return SecretStr in arguments and type(None) in arguments


def _alias_names(alias: Any) -> list[str]:
    if isinstance(alias, str):
        return [alias]
    if isinstance(alias, AliasChoices):
        return [choice for choice in alias.choices if isinstance(choice, str)]
    return []


def _fill_nested(data: dict[str, Any], section: str, key: str, value: str | None) -> None:
    """Use a cluster-wide variable unless the service-prefixed one was given."""
    if not value:
        return
    nested = data.get(section)
    if nested is None:
        data[section] = {key: value}
    elif isinstance(nested, dict) and key not in nested:
        nested[key] = value


def _secret_fields(settings: BaseModel) -> list[tuple[str, SecretStr]]:
    found: list[tuple[str, SecretStr]] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            found.append((name, value))
        elif isinstance(value, dict):
            found.extend((f"{name}[{k}]", v) for k, v in value.items() if isinstance(v, SecretStr))
    return found
