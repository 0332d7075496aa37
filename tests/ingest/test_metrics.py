"""Ingest metrics: declared once, prefixed, labelled only with bounded values."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from services.ingest import metrics
from services.ingest.providers import PROVIDER_NAMES

DOCUMENTED = re.findall(r"``(rapport_ingest_\w+)", metrics.__doc__ or "")


def ingest_families() -> dict[str, set[tuple[tuple[str, str], ...]]]:
    families: dict[str, set[tuple[tuple[str, str], ...]]] = {}
    for family in REGISTRY.collect():
        if family.name.startswith("rapport_ingest_") and "http" not in family.name:
            families[family.name] = {tuple(sorted(s.labels.items())) for s in family.samples}
    return families


def test_every_metric_is_listed_in_the_docstring() -> None:
    names = set(ingest_families())
    documented = {name.removesuffix("_total") for name in DOCUMENTED}
    assert names == documented


def test_an_unknown_provider_never_becomes_a_label(client: TestClient) -> None:
    client.post("/webhooks/zendesk-ticket-48213-probe", content=b"{}")
    labels = {value for series in ingest_families().values()
              for labelset in series for _, value in labelset}
    assert "zendesk-ticket-48213-probe" not in labels
    provider_labels = {value for series in ingest_families().values() for labelset in series
                       for name, value in labelset if name == "provider"}
    assert provider_labels <= {*PROVIDER_NAMES, "unknown"}
    assert REGISTRY.get_sample_value("rapport_ingest_deliveries_total",
                                     {"provider": "unknown", "outcome": "invalid"}) >= 1


def test_webhooks_are_timed_under_their_route_template(client: TestClient) -> None:
    """The webhook fast path sits inside the HTTP metrics middleware and labels like the router."""
    labels = {"method": "POST", "route": "/webhooks/{provider}", "status": "401"}

    def count() -> float:
        return REGISTRY.get_sample_value("rapport_ingest_http_requests_total", labels) or 0.0

    before = count()
    response = client.post("/webhooks/generic", content=b"{}")  # unsigned
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert count() == before + 1
    assert REGISTRY.get_sample_value("rapport_ingest_http_requests_total",
                                     {**labels, "route": "<unmatched>"}) is None
