from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ExampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="RAPPORT_EXAMPLE_", env_nested_delimiter="__", extra="ignore"
    )
    port: int = 8999
    api_token: SecretStr = SecretStr("changeme")


@pytest.fixture(autouse=True)
def _development(monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings default to production; these tests are about reading variables, in development
    # unless a test sets another environment.
    monkeypatch.setenv("RAPPORT_EXAMPLE_ENVIRONMENT", "development")


def test_service_prefix_and_nested_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_EXAMPLE_PORT", "9123")
    monkeypatch.setenv("RAPPORT_EXAMPLE_KAFKA__BOOTSTRAP_SERVERS", "10.0.0.1:9092")
    monkeypatch.setenv("RAPPORT_EXAMPLE_DATABASE__URL", "sqlite:///x.db")
    settings = ExampleSettings()
    assert settings.port == 9123
    assert settings.kafka.bootstrap_servers == "10.0.0.1:9092"
    assert settings.database.url == "sqlite:///x.db"


def test_cluster_wide_variables_apply_unless_the_service_overrides_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "broker-a:9092")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/rapport")
    assert ExampleSettings().kafka.bootstrap_servers == "broker-a:9092"
    assert ExampleSettings().database.url == "postgresql://u:p@db/rapport"
    monkeypatch.setenv("RAPPORT_EXAMPLE_KAFKA__BOOTSTRAP_SERVERS", "broker-b:9092")
    assert ExampleSettings().kafka.bootstrap_servers == "broker-b:9092"


@pytest.mark.parametrize("environment", ["test", "production"])
def test_placeholder_secrets_are_refused_outside_development(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("RAPPORT_EXAMPLE_ENVIRONMENT", environment)
    with pytest.raises(ValidationError, match="api_token holds a placeholder secret"):
        ExampleSettings()
    monkeypatch.setenv("RAPPORT_EXAMPLE_API_TOKEN", "a-real-long-random-token")
    assert ExampleSettings().api_token.get_secret_value() == "a-real-long-random-token"


def test_placeholder_secrets_are_allowed_in_development() -> None:
    assert ExampleSettings().api_token.get_secret_value() == "changeme"


def test_the_environment_defaults_to_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAPPORT_EXAMPLE_ENVIRONMENT")
    with pytest.raises(ValidationError, match="environment=production"):
        ExampleSettings()


def test_topic_prefix_namespaces_every_topic() -> None:
    from shared.settings import KafkaSettings

    assert KafkaSettings(topic_prefix="staging.").topic("support.scores.v1") == (
        "staging.support.scores.v1"
    )
