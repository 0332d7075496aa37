"""Metrics every consumer shares. The ``topic`` label is a consumed topic: a handful per stack."""

from prometheus_client import Counter

DEAD_LETTERS = Counter(
    "rapport_dead_letters_total",
    "Records forwarded to a dead-letter topic, by the topic they came from.",
    ["topic"],
)
