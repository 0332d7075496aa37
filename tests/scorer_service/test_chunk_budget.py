"""Sizing stream chunks to the time a live request may wait."""

from __future__ import annotations

import pytest

from services.scorer.chunk_budget import ChunkBudget


def budget(**overrides: float) -> ChunkBudget:
    settings = {"budget_s": 0.02, "first_tokens": 512, "max_tokens": 4096, "min_tokens": 64}
    return ChunkBudget(**{**settings, **overrides})  # type: ignore[arg-type]


def test_before_any_measurement_the_first_guess_is_used() -> None:
    assert budget().tokens() == 512


def test_the_cap_is_what_fits_in_the_budget_at_the_measured_cost() -> None:
    chunks = budget()
    chunks.record(tokens=1000, seconds=0.010)  # 10 us per token
    assert chunks.tokens() == 2000


def test_the_cost_is_smoothed_so_one_slow_chunk_does_not_halve_the_next() -> None:
    chunks = budget(smoothing=0.5)
    chunks.record(tokens=1000, seconds=0.010)
    chunks.record(tokens=1000, seconds=0.030)
    assert chunks.seconds_per_token == pytest.approx(2e-5)
    assert chunks.tokens() == 1000


@pytest.mark.parametrize(("seconds", "expected"), [(10.0, 64), (1e-6, 4096)])
def test_the_cap_stays_between_its_bounds(seconds: float, expected: int) -> None:
    chunks = budget()
    chunks.record(tokens=1000, seconds=seconds)
    assert chunks.tokens() == expected


def test_empty_or_instant_measurements_are_ignored() -> None:
    chunks = budget()
    chunks.record(tokens=0, seconds=0.01)
    chunks.record(tokens=100, seconds=0.0)
    assert chunks.seconds_per_token is None
