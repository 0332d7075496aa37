"""Signature verification per platform, against vectors computed here from each documented recipe.

The expected headers are built with ``hmac``/``hashlib`` in this file, not with
``services.ingest.signing_clients``, so a shared misreading of a recipe cannot hide.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime

import pytest

from services.ingest.providers import build_providers
from services.ingest.providers.base import Delivery, Provider
from services.ingest.signatures import SignatureRejected
from services.ingest.signing_clients import sign_request
from tests.ingest.support import SALESFORCE_ORG, delivery_of, fixture, provider_fixtures

NOW = 1_795_651_200.0  # 2026-11-26T00:00:00Z
WINDOW_S = 300.0
PROVIDERS = build_providers(salesforce_org_ids=(SALESFORCE_ORG,))
# The static secret Zendesk signs its webhook-builder test requests with (used as-is).
ZENDESK_TEST_SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="


def b64_hmac(secret: str, message: bytes, algorithm: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), message, algorithm).digest()).decode()


def hex_hmac(secret: str, message: bytes, algorithm: str) -> str:
    return hmac.new(secret.encode(), message, algorithm).hexdigest()


def verify(provider: Provider, delivery: Delivery, secret: str, now_s: float = NOW) -> None:
    provider.verify(delivery, secret, now_s=now_s, replay_window_s=WINDOW_S)


def documented_headers(provider: str, body: bytes, secret: str, url: str) -> dict[str, str]:
    """Each platform's recipe, written out from the reference."""
    iso = datetime.fromtimestamp(NOW, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    millis, seconds = str(int(NOW * 1000)), str(int(NOW))
    recipes = {
        # base64(HMAC-SHA256(secret, TIMESTAMP + BODY)), ISO timestamp, no separator
        "zendesk": {"X-Zendesk-Webhook-Signature-Timestamp": iso,
                    "X-Zendesk-Webhook-Signature": b64_hmac(secret, iso.encode() + body,
                                                            "sha256")},
        # sha1=hex(HMAC-SHA1(client_secret, BODY))
        "intercom": {"X-Hub-Signature": "sha1=" + hex_hmac(secret, body, "sha1")},
        # base64(HMAC-SHA256(key, TIMESTAMP_MS + ":" + BODY))
        "front": {"X-Front-Request-Timestamp": millis,
                  "X-Front-Signature": b64_hmac(secret, f"{millis}:".encode() + body, "sha256")},
        # base64(HMAC-SHA1(secret, BODY))
        "helpscout": {"X-HelpScout-Signature": b64_hmac(secret, body, "sha1")},
        # sha256=hex(HMAC-SHA256(secret, TIMESTAMP_S + "." + BODY))
        "chatwoot": {"X-Chatwoot-Timestamp": seconds,
                     "X-Chatwoot-Signature": "sha256=" + hex_hmac(
                         secret, f"{seconds}.".encode() + body, "sha256")},
        # sha1=hex(HMAC-SHA1(token, BODY))
        "zammad": {"X-Hub-Signature": "sha1=" + hex_hmac(secret, body, "sha1")},
        # base64(HMAC-SHA256(client secret, METHOD + URI + BODY + TIMESTAMP_MS))
        "hubspot": {"X-HubSpot-Request-Timestamp": millis,
                    "X-HubSpot-Signature-v3": b64_hmac(
                        secret, b"POST" + url.encode() + body + millis.encode(), "sha256")},
        "freshdesk": {"X-Rapport-Token": secret},
        "gorgias": {"X-Rapport-Token": secret},
        "salesforce": {},
        # Rapport's own: sha256=hex(HMAC-SHA256(secret, TIMESTAMP_S + "." + BODY))
        "generic": {"X-Rapport-Timestamp": seconds,
                    "X-Rapport-Signature": "sha256=" + hex_hmac(
                        secret, f"{seconds}.".encode() + body, "sha256")},
    }
    return recipes[provider]


def signed_fixture(provider: str, secret: str = "s3cret-Ω", *, tamper: bool = False) -> Delivery:
    recorded = provider_fixtures(provider)[0]
    url = f"https://rapport.example.com/webhooks/{provider}"
    if provider == "salesforce":
        url += f"?token={secret}"
    headers = documented_headers(provider, recorded.body, secret, url)
    query = {"token": secret} if provider == "salesforce" else None
    return delivery_of(recorded, headers=headers, url=url, query=query,
                       body=recorded.body + (b" " if tamper else b""))


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_the_documented_recipe_verifies(provider: str) -> None:
    verify(PROVIDERS[provider], signed_fixture(provider), "s3cret-Ω")


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_the_signing_client_produces_what_verification_accepts(provider: str) -> None:
    recorded = provider_fixtures(provider)[0]
    url = f"http://127.0.0.1:8001/webhooks/{provider}"
    signed = sign_request(provider, recorded.body, "another-secret", url=url, now_s=NOW)
    query = {"token": "another-secret"} if provider == "salesforce" else None
    delivery = delivery_of(recorded, headers=signed.headers, url=signed.url, query=query)
    verify(PROVIDERS[provider], delivery, "another-secret")


# Freshdesk and Gorgias authenticate with a token header and Salesforce with the URL; the rest
# sign the body.
BODY_SIGNING = sorted(set(PROVIDERS) - {"freshdesk", "gorgias", "salesforce"})


@pytest.mark.parametrize("provider", BODY_SIGNING)
def test_a_single_changed_byte_is_rejected(provider: str) -> None:
    with pytest.raises(SignatureRejected, match="does not match"):
        verify(PROVIDERS[provider], signed_fixture(provider, tamper=True), "s3cret-Ω")


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_the_wrong_secret_is_rejected(provider: str) -> None:
    with pytest.raises(SignatureRejected):
        verify(PROVIDERS[provider], signed_fixture(provider), "not-the-secret")


@pytest.mark.parametrize("provider", sorted(set(PROVIDERS) - {"salesforce"}))
def test_a_missing_signature_header_is_rejected(provider: str) -> None:
    with pytest.raises(SignatureRejected, match="missing"):
        verify(PROVIDERS[provider], delivery_of(provider_fixtures(provider)[0]), "s3cret")


@pytest.mark.parametrize("provider", ["zendesk", "front", "chatwoot", "hubspot", "generic"])
@pytest.mark.parametrize("skew_s", [WINDOW_S + 1, -(WINDOW_S + 1)])
def test_a_timestamp_outside_the_replay_window_is_rejected(provider: str, skew_s: float) -> None:
    delivery = signed_fixture(provider)
    with pytest.raises(SignatureRejected, match="replay window"):
        verify(PROVIDERS[provider], delivery, "s3cret-Ω", now_s=NOW + skew_s)


@pytest.mark.parametrize("provider", ["zendesk", "front", "chatwoot", "hubspot", "generic"])
def test_a_timestamp_inside_the_window_is_accepted(provider: str) -> None:
    verify(PROVIDERS[provider], signed_fixture(provider), "s3cret-Ω", now_s=NOW + WINDOW_S - 1)


def test_zendesk_vector_with_the_webhook_builder_test_secret() -> None:
    body = b'{"type":"zen:event-type:ticket.comment_added","id":"01JA"}'
    timestamp = "2026-11-26T00:00:00Z"
    expected = base64.b64encode(hmac.new(ZENDESK_TEST_SECRET.encode(),
                                         (timestamp + body.decode()).encode(),
                                         hashlib.sha256).digest()).decode()
    delivery = delivery_of(fixture("zendesk", "comment_added"), body=body, headers={
        "X-Zendesk-Webhook-Signature": expected,
        "X-Zendesk-Webhook-Signature-Timestamp": timestamp})
    verify(PROVIDERS["zendesk"], delivery, ZENDESK_TEST_SECRET)
    # The older docs' body+timestamp order is not what Zendesk sends today.
    wrong_order = base64.b64encode(hmac.new(ZENDESK_TEST_SECRET.encode(),
                                            body + timestamp.encode(),
                                            hashlib.sha256).digest()).decode()
    with pytest.raises(SignatureRejected):
        verify(PROVIDERS["zendesk"], delivery_of(fixture("zendesk", "comment_added"), body=body,
                                                 headers={
            "X-Zendesk-Webhook-Signature": wrong_order,
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp}), ZENDESK_TEST_SECRET)


def test_hubspot_signs_the_uri_with_its_documented_escapes_decoded() -> None:
    recorded = fixture("hubspot", "conversation_batch")
    sent_url = "https://rapport.example.com/webhooks/hubspot?app=a%3Ab%40c&x=%2F"
    signed_url = "https://rapport.example.com/webhooks/hubspot?app=a:b@c&x=/"
    millis = str(int(NOW * 1000))
    signature = b64_hmac("client-secret", b"POST" + signed_url.encode() + recorded.body
                         + millis.encode(), "sha256")
    delivery = delivery_of(recorded, url=sent_url, headers={
        "X-HubSpot-Signature-v3": signature, "X-HubSpot-Request-Timestamp": millis})
    verify(PROVIDERS["hubspot"], delivery, "client-secret")
    with pytest.raises(SignatureRejected):  # another path is another signature
        verify(PROVIDERS["hubspot"], delivery_of(recorded, url=sent_url.replace("hubspot?",
                                                                                 "hubspot/?"),
                                                 headers=dict(delivery.headers)), "client-secret")


def test_hex_signatures_need_their_prefix() -> None:
    recorded = fixture("intercom", "user_replied")
    bare = hex_hmac("s", recorded.body, "sha1")
    with pytest.raises(SignatureRejected, match="sha1="):
        verify(PROVIDERS["intercom"], delivery_of(recorded, headers={"X-Hub-Signature": bare}),
               "s")


def test_salesforce_requires_an_allowed_organisation() -> None:
    recorded = fixture("salesforce", "outbound_email_messages")
    delivery = delivery_of(recorded, query={"token": "t"})
    verify(PROVIDERS["salesforce"], delivery, "t")  # 18-character id on a 15-character list
    other_org = build_providers(salesforce_org_ids=("00D000000000001",))["salesforce"]
    with pytest.raises(SignatureRejected, match="allow-list"):
        verify(other_org, delivery, "t")
    nobody = build_providers()["salesforce"]
    with pytest.raises(SignatureRejected, match="RAPPORT_INGEST_SALESFORCE_ORG_IDS"):
        verify(nobody, delivery, "t")


def test_verification_reads_the_clock_it_is_given() -> None:
    # Signed "now" by the real clock: fine now, stale when checked an hour later.
    recorded = provider_fixtures("generic")[0]
    now = time.time()
    signed = sign_request("generic", recorded.body, "k", url="http://x/webhooks/generic",
                          now_s=now)
    delivery = delivery_of(recorded, headers=signed.headers)
    verify(PROVIDERS["generic"], delivery, "k", now_s=now)
    with pytest.raises(SignatureRejected):
        verify(PROVIDERS["generic"], delivery, "k", now_s=now + 3600)
