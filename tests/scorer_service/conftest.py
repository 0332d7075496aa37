"""The real empathy model, loaded once for the tests that need its actual numbers."""

from __future__ import annotations

import pytest

from services.scorer.scoring_model import BatchScorer


@pytest.fixture(scope="session")
def empathy_scorer() -> BatchScorer:
    from services.scorer.model import EmpathyScorer

    scorer: BatchScorer = EmpathyScorer.load()
    return scorer
