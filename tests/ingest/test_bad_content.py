"""Content the pipeline cannot carry is the sender's problem: a clear 4xx, nothing published.

Regressions of single deliveries that once stopped scoring (a date the scorer could not convert
to UTC, answered 200), froze a team's profiles (a date in 2150), were answered as an outage (503
for a lone surrogate or an event too big for a Kafka record, retried forever by the platform) or
crashed the route (500 for a 400-digit signed timestamp).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

import services.ingest.pipeline as pipeline_module
from services.ingest.payload import InvalidPayload
from services.ingest.pipeline import IngestPipeline
from services.ingest.plausibility import check_publishable
from services.ingest.providers.base import Normalised
from services.ingest.providers.generic import GenericProvider
from services.ingest.redaction import RedactionPolicy, RedactionTooSlow, redact_event
from services.ingest.settings import IngestSettings
from shared.events import InteractionEvent
from shared.http.problems import PROBLEM_JSON
from shared.settings import KafkaSettings
from tests.ingest.support import (
    SECRETS,
    NoLateSettlements,
    delivery_of,
    fixture,
    read_events,
    signed_post_args,
)

BASE = "http://testserver"
GENERIC = fixture("generic", "delivery")


def generic_body(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(GENERIC.body)
    document.update(changes)
    return document


def post_generic(client: TestClient, document: dict[str, Any]) -> httpx.Response:
    args = signed_post_args(GENERIC, BASE, body=json.dumps(document).encode())
    return client.post(args["url"], content=args["content"], headers=args["headers"])


def post_raw(client: TestClient, provider: str, name: str, body: bytes) -> httpx.Response:
    args = signed_post_args(fixture(provider, name), BASE, body=body)
    return client.post(args["url"], content=args["content"], headers=args["headers"])


def problem(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    for word in words:
        assert word in response.json()["detail"], response.json()


def with_message_time(moment: str) -> dict[str, Any]:
    document = generic_body(event_id="dated-" + hashlib.sha1(moment.encode()).hexdigest()[:12])
    document["messages"][1]["created_at"] = moment
    return document


def assert_only_sentinel_published(client: TestClient, kafka: KafkaSettings) -> None:
    """A valid delivery after the refused ones is the first and only event on the topic."""
    sentinel = "generic:inhouse-crm:sentinel-after-bad-content"
    assert post_generic(client, generic_body(event_id=sentinel.rpartition(":")[2])) \
        .status_code == 200
    events = read_events(kafka, until={sentinel})
    assert [event.event_id for event in events] == [sentinel]


def test_dates_nobody_can_have_written_are_refused_naming_the_field(
        client: TestClient, kafka_settings: KafkaSettings) -> None:
    # Past datetime's range once converted to UTC: this one once stopped all scoring.
    problem(post_generic(client, with_message_time("9999-12-31T23:59:59-01:00")), 422,
            "messages.1.created_at", "1970 and 2099")
    # Far future (overflowed the coach's recency weights for a whole team).
    problem(post_generic(client, with_message_time("2150-01-01T00:00:00Z")), 422,
            "messages.1.created_at")
    # Next week: within the schema's years, but not a time anyone replied at.
    next_week = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    problem(post_generic(client, with_message_time(next_week)), 422,
            "messages[1].created_at", "more than a day")
    problem(post_generic(client, generic_body(event_id="occurred-2150",
                                              occurred_at="2150-06-01T00:00:00Z")),
            422, "occurred_at")
    # Other providers go through the same event check: a Zendesk comment from 2150.
    zendesk = json.loads(fixture("zendesk", "comment_added").body)
    for moment in (zendesk, zendesk["detail"]):
        moment.update({key: "2150-01-01T00:00:00Z" for key in ("time", "created_at",
                                                               "updated_at") if key in moment})
    problem(post_raw(client, "zendesk", "comment_added", json.dumps(zendesk).encode()), 422,
            "1970 and 2099")
    assert_only_sentinel_published(client, kafka_settings)


@pytest.mark.parametrize(("provider", "name"), [
    ("generic", "delivery"), ("zendesk", "comment_added"), ("freshdesk", "agent_reply_weak"),
    ("chatwoot", "message_created_incoming"), ("front", "outbound_sent"),
])
def test_a_lone_surrogate_anywhere_is_a_4xx_not_an_outage(
        client: TestClient, provider: str, name: str) -> None:
    document = json.loads(fixture(provider, name).body)
    # In the message text: refused, naming what is wrong.
    longest = max(_string_paths(document), key=lambda path: len(_get(document, path)))
    problem(post_raw(client, provider, name,
                     json.dumps(_with_suffix(document, longest, "\ud800")).encode()),
            422, "surrogate")
    # In any other field (some once gave 500): refused, never 5xx.
    for path in _string_paths(document):
        mutated = json.dumps(_with_suffix(document, path, "\ud800")).encode()
        response = post_raw(client, provider, name, mutated)
        assert response.status_code in (400, 422), (path, response.status_code, response.text)


def test_a_surrogate_encoded_as_bytes_is_a_400_not_a_crash(
        client: TestClient, kafka_settings: KafkaSettings) -> None:
    # CESU-8 (a UTF-16 surrogate written as three bytes) is not UTF-8, but json.loads decodes it;
    # in a message body it once reached the Kafka encoder and crashed the route (500).
    body = GENERIC.body.replace(b"newborn", b"newborn \xed\xa0\x80", 1)
    assert body != GENERIC.body
    problem(post_raw(client, "generic", "delivery", body), 400, "not valid UTF-8")
    assert_only_sentinel_published(client, kafka_settings)


def test_a_surrogate_that_reached_the_event_is_refused_naming_its_field() -> None:
    # Text from elsewhere (HubSpot's API, decoded as json.loads does) can still carry one; the
    # encoder's error comes wrapped in pydantic's, which this check once let through as a 500.
    event = _with_agent_body(generic_outcome(), "Sorry \ud83d\ude00 for the wait")
    with pytest.raises(InvalidPayload) as refused:
        check_publishable(event)
    assert refused.value.field == f"messages[{len(event.messages) - 1}].body"


def test_an_event_too_big_for_a_kafka_record_is_413_not_503(
        client: TestClient, settings: IngestSettings, kafka_settings: KafkaSettings) -> None:
    document = generic_body(event_id="just-under-the-body-limit")
    envelope = len(json.dumps(document).encode())
    # A body just under the 1 MiB body limit whose event (plus the envelope) passes what one
    # Kafka record may hold: once answered 503 "broker did not acknowledge" on every retry.
    document["messages"][1]["body"] = "x" * (settings.max_body_bytes - envelope - 100)
    document["messages"][1]["body_format"] = "text"
    body = json.dumps(document).encode()
    assert len(body) < settings.max_body_bytes
    problem(post_raw(client, "generic", "delivery", body), 413, "Kafka record")
    assert_only_sentinel_published(client, kafka_settings)


def test_a_400_digit_signed_timestamp_is_refused_not_a_crash(client: TestClient) -> None:
    timestamp = "9" * 400
    body = GENERIC.body
    signature = hmac.new(SECRETS["generic"].encode(), timestamp.encode() + b"." + body,
                         hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Rapport-Timestamp": timestamp,
               "X-Rapport-Signature": f"sha256={signature}"}
    problem(client.post("/webhooks/generic", content=body, headers=headers), 401,
            "at most 16 digits")


def test_redaction_of_a_large_body_is_linear_and_runs_off_the_event_loop(
        monkeypatch: pytest.MonkeyPatch) -> None:
    outcome = generic_outcome()
    # 112 KB of addresses once took 7.4 s (a quadratic overlap check) with /healthz blocked;
    # ten times as much must now finish inside the default 2 s budget.
    body = " ".join(f"person{index}@example.org" for index in range(50_000))  # ~1.2 MB
    event = _with_agent_body(outcome, body)
    redacted = redact_event(event, RedactionPolicy.everything(), budget_s=2.0)
    assert redacted.redactions["email"] == 50_000
    with pytest.raises(RedactionTooSlow):
        redact_event(event, RedactionPolicy.everything(), budget_s=0.0)

    threads: list[int] = []

    def recording(*args: Any) -> Any:
        threads.append(threading.get_ident())
        return redact_event(*args)

    monkeypatch.setattr(pipeline_module, "redact_event", recording)
    pipeline = IngestPipeline(ledger=_NoLedger(), publisher=_NoPublisher(),
                              policy=RedactionPolicy.everything(), resolvers={})

    async def prepare_both() -> int:
        await pipeline._prepared(Normalised(event))
        await pipeline._prepared(outcome)
        return threading.get_ident()

    loop_thread = asyncio.run(prepare_both())
    assert threads[0] != loop_thread  # the 1.2 MB body: on a worker thread
    assert threads[1] == loop_thread  # a usual delivery: inline, no hand-off


class _NoLedger:
    async def claim(self, keys: Any) -> list[Any]:
        raise AssertionError("preparing an event claims nothing")

    def mark_done(self, dedupe_keys: Any) -> None:
        raise AssertionError("preparing an event marks nothing")

    async def release(self, dedupe_keys: Any) -> None:
        raise AssertionError("preparing an event releases nothing")


class _NoPublisher(NoLateSettlements):
    async def publish(self, events: Any) -> list[bool]:
        raise AssertionError("preparing an event publishes nothing")


def generic_outcome() -> Normalised:
    outcomes = GenericProvider().parse(delivery_of(GENERIC))
    assert isinstance(outcomes, list)
    assert isinstance(outcomes[0], Normalised)
    return outcomes[0]


def _with_agent_body(outcome: Normalised, body: str) -> InteractionEvent:
    event = outcome.event
    messages = (*event.messages[:-1], event.messages[-1].model_copy(update={"body": body}))
    return event.model_copy(update={"messages": messages})


def _string_paths(document: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(document, str):
        yield prefix
    elif isinstance(document, dict):
        for key, value in document.items():
            yield from _string_paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _string_paths(value, (*prefix, index))


def _with_suffix(document: Any, path: tuple[Any, ...], suffix: str) -> Any:
    copied = json.loads(json.dumps(document))
    target = copied
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = target[path[-1]] + suffix
    return copied


def _get(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def test_a_nul_character_in_message_text_is_a_422(client: TestClient) -> None:
    # PostgreSQL text cannot hold U+0000: once accepted, such a reply was dead-lettered by the
    # scorer with the SQL statement (and the body) in the reason.
    document = generic_body(event_id="nul-in-body")
    document["messages"][0]["body"] = "my order\u0000 never came"
    problem(post_generic(client, document), 422, "messages[0].body", "NUL")
