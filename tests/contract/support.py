"""Schemathesis against each service's own OpenAPI document, in process, with a real broker.

The document comes from an app built with the same code (``app.openapi()`` needs no broker), so
the tests are collected without one. Requests go through ASGI to an ``AppUnderTest``, which
passes them to the app the module's fixture built on the test's broker and database.
schemathesis starts that app's lifespan on the first request (on its own event loop, which the
app's clients then share with the requests) and ends it after each test.
"""

from __future__ import annotations

import uuid

import schemathesis
from fastapi import FastAPI
from schemathesis import BaseSchema, Case
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.kafka.admin import ensure_topics
from shared.settings import KafkaSettings

# Per operation: the explicit examples, the coverage phase's boundary and negative cases
# (deterministic), then this many generated cases. Sized so the three services together take
# well under a minute and a half on two cores; the broker start is shared with the session.
MAX_EXAMPLES = 50

CONFIG = schemathesis.Config.from_dict({
    "generation": {
        "max-examples": MAX_EXAMPLES,
        # The same cases on every run: a finding is reproducible and CI does not flake on a
        # case one run happens to draw (a clean run once drew `"turn": false`, now refused).
        "deterministic": True,
        # Unknown query parameters are ignored, as HTTP APIs do; not a refusal to test for.
        "allow-extra-parameters": False,
        # Each test sends valid credentials (so the checks get past 401); ``ignored_auth``
        # checks the refusal of missing and wrong ones.
        "with-security-parameters": False,
    },
    # No links between the operations are documented, so a stateful phase would find nothing.
    "phases": {"stateful": {"enabled": False}},
})

# What every answer must satisfy: no 5xx, a documented status, content type, headers and body,
# invalid input refused with a 4xx, and (where the document declares security) a request
# without valid credentials refused. Not ``positive_data_acceptance``: a body the schema allows
# may still be content a route refuses with 422 (a webhook of another platform's shape).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection,
          ignored_auth]


class AppUnderTest:
    """The ASGI app schemathesis calls: the one the running test's fixture set, or none."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            raise RuntimeError("no app under test: the test's fixture sets one")
        await self.app(scope, receive, send)


def load_schema(documented: FastAPI) -> tuple[BaseSchema, AppUnderTest]:
    """The OpenAPI document of ``documented``, its requests sent to the returned target."""
    schema = schemathesis.openapi.from_dict(documented.openapi(), config=CONFIG)
    target = AppUnderTest()
    schema.app = target  # as ``from_asgi`` does, without starting an app to read the document
    return schema, target


def module_kafka(bootstrap: str) -> KafkaSettings:
    """Kafka settings on topics of their own, for an app shared by one module's tests."""
    prefix = f"t{uuid.uuid4().hex[:10]}."
    ensure_topics(bootstrap, partitions=1, topic_prefix=prefix)
    return KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix, topic_partitions=1)


def end_lifespans() -> None:
    """Stop the apps schemathesis started (their consumers, producers and engines)."""
    asgi.shutdown_lifespans()


def negative_at(case: Case, location: ParameterLocation) -> bool:
    """Whether schemathesis generated this part of ``case`` to violate the document."""
    return case.meta is not None and case.meta.is_negative_at(location)
