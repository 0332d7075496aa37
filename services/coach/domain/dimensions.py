"""Rubric dimension names read back from storage or requests, checked against the rubric."""

from __future__ import annotations

from typing import cast

from shared.events.scores import DIMENSIONS, Dimension


def as_dimension(value: str) -> Dimension:
    if value not in DIMENSIONS:
        raise ValueError(f"unknown dimension {value!r}; expected one of {', '.join(DIMENSIONS)}")
    return cast(Dimension, value)
