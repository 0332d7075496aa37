"""``POST /webhooks/{provider}``: read (bounded) -> verify -> parse -> pipeline -> answer.

Order matters: nothing is parsed before the signature over the raw bytes checked out, and
nothing is answered 2xx before the broker acknowledged. Every refusal is a problem+json body
that says what to fix; none of them echoes the body or a secret.

These are plain Starlette routes, not FastAPI ones: the body is read raw for the signature
anyway, so FastAPI's parameter machinery would only cost time on the hottest path.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from services.ingest.body import read_bounded_body
from services.ingest.hubspot_api import UpstreamUnavailable
from services.ingest.metrics import UNKNOWN_PROVIDER, deliveries
from services.ingest.payload import InvalidPayload, MalformedBody
from services.ingest.pipeline import BrokerUnavailable, DeliveryInFlight, IngestPipeline
from services.ingest.plausibility import EventTooLarge
from services.ingest.providers.base import Challenge, Delivery, ParseResult, Provider
from services.ingest.redaction import RedactionTooSlow
from services.ingest.settings import IngestSettings, secret_variable
from services.ingest.signatures import SignatureRejected
from shared.http.problems import (
    BadRequest,
    NotFound,
    PayloadTooLarge,
    RapportError,
    ServiceUnavailable,
    Unauthorized,
    Unprocessable,
)

log = logging.getLogger(__name__)

OUTCOME_BY_STATUS = {400: "invalid", 401: "unauthorized", 404: "invalid", 413: "too_large",
                     422: "invalid", 503: "unavailable"}


WEBHOOK_PATH = "/webhooks/{provider}"


def install_webhook_routes(app: Starlette, *, settings: IngestSettings,
                           providers: Mapping[str, Provider],
                           pipeline: Callable[[], IngestPipeline]) -> None:
    async def receive(request: Request) -> Response:
        provider = request.path_params["provider"]
        if request.method == "HEAD":  # Intercom checks the endpoint when the webhook is saved
            if provider not in providers:
                raise NotFound(f"unknown provider {provider!r}")
            return Response(status_code=200)
        label = provider if provider in providers else UNKNOWN_PROVIDER
        try:
            response, outcome = await _receive(settings, providers, pipeline(), provider, request)
        except RapportError as exc:
            deliveries(label, OUTCOME_BY_STATUS.get(exc.status, "invalid")).inc()
            raise
        deliveries(label, outcome).inc()
        return response

    app.router.add_route(WEBHOOK_PATH, receive, methods=["POST", "HEAD"])
    route = next(r for r in app.router.routes if isinstance(r, Route) and r.endpoint is receive)
    # Innermost of the middleware added so far: whatever the caller adds after this call (the
    # HTTP metrics) still wraps the webhooks.
    app.add_middleware(WebhookFastPath, route=route, handlers=app.exception_handlers)


class WebhookFastPath:
    """``POST /webhooks/{provider}`` straight to its endpoint, past the router's machinery.

    The hottest path of the service otherwise crosses the exception middleware, the exit-stack
    middleware, the router's walk over every route and the per-route request/exception
    wrappers: about as much CPU as verifying and parsing a delivery. This does what they would
    for this one route: the same match (``Route.matches``, so the path rules cannot drift), the
    same scope (``route`` for the metrics label, ``path_params``), and an exception answered
    by the handler the app registered for its class (``RapportError`` -> problem+json) or
    re-raised to the server-error middleware when there is none. Every other request (HEAD,
    health, metrics, wrong methods) takes the normal path.

    ``scope["route"]`` is set as a router would, so the HTTP metrics label the webhooks
    ``route="/webhooks/{provider}"`` (what the alert rules in ``deploy/prometheus`` match) without
    looking the route up again.
    """

    def __init__(self, app: ASGIApp, *, route: Route,
                 handlers: Mapping[Any, Callable[..., Any]]) -> None:
        self.app = app
        self.route = route
        self.handlers = handlers  # the app's own dict: handlers registered later are seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            match, child_scope = self.route.matches(scope)
            if match is Match.FULL:
                scope.update(child_scope)
                scope["route"] = self.route
                await self._handle(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        try:
            response: Response = await self.route.endpoint(request)
        except Exception as exc:
            handler = next((self.handlers[cls] for cls in type(exc).__mro__
                            if cls in self.handlers), None)
            if handler is None:
                raise
            answer = handler(request, exc)
            handled: Response | None = await answer if inspect.isawaitable(answer) else answer
            exc.__traceback__ = None  # as Starlette does: no tracebacks kept across requests
            if handled is None:
                return
            response = handled
        await response(scope, receive, send)


async def _receive(settings: IngestSettings, providers: Mapping[str, Provider],
                   pipeline: IngestPipeline, name: str, request: Request) -> tuple[Response, str]:
    provider = providers.get(name)
    if provider is None:
        raise NotFound(f"unknown provider {name!r}; known: {', '.join(sorted(providers))}")
    secret = settings.webhook_secret(name)
    if not secret:
        raise Unauthorized(f"no webhook secret is configured for {name}: set "
                           f"{secret_variable(name)}", variable=secret_variable(name))
    query_string: bytes = request.scope.get("query_string", b"")
    delivery = Delivery(
        provider=name, method=request.method,
        url=_signed_url(request, query_string, settings.public_base_url),
        headers=dict(request.headers.items()),  # ASGI header names are lower-case
        query=dict(parse_qsl(query_string.decode("latin-1"))) if query_string else {},
        body=await read_bounded_body(request, settings.max_body_bytes),
        received_at=datetime.now(UTC),
    )
    try:
        provider.verify(delivery, secret, now_s=time.time(),
                        replay_window_s=settings.replay_window_s)
    except SignatureRejected as exc:
        log.warning("rejected %s delivery: %s", name, exc.reason)
        raise Unauthorized(exc.reason) from None
    parsed = _parse(provider, delivery)
    if isinstance(parsed, Challenge):
        return PlainTextResponse(parsed.text), "ignored"
    try:
        report = await pipeline.deliver(name, parsed)
    except DeliveryInFlight as exc:
        raise ServiceUnavailable(str(exc), retry_after_s=1) from None
    except (BrokerUnavailable, UpstreamUnavailable) as exc:
        log.warning("%s delivery not accepted: %s", name, exc)
        raise ServiceUnavailable(str(exc), retry_after_s=5) from None
    except (OperationalError, InterfaceError) as exc:
        # The delivery ledger's database is away (restarting, failing over): nothing was
        # claimed or published for this delivery, so the sender's retry is safe - an outage,
        # like the broker's, not a server error senders may drop.
        log.warning("%s delivery not accepted: the database is unavailable (%s)", name,
                    type(exc).__name__)
        raise ServiceUnavailable("the database is unavailable", retry_after_s=5) from None
    except InvalidPayload as exc:  # content the pipeline cannot carry (see plausibility)
        raise Unprocessable(str(exc), field=exc.field) from None
    except RedactionTooSlow as exc:
        raise Unprocessable(f"{exc}; send the messages in smaller deliveries") from None
    except EventTooLarge as exc:
        raise PayloadTooLarge(str(exc)) from None
    if provider.success_reply is not None:
        reply = provider.success_reply
        return Response(reply.body, media_type=reply.media_type), report.outcome
    return JSONResponse({"status": report.outcome, "accepted": report.accepted,
                         "duplicates": report.duplicates, "ignored": report.ignored}), \
        report.outcome


def _parse(provider: Provider, delivery: Delivery) -> ParseResult:
    try:
        return provider.parse(delivery)
    except MalformedBody as exc:
        raise BadRequest(str(exc)) from None
    except InvalidPayload as exc:
        raise Unprocessable(str(exc), field=exc.field) from None
    except ValidationError as exc:  # a value the event model refuses (out of range...)
        error = exc.errors(include_input=False, include_url=False)[0]
        field = ".".join(str(part) for part in error["loc"])
        raise Unprocessable(f"{field}: {error['msg']}", field=field) from None


def _signed_url(request: Request, query: bytes, public_base_url: str | None) -> str:
    """The URL as the sender addressed it (HubSpot signs it): raw path and query, no decoding.

    Read straight from the ASGI scope: building Starlette's ``request.url`` parses it again.
    """
    scope = request.scope
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
    if public_base_url:
        base = public_base_url.rstrip("/")
    else:
        server = scope.get("server") or ("localhost", 80)
        host = request.headers.get("host") or f"{server[0]}:{server[1]}"
        base = f"{scope.get('scheme', 'http')}://{host}"
    tail = raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
    return base + tail
