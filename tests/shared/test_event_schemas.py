"""Schemas on disk match the models; every example payload decodes; codecs round-trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.events import (
    DIMENSIONS,
    TOPICS,
    AssignmentEvent,
    Channel,
    EventDecodeError,
    InteractionEvent,
    ScoreEvent,
    agent_id,
    decode_event,
    encode_event,
    parse_agent_id,
)
from shared.events.codec import EVENT_TYPES
from shared.events.schemas import example_paths, render_schema, schema_path


@pytest.mark.parametrize("topic", TOPICS)
def test_checked_in_schema_matches_the_model(topic: str) -> None:
    on_disk = schema_path(topic).read_text(encoding="utf-8")
    assert on_disk == render_schema(topic), (
        f"{schema_path(topic).name} drifted from the model: run `python -m shared.events.schemas`"
    )


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_has_example_payloads_that_decode(topic: str) -> None:
    paths = example_paths(topic)
    assert paths, f"no example payloads for {topic}"
    for path in paths:
        event = decode_event(topic, path.read_bytes())
        assert isinstance(event, EVENT_TYPES[topic])
        assert event.schema_version == 1


def test_examples_validate_against_the_checked_in_json_schema() -> None:
    import jsonschema

    for topic in TOPICS:
        schema = json.loads(schema_path(topic).read_text())
        for path in example_paths(topic):
            jsonschema.validate(json.loads(path.read_text()), schema)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{oops", "Invalid JSON"),
        (b'{"schema_version": 2}', "schema_version"),
        (None, "tombstone"),
    ],
)
def test_undecodable_records_explain_why(payload: bytes | None, reason: str) -> None:
    with pytest.raises(EventDecodeError, match=reason):
        decode_event("support.scores.v1", payload)


def test_decode_errors_never_echo_the_payload() -> None:
    secret_body = "my card is 4111111111111111"
    raw = json.dumps({"schema_version": 1, "event_id": 5, "body": secret_body}).encode()
    with pytest.raises(EventDecodeError) as info:
        decode_event("support.interactions.v1", raw)
    assert secret_body not in info.value.reason


id_part = st.from_regex(r"[A-Za-z0-9_.@\-]{1,20}", fullmatch=True)
text = st.text(max_size=200)
unit = st.floats(min_value=0, max_value=1, allow_nan=False)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)


@st.composite
def interaction_events(draw: st.DrawFn) -> InteractionEvent:
    provider, account, conv = draw(id_part), draw(id_part), draw(id_part)
    messages = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "message_id": id_part,
                    "author_role": st.sampled_from(["agent", "customer", "bot", "system"]),
                    "author_id": st.none() | id_part.map(lambda u: agent_id(provider, account, u)),
                    "body": text,
                    "public": st.booleans(),
                    "created_at": moments,
                }
            ),
            max_size=4,
        )
    )
    return InteractionEvent.model_validate(
        {
            "event_id": draw(id_part),
            "provider": provider,
            "account": account,
            "event_type": draw(id_part),
            "occurred_at": draw(moments),
            "received_at": draw(moments),
            "conversation": {
                "conversation_id": conv,
                "channel": draw(st.sampled_from(list(Channel))),
                "subject": draw(st.none() | text),
                "tags": draw(st.lists(id_part)),
                "satisfaction": draw(
                    st.none()
                    | st.fixed_dictionaries({"rating": st.sampled_from(["good", "bad", "neutral"])})
                ),
            },
            "messages": messages,
            "redactions": draw(
                st.dictionaries(st.sampled_from(["email", "phone", "card"]), st.integers(0, 50))
            ),
        }
    )


@st.composite
def score_events(draw: st.DrawFn) -> ScoreEvent:
    dims = {
        d: {"score": draw(st.none() | unit), "evidence": draw(st.lists(text, max_size=2))}
        for d in DIMENSIONS
    }
    return ScoreEvent.model_validate(
        {
            "event_id": draw(id_part),
            "conversation_key": draw(id_part),
            "message_id": draw(id_part),
            "agent_id": agent_id(draw(id_part), draw(id_part), draw(id_part)),
            "channel": draw(st.sampled_from(list(Channel))),
            "model_version": draw(id_part),
            "message_at": draw(moments),
            "scored_at": draw(moments),
            "dimensions": dims,
            "overall": draw(unit),
            "customer": {
                "emotion": draw(st.sampled_from(["anger", "fear", "neutral"])),
                "emotion_confidence": draw(unit),
                "intensity": draw(unit),
                "vulnerability": draw(st.none() | st.sampled_from(["health", "safety"])),
            },
            "tone": {"raw": draw(unit), "channel_adjusted": draw(unit)},
        }
    )


@st.composite
def assignment_events(draw: st.DrawFn) -> AssignmentEvent:
    dimension = draw(st.sampled_from(DIMENSIONS))
    return AssignmentEvent.model_validate(
        {
            "event_id": draw(id_part),
            "assignment_id": draw(id_part),
            "agent_id": agent_id("zendesk", draw(id_part), draw(id_part)),
            "scenario_id": draw(id_part),
            "target_dimension": dimension,
            "week": f"{draw(st.integers(2000, 2099))}-W{draw(st.integers(1, 53)):02d}",
            "difficulty": draw(st.integers(1, 5)),
            "assigned_at": draw(moments),
            "reason": {
                "dimension": dimension,
                "estimate": draw(unit),
                "interval_low": draw(unit),
                "interval_high": draw(unit),
                "evidence_count": draw(st.integers(0, 10_000)),
                "team_mean": draw(unit),
                "explanation": draw(text),
            },
        }
    )


@settings(max_examples=60, deadline=None)
@given(st.one_of(interaction_events(), score_events(), assignment_events()))
def test_codec_round_trips_every_event(
    event: InteractionEvent | ScoreEvent | AssignmentEvent,
) -> None:
    topic = next(t for t, model in EVENT_TYPES.items() if isinstance(event, model))
    assert decode_event(topic, encode_event(event)) == event


@given(id_part, id_part, id_part)
def test_agent_ids_round_trip(provider: str, account: str, user: str) -> None:
    assert parse_agent_id(agent_id(provider, account, user)) == (provider, account, user)


@pytest.mark.parametrize("bad", ["", "has:colon", "has space"])
def test_agent_id_parts_are_validated(bad: str) -> None:
    with pytest.raises(ValueError, match="must be non-empty"):
        agent_id("zendesk", "1", bad)
