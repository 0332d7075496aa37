"""The compiled encoder: same scores as fp32 within the service's tolerance, and a safe fallback."""

from __future__ import annotations

import logging

import pytest
import torch

from services.scorer.model import (
    EmpathyScorer,
    applicability_disagreements,
    max_abs_score_diff,
)
from services.scorer.model import scorer as scorer_module
from services.scorer.model.compiled import should_compile
from services.scorer.model.dataset import LabelledExample
from services.scorer.model.device import cpu_has_amx_bf16

MAX_DIFF = 0.02
MAX_FLIP_SHARE = 0.005


@pytest.mark.skipif(
    not cpu_has_amx_bf16(), reason="this CPU has no native bf16 (amx_bf16); bf16 would be emulated"
)
def test_compiled_bf16_scores_match_fp32_on_the_held_out_split(
    fp32_scorer: EmpathyScorer, test_split: list[LabelledExample]
) -> None:
    compiled = EmpathyScorer.load(dtype="bf16", compile="on")
    assert compiled.compiled, "compiling failed (see the warning above); the eager encoder served"
    requests = [e.request for e in test_split]
    fp32, bf16 = fp32_scorer.score_batch(requests), compiled.score_batch(requests)
    assert max_abs_score_diff(fp32, bf16) <= MAX_DIFF
    assert applicability_disagreements(fp32, bf16) <= MAX_FLIP_SHARE * len(requests) * 8


class _BrokenCompiledEncoder(torch.nn.Module):
    """What a failed compile looks like from outside: the first call raises."""

    def forward(self, *args: object, **kwargs: object) -> torch.Tensor:
        raise RuntimeError("C++ compiler not found\ndetails")


def test_a_failed_compile_falls_back_to_the_eager_encoder_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    fp32_scorer: EmpathyScorer, test_split: list[LabelledExample]
) -> None:
    monkeypatch.setattr(scorer_module, "compile_encoder", lambda encoder: _BrokenCompiledEncoder())
    with caplog.at_level(logging.WARNING):
        scorer = EmpathyScorer.load(dtype="fp32", compile="on")
    assert not scorer.compiled
    assert "compiling the encoder failed (RuntimeError: C++ compiler not found)" in caplog.text
    requests = [e.request for e in test_split[:8]]
    assert max_abs_score_diff(fp32_scorer.score_batch(requests),
                              scorer.score_batch(requests)) == 0.0


@pytest.mark.parametrize(
    ("requested", "device", "dtype", "expected"),
    [("auto", "cpu", "bf16", True), ("auto", "cpu", "fp32", False),
     ("auto", "cuda", "bf16", False), ("on", "cpu", "fp32", True), ("off", "cpu", "bf16", False)],
)
def test_auto_compiles_bf16_on_the_cpu_only(
    requested: str, device: str, dtype: str, expected: bool
) -> None:
    assert should_compile(requested, device, dtype) is expected


def test_an_unknown_compile_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="compile must be one of auto, on, off; got 'yes'"):
        should_compile("yes", "cpu", "bf16")
