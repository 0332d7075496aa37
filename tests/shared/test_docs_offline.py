"""``/docs`` as a newcomer opens it, without internet: every asset comes from the service itself.

FastAPI's own pages load Swagger UI from a CDN, so offline they were blank. Each service now
serves the assets ``fastapi-offline`` ships (``shared/http/docs.py``). The HTTP checks read
the pages and fetch what they reference; the browser check renders Swagger UI in Chromium with
every request that leaves 127.0.0.1 cut off, and finds the API's operations on the page.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Route, expect, sync_playwright

from services.coach.app import create_app as create_coach
from services.ingest.app import create_app as create_ingest
from services.scorer.app import create_app as create_scorer
from tests.coach.http_servers import serve_in_thread
from tests.scorer_service.fakes import FakeScorer

# The tests run the services in development (tests/conftest.py); the pages need no lifespan.
SERVICES = ("ingest", "scorer", "coach")
# An operation each service's page must show once Swagger UI has rendered its document.
SHOWN_OPERATION = {"ingest": ("post", "/webhooks/{provider}"),
                   "scorer": ("post", "/v1/score"),
                   "coach": ("get", "/v1/agents/{agent_id}/profile")}
# src= and href= (script, style, icon), spec-url= (ReDoc's document), url: (Swagger UI's).
REFERENCE = re.compile(r"""(?:src|href|spec-url)=["']([^"']+)["']|url:\s*["']([^"']+)["']""")


def create(service: str) -> FastAPI:
    if service == "scorer":
        return create_scorer(scorer=FakeScorer())
    return create_ingest() if service == "ingest" else create_coach()


@pytest.mark.parametrize("service", SERVICES)
def test_the_documentation_pages_reference_only_what_the_service_serves(service: str) -> None:
    client = TestClient(create(service))
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.status_code == 200
        references = [a or b for a, b in REFERENCE.findall(response.text)]
        assert "/openapi.json" in references, page
        assert len(references) >= 3, references  # script, style or icon, the document
        external = [ref for ref in references if urlsplit(ref).netloc or ref.startswith("//")]
        assert not external, f"{page} loads from outside the service: {external}"
        for reference in references:
            asset = client.get(reference)
            assert asset.status_code == 200, reference
            assert asset.content, reference


def test_ingest_documents_its_webhook_route() -> None:
    document = TestClient(create("ingest")).get("/openapi.json").json()
    operation = document["paths"]["/webhooks/{provider}"]["post"]
    parameter = next(p for p in operation["parameters"] if p["name"] == "provider")
    assert "zendesk" in parameter["schema"]["enum"]
    assert {"200", "401"} <= set(operation["responses"])


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, str]]:
    servers = {service: serve_in_thread(create(service)) for service in SERVICES}
    urls = {service: server.__enter__() for service, server in servers.items()}
    try:
        yield urls
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)


@pytest.mark.browser
def test_swagger_ui_renders_every_service_with_the_internet_cut_off(
        served: dict[str, str]) -> None:
    blocked: list[str] = []

    def only_local(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.route("**/*", only_local)
            for service, url in served.items():
                page.goto(f"{url}/docs")
                expect(page.locator(".swagger-ui .info .title")).to_contain_text(
                    f"Rapport {service}", timeout=20_000)
                method, path = SHOWN_OPERATION[service]
                operation = page.locator(f".opblock-{method} .opblock-summary-path",
                                         has_text=path).first
                expect(operation).to_be_visible()
        finally:
            browser.close()
    assert not blocked, f"the pages tried to reach outside the service: {blocked}"
