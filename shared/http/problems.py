"""RFC 9457 problem details: one error base class carrying its HTTP status."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"

# The body every refusal has (``problem_response``), as JSON Schema for the OpenAPI documents.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
    },
}

_DESCRIBED = {400: "Bad request", 401: "Missing or invalid credentials",
              403: "The credentials may not access this resource", 404: "Not found",
              409: "Conflict with the current state", 413: "Payload too large",
              422: "Invalid input",
              503: "A dependency is unavailable; retry after the Retry-After delay"}


class RapportError(Exception):
    status: int = 500
    title: str = "Internal error"
    type_slug: str = "internal"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


class BadRequest(RapportError):
    status, title, type_slug = 400, "Bad request", "bad-request"


class Unauthorized(RapportError):
    status, title, type_slug = 401, "Unauthorized", "unauthorized"


class Forbidden(RapportError):
    status, title, type_slug = 403, "Forbidden", "forbidden"


class NotFound(RapportError):
    status, title, type_slug = 404, "Not found", "not-found"


class Conflict(RapportError):
    status, title, type_slug = 409, "Conflict", "conflict"


class PayloadTooLarge(RapportError):
    status, title, type_slug = 413, "Payload too large", "payload-too-large"


class Unprocessable(RapportError):
    status, title, type_slug = 422, "Unprocessable content", "unprocessable"


class ServiceUnavailable(RapportError):
    status, title, type_slug = 503, "Service unavailable", "unavailable"

    def __init__(self, detail: str, *, retry_after_s: int = 5, **extra: Any):
        super().__init__(detail, headers={"Retry-After": str(retry_after_s)}, **extra)


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    slug: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"https://rapport.dev/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries (a route's ``responses=``) for the problems a route can answer."""
    return {status: {"description": _DESCRIBED[status],
                     "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}}}
            for status in statuses}


def install_problem_handlers(app: FastAPI) -> None:
    _document_problems(app)

    @app.exception_handler(RapportError)
    async def _rapport_error(_request: Request, exc: RapportError) -> JSONResponse:
        return problem_response(
            exc.status, exc.title, exc.detail, slug=exc.type_slug, headers=exc.headers, **exc.extra
        )

    @app.exception_handler(HTTPException)
    async def _framework_error(_request: Request, exc: HTTPException) -> JSONResponse:
        # The framework's own refusals (a body that is not UTF-8, an unknown path, a wrong
        # method) in the same shape as ours.
        title = _phrase(exc.status_code)
        return problem_response(exc.status_code, title, str(exc.detail),
                                slug=title.lower().replace(" ", "-"),
                                headers=dict(exc.headers) if exc.headers else None)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in err["loc"] if p != "body"), "message": err["msg"]}
            for err in exc.errors()
        ]
        fields = ", ".join(e["field"] or "<body>" for e in errors[:5])
        return problem_response(
            422,
            "Unprocessable content",
            f"invalid fields: {fields}",
            slug="unprocessable",
            errors=errors,
        )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _document_problems(app: FastAPI) -> None:
    """The OpenAPI document says what the handlers answer: problem+json for a request FastAPI
    refuses (422, not its ``HTTPValidationError`` JSON; 400 for a body it cannot decode)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            for path_item in document.get("paths", {}).values():
                for operation in path_item.values():
                    _document_refusals(operation)
            if _FASTAPI_422["$ref"] not in json.dumps(document):
                schemas = document.get("components", {}).get("schemas", {})
                schemas.pop("HTTPValidationError", None)
                schemas.pop("ValidationError", None)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend it


def _document_refusals(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    invalid = responses.get("422", {})
    if invalid.get("content") == {"application/json": {"schema": _FASTAPI_422}}:
        invalid["content"] = {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}}
    if "requestBody" in operation:
        for status, response in problem_responses(400).items():
            responses.setdefault(str(status), response)


_FASTAPI_422 = {"$ref": "#/components/schemas/HTTPValidationError"}
