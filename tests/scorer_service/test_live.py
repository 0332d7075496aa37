"""The HTTP API over real HTTP: live scoring, problem details, the bearer token, QA review."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from services.scorer.app import create_app
from services.scorer.scoring_model import ScoreRequest
from shared.http.problems import PROBLEM_JSON
from shared.settings import KafkaSettings
from tests.scorer_service.fakes import FakeScorer, fake_result
from tests.scorer_service.http_server import serve_in_thread
from tests.scorer_service.streaming import (
    Said,
    conversation_key,
    group_caught_up,
    interaction,
    message_id,
    produce,
    scorer_settings,
    wait_until,
)

pytestmark = pytest.mark.kafka

BODY = {
    "channel": "chat",
    "customer": "My parcel says delivered but it isn't here, and it's my son's medicine.",
    "reply": "I'm sorry, that's worrying with medicine involved. I've opened a trace with the "
             "courier and I'll call you by 3pm today with what they find.",
    "history": [{"role": "customer", "text": "Hello?"}],
}


@pytest.fixture
def base_url(kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str):  # type: ignore[no-untyped-def]
    settings = scorer_settings(kafka_settings, tmp_path, f"g-{unique_name}", consume=False)
    with serve_in_thread(create_app(settings, scorer=FakeScorer())) as url:
        yield url


def test_a_reply_is_scored_live_with_the_cli_s_output_object(base_url: str) -> None:
    response = httpx.post(f"{base_url}/v1/score", json=BODY, timeout=30)
    assert response.status_code == 200
    expected = fake_result(ScoreRequest("chat", BODY["customer"], BODY["reply"]))  # type: ignore[arg-type]
    assert response.json() == expected.to_dict()


@pytest.mark.parametrize(("change", "field"), [
    ({"channel": "carrier pigeon"}, "channel"),
    ({"reply": "   "}, "reply"),
    ({"customer": "", "history": []}, "customer"),
    ({"history": [{"role": "manager", "text": "hi"}]}, "history.0.role"),
    ({"reply": None}, "reply"),
    ({"history": [{"role": "customer"}]}, "history.0.text"),
])
def test_bad_input_is_a_422_problem_naming_the_field(
    base_url: str, change: dict[str, object], field: str
) -> None:
    response = httpx.post(f"{base_url}/v1/score", json={**BODY, **change}, timeout=30)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert field in [error["field"] for error in problem["errors"]]
    assert field in problem["detail"]


def test_unknown_fields_are_ignored_as_the_batch_cli_ignores_them(base_url: str) -> None:
    labelled = {**BODY, "id": "test-00001", "labels": {"tone": 0.8}, "history": None}
    response = httpx.post(f"{base_url}/v1/score", json=labelled, timeout=30)
    assert response.status_code == 200


def test_a_missing_field_is_named_too(base_url: str) -> None:
    body = {key: value for key, value in BODY.items() if key != "reply"}
    response = httpx.post(f"{base_url}/v1/score", json=body, timeout=30)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["reply"]


def test_readiness_includes_the_model_and_metrics_name_it(base_url: str) -> None:
    ready = httpx.get(f"{base_url}/readyz", timeout=30).json()
    assert ready["checks"]["model"] == "ok"
    metrics = httpx.get(f"{base_url}/metrics", timeout=30).text
    assert ('rapport_scorer_model_info{compiled="false",device="cpu",dtype="fp32",'
            'version="fake-1"} 1.0') in metrics


def test_with_a_token_set_both_routes_require_it(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str
) -> None:
    settings = scorer_settings(kafka_settings, tmp_path, f"g-{unique_name}", consume=False,
                               api_token=SecretStr("s3cret-token-for-tests"))
    with serve_in_thread(create_app(settings, scorer=FakeScorer())) as url:
        anonymous = httpx.post(f"{url}/v1/score", json=BODY, timeout=30)
        wrong = httpx.get(f"{url}/v1/conversations/x:y:z/scores", timeout=30,
                          headers={"Authorization": "Bearer nope"})
        right = httpx.post(f"{url}/v1/score", json=BODY, timeout=30,
                           headers={"Authorization": "Bearer s3cret-token-for-tests"})
        health = httpx.get(f"{url}/healthz", timeout=30)
    assert anonymous.status_code == wrong.status_code == 401
    assert anonymous.headers["content-type"] == PROBLEM_JSON
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert right.status_code == 200
    assert health.status_code == 200


def test_a_conversation_s_scores_come_back_in_message_order(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str
) -> None:
    group = f"g-{unique_name}"
    # The later reply arrives first: the review follows the conversation, not the arrival.
    produce(kafka_settings, [
        interaction("c7", [Said("customer", "still broken"), Said("agent", "Fixed it now.")],
                    first_index=2),
        interaction("c7", [Said("customer", "it is broken"), Said("agent", "Looking into it.")]),
    ])
    settings = scorer_settings(kafka_settings, tmp_path, group)
    with serve_in_thread(create_app(settings, scorer=FakeScorer())) as url:
        wait_until(lambda: group_caught_up(kafka_settings, group), what="the scorer")
        review = httpx.get(f"{url}/v1/conversations/{conversation_key('c7')}/scores", timeout=30)
        unknown = httpx.get(f"{url}/v1/conversations/zendesk:1:none/scores", timeout=30)
    assert review.status_code == 200
    assert [s["message_id"] for s in review.json()["scores"]] == [message_id("c7", 1),
                                                                  message_id("c7", 3)]
    assert unknown.json() == {"conversation_key": "zendesk:1:none", "scores": []}
