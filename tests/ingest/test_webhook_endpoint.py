"""``POST /webhooks/{provider}``: every refusal is problem+json and publishes nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from services.ingest.app import create_app
from services.ingest.settings import IngestSettings
from shared.http.problems import PROBLEM_JSON
from shared.settings import KafkaSettings
from tests.ingest.support import fixture, read_events, signed_post_args

BASE = "http://testserver"


def post(client: TestClient, provider: str, name: str, *, secret: str | None = None,
         now_s: float | None = None, body: bytes | None = None) -> httpx.Response:
    args = signed_post_args(fixture(provider, name), BASE, secret=secret, now_s=now_s, body=body)
    return client.post(args["url"], content=args["content"], headers=args["headers"])


def deliveries(provider: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value("rapport_ingest_deliveries_total",
                                      {"provider": provider, "outcome": outcome})
    return value or 0.0


def assert_problem(response: httpx.Response, status: int, *words: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, object] = response.json()
    assert body["status"] == status
    for word in words:
        assert word in str(body["detail"]), body
    return body


def test_a_valid_delivery_is_accepted_after_the_broker_acknowledged(
        client: TestClient, kafka_settings: KafkaSettings) -> None:
    before = deliveries("zendesk", "accepted")
    response = post(client, "zendesk", "comment_added")
    assert response.status_code == 200
    assert response.json() == {
        "status": "accepted", "accepted": ["zendesk:01JBY5Q8M4W3C6ZK2T9V7XH1AE"],
        "duplicates": [], "ignored": []}
    assert deliveries("zendesk", "accepted") == before + 1
    (event,) = read_events(kafka_settings, until={"zendesk:01JBY5Q8M4W3C6ZK2T9V7XH1AE"})
    assert event.redactions == {"email": 1, "phone": 1}


def test_bad_input_gets_clear_problems_and_nothing_reaches_kafka(
        client: TestClient, kafka_settings: KafkaSettings) -> None:
    assert_problem(client.post("/webhooks/myspace", content=b"{}"), 404, "unknown provider")
    assert_problem(client.post("/webhooks/zendesk", content=b"{}"), 401,
                   "X-Zendesk-Webhook-Signature")
    assert_problem(post(client, "zendesk", "comment_added", secret="wrong"), 401,
                   "does not match")
    assert_problem(post(client, "front", "inbound_received", now_s=time.time() - 3600), 401,
                   "replay window")
    assert_problem(post(client, "generic", "delivery", body=b"<html>not json"), 400, "JSON")
    document = json.loads(fixture("generic", "delivery").body)
    del document["conversation"]["id"]
    missing = assert_problem(post(client, "generic", "delivery",
                                  body=json.dumps(document).encode()), 422, "conversation.id")
    assert missing["field"] == "conversation.id"
    # A good delivery on the same topic: once it is there, anything published before it is too.
    assert post(client, "generic", "delivery").status_code == 200
    events = read_events(kafka_settings, until={"generic:inhouse-crm:call-20261125-0042"})
    assert [event.event_id for event in events] == ["generic:inhouse-crm:call-20261125-0042"]


def test_a_provider_without_a_secret_says_which_variable_to_set(
        settings: IngestSettings) -> None:
    secrets = {k: v for k, v in settings.webhook_secrets.items() if k != "intercom"}
    with TestClient(create_app(settings.model_copy(update={"webhook_secrets": secrets}))) as app:
        body = assert_problem(post(app, "intercom", "user_replied"), 401,
                              "RAPPORT_WEBHOOK_SECRET_INTERCOM")
        assert body["variable"] == "RAPPORT_WEBHOOK_SECRET_INTERCOM"


def test_an_oversized_body_is_refused_by_its_declared_length(client: TestClient,
                                                             settings: IngestSettings) -> None:
    before = deliveries("generic", "too_large")
    response = client.post("/webhooks/generic", content=b"x" * (settings.max_body_bytes + 1))
    assert_problem(response, 413, str(settings.max_body_bytes))
    assert deliveries("generic", "too_large") == before + 1


def test_an_oversized_chunked_body_is_refused_by_the_bytes_read(client: TestClient,
                                                                settings: IngestSettings) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"x" * 65536

    response = client.post("/webhooks/generic", content=chunks())
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "larger than")


def test_an_event_without_conversation_content_is_acknowledged_and_ignored(
        client: TestClient) -> None:
    response = post(client, "zendesk", "status_changed")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ignored"
    assert body["accepted"] == []
    assert "carries no conversation content" in body["ignored"][0]


def test_front_validation_challenge_is_echoed(client: TestClient) -> None:
    response = post(client, "front", "sync")
    assert response.status_code == 200
    assert response.text == "c1a2b3d4e5f6"


def test_intercom_head_check_succeeds(client: TestClient) -> None:
    assert client.head("/webhooks/intercom").status_code == 200
    assert client.head("/webhooks/nope").status_code == 404


def test_other_methods_and_paths_take_the_router(client: TestClient) -> None:
    """Only POST /webhooks/{provider} takes the fast path; the router answers the rest."""
    assert client.get("/webhooks/generic").status_code == 405
    assert client.put("/webhooks/generic", content=b"{}").status_code == 405
    assert client.post("/webhooks/generic/extra", content=b"{}").status_code == 404
    unknown = client.post("/webhooks/nope", content=b"{}")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


def test_salesforce_gets_its_soap_acknowledgement(client: TestClient) -> None:
    response = post(client, "salesforce", "outbound_email_messages")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert b"<Ack>true</Ack>" in response.content
