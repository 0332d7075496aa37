"""Evidence: the reply sentences a dimension's attention leaned on.

Each dimension's head pools the reply's sentences with its own attention, so its weights already
say which sentences drove the score. We quote the strongest sentence plus any other sentence that
got at least half as much weight, at most ``MAX_EVIDENCE_SENTENCES``, in reply order.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_EVIDENCE_SENTENCES = 2
RELATIVE_WEIGHT_FLOOR = 0.5


def evidence_sentences(
    reply: str, spans: Sequence[tuple[int, int]], weights: Sequence[float]
) -> list[str]:
    """Exact substrings of ``reply`` chosen by attention ``weights`` (one per span)."""
    scored = [(weights[i], i) for i in range(min(len(spans), len(weights)))]
    if not scored:
        return []
    top_weight = max(weight for weight, _ in scored)
    chosen = sorted(scored, reverse=True)[:MAX_EVIDENCE_SENTENCES]
    kept = sorted(i for weight, i in chosen if weight >= RELATIVE_WEIGHT_FLOOR * top_weight)
    return [reply[spans[i][0] : spans[i][1]] for i in kept]
