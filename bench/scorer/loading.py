"""The model as the benchmark loads it: through the service's own loader, per variant."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from bench.scorer.variants import split_variant
from services.scorer.scoring_model import load_model

if TYPE_CHECKING:
    from services.scorer.model import EmpathyScorer


def artifact_dir() -> Path | None:
    """``RAPPORT_SCORER_ARTIFACT_DIR`` as the service reads it (None: the committed artifact),
    without building the service's settings, which demand its secrets outside development."""
    value = os.environ.get("RAPPORT_SCORER_ARTIFACT_DIR")
    return Path(value) if value else None


def load_variant(variant: str, torch_threads: int) -> EmpathyScorer:
    """``services.scorer.scoring_model.load_model``, as the service calls it: warmed up for one
    thread (small live batches) and for ``torch_threads`` (stream chunks)."""
    dtype, compile_choice = split_variant(variant)
    return load_model(artifact_dir=artifact_dir(), device="cpu", dtype=dtype,
                      compile=compile_choice, torch_threads=torch_threads,
                      team_sizes=(1, torch_threads))


def how_it_runs(scorer: EmpathyScorer) -> str:
    """``bf16 compiled``, ``fp32 eager``: what a variant resolved to on this machine."""
    return f"{scorer.dtype_name} {'compiled' if scorer.compiled else 'eager'}"
