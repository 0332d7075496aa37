"""Hostile deliveries of every webhook format, over real HTTP to the real app and broker.

Each example starts from a recorded delivery that the app accepts as it is (HubSpot's message
fetch answered by a local stand-in), then breaks exactly one thing, drawn by hypothesis: the
size (declared, or chunked with no Content-Length), the nesting, the bytes, the signature, the
timestamp. The answer must be a 4xx problem (never a 5xx), and after the run the topic must
hold exactly what was answered as accepted, plus a sentinel delivery sent last.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from deploy.kafka.launcher import free_port
from services.ingest.app import create_app
from services.ingest.delivery_files import RecordedDelivery
from services.ingest.providers import PROVIDER_NAMES, build_providers
from services.ingest.providers.base import Normalised
from services.ingest.settings import HubSpotApiSettings
from shared.events import INTERACTIONS, InteractionEvent
from shared.events.codec import decode_as
from shared.http.problems import PROBLEM_JSON
from shared.settings import KafkaSettings
from tests.ingest.fake_helpdesk_apis import HUBSPOT_TOKEN, hubspot_api
from tests.ingest.mutations import json_paths, replaced
from tests.ingest.support import (
    SALESFORCE_ORG,
    SECRETS,
    delivery_of,
    fixture,
    ingest_settings,
    provider_fixtures,
    serving,
    signed_post_args,
)
from tests.scorer_service.streaming import read_all

pytestmark = pytest.mark.kafka

LIMIT = 32 * 1024  # RAPPORT_INGEST_MAX_BODY_BYTES for these runs: oversized bodies stay cheap
REPLAY_WINDOW_S = 300.0
RECORDED = [recorded for provider in PROVIDER_NAMES for recorded in provider_fixtures(provider)]
# Platforms that sign a timestamp, so a stale delivery can be told from a retry.
TIMESTAMPED = {"zendesk", "front", "chatwoot", "hubspot", "generic"}
# Platforms that send a shared token rather than a signature over the body.
TOKEN_ONLY = {"freshdesk", "gorgias", "salesforce"}
PARSERS = build_providers(salesforce_org_ids=(SALESFORCE_ORG,))
FUZZ = settings(max_examples=30, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

recorded_deliveries = st.sampled_from(RECORDED)
# Front's set-up handshake is answered from its header alone, whatever the body holds.
with_content = st.sampled_from([recorded for recorded in RECORDED
                                if "x-front-challenge" not in map(str.lower, recorded.headers)])
HEADER_SAFE = st.characters(min_codepoint=0x21, max_codepoint=0x7E)


@dataclass
class Ingest:
    http: httpx.Client
    kafka: KafkaSettings
    accepted: set[str] = field(default_factory=set)

    def post(self, recorded: RecordedDelivery, **signing: Any) -> httpx.Response:
        args = signed_post_args(recorded, str(self.http.base_url), **signing)
        return self.http.post(args["url"], content=args["content"], headers=args["headers"])

    def refused(self, response: httpx.Response, *statuses: int) -> None:
        assert response.status_code in statuses, (response.status_code, response.text)
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["status"] == response.status_code

    def note_accepted(self, recorded: RecordedDelivery, body: bytes,
                      response: httpx.Response) -> None:
        if response.status_code != 200:
            return
        if response.headers["content-type"] == "application/json":
            self.accepted.update(response.json()["accepted"])
        elif recorded.provider == "salesforce":  # its SOAP acknowledgement names no events
            outcomes = PARSERS["salesforce"].parse(delivery_of(recorded, body=body))
            assert isinstance(outcomes, list)
            self.accepted.update(o.event.event_id for o in outcomes if isinstance(o, Normalised))


@pytest.fixture
def ingest(kafka_settings: KafkaSettings, tmp_path: Path) -> Iterator[Ingest]:
    with serving(hubspot_api(), free_port()) as hubspot_url:
        settings = ingest_settings(
            kafka_settings, f"sqlite:///{tmp_path / 'ingest.db'}", max_body_bytes=LIMIT,
            replay_window_s=REPLAY_WINDOW_S,
            hubspot=HubSpotApiSettings(base_url=hubspot_url,
                                       access_token=SecretStr(HUBSPOT_TOKEN)))
        with serving(create_app(settings), free_port()) as base_url, \
                httpx.Client(base_url=base_url, timeout=30) as http:
            yield Ingest(http, kafka_settings)


def assert_topic_holds_exactly(ingest: Ingest) -> None:
    """A valid delivery sent last, then the whole topic: the accepted events, each once."""
    sentinel_id = f"sentinel-{uuid.uuid4().hex[:8]}"
    document = json.loads(fixture("generic", "delivery").body)
    document["event_id"] = sentinel_id
    recorded = fixture("generic", "delivery")
    assert ingest.post(recorded, body=json.dumps(document).encode()).status_code == 200
    records = read_all(ingest.kafka, ingest.kafka.topic(INTERACTIONS))
    published = [decode_as(InteractionEvent, record.value).event_id for record in records]
    assert sorted(published) == sorted(ingest.accepted | {f"generic:inhouse-crm:{sentinel_id}"})


def test_bodies_over_the_limit_are_413_declared_or_chunked(ingest: Ingest) -> None:
    @FUZZ
    @given(recorded=recorded_deliveries, excess=st.integers(1, LIMIT),
           chunk_size=st.none() | st.integers(512, 8192))
    def oversized(recorded: RecordedDelivery, excess: int, chunk_size: int | None) -> None:
        # Trailing whitespace: the same document, still validly signed; only its size is wrong.
        body = recorded.body + b" " * (LIMIT - len(recorded.body) + excess)
        args = signed_post_args(recorded, str(ingest.http.base_url), body=body)
        content: bytes | Iterator[bytes] = body
        if chunk_size is not None:  # chunked transfer encoding: no length declared up front
            content = iter([body[i:i + chunk_size] for i in range(0, len(body), chunk_size)])
        response = ingest.http.post(args["url"], content=content, headers=args["headers"])
        assert ("content-length" in response.request.headers) == (chunk_size is None)
        ingest.refused(response, 413)
        assert str(LIMIT) in response.json()["detail"]

    oversized()
    assert_topic_holds_exactly(ingest)


def deep_json(recorded: RecordedDelivery, path: tuple[Any, ...], depth: int,
              as_objects: bool) -> bytes:
    """The document with the value at ``path`` nested ``depth`` levels deep (written as text:
    no Python structure that deep is ever built)."""
    marker = f"nest-{uuid.uuid4().hex}"
    text = json.dumps(replaced(json.loads(recorded.body), path, marker))
    opening, closing = ('{"a": ', "}") if as_objects else ("[", "]")
    return text.replace(json.dumps(marker), opening * depth + "0" + closing * depth).encode()


def deep_xml(recorded: RecordedDelivery, after_tag: int, depth: int) -> bytes:
    """Nested elements inserted after the ``after_tag``-th tag (well-formed all the same)."""
    text = recorded.body.decode()
    ends = [index + 1 for index, char in enumerate(text) if char == ">"][:-1]
    cut = ends[after_tag % len(ends)]
    return (text[:cut] + "<n>" * depth + "</n>" * depth + text[cut:]).encode()


def test_deeply_nested_documents_are_refused_or_accepted_never_a_crash(ingest: Ingest) -> None:
    @FUZZ
    @given(data=st.data(), depth=st.integers(1, 12_000) | st.sampled_from([999, 1000, 1001]))
    def nested(data: st.DataObject, depth: int) -> None:
        recorded = data.draw(with_content)
        if recorded.provider == "salesforce":
            body = deep_xml(recorded, data.draw(st.integers(0, 200)), min(depth, LIMIT // 10))
        else:
            path = data.draw(st.sampled_from(json_paths(json.loads(recorded.body))))
            body = deep_json(recorded, path, min(depth, LIMIT // 10), data.draw(st.booleans()))
        response = ingest.post(recorded, body=body)
        if response.status_code == 200:
            ingest.note_accepted(recorded, body, response)
        else:
            ingest.refused(response, 400, 401, 422)

    nested()
    assert_topic_holds_exactly(ingest)


# Byte sequences that are not UTF-8: stray continuation and lead bytes, an overlong encoding,
# encoded UTF-16 surrogates (CESU-8), a code point past U+10FFFF, a truncated sequence.
NOT_UTF8 = st.sampled_from([b"\x80", b"\xbf", b"\xc0\xaf", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80",
                            b"\xed\xbf\xbf", b"\xed\xa0\xbd\xed\xb8\x80", b"\xf4\x90\x80\x80",
                            b"\xf8\x88\x80\x80\x80", b"\xfe", b"\xff", b"\xff\xfe"])


def test_bytes_that_are_not_utf8_are_a_4xx_wherever_they_are(ingest: Ingest) -> None:
    @FUZZ
    @given(recorded=with_content, bad=NOT_UTF8, data=st.data())
    def invalid(recorded: RecordedDelivery, bad: bytes, data: st.DataObject) -> None:
        inside_text = [i + 1 for i, byte in enumerate(recorded.body) if byte == ord('"')]
        offset = data.draw(st.sampled_from(inside_text) | st.integers(0, len(recorded.body))
                           if inside_text else st.integers(0, len(recorded.body)))
        body = recorded.body[:offset] + bad + recorded.body[offset:]
        ingest.refused(ingest.post(recorded, body=body), 400, 401, 422)

    invalid()
    assert_topic_holds_exactly(ingest)


def test_a_delivery_sent_twice_is_published_once(ingest: Ingest) -> None:
    @FUZZ
    @given(recorded=recorded_deliveries, later_s=st.floats(0, REPLAY_WINDOW_S - 30))
    def replayed(recorded: RecordedDelivery, later_s: float) -> None:
        signed_at = time.time() - later_s  # a retry within the window is not a replay attack
        args = signed_post_args(recorded, str(ingest.http.base_url), now_s=signed_at)
        first = ingest.http.post(args["url"], content=args["content"], headers=args["headers"])
        again = ingest.http.post(args["url"], content=args["content"], headers=args["headers"])
        assert first.status_code == again.status_code == 200, (first.text, again.text)
        ingest.note_accepted(recorded, recorded.body, first)
        if again.headers["content-type"] == "application/json":
            assert again.json()["accepted"] == []
            assert again.json()["status"] in {"duplicate", "ignored"}

    replayed()
    assert_topic_holds_exactly(ingest)


def test_stale_or_early_timestamps_are_401(ingest: Ingest) -> None:
    @FUZZ
    @given(recorded=st.sampled_from([r for r in RECORDED if r.provider in TIMESTAMPED]),
           skew_s=st.floats(REPLAY_WINDOW_S + 2, 20 * 365 * 86_400), future=st.booleans())
    def stale(recorded: RecordedDelivery, skew_s: float, future: bool) -> None:
        signed_at = time.time() + (skew_s if future else -skew_s)
        response = ingest.post(recorded, now_s=signed_at)
        ingest.refused(response, 401)
        assert "replay window" in response.json()["detail"]

    stale()
    assert_topic_holds_exactly(ingest)


def test_wrongly_signed_deliveries_are_401(ingest: Ingest) -> None:
    @FUZZ
    @given(recorded=recorded_deliveries, data=st.data())
    def forged(recorded: RecordedDelivery, data: st.DataObject) -> None:
        kinds = ["wrong secret", "no credentials"]
        if recorded.provider not in TOKEN_ONLY:
            kinds.append("body changed after signing")
        kind = data.draw(st.sampled_from(kinds))
        args = signed_post_args(recorded, str(ingest.http.base_url))
        if kind == "wrong secret":
            secret = data.draw(st.text(HEADER_SAFE, min_size=1, max_size=64).filter(
                lambda text: text != SECRETS[recorded.provider]))
            args = signed_post_args(recorded, str(ingest.http.base_url), secret=secret)
        elif kind == "no credentials":  # no signature headers, no ?token=
            url = urlsplit(args["url"])
            query = urlencode([(k, v) for k, v in parse_qsl(url.query) if k != "token"])
            args = {**args, "url": urlunsplit(url._replace(query=query)),
                    "headers": {name: value for name, value in args["headers"].items()
                                if name.lower() == "content-type" or name in recorded.headers}}
        else:
            offset = data.draw(st.integers(0, len(recorded.body) - 1))
            flipped = bytes([recorded.body[offset] ^ data.draw(st.integers(1, 255))])
            args["content"] = recorded.body[:offset] + flipped + recorded.body[offset + 1:]
        response = ingest.http.post(args["url"], content=args["content"],
                                    headers=args["headers"])
        ingest.refused(response, 401)

    forged()
    assert_topic_holds_exactly(ingest)
