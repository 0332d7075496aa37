"""Property-based fuzzing: arbitrary or mutated payloads in, a typed outcome out, never a crash.

Every normaliser must answer any body with a valid event, a deferred fetch, an "ignored" reason,
or ``MalformedBody`` / ``InvalidPayload`` (400 / 422). Anything else would be a 500 and, for a
batch, risk publishing half a delivery.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.ingest.delivery_files import RecordedDelivery
from services.ingest.payload import Fields, InvalidPayload, MalformedBody
from services.ingest.providers import PROVIDER_NAMES, build_providers
from services.ingest.providers.base import Challenge, Deferred, Ignored, Normalised, ParseResult
from services.ingest.providers.helpscout import RATING_EVENT, THREAD_EVENTS
from services.ingest.providers.hubspot import HubSpotMessageRef, normalise_message
from shared.events import InteractionEvent
from shared.events.codec import decode_as, encode_event
from tests.ingest.mutations import json_paths, json_values, replaced
from tests.ingest.support import SALESFORCE_ORG, delivery_of, provider_fixtures

PROVIDERS = build_providers(salesforce_org_ids=(SALESFORCE_ORG,))
JSON_PROVIDERS = sorted(set(PROVIDER_NAMES) - {"salesforce"})
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

def assert_typed_outcome(result: ParseResult) -> None:
    if isinstance(result, Challenge):
        assert result.text
        return
    assert isinstance(result, list | tuple)
    assert result
    for outcome in result:
        if isinstance(outcome, Normalised):
            # The event survives the wire format and its Kafka key is computable.
            event = decode_as(InteractionEvent, encode_event(outcome.event))
            assert event.kafka_key().startswith(f"{event.provider}:")
        else:
            assert isinstance(outcome, Deferred | Ignored)


def parse_or_refuse(recorded: RecordedDelivery, body: bytes,
                    headers: dict[str, str] | None = None) -> None:
    try:
        result = PROVIDERS[recorded.provider].parse(
            delivery_of(recorded, body=body, headers=headers))
    except (MalformedBody, InvalidPayload):
        return
    assert_typed_outcome(result)


# Values that have broken parsers before: non-finite numbers, empty text, wrong containers.
NASTY: tuple[Any, ...] = (float("nan"), float("inf"), "", " ", "a b", -1, 2**70, True, [], {},
                          None, "2026-13-45", [{}], {"id": None})


@pytest.mark.parametrize("provider", JSON_PROVIDERS)
def test_every_field_of_every_documented_payload_survives_nasty_values(provider: str) -> None:
    for recorded in provider_fixtures(provider):
        document = json.loads(recorded.body)
        for path in json_paths(document)[1:]:
            for value in NASTY:
                parse_or_refuse(recorded, json.dumps(replaced(document, path, value)).encode())


@pytest.mark.parametrize("provider", JSON_PROVIDERS)
@FUZZ
@given(value=json_values, helpscout_event=st.sampled_from([RATING_EVENT, *THREAD_EVENTS]))
def test_arbitrary_json_gets_a_typed_answer(provider: str, value: Any,
                                            helpscout_event: str) -> None:
    recorded = provider_fixtures(provider)[0]
    parse_or_refuse(recorded, json.dumps(value).encode(),
                    headers={"X-HelpScout-Event": helpscout_event})


@pytest.mark.parametrize("provider", JSON_PROVIDERS)
@FUZZ
@given(data=st.data())
def test_mutated_documented_payloads_get_a_typed_answer(provider: str, data: st.DataObject
                                                        ) -> None:
    recorded = data.draw(st.sampled_from(provider_fixtures(provider)))
    document = json.loads(recorded.body)
    paths = json_paths(document)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        document = replaced(document, path, data.draw(json_values))
        paths = json_paths(document)
    parse_or_refuse(recorded, json.dumps(document).encode())


@FUZZ
@given(body=st.binary(max_size=300))
def test_arbitrary_bytes_get_a_typed_answer(body: bytes) -> None:
    for provider in PROVIDER_NAMES:
        parse_or_refuse(provider_fixtures(provider)[0], body)


@FUZZ
@given(data=st.data())
def test_mutated_salesforce_soap_gets_a_typed_answer(data: st.DataObject) -> None:
    recorded = provider_fixtures("salesforce")[0]
    text = recorded.body.decode()
    for _ in range(data.draw(st.integers(1, 3))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 40)))
        text = text[:start] + data.draw(st.text(max_size=20)) + text[end:]
    parse_or_refuse(recorded, text.encode())


@FUZZ
@given(data=st.data())
def test_hubspot_fetched_messages_get_a_typed_answer(data: st.DataObject) -> None:
    outcomes = PROVIDERS["hubspot"].parse(delivery_of(provider_fixtures("hubspot")[0]))
    assert not isinstance(outcomes, Challenge)
    ref = outcomes[0]
    assert isinstance(ref, HubSpotMessageRef)
    message: Any = {"type": "MESSAGE", "text": "hello", "direction": "INCOMING",
                    "senders": [{"actorId": "V-1"}], "createdAt": "2026-11-25T10:00:00Z",
                    "channelId": "1000"}
    path = data.draw(st.sampled_from(json_paths(message)[1:]))
    message = replaced(message, path, data.draw(json_values))
    try:
        result = normalise_message(ref, Fields(message))
    except InvalidPayload:
        return
    assert_typed_outcome([result])
