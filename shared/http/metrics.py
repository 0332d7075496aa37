"""One HTTP metrics middleware for every service, and the readiness gauge ``/readyz`` sets.

Labels are the *route template* (``/webhooks/{provider}``), never the raw path, so a scan of
random URLs cannot explode the series count; unmatched paths share one label. The duration
histogram of every route exists (at zero) from the first request on, so a route nobody called
yet shows 0 requests/s on the dashboards rather than "no data".
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED_ROUTE = "<unmatched>"
# Webhook and API handlers answer in milliseconds; the long tail is broker waits up to seconds.
LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_METRICS: dict[str, tuple[Counter, Histogram]] = {}

# Shared by the services (the job label tells them apart), like rapport_dead_letters_total.
READINESS_CHECK_UP = Gauge(
    "rapport_readiness_check_up",
    "1 when the named /readyz check (database, kafka, consumer, model, ...) passed when last "
    "probed, else 0.",
    ["check"],
)


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
        self._routes_initialised = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._routes_initialised:
            self._routes_initialised = True
            _initialise_routes(self.duration, scope)
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


def record_readiness(results: dict[str, bool]) -> None:
    """What one ``/readyz`` answer found, per check (the orchestrator probes every few
    seconds, so the gauge is as fresh as the last probe). A check that is no longer asked
    (``startup`` once the clients are open) is removed rather than left at its last value."""
    for check in _recorded_checks - results.keys():
        READINESS_CHECK_UP.remove(check)
    _recorded_checks.intersection_update(results)
    for check, passed in results.items():
        READINESS_CHECK_UP.labels(check).set(1.0 if passed else 0.0)
        _recorded_checks.add(check)


_recorded_checks: set[str] = set()


def _initialise_routes(duration: Histogram, scope: Scope) -> None:
    """Create the duration series of every route the app declares (the app is known only
    once a request carries it in its scope). FastAPI keeps included routers' routes to itself,
    so they are read from its OpenAPI document; plain routes (``/metrics``) from the router."""
    app = scope.get("app")
    declared: set[tuple[str, str]] = set()
    for route in getattr(getattr(app, "router", None), "routes", ()):
        path, methods = getattr(route, "path", None), getattr(route, "methods", None)
        if isinstance(path, str) and methods:
            declared |= {(method, path) for method in methods}
    openapi = getattr(app, "openapi", None)
    if callable(openapi):
        for path, operations in openapi().get("paths", {}).items():
            declared |= {(method.upper(), path) for method in operations}
    for method, path in declared:
        if method in _KNOWN_METHODS and method != "HEAD":
            duration.labels(method, path)


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
