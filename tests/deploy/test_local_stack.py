"""``make up`` hands the tools the settings it gives the services: ``.run/stack.env``."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deploy.local import stack
from services.coach.settings import CoachSettings
from services.ingest.settings import IngestSettings
from shared.local_stack import STACK_ENV, is_stack_key, read_env_file, tool_environment


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``stack`` working in a temporary checkout, from a shell that exported no settings;
    ``os.environ`` is put back afterwards (``up`` fills it in, as it does for its services)."""
    saved = dict(os.environ)
    for key in list(os.environ):
        if is_stack_key(key):
            del os.environ[key]
    monkeypatch.setattr(stack, "RUN_DIR", tmp_path / ".run")
    monkeypatch.setattr(stack, "STACK_ENV_FILE", tmp_path / STACK_ENV)
    (tmp_path / ".run").mkdir()
    try:
        yield tmp_path
    finally:
        os.environ.clear()
        os.environ.update(saved)


def prepare_like_up(kafka: str = "127.0.0.1:9092") -> None:
    """What ``up`` does before it starts the services (start_kafka's part done by hand)."""
    stack.load_environment()
    os.environ.setdefault("KAFKA_BOOTSTRAP_SERVERS", kafka)
    stack.link_services()
    stack.write_stack_env()


def test_the_tools_read_the_settings_the_services_are_started_with(checkout: Path) -> None:
    os.environ["RAPPORT_COACH_LINK_SECRET"] = "exported-before-make-up-0123"
    os.environ["RAPPORT_WEBHOOK_SECRET_ZENDESK"] = "exported-zendesk-secret-0123"
    os.environ["RAPPORT_COACH_PORT"] = "9003"
    os.environ["PATH_LIKE_NOISE"] = "not a stack setting"
    prepare_like_up()
    written = read_env_file(checkout / STACK_ENV)
    assert (checkout / STACK_ENV).stat().st_mode & 0o077 == 0
    assert all(is_stack_key(key) for key in written)
    assert written["RAPPORT_COACH_LINK_SECRET"] == "exported-before-make-up-0123"  # user wins
    assert written["RAPPORT_ADMIN_TOKEN"] == stack.dev_env()["RAPPORT_ADMIN_TOKEN"]  # dev.env
    assert written["RAPPORT_COACH_PUBLIC_BASE_URL"] == "http://127.0.0.1:9003"  # links follow
    assert written["RAPPORT_COACH_SCORER_URL"] == "http://127.0.0.1:8002"
    assert written["KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:9092"

    # The services read os.environ as up leaves it; a tool in a fresh shell reads the file.
    services_coach, services_ingest = CoachSettings(), IngestSettings()
    os.environ.clear()
    os.environ["PATH"] = "/usr/bin:/bin"
    tool_coach = tool_environment("coach", cwd=checkout).build(CoachSettings)
    tool_ingest = tool_environment("ingest", cwd=checkout).build(IngestSettings)
    assert tool_coach.link_secret == services_coach.link_secret
    assert tool_coach.public_base_url == services_coach.public_base_url
    assert tool_coach.database == services_coach.database
    assert tool_ingest.webhook_secrets == services_ingest.webhook_secrets
    assert tool_ingest.webhook_secret("zendesk") == "exported-zendesk-secret-0123"


def test_a_second_up_keeps_the_settings_of_the_services_still_running(checkout: Path) -> None:
    os.environ["RAPPORT_COACH_LINK_SECRET"] = "first-shell-secret-0123"
    os.environ["KAFKA_PORT"] = "19092"
    prepare_like_up(kafka="127.0.0.1:19092")
    (checkout / ".run" / "coach.pid").write_text(str(os.getpid()))  # "still running"

    for key in list(os.environ):  # a new shell: nothing exported
        if is_stack_key(key):
            del os.environ[key]
    os.environ["RAPPORT_SCORER_LOG_LEVEL"] = "DEBUG"  # a new override still applies
    stack.load_environment()
    assert os.environ["KAFKA_PORT"] == "19092"
    # The local broker's address is left to start_kafka (it restarts a stopped broker).
    assert "KAFKA_BOOTSTRAP_SERVERS" not in os.environ
    os.environ["KAFKA_BOOTSTRAP_SERVERS"] = "127.0.0.1:19092"
    stack.link_services()
    stack.write_stack_env()
    written = read_env_file(checkout / STACK_ENV)
    assert written["RAPPORT_COACH_LINK_SECRET"] == "first-shell-secret-0123"
    assert written["RAPPORT_SCORER_LOG_LEVEL"] == "DEBUG"


def test_a_second_up_keeps_an_external_clusters_address(checkout: Path) -> None:
    os.environ["KAFKA_BOOTSTRAP_SERVERS"] = "kafka.internal:9092"
    prepare_like_up()
    (checkout / ".run" / "coach.pid").write_text(str(os.getpid()))
    del os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    stack.load_environment()
    assert os.environ["KAFKA_BOOTSTRAP_SERVERS"] == "kafka.internal:9092"


def test_without_running_services_an_old_file_is_ignored(checkout: Path) -> None:
    os.environ["RAPPORT_COACH_LINK_SECRET"] = "crashed-run-secret-0123"
    prepare_like_up()
    del os.environ["RAPPORT_COACH_LINK_SECRET"]
    prepare_like_up()
    assert (read_env_file(checkout / STACK_ENV)["RAPPORT_COACH_LINK_SECRET"]
            == stack.dev_env()["RAPPORT_COACH_LINK_SECRET"])


def test_down_removes_the_file(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prepare_like_up()
    stopped: list[list[str]] = []

    def no_broker(command: list[str], **_: Any) -> None:
        stopped.append(command)

    monkeypatch.setattr(subprocess, "run", no_broker)  # no broker to stop in this test
    stack.down()
    assert not (checkout / STACK_ENV).exists()
    assert any("stop" in command for command in stopped)


def test_the_summary_signs_in_as_a_sample_agent_with_drills() -> None:
    summary: dict[str, object] = {"agents": [
        {"agent_id": "zendesk:1:a", "drills": []},
        {"agent_id": "zendesk:1:b", "drills": ["scenario-1"]},
    ]}
    assert stack.sample_agent(summary) == "zendesk:1:b"
    assert stack.sample_agent({"agents": [{"agent_id": "zendesk:1:a", "drills": []}]}) == (
        "zendesk:1:a")
    assert stack.sample_agent({}) is None
