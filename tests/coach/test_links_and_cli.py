"""Sign-in links: signing, expiry, tampering; the ``issue-link`` command; coach settings."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from pydantic import ValidationError

from services.coach.cli import run_cli
from services.coach.links import ExpiredToken, InvalidToken, issue_token, verify_token
from services.coach.settings import CoachSettings
from tests.coach.factories import NOW, FixedClock

AGENT = "zendesk:10000001:902000000001"
SECRET = "a-long-random-secret-for-links"
REPO = Path(__file__).resolve().parents[2]


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


def test_issue_link_prints_a_link_whose_token_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    settings = CoachSettings(link_secret=SECRET, public_base_url="https://coach.example")
    assert run_cli(["issue-link", "--agent", AGENT, "--ttl-hours", "2"], settings=settings,
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


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "services.coach", "issue-link", "--agent", AGENT,
         "--base-url", "http://127.0.0.1:8003"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
        env={"RAPPORT_COACH_LINK_SECRET": SECRET, "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    token = parse_qs(urlparse(result.stdout.strip()).query)["token"][0]
    issued_around = datetime.now(UTC)
    assert verify_token(token, SECRET, now=issued_around + timedelta(hours=71)) == AGENT
    with pytest.raises(ExpiredToken):
        verify_token(token, SECRET, now=issued_around + timedelta(hours=73))


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
