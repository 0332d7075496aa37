"""Secure by default: production unless told otherwise, and no data without a token there.

The services run here as a deployment runs them: ``environment=production`` with real secrets,
their lifespans started against a real Kafka broker and SQLite. Every route their OpenAPI
documents is called without a token, with ``Bearer `` and nothing after it, and with a wrong
token; only the health routes answer, and routes that hold no data by design: Intercom's
unsigned reachability check and the shells of the pages sign-in links open (each checked for
that below).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from services.coach.app import create_app as create_coach
from services.coach.settings import CoachSettings
from services.coach.web.links import InvalidToken, issue_token, verify_token
from services.ingest.app import create_app as create_ingest
from services.ingest.settings import IngestSettings
from services.scorer.app import create_app as create_scorer
from services.scorer.settings import ScorerSettings
from shared.kafka.admin import ensure_topics
from shared.local_stack import tool_environment
from shared.settings import DatabaseSettings, KafkaSettings, ServiceSettings
from tests.ingest.support import (
    PSEUDONYM_KEY,
    SALESFORCE_ORG,
    SECRETS,
    fixture,
    signed_post_args,
)
from tests.scorer_service.fakes import FakeScorer

SCORER_TOKEN = "scorer-token-for-the-secure-default-tests"
ADMIN_TOKEN = "admin-token-for-the-secure-default-tests"
LINK_SECRET = "link-secret-for-the-secure-default-tests"
SERVICES = ("ingest", "scorer", "coach")
HEALTH = frozenset({"/healthz", "/readyz"})
CREDENTIALS = {
    "missing": {},
    "empty": {"Authorization": "Bearer "},
    "wrong": {"Authorization": "Bearer not-the-token-0123456789"},
}
# Sample values for path parameters; the request must be refused before any of them is used.
PATH_VALUES = {"provider": "generic", "agent_id": "zendesk:10000001:902000000001"}


def production_settings(service: str, kafka: KafkaSettings, database_dir: Path) -> ServiceSettings:
    common: dict[str, Any] = {
        "environment": "production", "kafka": kafka,
        "database": DatabaseSettings(url=f"sqlite:///{database_dir / service}.db")}
    if service == "ingest":
        return IngestSettings(**common, pseudonym_key=SecretStr(PSEUDONYM_KEY),
                              webhook_secrets={name: SecretStr(value)
                                               for name, value in SECRETS.items()},
                              salesforce_org_ids=(SALESFORCE_ORG,))
    if service == "scorer":
        return ScorerSettings(**common, api_token=SCORER_TOKEN, consume=False, torch_threads=1,
                              compile="off")
    return CoachSettings(**common, admin_token=ADMIN_TOKEN, link_secret=LINK_SECRET,
                         scorer_token=SCORER_TOKEN,
                         consumer_group=f"coach-{kafka.topic_prefix}")


@pytest.fixture(scope="module")
def production_services(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
                        ) -> Iterator[dict[str, TestClient]]:
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap, topic_partitions=3,
                          topic_prefix=f"t{uuid.uuid4().hex[:10]}.")
    ensure_topics(kafka_bootstrap, partitions=3, topic_prefix=kafka.topic_prefix)
    database_dir = tmp_path_factory.mktemp("secure-defaults")
    settings = {service: production_settings(service, kafka, database_dir)
                for service in SERVICES}
    apps = {"ingest": create_ingest(settings["ingest"]),  # type: ignore[arg-type]
            "scorer": create_scorer(settings["scorer"], scorer=FakeScorer()),  # type: ignore[arg-type]
            "coach": create_coach(settings["coach"])}  # type: ignore[arg-type]
    with ExitStack() as running:
        yield {service: running.enter_context(TestClient(app, raise_server_exceptions=False))
               for service, app in apps.items()}


def documented_routes(client: TestClient) -> list[tuple[str, str]]:
    paths: dict[str, dict[str, Any]] = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return [(method.upper(), path) for path, operations in paths.items()
            for method in operations if path not in HEALTH]


def page_shells(client: TestClient) -> set[tuple[str, str]]:
    """Pages a sign-in link opens (``/practice?token=...``): an HTML page with a ``token`` query
    parameter. The page moves the token into session storage and its script sends it to the
    API, so a reload (no token in the URL) must still get the page: it is served as a bare
    shell, and a token that is in the URL is checked. Checked in the test below."""
    paths: dict[str, dict[str, Any]] = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return {("GET", path) for path, operations in paths.items()
            if "get" in operations
            and "text/html" in operations["get"]["responses"]["200"].get("content", {})
            and any(parameter["name"] == "token" and parameter["in"] == "query"
                    for parameter in operations["get"].get("parameters", []))}


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: PATH_VALUES.get(match.group(1), "x1"), path)


# Intercom checks that the endpoint exists (HEAD, unsigned) when a webhook is saved; the answer
# is an empty 200 (or 404 for an unknown helpdesk). Checked in the test below.
REACHABILITY_CHECK = ("HEAD", "/webhooks/{provider}")


@pytest.mark.kafka
@pytest.mark.parametrize("credentials", sorted(CREDENTIALS))
@pytest.mark.parametrize("service", SERVICES)
def test_every_documented_route_refuses_a_caller_without_a_valid_token_in_production(
        production_services: dict[str, TestClient], service: str, credentials: str) -> None:
    client = production_services[service]
    headers = CREDENTIALS[credentials]
    routes = documented_routes(client)
    exempt = page_shells(client) | ({REACHABILITY_CHECK} if service == "ingest" else set())
    assert exempt <= set(routes)
    answered = {}
    for method, path in routes:
        if (method, path) in exempt:
            continue
        body = {} if method in {"POST", "PUT", "PATCH"} else None
        response = client.request(method, concrete(path), headers=headers, json=body)
        answered[f"{method} {path}"] = (response.status_code,
                                        response.headers.get("content-type", ""))
    assert answered, f"{service} documents no route to check"
    wrong = {route: status for route, status in answered.items()
             if status[0] != 401 or not status[1].startswith("application/problem+json")}
    assert not wrong, f"{service} answered these without a valid token ({credentials}): {wrong}"


# The identity a page shell would be filled in with for a signed-in caller.
_IDENTITY = re.compile(r'data-(?:agent-id|team-id|role)="([^"]*)"')


@pytest.mark.kafka
def test_the_routes_that_answer_without_a_token_hold_no_data_and_check_any_token_given(
        production_services: dict[str, TestClient]) -> None:
    ingest = production_services["ingest"]
    probe = ingest.head("/webhooks/intercom")
    assert probe.status_code == 200
    assert probe.content == b""
    assert ingest.head("/webhooks/not-a-helpdesk").status_code == 404
    for service in ("ingest", "scorer"):
        assert not page_shells(production_services[service])
    coach = production_services["coach"]
    shells = page_shells(coach)
    assert {("GET", "/practice"), ("GET", "/practice/{assignment_id}")} <= shells
    for _method, path in sorted(shells):
        shell = coach.get(concrete(path))
        assert shell.status_code == 200, path
        assert shell.headers["content-type"].startswith("text/html"), path
        assert not [value for value in _IDENTITY.findall(shell.text) if value], path
        assert "{{" not in shell.text, path
        refused = coach.get(concrete(path), params={"token": "not-a-sign-in-token"})
        assert refused.status_code == 401, path


@pytest.mark.kafka
def test_the_right_credentials_are_let_through_in_production(
        production_services: dict[str, TestClient]) -> None:
    """The control: the refusals above are about the token, not about a broken service."""
    scorer = production_services["scorer"]
    scores = scorer.get("/v1/conversations/zendesk:1:2/scores",
                        headers={"Authorization": f"Bearer {SCORER_TOKEN}"})
    assert scores.status_code == 200, scores.text
    assert scores.json() == {"conversation_key": "zendesk:1:2", "scores": []}
    coach = production_services["coach"]
    summary = coach.get("/v1/admin/summary", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert summary.status_code == 200, summary.text
    # Webhooks authenticate by the helpdesk's signature, not by a bearer token.
    delivery = signed_post_args(fixture("generic", "delivery"), "http://testserver")
    accepted = production_services["ingest"].post(**delivery)
    assert accepted.status_code == 200, accepted.text


# --- the environment and the tokens the settings require ---------------------------------------


SETTINGS_CLASSES = {"INGEST": IngestSettings, "SCORER": ScorerSettings, "COACH": CoachSettings}


@pytest.mark.parametrize("prefix", sorted(SETTINGS_CLASSES))
def test_the_environment_defaults_to_production_and_refuses_placeholders(
        prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(f"RAPPORT_{prefix}_ENVIRONMENT")  # tests/conftest.py sets development
    assert SETTINGS_CLASSES[prefix].model_fields["environment"].default == "production"
    with pytest.raises(ValidationError, match=r"environment=production"):
        SETTINGS_CLASSES[prefix]()
    # The tools read the public development file only when development is asked for.
    assert tool_environment(prefix.lower(), cwd=Path("/nonexistent")).file is None
    monkeypatch.setenv(f"RAPPORT_{prefix}_ENVIRONMENT", "development")
    assert tool_environment(prefix.lower(), cwd=Path("/nonexistent")).file is not None


@pytest.mark.parametrize("token", [None, "", "   ", "changeme"])
@pytest.mark.parametrize("environment", ["test", "production"])
def test_the_scorer_does_not_start_outside_development_without_a_real_api_token(
        token: str | None, environment: str) -> None:
    refusal = "api_token (is required.*RAPPORT_SCORER_API_TOKEN|holds a placeholder)"
    with pytest.raises(ValidationError, match=refusal):
        ScorerSettings(environment=environment, api_token=token)
    # The coach service needs the same token to call the scorer (its tools do not).
    coach_secrets = {"environment": environment, "admin_token": ADMIN_TOKEN,
                     "link_secret": LINK_SECRET}
    if token == "changeme":
        with pytest.raises(ValidationError, match="scorer_token holds a placeholder"):
            CoachSettings(**coach_secrets, scorer_token=token)
    else:
        settings = CoachSettings(**coach_secrets, scorer_token=token)
        with pytest.raises(ValueError, match="scorer_token is required to serve"):
            create_coach(settings)


def test_an_empty_scorer_token_is_no_token_and_an_empty_bearer_never_matches() -> None:
    assert ScorerSettings(environment="development", api_token="").api_token is None
    assert CoachSettings(environment="development", scorer_token=" ").scorer_token is None
    # A development scorer with a token still refuses "Bearer " (the shared guard).
    app = create_scorer(ScorerSettings(environment="development", api_token="dev-token",
                                       consume=False), scorer=FakeScorer())
    client = TestClient(app)  # no lifespan: the guard answers before the handler needs state
    for headers in ({"Authorization": "Bearer "}, {"Authorization": "Bearer"},
                    {"Authorization": "Basic dev-token"}, {"Authorization": "Bearer dev-tokenx"}):
        assert client.get("/v1/conversations/a:b:c/scores", headers=headers).status_code == 401


def test_a_settings_error_names_the_problem_and_never_echoes_a_secret() -> None:
    with pytest.raises(ValidationError) as refused:
        CoachSettings(environment="production", admin_token="the-real-admin-token-xyz",
                      link_secret="changeme", scorer_token=SCORER_TOKEN)
    message = str(refused.value)
    assert "link_secret holds a placeholder secret" in message
    assert "the-real-admin-token-xyz" not in message
    assert SCORER_TOKEN not in message


# --- sign-in tokens: only the exact string issued -------------------------------------------------

_BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def test_a_sign_in_token_verifies_only_in_the_form_it_was_issued() -> None:
    now = datetime.now(UTC)
    token = issue_token("zendesk:1:2", LINK_SECRET, expires_at=now + timedelta(hours=1))
    assert verify_token(token, LINK_SECRET, now=now) == "zendesk:1:2"
    payload, signature = token.split(".")
    last = _BASE64URL.index(signature[-1])
    # 32 signature bytes leave 2 unused low bits in the last character: flipping them decodes
    # to the same bytes, as does padding; neither is the token that was issued.
    variants = [f"{payload}.{signature[:-1]}{_BASE64URL[last ^ bit]}" for bit in (1, 2, 3)]
    variants += [f"{token}=", f"{token}==", f"{payload}.{signature[:-1]}",
                 f"{payload}.{signature}A"]
    for variant in variants:
        with pytest.raises(InvalidToken):
            verify_token(variant, LINK_SECRET, now=now)
