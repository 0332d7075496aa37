"""Every platform's documented payload, signed as that platform signs it, over real HTTP, lands on
``support.interactions.v1`` normalised and redacted (real broker, acks=all)."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from deploy.kafka.launcher import free_port
from services.ingest.app import create_app
from services.ingest.providers import PROVIDER_NAMES
from services.ingest.settings import HubSpotApiSettings, IngestSettings
from shared.settings import KafkaSettings
from tests.ingest.fake_helpdesk_apis import HUBSPOT_TOKEN, hubspot_api
from tests.ingest.support import provider_fixtures, read_events, serving, signed_post_args

# Personal data planted in the fixtures; none of it may reach the topic.
PLANTED = ("dana.whitfield@example.com", "555-0132", "4111 1111 1111 1111", "GB82 WEST",
           "123-45-6789", "07700 900123", "DE89 3704", "alex@example.net", "FR76 3000",
           "87 123 4567", "7946 0958", "mia.chen@example.org")

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def test_every_platform_lands_normalised_and_redacted(settings: IngestSettings,
                                                      kafka_settings: KafkaSettings) -> None:
    with serving(hubspot_api(), free_port()) as hubspot_url:
        app_settings = settings.model_copy(update={"hubspot": HubSpotApiSettings(
            base_url=hubspot_url, access_token=SecretStr(HUBSPOT_TOKEN))})
        with serving(create_app(app_settings), free_port()) as base_url, httpx.Client() as http:
            accepted: dict[str, list[str]] = {}
            for provider in PROVIDER_NAMES:
                for recorded in provider_fixtures(provider):
                    args = signed_post_args(recorded, base_url)
                    response = http.post(args["url"], content=args["content"],
                                         headers=args["headers"])
                    assert response.status_code == 200, (recorded.source, response.text)
                    if response.headers["content-type"] == "application/json":
                        accepted.setdefault(provider, []).extend(response.json()["accepted"])
    salesforce_ids = {"salesforce:00D5g000004ABCDEA2:04l5g00000A1b2cAAB",
                      "salesforce:00D5g000004ABCDEA2:04l5g00000A1b2dAAB"}
    expected = {event_id for ids in accepted.values() for event_id in ids} | salesforce_ids
    assert set(accepted) == set(PROVIDER_NAMES) - {"salesforce"}
    events = read_events(kafka_settings, until=expected)

    assert {event.provider for event in events} == set(PROVIDER_NAMES)
    assert len(events) == len(expected)  # one event per accepted delivery, no more
    wire = "\n".join(event.model_dump_json() for event in events)
    for planted in PLANTED:
        assert planted not in wire
    redacted = {kind for event in events for kind in event.redactions}
    assert redacted == {"email", "phone", "card", "iban", "national_id"}
    hubspot = [event for event in events if event.provider == "hubspot"]
    assert sorted(m.body for e in hubspot for m in e.messages) == [
        "Asked the courier for photos, waiting",
        "Your courier left my parcel in the rain and everything is soaked. Reach me at [EMAIL]"]
    for event in events:
        assert event.kafka_key().startswith(f"{event.provider}:{event.account}:")
        for message in event.messages:
            assert message.body.strip()
            assert message.message_id.startswith(event.kafka_key() + ":")
