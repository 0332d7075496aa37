"""How much stream work fits in the time a live request may wait: a running cost per token.

The cost of a model call depends on the hardware (bf16 on AMX, fp32, CUDA where Python dominates)
and on the batch. Rather than a token cap tuned per machine, the scheduler measures what stream
chunks cost and sizes the next one to the live wait budget. Measuring on the chunks it actually
runs makes the estimate converge on the cost at that size, per-call overhead included.
"""

from __future__ import annotations


class ChunkBudget:
    def __init__(self, *, budget_s: float, first_tokens: int, max_tokens: int,
                 min_tokens: int = 64, smoothing: float = 0.3) -> None:
        self.budget_s = budget_s
        self._first_tokens = first_tokens
        self._max_tokens = max_tokens
        self._min_tokens = min_tokens
        self._smoothing = smoothing
        self.seconds_per_token: float | None = None

    def record(self, *, tokens: int, seconds: float) -> None:
        if tokens <= 0 or seconds <= 0:
            return
        observed = seconds / tokens
        previous = self.seconds_per_token
        self.seconds_per_token = observed if previous is None else (
            previous + self._smoothing * (observed - previous))

    def tokens(self) -> int:
        """The token cap for the next stream chunk while live requests may be waiting."""
        if self.seconds_per_token is None:
            return self._first_tokens
        fitting = round(self.budget_s / self.seconds_per_token)
        return max(self._min_tokens, min(self._max_tokens, fitting))
