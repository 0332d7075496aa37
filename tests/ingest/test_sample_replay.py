"""The bundled sample traffic replays cleanly against a real ingest service and broker."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from deploy.kafka.launcher import free_port
from deploy.sample.replay import TRAFFIC, development_secret, main
from services.ingest.app import create_app
from services.ingest.delivery_files import load_deliveries
from services.ingest.providers import PROVIDER_NAMES
from services.ingest.settings import IngestSettings
from shared.settings import KafkaSettings
from tests.ingest.support import read_events, serving

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def test_sample_traffic_is_realistic_and_replays_with_every_delivery_accepted(
        settings: IngestSettings, kafka_settings: KafkaSettings,
        capsys: pytest.CaptureFixture[str]) -> None:
    deliveries = load_deliveries(TRAFFIC)
    providers = {d.provider for d in deliveries}
    assert len(deliveries) >= 35
    assert {"zendesk", "intercom", "front", "helpscout", "chatwoot", "freshdesk",
            "generic"} <= providers
    dev_secrets = {name: SecretStr(development_secret(name)) for name in PROVIDER_NAMES}
    app = create_app(settings.model_copy(update={"webhook_secrets": dev_secrets}))
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


def test_a_wrong_secret_makes_the_replay_fail(settings: IngestSettings,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with serving(create_app(settings), free_port()) as base_url:  # test secrets, not dev ones
        assert main(["--url", base_url]) == 1
    assert "HTTP 401" in capsys.readouterr().err
