"""Practice replies scored by the real scorer service (``services.scorer.create_app``) over HTTP.

The scorer runs with its real routes, bearer check, request validation and inference scheduler.
Its weights are a ``BatchScorer`` that builds the scorer's own ``ScoreResult`` from the input
(deterministic, and independent of training runs); one test also loads the committed model: an
artifact that no longer loads with the code is a broken checkout, so that test fails.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.coach.app import create_app as create_coach_app
from services.scorer.app import create_app as create_scorer_app
from services.scorer.model.schema import (
    CustomerSignals,
    ScoreRequest,
    ScoreResult,
    Suggestion,
    ToneScores,
)
from services.scorer.scoring_model import BatchScorer, Pause, load_scorer
from services.scorer.settings import ScorerSettings
from shared.events.scores import DIMENSIONS
from shared.settings import DatabaseSettings, KafkaSettings
from tests.coach.conftest import CoachHarness, coach_settings
from tests.coach.factories import FixedClock, score_event, uniform_scores
from tests.coach.http_servers import serve_in_thread

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

A = "zendesk:10000001:902000000001"
SCORER_TOKEN = "scorer-api-token-for-tests-0123"


class RuleScorer:
    """Implements the scorer's ``BatchScorer`` protocol without trained weights."""

    model_version = "rule-stand-in+0"
    dtype_name = "fp32"
    device_name = "cpu"
    compiled = False

    def score_batch(self, requests: Sequence[ScoreRequest],
                    timings: dict[str, float] | None = None,
                    pause: Pause | None = None) -> list[ScoreResult]:
        return [self._one(request) for request in requests]

    def _one(self, request: ScoreRequest) -> ScoreResult:
        customer_words = {w for w in request.customer.lower().split() if len(w) > 4}
        echoed = sum(1 for w in request.reply.lower().split() if w in customer_words)
        acknowledgment = min(1.0, 0.2 + 0.2 * echoed)
        scores: dict[str, float | None] = dict.fromkeys(DIMENSIONS, 0.5)
        scores.update(acknowledgment=acknowledgment, boundaries=None)
        return ScoreResult(
            scores=scores, overall=0.5, evidence={"acknowledgment": [request.reply]},
            suggestions=[Suggestion("acknowledgment", "NURSE", "Name what happened to them.")],
            customer=CustomerSignals("anger", 0.6, 0.5, None), tone=ToneScores(0.6, 0.6),
            model_version=self.model_version)


def scorer_settings(kafka_settings: KafkaSettings, tmp_path: Path) -> ScorerSettings:
    return ScorerSettings(
        # Compiling would add half a minute here; tests/scorer/test_compiled.py covers it.
        environment="test", consume=False, torch_threads=1, compile="off", kafka=kafka_settings,
        database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'scorer.db'}"),
        api_token=SCORER_TOKEN)


@pytest.fixture
def real_scorer_url(kafka_settings: KafkaSettings, tmp_path: Path) -> Iterator[str]:
    app = create_scorer_app(scorer_settings(kafka_settings, tmp_path), scorer=RuleScorer())
    with serve_in_thread(app, lifespan=True) as url:
        yield url


def scored_practice_reply(kafka_settings: KafkaSettings, database_url: str, clock: FixedClock,
                          scorer_url: str) -> dict[str, Any]:
    settings = coach_settings(kafka_settings, database_url, scorer_url=scorer_url,
                              scorer_token=SCORER_TOKEN)
    app = create_coach_app(settings, clock=clock)
    with TestClient(app) as client:
        coach = CoachHarness(client, app, settings, clock)
        coach.seed_scores([score_event(A, i, uniform_scores(0.75, acknowledgment=0.15))
                           for i in range(12)])
        assert client.post("/v1/admin/assign", headers=coach.as_admin).status_code == 200
        drill = client.get(f"/v1/agents/{A}/assignments",
                           headers=coach.as_agent(A)).json()["assignments"][0]
        url = f"/v1/assignments/{drill['assignment_id']}"
        first_line = client.get(url, headers=coach.as_agent(A)).json()["practice"]["script"][0]
        reply = f"That sounds awful: {first_line['text'][:60]}. I will sort it out today."
        scored = client.post(f"{url}/attempts", headers=coach.as_agent(A),
                             json={"turn": 0, "reply": reply})
    assert scored.status_code == 201, scored.text
    body: dict[str, Any] = scored.json()
    return body


def test_a_practice_reply_is_scored_by_the_real_scorer(
        kafka_settings: KafkaSettings, database_url: str, clock: FixedClock,
        real_scorer_url: str) -> None:
    body = scored_practice_reply(kafka_settings, database_url, clock, real_scorer_url)
    assert body["model_version"] == RuleScorer.model_version
    assert body["scores"]["boundaries"] is None
    assert body["feedback"] == "Name what happened to them."
    assert body["target_score"] == body["scores"]["acknowledgment"] > 0.2  # the reply echoes


def test_the_trained_model_scores_a_practice_reply(
        kafka_settings: KafkaSettings, tmp_path: Path, clock: FixedClock) -> None:
    settings = scorer_settings(kafka_settings, tmp_path)
    model: BatchScorer = load_scorer(settings)
    with serve_in_thread(create_scorer_app(settings, scorer=model), lifespan=True) as url:
        body = scored_practice_reply(kafka_settings, f"sqlite:///{tmp_path / 'coach.db'}",
                                     clock, url)
    assert body["model_version"] == model.model_version
    assert set(body["scores"]) == set(DIMENSIONS)
    assert body["feedback"]


def test_the_real_scorer_refuses_a_coach_without_its_token(
        kafka_settings: KafkaSettings, database_url: str, clock: FixedClock,
        real_scorer_url: str) -> None:
    settings = coach_settings(kafka_settings, database_url, scorer_url=real_scorer_url)
    app = create_coach_app(settings, clock=clock)
    with TestClient(app) as client:
        coach = CoachHarness(client, app, settings, clock)
        coach.seed_scores([score_event(A, i, uniform_scores(0.75, acknowledgment=0.15))
                           for i in range(12)])
        client.post("/v1/admin/assign", headers=coach.as_admin)
        drill = client.get(f"/v1/agents/{A}/assignments",
                           headers=coach.as_agent(A)).json()["assignments"][0]
        refused = client.post(f"/v1/assignments/{drill['assignment_id']}/attempts",
                              headers=coach.as_agent(A), json={"turn": 0, "reply": "On it."})
    assert refused.status_code == 503
    assert "credentials" in refused.json()["detail"]
