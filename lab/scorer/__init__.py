"""The empathy scorer's offline side: corpus loading, training targets, training (heads and the
fine-tuned encoder layer), evaluation against baselines and human annotators, reports.

What the running scorer imports (loading, tokenizing, encoder, heads, evidence, suggestions) lives
in ``services.scorer.model``; nothing there imports this package.
"""

from __future__ import annotations

# isort: off
from services.scorer.model import offline  # noqa: F401  (must run before transformers loads)
