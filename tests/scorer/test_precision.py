"""bf16 scoring stays within 0.02 of fp32 on the whole held-out split."""

from __future__ import annotations

import pytest

from lab.scorer.comparison import applicability_disagreements, max_abs_score_diff
from lab.scorer.dataset import LabelledExample
from services.scorer.model import (
    EmpathyScorer,
)
from services.scorer.model.device import cpu_has_amx_bf16

MAX_DIFF = 0.02
# A few dimensions sit right at the applicability threshold; flips must stay rare.
MAX_FLIP_SHARE = 0.005


@pytest.mark.skipif(
    not cpu_has_amx_bf16(), reason="this CPU has no native bf16 (amx_bf16); bf16 would be emulated"
)
@pytest.mark.parametrize("compile_choice", ["off", "on"], ids=["eager", "compiled"])
def test_bf16_scores_match_fp32_on_the_held_out_split(
    fp32_scorer: EmpathyScorer, test_split: list[LabelledExample], compile_choice: str
) -> None:
    """Eager, and compiled as the service runs it by default on AMX CPUs."""
    bf16_scorer = EmpathyScorer.load(dtype="bf16", compile=compile_choice)
    assert bf16_scorer.compiled == (compile_choice == "on"), "compiling failed (see the warning)"
    requests = [e.request for e in test_split]
    fp32, bf16 = fp32_scorer.score_batch(requests), bf16_scorer.score_batch(requests)
    assert max_abs_score_diff(fp32, bf16) <= MAX_DIFF
    assert applicability_disagreements(fp32, bf16) <= MAX_FLIP_SHARE * len(requests) * 8


def test_max_abs_score_diff_of_identical_runs_is_zero(
    fp32_scorer: EmpathyScorer, test_split: list[LabelledExample]
) -> None:
    results = fp32_scorer.score_batch([e.request for e in test_split[:5]])
    assert max_abs_score_diff(results, results) == 0.0
    assert applicability_disagreements(results, results) == 0
