"""Settings from the environment, and what ``python -m services.scorer`` dispatches to."""

from __future__ import annotations

import os
import sys
import types

import pytest
from pydantic import ValidationError

from services.scorer import __main__ as entry_point
from services.scorer.settings import ScorerSettings


def test_settings_come_from_rapport_scorer_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_SCORER_DTYPE", "bf16")
    monkeypatch.setenv("RAPPORT_SCORER_TORCH_THREADS", "3")
    monkeypatch.setenv("RAPPORT_SCORER_MAX_BATCH_WAIT_MS", "2.5")
    monkeypatch.setenv("RAPPORT_SCORER_KAFKA__TOPIC_PREFIX", "staging.")
    monkeypatch.setenv("RAPPORT_SCORER_API_TOKEN", "a-real-token")
    settings = ScorerSettings()
    assert settings.dtype == "bf16"
    assert settings.torch_threads == 3
    assert settings.max_batch_wait_ms == 2.5
    assert settings.kafka.topic("support.scores.v1") == "staging.support.scores.v1"
    assert settings.api_token is not None
    assert settings.api_token.get_secret_value() == "a-real-token"


def test_defaults_port_8002_production_with_a_required_token_and_one_thread_per_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in list(os.environ):
        if name.startswith("RAPPORT_SCORER_"):
            monkeypatch.delenv(name)
    with pytest.raises(ValidationError, match="api_token is required"):
        ScorerSettings()  # production unless told otherwise: never an open API
    monkeypatch.setenv("RAPPORT_SCORER_API_TOKEN", "a-real-token")
    settings = ScorerSettings()
    assert settings.environment == "production"
    assert settings.port == 8002
    assert settings.group_id == "rapport-scorer"
    assert settings.dtype == "auto"
    assert settings.compile == "auto"
    assert settings.torch_threads == len(os.sched_getaffinity(0))


def test_an_unknown_dtype_is_refused() -> None:
    with pytest.raises(ValidationError, match="dtype"):
        ScorerSettings(dtype="int4")


def test_a_placeholder_token_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        ScorerSettings(environment="production", api_token="changeme")


def test_model_commands_go_to_the_model_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def fake_main(argv: list[str]) -> int:
        calls.append(argv)
        return 0

    fake_cli = types.ModuleType("services.scorer.cli")
    fake_cli.main = fake_main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "services.scorer.cli", fake_cli)
    assert entry_point.main(["score", "--input", "x.jsonl"]) == 0
    assert entry_point.main(["train"]) == 0
    assert calls == [["score", "--input", "x.jsonl"], ["train"]]


def test_an_unknown_command_is_refused_without_starting_anything(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert entry_point.main(["serve-everything"]) == 2
    assert "unknown command" in capsys.readouterr().err
