"""bf16 (AMX on CPU, or CUDA) must not move any score by more than 0.02 against fp32."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.scorer.model.device import cpu_has_amx_bf16
from services.scorer.scoring_model import BatchScorer, ScoreRequest, Turn
from services.scorer.settings import ScorerSettings

HELD_OUT = Path(__file__).resolve().parents[2] / "services" / "scorer" / "data" / "test.jsonl"


def held_out_requests() -> list[ScoreRequest]:
    requests = []
    for line in HELD_OUT.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        history = tuple(Turn(t["role"], t["text"]) for t in record.get("history", ()))
        requests.append(ScoreRequest(record["channel"], record["customer"], record["reply"],
                                     history))
    return requests


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="known shortfall of model 47b1751d: bf16 moves some scores up to 0.10 (model card)",
)
def test_bf16_scores_stay_within_0_02_of_fp32_on_the_held_out_split() -> None:
    from services.scorer.model import EmpathyScorer, max_abs_score_diff

    requests = held_out_requests()
    assert len(requests) >= 500
    artifact_dir = ScorerSettings().artifact_dir
    fp32 = EmpathyScorer.load(artifact_dir, dtype="fp32").score_batch(requests)
    bf16 = EmpathyScorer.load(artifact_dir, dtype="bf16").score_batch(requests)
    assert max_abs_score_diff(fp32, bf16) <= 0.02


def test_auto_precision_is_bf16_exactly_on_cpus_with_amx(empathy_scorer: BatchScorer) -> None:
    # On CUDA the model picks fp32: bf16 gained nothing there (the CPU side bounds the rate).
    amx = empathy_scorer.device_name == "cpu" and cpu_has_amx_bf16()
    assert empathy_scorer.dtype_name == ("bf16" if amx else "fp32")
