"""Metrics middleware labels by route template; readiness reflects real checks; problem bodies."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from shared.http.health import install_health_routes
from shared.http.metrics import UNMATCHED_ROUTE, HttpMetricsMiddleware
from shared.http.problems import PROBLEM_JSON, ServiceUnavailable, install_problem_handlers


def _app(ready: list[bool]) -> FastAPI:
    app = FastAPI()
    app.add_middleware(HttpMetricsMiddleware, prefix="rapport_testapp")
    install_problem_handlers(app)
    install_health_routes(app, lambda: {"dependency": lambda: ready[0]})

    @app.get("/items/{item_id}")
    async def item(item_id: str) -> dict[str, str]:
        if item_id == "down":
            raise ServiceUnavailable("the broker is unavailable", retry_after_s=7)
        return {"id": item_id}

    async def plain(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.path_params["name"])

    # A plain Starlette route: FastAPI's router records no "route" in the scope for it.
    app.router.add_route("/plain/{name}", plain, methods=["GET"])
    return app


def _count(route: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "rapport_testapp_http_requests_total", {"method": "GET", "route": route, "status": status}
    )
    return value or 0.0


def test_requests_are_labelled_by_route_template_not_raw_path() -> None:
    client = TestClient(_app([True]))
    before = _count("/items/{item_id}", "200")
    for item_id in ("a", "b", "c"):
        client.get(f"/items/{item_id}")
    client.get("/no/such/path")
    assert _count("/items/{item_id}", "200") == before + 3
    assert _count("/items/a", "200") == 0
    assert _count(UNMATCHED_ROUTE, "404") >= 1


def test_plain_starlette_routes_are_labelled_by_their_template_too() -> None:
    client = TestClient(_app([True]))
    before = _count("/plain/{name}", "200")
    assert client.get("/plain/x").text == "x"
    client.get("/plain/y")
    assert _count("/plain/{name}", "200") == before + 2
    assert _count("/plain/x", "200") == 0


def test_readyz_reports_failing_dependencies_with_503() -> None:
    ready = [False]
    client = TestClient(_app(ready))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"dependency": "failing"}
    ready[0] = True
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz").json() == {"status": "ok"}


def test_errors_are_problem_json_with_retry_after() -> None:
    response = TestClient(_app([True])).get("/items/down")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["retry-after"] == "7"
    assert response.json()["detail"] == "the broker is unavailable"


def test_metrics_endpoint_exposes_prometheus_text() -> None:
    client = TestClient(_app([True]))
    client.get("/items/x")
    body = client.get("/metrics").text
    assert "rapport_testapp_http_request_duration_seconds_bucket" in body


def test_healthz_fails_when_a_liveness_check_fails_and_ignores_dependencies() -> None:
    worker_alive = [True]
    app = FastAPI()
    install_health_routes(app, lambda: {"dependency": lambda: False},
                          lambda: {"worker": lambda: worker_alive[0]})
    client = TestClient(app)
    assert client.get("/healthz").status_code == 200  # a dependency away is /readyz's business
    worker_alive[0] = False
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "failing": ["worker"]}


def test_metrics_answers_200_at_the_url_without_a_trailing_slash() -> None:
    client = TestClient(_app([True]))
    response = client.get("/metrics", follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "http_requests_total" in response.text or "# HELP" in response.text


def test_every_route_has_a_latency_series_from_the_first_request_on() -> None:
    """Dashboards show 0 requests/s, not "no data", for a route nobody called yet."""
    app = FastAPI()
    app.add_middleware(HttpMetricsMiddleware, prefix="rapport_testroutes")
    install_health_routes(app, lambda: {})

    @app.post("/never/{called}")
    async def never(called: str) -> dict[str, str]:
        return {"called": called}

    def count(method: str, route: str) -> float | None:
        return REGISTRY.get_sample_value("rapport_testroutes_http_request_duration_seconds_count",
                                         {"method": method, "route": route})

    assert count("POST", "/never/{called}") is None
    TestClient(app).get("/healthz")
    assert count("POST", "/never/{called}") == 0
    assert count("GET", "/readyz") == 0


def test_readyz_records_each_check_and_forgets_one_no_longer_asked() -> None:
    checks: dict[str, bool] = {"startup": False}
    app = FastAPI()
    install_health_routes(app, lambda: {name: (lambda v=value: v) for name, value in
                                        checks.items()})
    client = TestClient(app)

    def recorded(check: str) -> float | None:
        return REGISTRY.get_sample_value("rapport_readiness_check_up", {"check": check})

    client.get("/readyz")
    assert recorded("startup") == 0
    checks.clear()
    checks.update(database=False, kafka=True)
    assert client.get("/readyz").status_code == 503
    assert (recorded("startup"), recorded("database"), recorded("kafka")) == (None, 0, 1)
