"""``POST /webhooks/{provider}`` in the OpenAPI document.

The webhook route is a plain Starlette route (see ``webhooks.py``), which FastAPI does not
document; this adds it by hand, with every answer the route can give.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI

from services.ingest.webhooks import WEBHOOK_PATH
from shared.http.problems import PROBLEM_JSON, PROBLEM_SCHEMA, problem_responses

_ACCEPTED = {
    "type": "object",
    "required": ["status", "accepted", "duplicates", "ignored"],
    "properties": {
        "status": {"type": "string", "enum": ["accepted", "duplicate", "ignored"]},
        "accepted": {"type": "array", "items": {"type": "string"},
                     "description": "Event ids the broker acknowledged."},
        "duplicates": {"type": "array", "items": {"type": "string"}},
        "ignored": {"type": "array", "items": {"type": "string"},
                    "description": "Why parts of the delivery carry nothing to score."},
    },
}

_DESCRIPTION = (
    "A helpdesk's webhook delivery, verified over its raw bytes with the provider's own "
    "signature scheme (headers per provider: docs/ingest/setup.md; Salesforce: `?token=`), "
    "normalised, redacted and published to `support.interactions.v1`. 2xx only after the "
    "broker acknowledged; 503 with Retry-After when it did not."
)


def document_webhook_route(app: FastAPI, provider_names: Sequence[str]) -> None:
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            document["paths"][WEBHOOK_PATH] = _path_item(sorted(provider_names))
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend it


def _path_item(provider_names: list[str]) -> dict[str, Any]:
    provider = {"name": "provider", "in": "path", "required": True,
                "schema": {"type": "string", "enum": provider_names}}
    return {
        "post": {
            "tags": ["webhooks"], "summary": "Receive a webhook delivery",
            "operationId": "receive_webhook", "description": _DESCRIPTION,
            "parameters": [provider],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/xml": {"schema": {"type": "string"}},  # Salesforce outbound messages
            }},
            "responses": {
                "200": {"description": "Published (or nothing to publish), a handshake echoed "
                                       "(text/plain) or Salesforce's acknowledgement (text/xml)",
                        "content": {"application/json": {"schema": _ACCEPTED},
                                    "text/plain": {"schema": {"type": "string"}},
                                    "text/xml": {"schema": {"type": "string"}}}},
                **_string_keys(problem_responses(400, 401, 404, 413, 422, 503)),
            },
        },
        "head": {
            "tags": ["webhooks"], "summary": "Check that the endpoint exists",
            "operationId": "check_webhook", "parameters": [provider],
            "responses": {"200": {"description": "The provider is known"},
                          "404": {"description": "Unknown provider",
                                  "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}}}},
        },
    }


def _string_keys(responses: dict[int | str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(status): response for status, response in responses.items()}
