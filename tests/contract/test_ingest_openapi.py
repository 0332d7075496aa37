"""Ingest's API against its OpenAPI document: no 5xx, every answer as documented.

Webhook deliveries are signed the way their platform signs them (over the exact bytes sent), so
the generated bodies reach verification's far side: the parsers, the pipeline and the broker.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi import FastAPI
from schemathesis import Case
from schemathesis.core import NotSet

from services.ingest.app import create_app
from services.ingest.signing_clients import JSON, sign_request
from services.ingest.webhooks import WEBHOOK_PATH
from shared.settings import KafkaSettings
from tests.contract.support import CHECKS, end_lifespans, load_schema, module_kafka
from tests.ingest.support import SECRETS, ingest_settings

pytestmark = pytest.mark.kafka


def build(kafka: KafkaSettings, database_url: str) -> FastAPI:
    return create_app(ingest_settings(kafka, database_url))


schema, under_test = load_schema(build(KafkaSettings(), "sqlite://"))


@pytest.fixture(scope="module")
def ingest_app(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    database = tmp_path_factory.mktemp("ingest") / "ingest.db"
    under_test.app = build(module_kafka(kafka_bootstrap), f"sqlite:///{database}")
    yield
    end_lifespans()
    under_test.app = None


def test_the_document_lists_the_webhook_route() -> None:
    operations = schema.raw_schema["paths"][WEBHOOK_PATH]
    assert set(operations) == {"post", "head"}
    provider = operations["post"]["parameters"][0]["schema"]
    assert set(provider["enum"]) == set(SECRETS)


@schema.parametrize()
@pytest.mark.usefixtures("ingest_app")
def test_every_ingest_operation_answers_as_documented(case: Case) -> None:
    if case.method == "POST" and case.path == WEBHOOK_PATH:
        case.call_and_validate(checks=CHECKS, **signed_delivery(case))
    else:
        case.call_and_validate(checks=CHECKS)


def signed_delivery(case: Case) -> dict[str, Any]:
    """The generated body as bytes, signed for its provider (unknown providers: unsigned)."""
    if isinstance(case.body, NotSet):
        body = b""
    elif isinstance(case.body, bytes):
        body = case.body
    elif isinstance(case.body, str):
        body = case.body.encode()
    else:
        body = json.dumps(case.body).encode()
    provider = case.path_parameters.get("provider")
    if provider not in SECRETS:
        return {"data": body}
    signed = sign_request(provider, body, SECRETS[provider],
                          url=f"http://testserver/webhooks/{provider}",
                          content_type=case.media_type or JSON)
    return {"data": body, "headers": signed.headers,
            "params": dict(parse_qsl(urlsplit(signed.url).query))}
