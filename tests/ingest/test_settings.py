"""Ingest settings from the environment, as operators set them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.ingest.redaction import RedactionPolicy
from services.ingest.settings import IngestSettings, secret_variable


def test_webhook_secrets_come_from_one_variable_per_provider(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_WEBHOOK_SECRET_ZENDESK", "zd-signing-secret")
    monkeypatch.setenv("RAPPORT_WEBHOOK_SECRET_HELPSCOUT", "hs-secret")
    settings = IngestSettings()
    assert settings.webhook_secret("zendesk") == "zd-signing-secret"
    assert settings.webhook_secret("helpscout") == "hs-secret"
    assert settings.webhook_secret("intercom") is None
    assert "zd-signing-secret" not in repr(settings)  # SecretStr: never printed
    assert secret_variable("zendesk") == "RAPPORT_WEBHOOK_SECRET_ZENDESK"


def test_placeholder_secrets_are_refused_outside_development(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_WEBHOOK_SECRET_FRONT", "changeme")
    assert IngestSettings(environment="development").webhook_secret("front") == "changeme"
    with pytest.raises(ValidationError, match="placeholder"):
        IngestSettings(environment="production")


def test_redaction_toggles_and_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_INGEST_REDACTION__PHONE", "false")
    monkeypatch.setenv("RAPPORT_INGEST_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("RAPPORT_INGEST_REPLAY_WINDOW_S", "60")
    monkeypatch.setenv("RAPPORT_INGEST_SALESFORCE_ORG_IDS", "00D5g000004ABCD, 00D000000000001")
    settings = IngestSettings()
    assert RedactionPolicy.from_settings(settings.redaction).kinds == frozenset(
        {"email", "card", "iban", "national_id"})
    assert (settings.max_body_bytes, settings.replay_window_s) == (2048, 60)
    assert settings.salesforce_org_ids == ("00D5g000004ABCD", "00D000000000001")
    monkeypatch.setenv("RAPPORT_INGEST_REDACTION__ENABLED", "false")
    assert RedactionPolicy.from_settings(IngestSettings().redaction).kinds == frozenset()
