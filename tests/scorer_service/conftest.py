"""The real empathy model, loaded once for the tests that need its actual numbers."""

from __future__ import annotations

import pytest

from services.scorer.scoring_model import BatchScorer
from services.scorer.settings import ScorerSettings


@pytest.fixture(scope="session")
def empathy_scorer() -> BatchScorer:
    """The artifact the service would load (``RAPPORT_SCORER_ARTIFACT_DIR``, else the committed
    one), in the precision ``auto`` picks for this machine."""
    from services.scorer.model import EmpathyScorer

    scorer: BatchScorer = EmpathyScorer.load(artifact_dir=ScorerSettings().artifact_dir)
    return scorer
