"""Each platform's documented payload, normalised: ids, roles, channels, notes, ratings."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import pytest

from services.ingest.payload import Fields, InvalidPayload, MalformedBody
from services.ingest.providers import build_providers
from services.ingest.providers.base import Challenge, Ignored, Normalised, ParseResult
from services.ingest.providers.hubspot import HubSpotMessageRef, normalise_message
from tests.ingest.support import (
    FIXTURES,
    SALESFORCE_ORG,
    delivery_of,
    fixture,
    provider_fixtures,
)

PROVIDERS = build_providers(salesforce_org_ids=(SALESFORCE_ORG,))


def parse(provider: str, name: str, **overrides: object) -> ParseResult:
    return PROVIDERS[provider].parse(delivery_of(fixture(provider, name), **overrides))  # type: ignore[arg-type]


def only_event(provider: str, name: str) -> Normalised:
    outcomes = parse(provider, name)
    assert not isinstance(outcomes, Challenge)
    assert len(outcomes) == 1, outcomes
    assert isinstance(outcomes[0], Normalised), outcomes
    return outcomes[0]


@dataclass(frozen=True)
class Expected:
    event_id: str
    conversation_key: str
    channel: str
    roles: tuple[str, ...]
    author_ids: tuple[str | None, ...]
    public: tuple[bool, ...]
    first_body_starts: str


CASES: dict[tuple[str, str], Expected] = {
    ("zendesk", "comment_added"): Expected(
        "zendesk:01JBY5Q8M4W3C6ZK2T9V7XH1AE", "zendesk:10000001:48213", "email", ("customer",),
        ("zendesk:10000001:903000004410",), (True,), "I was charged twice"),
    ("zendesk", "comment_private_agent"): Expected(
        "zendesk:01JBY5TT0P3J9Q2G5B6N7M8K9L", "zendesk:10000001:48213", "email", ("agent",),
        ("zendesk:10000001:902000000001",), (False,), "Duplicate capture"),
    ("zendesk", "messaging_message_added"): Expected(
        "zendesk:01JBZ1A2B3C4D5E6F7G8H9J0K1", "zendesk:10000001:48990", "messaging",
        ("customer",), ("zendesk:10000001:903000009001",), (True,), "My parcel says"),
    ("zendesk", "trigger_agent_reply"): Expected(
        "zendesk:8350205127201", "zendesk:10000001:48213", "email", ("agent",),
        ("zendesk:10000001:902000000001",), (True,), "Being charged twice"),
    ("intercom", "user_replied"): Expected(
        "intercom:notif_7d1f2c3a-55aa-4b8e-9d1c-2f3e4a5b6c7d", "intercom:ecahpwf5:215469201734721",
        "chat", ("customer",), ("intercom:ecahpwf5:6643a1b2c3d4e5f6a7b8c9d0",), (True,),
        "the app keeps logging me out every 5 minutes"),
    ("intercom", "user_created"): Expected(
        "intercom:notif_00aa11bb-22cc-33dd-44ee-55ff66aa77bb",
        "intercom:ecahpwf5:215469201734999", "email", ("customer",),
        ("intercom:ecahpwf5:6643a1b2c3d4e5f6a7b8ffff",), (True,), "Hello, my flight"),
    ("intercom", "admin_noted"): Expected(
        "intercom:notif_aa7d1f2c-55aa-4b8e-9d1c-2f3e4a5b6c7d", "intercom:ecahpwf5:215469201734721",
        "chat", ("agent",), ("intercom:ecahpwf5:7420011",), (False,), "Known issue"),
    ("front", "inbound_received"): Expected(
        "front:evt_55f2a1b", "front:cmp_4f2a1:cnv_8h2k1", "email", ("customer",),
        ("front:cmp_4f2a1:crd_2b7c9",), (True,), "Hi,\nmy order arrived broken."),
    ("front", "outbound_sent"): Expected(
        "front:evt_55f2a2c", "front:cmp_4f2a1:cnv_8h2k1", "email", ("agent",),
        ("front:cmp_4f2a1:tea_6ab2",), (True,), "Hi Jonas,\n\na vase"),
    ("front", "comment"): Expected(
        "front:evt_55f2a3d", "front:cmp_4f2a1:cnv_8h2k1", "other", ("agent",),
        ("front:cmp_4f2a1:tea_6ab2",), (False,), "Carrier claim filed"),
    ("helpscout", "customer_reply"): Expected(
        "helpscout:acme:convo.customer.reply.created:2391938111:6033",
        "helpscout:acme:2391938111", "email", ("customer",), ("helpscout:acme:40221",), (True,),
        "That's ridiculous. I lost my job"),
    ("helpscout", "agent_reply"): Expected(
        "helpscout:acme:convo.agent.reply.created:2391938222:7002", "helpscout:acme:2391938222",
        "chat", ("agent",), ("helpscout:acme:772",), (True,), "That sounds frustrating, Luis."),
    ("chatwoot", "message_created_incoming"): Expected(
        "chatwoot:3:message_created:90211", "chatwoot:3:712", "chat", ("customer",),
        ("chatwoot:3:3301",), (True,), "Hi, I booked the wrong date"),
    ("chatwoot", "message_created_private_note"): Expected(
        "chatwoot:5c0e7d0a-3f4e-4d3a-9a51-0b2f5b6c7d8e", "chatwoot:3:712", "chat", ("agent",),
        ("chatwoot:3:14",), (False,), "Patient transport"),
    ("zammad", "article_created"): Expected(
        "zammad:7f1c0e2a4b6d8f0a1c3e5a7b9d1f3a5c", "zammad:stadtwerke:3021", "email", ("agent",),
        ("zammad:stadtwerke:7",), (True,), "Sehr geehrte Frau Weber,\n\nvielen Dank"),
    ("freshdesk", "customer_reply"): Expected(
        "", "freshdesk:brightgym:30917", "email", ("customer",), ("",), (True,),
        "You charged me again"),
    ("gorgias", "message_created"): Expected(
        "gorgias:lumen-store:message:455001", "gorgias:lumen-store:112044", "chat",
        ("customer",), ("gorgias:lumen-store:880091",), (True,), "It's been 12 days."),
    ("generic", "delivery"): Expected(
        "generic:inhouse-crm:call-20261125-0042", "generic:inhouse-crm:case-7781", "voice",
        ("customer", "agent"), ("generic:inhouse-crm:cust-9001", "generic:inhouse-crm:agent-17"),
        (True, True), "We have a newborn"),
}


@pytest.mark.parametrize(("provider", "name"), sorted(CASES))
def test_documented_payloads_normalise(provider: str, name: str) -> None:
    expected = CASES[(provider, name)]
    event = only_event(provider, name).event
    if expected.event_id:
        assert event.event_id == expected.event_id
    assert event.kafka_key() == expected.conversation_key
    assert event.provider == provider
    assert event.conversation.channel == expected.channel
    assert tuple(m.author_role for m in event.messages) == expected.roles
    if any(expected.author_ids):
        assert tuple(m.author_id for m in event.messages) == expected.author_ids
    assert tuple(m.public for m in event.messages) == expected.public
    assert event.messages[0].body.startswith(expected.first_body_starts)
    for message in event.messages:
        assert message.message_id.startswith(f"{expected.conversation_key}:")
        assert "<" not in message.body or provider == "zendesk"  # HTML never survives


@pytest.mark.parametrize(("provider", "name", "reason"), [
    ("zendesk", "status_changed", "carries no conversation content"),
    ("intercom", "ping", "topic ping"),
    ("chatwoot", "conversation_status_changed", "no new conversation content"),
    ("zammad", "ticket_without_article", "without an article"),
])
def test_events_without_conversation_content_are_ignored_with_a_reason(
        provider: str, name: str, reason: str) -> None:
    outcomes = parse(provider, name)
    assert not isinstance(outcomes, Challenge)
    assert len(outcomes) == 1
    assert isinstance(outcomes[0], Ignored)
    assert reason in outcomes[0].reason


def test_front_challenge_is_echoed() -> None:
    assert parse("front", "sync") == Challenge("c1a2b3d4e5f6")


def test_html_bodies_keep_their_paragraphs() -> None:
    event = only_event("intercom", "user_replied").event
    assert event.messages[0].body == (
        "the app keeps logging me out every 5 minutes, I'm trying to file my claim before "
        "midnight.\n\nmy login is mia.chen@example.org")


def test_satisfaction_ratings_are_normalised() -> None:
    intercom = only_event("intercom", "admin_replied_rated").event.conversation.satisfaction
    assert intercom is not None
    assert (intercom.rating, intercom.score) == ("bad", 0.25)
    assert intercom.comment == "took too long"
    helpscout = only_event("helpscout", "rating").event
    assert helpscout.messages == ()
    assert helpscout.conversation.satisfaction is not None
    assert helpscout.conversation.satisfaction.rating == "bad"
    assert helpscout.kafka_key() == "helpscout:acme:2391938111"


def test_chatwoot_csat_survey_response_becomes_a_rating() -> None:
    body = json.loads(fixture("chatwoot", "message_created_incoming").body)
    body.update({"event": "message_updated", "content_type": "input_csat", "message_type": 3,
                 "content_attributes": {"submitted_values": {"csat_survey_response": {
                     "rating": 5, "feedback_message": "Kim was lovely"}}}})
    outcomes = PROVIDERS["chatwoot"].parse(delivery_of(
        fixture("chatwoot", "message_created_incoming"), body=json.dumps(body).encode()))
    assert not isinstance(outcomes, Challenge)
    assert isinstance(outcomes[0], Normalised)
    rating = outcomes[0].event.conversation.satisfaction
    assert rating is not None
    assert (rating.rating, rating.score, rating.comment) == (
        "good", 1.0, "Kim was lovely")


def test_salesforce_notifications_each_become_an_event() -> None:
    outcomes = parse("salesforce", "outbound_email_messages")
    assert not isinstance(outcomes, Challenge)
    events = [o.event for o in outcomes if isinstance(o, Normalised)]
    assert [e.event_id for e in events] == [
        f"salesforce:{SALESFORCE_ORG}:04l5g00000A1b2cAAB",
        f"salesforce:{SALESFORCE_ORG}:04l5g00000A1b2dAAB"]
    assert [e.messages[0].author_role for e in events] == ["customer", "agent"]
    assert events[1].messages[0].body.startswith("Dear Helen,\n\nBeing left at the station")
    assert events[0].messages[0].author_id is not None
    assert "helen" not in events[0].messages[0].author_id  # e-mail becomes a pseudonym


def test_salesforce_refuses_document_type_declarations() -> None:
    evil = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
            b"<x>&a;</x>")
    with pytest.raises(MalformedBody, match="document type"):
        PROVIDERS["salesforce"].parse(delivery_of(fixture("salesforce",
                                                          "outbound_email_messages"), body=evil))


def test_hubspot_batch_defers_new_messages_and_ignores_the_rest() -> None:
    outcomes = parse("hubspot", "conversation_batch")
    assert not isinstance(outcomes, Challenge)
    assert [type(o).__name__ for o in outcomes] == ["HubSpotMessageRef", "Ignored",
                                                    "HubSpotMessageRef"]
    first = outcomes[0]
    assert isinstance(first, HubSpotMessageRef)
    assert (first.event_id, first.thread_id) == ("hubspot:62515:1851207201", "8012345678")


def test_hubspot_fetched_messages_normalise() -> None:
    api = json.loads((FIXTURES / "api" / "hubspot_messages.json").read_text())
    outcomes = parse("hubspot", "conversation_batch")
    assert not isinstance(outcomes, Challenge)
    refs = [o for o in outcomes if isinstance(o, HubSpotMessageRef)]
    visitor, comment = (normalise_message(ref, Fields(api[f"{ref.thread_id}/{ref.message_id}"]))
                        for ref in refs)
    assert isinstance(visitor, Normalised)
    assert isinstance(comment, Normalised)
    assert visitor.event.conversation.channel == "chat"
    assert visitor.event.messages[0].author_role == "customer"
    assert visitor.event.messages[0].author_id == "hubspot:62515:V-5507701"
    assert comment.event.messages[0].public is False
    assert comment.event.messages[0].author_role == "agent"


@pytest.mark.parametrize(("provider", "name", "mutate", "field"), [
    ("zendesk", "comment_added", lambda b: b["event"].pop("comment"), "event.comment"),
    ("zendesk", "comment_added", lambda b: b.update(account_id=True), "account_id"),
    ("intercom", "user_replied", lambda b: b["data"]["item"].update(id="a b"), "data.item.id"),
    ("front", "outbound_sent", lambda b: b["payload"].pop("conversation"),
     "payload.conversation"),
    ("chatwoot", "message_created_incoming", lambda b: b.update(created_at="yesterday"),
     "created_at"),
    ("generic", "delivery", lambda b: b["conversation"].update(channel="pigeon"),
     "conversation.channel"),
    ("generic", "delivery", lambda b: b.update(occurred_at="2026-11-25T18:20:00"), "occurred_at"),
    ("freshdesk", "customer_reply", lambda b: b.update(event="reopened"), "event"),
])
def test_a_wrong_field_is_named(provider: str, name: str, mutate: object, field: str) -> None:
    recorded = fixture(provider, name)
    body = json.loads(recorded.body)
    mutate(body)  # type: ignore[operator]
    with pytest.raises(InvalidPayload) as raised:
        PROVIDERS[provider].parse(delivery_of(recorded, body=json.dumps(body).encode()))
    assert raised.value.field == field


def test_help_scout_needs_its_event_header() -> None:
    recorded = fixture("helpscout", "customer_reply")
    delivery = delivery_of(recorded)
    headers = {k: v for k, v in delivery.headers.items() if k != "x-helpscout-event"}
    with pytest.raises(InvalidPayload, match="X-HelpScout-Event"):
        PROVIDERS["helpscout"].parse(dataclasses.replace(delivery, headers=headers))


@pytest.mark.parametrize("encoding", ["TF-8", "shift_jis"])
def test_salesforce_xml_in_an_unusable_encoding_is_malformed(encoding: str) -> None:
    """Found by the fuzz test: expat raises LookupError / ValueError for these, not ParseError."""
    recorded = provider_fixtures("salesforce")[0]
    body = f'<?xml version="1.0" encoding="{encoding}"?><a/>'.encode()
    with pytest.raises(MalformedBody):
        build_providers(salesforce_org_ids=(SALESFORCE_ORG,))["salesforce"].parse(
            dataclasses.replace(delivery_of(recorded), body=body))
