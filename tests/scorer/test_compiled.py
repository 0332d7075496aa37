"""Compiling the encoder: when it is chosen, and the fallback when it fails. (Compiled scores
against fp32: ``test_precision.py``.)"""

from __future__ import annotations

import logging

import pytest
import torch

from lab.scorer.comparison import max_abs_score_diff
from lab.scorer.dataset import LabelledExample
from services.scorer.model import EmpathyScorer
from services.scorer.model import scorer as scorer_module
from services.scorer.model.compiled import should_compile


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


def test_the_warm_up_compiles_every_thread_count_the_service_switches_to(
    test_split: list[LabelledExample],
) -> None:
    from torch._dynamo.utils import counters

    scorer = EmpathyScorer.load(dtype="bf16", compile="on", team_sizes=(1, 2))
    assert scorer.compiled
    compiled_before = counters["stats"]["unique_graphs"]
    previous = torch.get_num_threads()
    try:
        for threads in (1, 2, 1):
            torch.set_num_threads(threads)
            scorer.score_batch([test_split[0].request])
            scorer.score_batch([e.request for e in test_split[1:6]])  # padded: a real mask
    finally:
        torch.set_num_threads(previous)
    assert counters["stats"]["unique_graphs"] == compiled_before, "a request paid for a compile"
