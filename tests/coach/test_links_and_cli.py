"""Sign-in links: signing, expiry, tampering; the ``issue-link`` command; coach settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine

from services.coach.app import create_app
from services.coach.commands.cli import run_cli
from services.coach.settings import CoachSettings
from services.coach.store.profile_store import apply_score_events
from services.coach.web.links import ExpiredToken, InvalidToken, issue_token, verify_token
from shared.local_stack import DEV_ENV, STACK_ENV, is_stack_key, read_env_file, write_env_file
from shared.settings import DatabaseSettings, KafkaSettings
from tests.coach.factories import NOW, FixedClock, score_event, uniform_scores

AGENT = "zendesk:10000001:902000000001"
SECRET = "a-long-random-secret-for-links"
REPO = Path(__file__).resolve().parents[2]


def seed_agents(engine: Engine, *agent_ids: str) -> None:
    events = [score_event(agent_id, i, uniform_scores(0.6)) for agent_id in agent_ids
              for i in range(2)]
    with engine.begin() as connection:
        apply_score_events(connection, events, half_life_s=30 * 86_400, now=NOW)


@pytest.fixture
def known_agent(coach_engine: Engine) -> str:
    """A migrated coach database (``database_url``) that holds scores for ``AGENT``."""
    seed_agents(coach_engine, AGENT)
    return AGENT


@pytest.fixture
def no_stack_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing exported that the CLI would read: the test decides every setting."""
    for key in list(os.environ):
        if is_stack_key(key) and key != "RAPPORT_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)


def bare_env(**variables: str) -> dict[str, str]:
    """A subprocess environment without this shell's Rapport settings."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO),
            **variables}


def issue_link_process(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m services.coach issue-link`` as a user runs it in a fresh shell in ``cwd``."""
    return subprocess.run([sys.executable, "-m", "services.coach", "issue-link", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
                          env=bare_env(**env))


def token_of(link: str) -> str:
    return parse_qs(urlparse(link.strip()).query)["token"][0]


def test_a_token_verifies_until_it_expires() -> None:
    token = issue_token(AGENT, SECRET, expires_at=NOW + timedelta(hours=1))
    assert verify_token(token, SECRET, now=NOW) == AGENT
    with pytest.raises(ExpiredToken):
        verify_token(token, SECRET, now=NOW + timedelta(hours=1))


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
    lambda t: "x" + t,  # payload changed
    lambda t: t.replace(".", ""),  # no separator
    lambda t: t.split(".")[0],  # no signature
    lambda t: "",
])
def test_tampered_tokens_are_invalid(mangle: object) -> None:
    token = issue_token(AGENT, SECRET, expires_at=NOW + timedelta(hours=1))
    with pytest.raises(InvalidToken):
        verify_token(mangle(token), SECRET, now=NOW)  # type: ignore[operator]


def test_a_token_from_another_secret_is_invalid() -> None:
    token = issue_token(AGENT, "another-secret", expires_at=NOW + timedelta(hours=1))
    with pytest.raises(InvalidToken):
        verify_token(token, SECRET, now=NOW)


def test_only_agent_ids_can_be_signed() -> None:
    with pytest.raises(ValueError, match="provider"):
        issue_token("just-a-name", SECRET, expires_at=NOW)


def test_issue_link_prints_a_link_whose_token_verifies(
        known_agent: str, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    settings = CoachSettings(link_secret=SECRET, public_base_url="https://coach.example",
                             database=DatabaseSettings(url=database_url))
    assert run_cli(["issue-link", "--agent", known_agent, "--ttl-hours", "2"], settings=settings,
                   clock=FixedClock()) == 0
    out = capsys.readouterr()
    link = urlparse(out.out.strip())
    assert (link.scheme, link.netloc, link.path) == ("https", "coach.example", "/practice")
    token = parse_qs(link.query)["token"][0]
    assert verify_token(token, SECRET, now=NOW + timedelta(minutes=119)) == AGENT
    with pytest.raises(ExpiredToken):
        verify_token(token, SECRET, now=NOW + timedelta(hours=2))
    assert "expires 2026-11-26T10:00:00+00:00" in out.err


def test_issue_link_refuses_a_malformed_agent_id() -> None:
    with pytest.raises(SystemExit):
        run_cli(["issue-link", "--agent", "nobody"], settings=CoachSettings(link_secret=SECRET))


def test_issue_link_refuses_an_agent_the_coach_has_never_seen(
        coach_engine: Engine, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    others = [f"zendesk:10000001:90200000000{i}" for i in range(2, 8)]
    elsewhere = "intercom:ecahpwf5:814220"
    seed_agents(coach_engine, *others, elsewhere)
    settings = CoachSettings(link_secret=SECRET, database=DatabaseSettings(url=database_url))
    unknown = "zendesk:10000001:999"
    assert run_cli(["issue-link", "--agent", unknown], settings=settings) == 2
    out = capsys.readouterr()
    assert out.out == ""  # no link
    assert f"never seen agent '{unknown}'" in out.err
    # Five known ids, those of the same helpdesk account first, and how many there are.
    assert f"known agents (5 of 7): {', '.join(others[:5])}" in out.err
    assert elsewhere not in out.err


def test_issue_link_on_an_empty_database_says_so(
        coach_engine: Engine, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    settings = CoachSettings(link_secret=SECRET, database=DatabaseSettings(url=database_url))
    assert run_cli(["issue-link", "--agent", AGENT], settings=settings) == 2
    assert "holds no agents yet" in capsys.readouterr().err


@pytest.mark.parametrize("command", [
    ["issue-link", "--agent", AGENT],
    ["export-labels", "--circle", "circle-1", "--out", "labels.jsonl"],
    ["experiment-csv", "--experiment", "exp_1"],
    ["export-roleplay-labels", "--roleplay", "rp-1", "--out", "labels.jsonl"],
    ["erase", "--agent", AGENT],  # shared.erasure, as the other services' erase commands
], ids=lambda command: command[0])
def test_no_command_creates_a_missing_database(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "nothing-here.db"
    settings = CoachSettings(link_secret=SECRET,
                             database=DatabaseSettings(url=f"sqlite:///{missing}"))
    assert run_cli(command, settings=settings) == 1
    err = capsys.readouterr().err
    assert "no coach database at" in err
    assert "Traceback" not in err
    assert not missing.exists()
    assert not (tmp_path / "labels.jsonl").exists()


@pytest.mark.kafka
def test_a_link_from_the_cli_in_a_fresh_shell_opens_the_running_coach(
        known_agent: str, database_url: str, kafka_settings: KafkaSettings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, no_stack_settings: None) -> None:
    # What `make up` leaves behind: the settings the services run with, in .run/stack.env.
    stack = {"RAPPORT_COACH_LINK_SECRET": secrets.token_urlsafe(24),
             "RAPPORT_ADMIN_TOKEN": secrets.token_urlsafe(24),
             "RAPPORT_SCORER_API_TOKEN": secrets.token_urlsafe(24),
             "RAPPORT_COACH_PUBLIC_BASE_URL": "http://127.0.0.1:18003",
             "DATABASE_URL": database_url}
    write_env_file(tmp_path / STACK_ENV, stack, header="as make up writes it")
    assert (tmp_path / STACK_ENV).stat().st_mode & 0o077 == 0  # secrets: owner only

    issued = issue_link_process(tmp_path, "--agent", known_agent)  # nothing exported
    assert issued.returncode == 0, issued.stderr
    assert str(tmp_path / STACK_ENV) in issued.stderr  # says where its settings came from
    assert issued.stdout.startswith("http://127.0.0.1:18003/practice?token=")
    from_stack = token_of(issued.stdout)
    # An exported variable wins over the file, as it does for the services.
    exported = issue_link_process(tmp_path, "--agent", known_agent,
                                  RAPPORT_COACH_LINK_SECRET="exported-in-this-shell-0123")
    assert exported.returncode == 0, exported.stderr
    assert verify_token(token_of(exported.stdout), "exported-in-this-shell-0123",
                        now=datetime.now(UTC)) == known_agent
    unknown = issue_link_process(tmp_path, "--agent", "zendesk:10000001:404")
    assert unknown.returncode == 2
    assert unknown.stdout == ""
    assert "never seen agent 'zendesk:10000001:404'" in unknown.stderr
    assert known_agent in unknown.stderr

    # The coach, started with the same file's settings, accepts the link's token.
    for key, value in read_env_file(tmp_path / STACK_ENV).items():
        monkeypatch.setenv(key, value)
    settings = CoachSettings(environment="test", kafka=kafka_settings,
                             consumer_group=f"coach-{kafka_settings.topic_prefix}")
    with TestClient(create_app(settings)) as client:
        def profile(token: str) -> int:
            return client.get(f"/v1/agents/{known_agent}/profile",
                              headers={"Authorization": f"Bearer {token}"}).status_code

        assert profile(from_stack) == 200
        assert profile(token_of(exported.stdout)) == 401  # another secret: refused
        default_secret = issue_token(known_agent, "changeme",
                                     expires_at=datetime.now(UTC) + timedelta(hours=1))
        assert profile(default_secret) == 401


def test_without_a_stack_the_cli_signs_with_dev_env_not_a_made_up_secret(
        known_agent: str, database_url: str, tmp_path: Path, no_stack_settings: None) -> None:
    # dev.env only when development is asked for: the default environment is production.
    issued = issue_link_process(tmp_path, "--agent", known_agent, DATABASE_URL=database_url,
                                RAPPORT_COACH_ENVIRONMENT="development")
    assert issued.returncode == 0, issued.stderr
    assert "deploy/local/dev.env" in issued.stderr
    dev_secret = read_env_file(DEV_ENV)["RAPPORT_COACH_LINK_SECRET"]
    issued_around = datetime.now(UTC)
    token = token_of(issued.stdout)
    assert verify_token(token, dev_secret, now=issued_around + timedelta(hours=71)) == AGENT
    with pytest.raises(ExpiredToken):
        verify_token(token, dev_secret, now=issued_around + timedelta(hours=73))


def test_outside_development_a_missing_secret_is_an_error(
        known_agent: str, database_url: str, tmp_path: Path, no_stack_settings: None,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RAPPORT_COACH_ENVIRONMENT", "production")
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert run_cli(["issue-link", "--agent", known_agent], cwd=tmp_path) == 1
    err = capsys.readouterr().err
    assert "environment only" in err  # dev.env is for development only
    assert "holds a placeholder secret" in err
    assert "RAPPORT_ADMIN_TOKEN" not in os.environ  # the CLI left the environment alone


def test_with_no_secret_anywhere_the_cli_refuses_to_sign(
        known_agent: str, database_url: str, tmp_path: Path, no_stack_settings: None,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("shared.local_stack.DEV_ENV", tmp_path / "no-dev.env")  # a deployment
    monkeypatch.setenv("RAPPORT_COACH_ENVIRONMENT", "development")  # placeholders allowed
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert run_cli(["issue-link", "--agent", known_agent], cwd=tmp_path) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert "RAPPORT_COACH_LINK_SECRET is not set" in out.err


def test_the_admin_token_is_read_without_the_coach_prefix(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_ADMIN_TOKEN", "stack-wide-admin-token")
    assert CoachSettings().admin_token.get_secret_value() == "stack-wide-admin-token"
    assert CoachSettings().port == 8003


@pytest.mark.parametrize("placeholder", ["admin_token", "link_secret"])
def test_placeholder_secrets_are_refused_outside_development(placeholder: str) -> None:
    real = {"admin_token": "real-admin-token-0123", "link_secret": "real-link-secret-0123"}
    real[placeholder] = "changeme"
    with pytest.raises(ValidationError, match=placeholder):
        CoachSettings.model_validate({"environment": "production", **real})
    assert CoachSettings.model_validate(real).environment == "development"
