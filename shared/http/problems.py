"""RFC 9457 problem details: one error base class carrying its HTTP status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"


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


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RapportError)
    async def _rapport_error(_request: Request, exc: RapportError) -> JSONResponse:
        return problem_response(
            exc.status, exc.title, exc.detail, slug=exc.type_slug, headers=exc.headers, **exc.extra
        )

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
