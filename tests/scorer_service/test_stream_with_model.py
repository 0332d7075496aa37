"""The real model behind the stream and the live endpoint: every example payload, same numbers."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.scorer.app import create_app
from services.scorer.conversation_context import (
    Skipped,
    StoredMessage,
    is_scorable_candidate,
    requests_for,
)
from services.scorer.scoring_model import BatchScorer, ScoreRequest
from services.scorer.settings import ScorerSettings
from shared.events import INTERACTIONS, InteractionEvent
from shared.events.codec import decode_as
from shared.events.schemas import example_paths
from shared.settings import KafkaSettings
from tests.scorer_service.http_server import serve_in_thread
from tests.scorer_service.streaming import (
    group_caught_up,
    produce,
    read_dlq,
    read_scores,
    running,
    scorer_settings,
    wait_until,
)

pytestmark = pytest.mark.kafka

REPO = Path(__file__).resolve().parents[2]
HELD_OUT = REPO / "services" / "scorer" / "data" / "test.jsonl"
# Batches of different composition pad differently, which moves bf16 results a little.
SAME_WITHIN = 0.02


def owed_requests(event: InteractionEvent) -> dict[str, ScoreRequest]:
    conversation = [StoredMessage(m.message_id, m.author_role.value, m.public, m.body)
                    for m in event.messages]
    targets = {m.message_id for m in event.messages
               if is_scorable_candidate(m.author_role.value, m.public)}
    planned = requests_for(conversation, targets, channel=event.conversation.channel.value,
                           max_history_turns=8)
    return {key: plan for key, plan in planned.items() if not isinstance(plan, Skipped)}


def assert_close(actual: Any, expected: Any, path: str = "") -> None:
    if isinstance(expected, float) and isinstance(actual, float):
        assert math.isclose(actual, expected, abs_tol=SAME_WITHIN), path
    elif isinstance(expected, dict):
        assert actual.keys() == expected.keys(), path
        for key in expected:
            assert_close(actual[key], expected[key], f"{path}.{key}")
    else:
        assert actual == expected, path


def test_every_example_interaction_is_consumed_and_scored_like_the_model_scores_it(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str,
    empathy_scorer: BatchScorer,
) -> None:
    examples = [decode_as(InteractionEvent, path.read_bytes())
                for path in example_paths(INTERACTIONS)]
    assert examples
    owed = {key: request for event in examples for key, request in owed_requests(event).items()}
    assert owed, "the examples should include at least one agent reply to a customer"
    produce(kafka_settings, examples)
    group = f"scorer-{unique_name}"

    with running(create_app(scorer_settings(kafka_settings, tmp_path, group),
                            scorer=empathy_scorer)):
        wait_until(lambda: group_caught_up(kafka_settings, group), what="the scorer")

    assert read_dlq(kafka_settings) == []
    scores = {event.message_id: event for _, event in read_scores(kafka_settings)}
    assert scores.keys() == owed.keys()
    for message, event in scores.items():
        expected = empathy_scorer.score_batch([owed[message]])[0].to_dict()
        assert event.model_version == empathy_scorer.model_version
        assert_close(event.overall, expected["overall"], "overall")
        assert_close({d: r.score for d, r in event.dimensions.items()}, expected["scores"])
        evidence = {d: list(r.evidence) for d, r in event.dimensions.items() if r.evidence}
        assert evidence == {d: e for d, e in expected["evidence"].items() if e}


@pytest.mark.slow
def test_live_scoring_takes_and_gives_what_the_batch_cli_takes_and_gives(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str,
    empathy_scorer: BatchScorer,
) -> None:
    line = json.loads(HELD_OUT.read_text(encoding="utf-8").splitlines()[0])  # labels and all
    artifact_dir = ScorerSettings().artifact_dir
    cli = subprocess.run(
        [sys.executable, "-m", "services.scorer", "score", "--quiet",
         "--dtype", empathy_scorer.dtype_name,
         *(["--artifact-dir", str(artifact_dir)] if artifact_dir else [])],
        input=json.dumps(line) + "\n", capture_output=True, text=True, check=True, cwd=REPO,
        timeout=300,
    )
    settings = scorer_settings(kafka_settings, tmp_path, f"g-{unique_name}", consume=False)
    with serve_in_thread(create_app(settings, scorer=empathy_scorer)) as url:
        response = httpx.post(f"{url}/v1/score", json=line, timeout=30)
    assert response.status_code == 200
    assert_close(response.json(), json.loads(cli.stdout))


def test_live_scoring_answers_what_the_model_answers(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str,
    empathy_scorer: BatchScorer,
) -> None:
    body = {"channel": "sms", "customer": "my flight got cancelled and nobody is answering",
            "reply": "That's stressful, sorry. I've rebooked you on the 18:40 tonight; the new "
                     "boarding pass is in your e-mail now."}
    settings = scorer_settings(kafka_settings, tmp_path, f"g-{unique_name}", consume=False)
    with serve_in_thread(create_app(settings, scorer=empathy_scorer)) as url:
        response = httpx.post(f"{url}/v1/score", json=body, timeout=30)
    assert response.status_code == 200
    request = ScoreRequest(body["channel"], body["customer"], body["reply"])
    expected = empathy_scorer.score_batch([request])[0].to_dict()
    assert_close(response.json(), expected)
