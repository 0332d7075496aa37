"""HubSpot events carry no text: the message is fetched from its API, with bounded retries."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from deploy.kafka.launcher import free_port
from services.ingest.app import create_app
from services.ingest.settings import HubSpotApiSettings, IngestSettings
from shared.settings import KafkaSettings
from tests.ingest.fake_helpdesk_apis import HUBSPOT_TOKEN, HubSpotScript, hubspot_api
from tests.ingest.support import fixture, read_events, serving, signed_post_args

VISITOR_EVENT = "hubspot:62515:1851207201"


def post_batch(client: TestClient, events: list[int] | None = None) -> httpx.Response:
    recorded = fixture("hubspot", "conversation_batch")
    batch = json.loads(recorded.body)
    body = json.dumps([batch[i] for i in (events or [0])]).encode()
    args = signed_post_args(recorded, "http://testserver", body=body)
    return client.post(args["url"], content=args["content"], headers=args["headers"])


@pytest.fixture
def script() -> HubSpotScript:
    return HubSpotScript()


@pytest.fixture
def hubspot_client(settings: IngestSettings, script: HubSpotScript) -> Iterator[TestClient]:
    with serving(hubspot_api(script), free_port()) as api_url:
        app_settings = settings.model_copy(update={"hubspot": HubSpotApiSettings(
            base_url=api_url, access_token=SecretStr(HUBSPOT_TOKEN), max_attempts=3,
            max_retry_wait_s=0.05)})
        with TestClient(create_app(app_settings)) as client:
            yield client


def test_a_429_and_a_500_are_retried_then_the_message_is_published(
        hubspot_client: TestClient, script: HubSpotScript, kafka_settings: KafkaSettings) -> None:
    script.failures = [(429, {"Retry-After": "0"}), (503, {})]
    response = post_batch(hubspot_client)
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == [VISITOR_EVENT]
    assert script.calls == 3
    (event,) = read_events(kafka_settings, until={VISITOR_EVENT})
    assert event.messages[0].body.endswith("Reach me at [EMAIL]")


def test_an_api_that_stays_down_gives_503_so_hubspot_retries(
        hubspot_client: TestClient, script: HubSpotScript) -> None:
    script.failures = [(500, {})] * 3
    response = post_batch(hubspot_client)
    assert response.status_code == 503
    assert "Retry-After" in response.headers
    assert script.calls == 3
    # The claim was released: HubSpot's retry, once the API is back, is published.
    assert post_batch(hubspot_client).json()["accepted"] == [VISITOR_EVENT]


def test_a_deleted_message_is_acknowledged_and_ignored(hubspot_client: TestClient) -> None:
    recorded = fixture("hubspot", "conversation_batch")
    batch = json.loads(recorded.body)
    batch[0]["messageId"] = "gone"
    args = signed_post_args(recorded, "http://testserver", body=json.dumps([batch[0]]).encode())
    response = hubspot_client.post(args["url"], content=args["content"], headers=args["headers"])
    assert response.status_code == 200
    assert response.json()["ignored"] == ["HubSpot no longer has the message (deleted)"]


def test_without_an_api_token_the_sender_is_told_what_to_set(client: TestClient) -> None:
    response = post_batch(client)
    assert response.status_code == 503
    assert "RAPPORT_INGEST_HUBSPOT__ACCESS_TOKEN" in response.json()["detail"]
