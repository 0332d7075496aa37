"""Customer pseudonyms are keyed (HMAC with RAPPORT_INGEST_PSEUDONYM_KEY), and the retired
unkeyed form can still be found.

Freshdesk, Front and Salesforce name some customers only by an e-mail address. Their ids used
to be an unkeyed SHA-256 of it (``h-`` + 16 hex), which anyone with a list of candidate
addresses could reverse. They are now the keyed pseudonym redaction gives e-mail-shaped ids
(``p-`` + 24 hex): one address, one id, whichever door it came in by; and a different key gives
a different id. ``python -m services.ingest pseudonyms`` prints both forms, to find a customer's
records stored before the change.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.ingest import pseudonym_cli
from services.ingest.app import create_app
from services.ingest.providers import build_providers
from services.ingest.providers.base import Normalised
from services.ingest.pseudonyms import Pseudonyms
from services.ingest.redaction import RedactionPolicy
from shared.settings import KafkaSettings
from tests.ingest.support import (
    PSEUDONYM_KEY,
    SALESFORCE_ORG,
    delivery_of,
    fixture,
    ingest_settings,
    read_events,
    signed_post_args,
)

KEYED = re.compile(r"p-[0-9a-f]{24}")


def legacy_form(address: str) -> str:
    """What the providers wrote before: written out here, not imported, to pin the old format."""
    return "h-" + hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()[:16]


def customer_ids(provider: str, name: str, key: bytes, body: bytes | None = None) -> set[str]:
    providers = build_providers(salesforce_org_ids=(SALESFORCE_ORG,), pseudonyms=Pseudonyms(key))
    recorded = fixture(provider, name)
    if body is not None:
        recorded = replace(recorded, body=body)
    outcomes = providers[provider].parse(delivery_of(recorded))
    assert isinstance(outcomes, list)
    ids = set()
    for outcome in outcomes:
        assert isinstance(outcome, Normalised)
        event = outcome.event
        ids |= {event.conversation.customer_id} | {
            message.author_id for message in event.messages if message.author_role == "customer"}
    return {customer for customer in ids if customer}


def front_without_contact_links() -> bytes:
    """Front's inbound message as sent for a sender with no contact record: only the handle."""
    body = json.loads(fixture("front", "inbound_received").body)

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "_links"}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    return json.dumps(strip(body)).encode("utf-8")


@pytest.mark.parametrize(("provider", "name", "address"), [
    ("freshdesk", "customer_reply", "paul.martin@example.fr"),
    ("salesforce", "outbound_email_messages", "helen.o@example.ie"),
    ("front", "inbound_received", "jonas.berg@example.se"),
])
def test_customers_known_by_address_get_the_keyed_pseudonym(
        provider: str, name: str, address: str) -> None:
    body = front_without_contact_links() if provider == "front" else None
    first = customer_ids(provider, name, b"first-key-0123456789", body)
    second = customer_ids(provider, name, b"second-key-0123456789", body)
    expected = Pseudonyms(b"first-key-0123456789")(address)
    assert expected in {customer.rsplit(":", 1)[-1] for customer in first}
    # The same id redaction gives the address when it arrives as an id (one person, one id).
    assert RedactionPolicy.everything(b"first-key-0123456789").pseudonym(address) == expected
    for customer in first | second:
        assert KEYED.fullmatch(customer.rsplit(":", 1)[-1]), customer
        assert legacy_form(address) not in customer
        assert address.split("@")[0] not in customer
    assert first.isdisjoint(second), "the id must depend on the key"


@pytest.mark.kafka
def test_the_running_service_keys_customer_ids_with_its_setting(
        kafka_settings: KafkaSettings, tmp_path: Path) -> None:
    settings = ingest_settings(kafka_settings, f"sqlite:///{tmp_path / 'ingest.db'}")
    recorded = fixture("freshdesk", "customer_reply")
    with TestClient(create_app(settings)) as client:
        response = client.post(**signed_post_args(recorded, "http://testserver"))
        assert response.status_code == 200, response.text
        (event_id,) = response.json()["accepted"]
    (event,) = [e for e in read_events(kafka_settings, until={event_id})
                if e.event_id == event_id]
    expected = Pseudonyms(PSEUDONYM_KEY.encode())("paul.martin@example.fr")
    assert event.conversation.customer_id == f"freshdesk:{event.account}:{expected}"


def test_the_cli_prints_the_keyed_and_the_retired_form(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RAPPORT_INGEST_ENVIRONMENT", "production")
    monkeypatch.setenv("RAPPORT_INGEST_PSEUDONYM_KEY", "the-deployment-key-0123456789")
    assert pseudonym_cli.main(["Paul.Martin@Example.fr", "+33 6 12 34 56 78"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    keyed = Pseudonyms(b"the-deployment-key-0123456789")
    assert lines == [
        {"address": "Paul.Martin@Example.fr", "pseudonym": keyed("paul.martin@example.fr"),
         "legacy": legacy_form("paul.martin@example.fr")},
        {"address": "+33 6 12 34 56 78", "pseudonym": keyed("+33 6 12 34 56 78"),
         "legacy": legacy_form("+33 6 12 34 56 78")},
    ]
    # Production without a real key: a clear refusal, not the placeholder's pseudonyms.
    monkeypatch.setenv("RAPPORT_INGEST_PSEUDONYM_KEY", "changeme")
    assert pseudonym_cli.main(["paul.martin@example.fr"]) == 2
    assert "pseudonym_key holds a placeholder secret" in capsys.readouterr().err
