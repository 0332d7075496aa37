"""The bundled sample traffic replays cleanly against a real ingest service and broker, signed
with the secrets that service runs with: a `make up` stack's (``.run/stack.env``), else dev.env's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest

from deploy.kafka.launcher import free_port
from deploy.sample.replay import TRAFFIC, main
from services.ingest.app import create_app
from services.ingest.delivery_files import load_deliveries
from services.ingest.providers import PROVIDER_NAMES
from services.ingest.settings import IngestSettings, secret_variable
from shared.local_stack import DEV_ENV, STACK_ENV, is_stack_key, read_env_file, write_env_file
from shared.settings import KafkaSettings
from tests.ingest.support import read_events, serving

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


@pytest.fixture
def fresh_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory without a stack file and an environment without Rapport settings
    (the broker and database the test uses are given to the app explicitly)."""
    for key in list(os.environ):
        if is_stack_key(key) and key != "RAPPORT_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)
    # A developer's shell: the tools fall back on deploy/local/dev.env only in development.
    monkeypatch.setenv("RAPPORT_INGEST_ENVIRONMENT", "development")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def as_started_with(environment: Mapping[str, str], test_settings: IngestSettings,
                    monkeypatch: pytest.MonkeyPatch) -> IngestSettings:
    """The settings the ingest service reads when a stack starts it with ``environment``, on
    the test's own broker topics and ledger."""
    with monkeypatch.context() as scoped:
        for key, value in environment.items():
            scoped.setenv(key, value)
        read = IngestSettings()
    return test_settings.model_copy(update={"webhook_secrets": read.webhook_secrets})


def test_sample_traffic_is_realistic_and_replays_with_every_delivery_accepted(
        settings: IngestSettings, kafka_settings: KafkaSettings, fresh_shell: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    deliveries = load_deliveries(TRAFFIC)
    providers = {d.provider for d in deliveries}
    assert len(deliveries) >= 35
    assert {"zendesk", "intercom", "front", "helpscout", "chatwoot", "freshdesk",
            "generic"} <= providers
    # No stack running: the replay signs with dev.env's secrets, those `make up` starts with.
    app = create_app(as_started_with(read_env_file(DEV_ENV), settings, monkeypatch))
    with serving(app, free_port()) as base_url:
        assert main(["--url", base_url]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == len(providers)
        # A second replay is all duplicates (and still a success for the sender).
        assert main(["--url", base_url]) == 0
        assert "accepted" not in capsys.readouterr().out

    events = read_events(kafka_settings, until={"generic:inhouse-crm:call-20261126-0007"})
    agents = {m.author_id for e in events for m in e.messages if m.author_role == "agent"}
    assert 6 <= len(agents) <= 8
    assert {kind for e in events for kind in e.redactions} == {
        "email", "phone", "card", "iban", "national_id"}
    conversations = {e.kafka_key() for e in events}
    assert 8 <= len(conversations) <= 10


def test_the_replay_signs_with_the_running_stacks_secrets(
        settings: IngestSettings, fresh_shell: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # A stack started with secrets of its own (exported when `make up` ran), not dev.env's.
    stack = {**read_env_file(DEV_ENV),
             **{secret_variable(p): f"stack-only-secret-for-{p}-0123" for p in PROVIDER_NAMES}}
    write_env_file(fresh_shell / STACK_ENV, stack, header="as make up writes it")
    ingest = as_started_with(stack, settings, monkeypatch)
    assert ingest.webhook_secret("zendesk") == "stack-only-secret-for-zendesk-0123"
    with serving(create_app(ingest), free_port()) as base_url:
        assert main(["--url", base_url]) == 0  # nothing exported in this shell
    out = capsys.readouterr()
    assert str(fresh_shell / STACK_ENV) in out.err
    assert "failed" not in out.out
    assert "accepted" in out.out


def test_a_wrong_secret_makes_the_replay_fail(settings: IngestSettings, fresh_shell: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with serving(create_app(settings), free_port()) as base_url:  # test secrets, not dev ones
        assert main(["--url", base_url]) == 1
    assert "HTTP 401" in capsys.readouterr().err


def test_a_secret_found_nowhere_is_an_error_not_a_guess(
        fresh_shell: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_INGEST_ENVIRONMENT", "production")  # dev.env is not read
    monkeypatch.setenv("RAPPORT_INGEST_PSEUDONYM_KEY", "a-real-pseudonym-key-0123")
    with pytest.raises(SystemExit, match="RAPPORT_WEBHOOK_SECRET_ZENDESK is not set"):
        main(["--url", f"http://127.0.0.1:{free_port()}"])
