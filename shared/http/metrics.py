"""One HTTP metrics middleware for every service.

Labels are the *route template* (``/webhooks/{provider}``), never the raw path, so a scan of
random URLs cannot explode the series count; unmatched paths share one label.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED_ROUTE = "<unmatched>"
# Webhook and API handlers answer in milliseconds; the long tail is broker waits up to seconds.
LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_METRICS: dict[str, tuple[Counter, Histogram]] = {}


def _metrics_for(prefix: str) -> tuple[Counter, Histogram]:
    if prefix not in _METRICS:  # declared once per process, whatever number of apps a test makes
        _METRICS[prefix] = (
            Counter(
                f"{prefix}_http_requests_total",
                "HTTP requests by method, route template and status code.",
                ["method", "route", "status"],
            ),
            Histogram(
                f"{prefix}_http_request_duration_seconds",
                "HTTP request duration by method and route template.",
                ["method", "route"],
                buckets=LATENCY_BUCKETS_S,
            ),
        )
    return _METRICS[prefix]


class HttpMetricsMiddleware:
    def __init__(self, app: ASGIApp, *, prefix: str) -> None:
        self.app = app
        self.requests, self.duration = _metrics_for(prefix)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = _route_template(scope)
            method = scope["method"] if scope["method"] in _KNOWN_METHODS else "OTHER"
            self.requests.labels(method, route, str(status)).inc()
            self.duration.labels(method, route).observe(time.perf_counter() - started)


_KNOWN_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def _route_template(scope: Scope) -> str:
    route = scope.get("route") or _route_of_endpoint(scope)
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


def _route_of_endpoint(scope: Scope) -> Any:
    """The matched route when the router did not record it in the scope.

    FastAPI's router sets ``scope["route"]`` only for its own ``APIRoute``s; a plain Starlette
    route (``app.router.add_route``) leaves just its ``endpoint`` there. Looked up only then.
    """
    endpoint = scope.get("endpoint")
    routes = getattr(getattr(scope.get("app"), "router", None), "routes", ())
    if endpoint is None:
        return None
    return next((r for r in routes if getattr(r, "endpoint", None) is endpoint), None)
