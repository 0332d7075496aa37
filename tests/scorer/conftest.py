"""Shared fixtures: one scorer per precision for the whole session (loading takes seconds)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lab.scorer.dataset import LabelledExample
from lab.scorer.written import load_written
from services.scorer.model import EmpathyScorer, ScoreRequest, ScoreResult


@pytest.fixture(scope="session")
def scorer() -> EmpathyScorer:
    """The committed artifact in the precision the service would pick on this machine."""
    return EmpathyScorer.load()


@pytest.fixture(scope="session")
def fp32_scorer() -> EmpathyScorer:
    return EmpathyScorer.load(dtype="fp32")


@pytest.fixture(scope="session")
def test_split() -> list[LabelledExample]:
    """Replies no training step saw, for checks that need realistic inputs (precision, evidence,
    layers): the validation part of the written corpus. The independent test set is kept for
    the evaluation alone."""
    return load_written().validation


@pytest.fixture(scope="session")
def score_one(scorer: EmpathyScorer) -> Callable[..., ScoreResult]:
    def score(channel: str, customer: str, reply: str) -> ScoreResult:
        request = ScoreRequest(channel=channel, customer=customer, reply=reply)
        return scorer.score_batch([request])[0]

    return score
