"""Every service closes what it opened when its start fails half-way (one lifespan pattern)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

import services.coach.app as coach_app
import services.ingest.app as ingest_app
import services.scorer.app as scorer_app
from services.coach.settings import CoachSettings
from services.ingest.settings import IngestSettings
from services.scorer.settings import ScorerSettings


class RecordingClients:
    """Stands in for the opened database and producer: records that it was closed."""

    engine: Any = None
    producer: Any = None

    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


class StartFailed(RuntimeError):
    pass


def fail(*_args: Any, **_kwargs: Any) -> Any:
    raise StartFailed("the next step of the start failed")


def start_and_fail(app: Any) -> None:
    with pytest.raises(StartFailed), TestClient(app):
        pass


def test_ingest_closes_its_clients_when_the_pipeline_cannot_open(
        monkeypatch: pytest.MonkeyPatch) -> None:
    clients = RecordingClients()
    monkeypatch.setattr(ingest_app, "open_ingest_clients", lambda _settings: clients)
    monkeypatch.setattr(ingest_app, "open_pipeline", fail)
    settings = IngestSettings(environment="test", pseudonym_key="test-pseudonym-key-0123")
    start_and_fail(ingest_app.create_app(settings))
    assert clients.closed == 1


def test_the_scorer_closes_its_clients_when_the_model_cannot_load(
        monkeypatch: pytest.MonkeyPatch) -> None:
    clients = RecordingClients()
    monkeypatch.setattr(scorer_app, "open_clients", lambda *_a, **_k: clients)
    monkeypatch.setattr(scorer_app, "load_scorer", fail)
    start_and_fail(scorer_app.create_app(ScorerSettings(environment="test",
                                                              api_token="scorer-token-0123456")))
    assert clients.closed == 1


def test_the_coach_closes_its_clients_and_scorer_client_when_a_later_step_fails(
        monkeypatch: pytest.MonkeyPatch) -> None:
    clients = RecordingClients()
    closed: list[str] = []

    class RecordingScorerClient:
        def __init__(self, *_args: Any, **_kwargs: Any) -> None:
            pass

        def close(self) -> None:
            closed.append("scorer client")

    monkeypatch.setattr(coach_app, "open_clients", lambda *_a, **_k: clients)
    monkeypatch.setattr(coach_app, "ScorerClient", RecordingScorerClient)
    monkeypatch.setattr(coach_app, "AssignmentService", fail)
    settings = CoachSettings(environment="test", admin_token="admin-token-0123456789",
                             link_secret="secret-0123456", scorer_token="scorer-token-0123456")
    start_and_fail(coach_app.create_app(settings))
    assert clients.closed == 1
    assert closed == ["scorer client"]
