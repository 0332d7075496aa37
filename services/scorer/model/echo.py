"""Lexical echo: how much of a reply sentence repeats the customer's own, rare words.

Specificity is what separates "I understand your frustration" from "a cracked lamp two days before
Maya's birthday is awful". A frozen sentence encoder sees the difference only faintly, so the heads
also get, per reply sentence, the IDF-weighted share of its tokens that also occur on the customer's
side. Common words ("your", "order", "sorry") carry almost no IDF weight, so only echoed specifics
(names, items, dates, amounts, reference numbers) move this feature.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import torch

# Word pieces that are pure punctuation never count as echo.
_MIN_IDF = 0.0


def compute_idf(documents: Iterable[Sequence[int]], vocab_size: int) -> torch.Tensor:
    """Smoothed inverse document frequency per token id over the training texts."""
    document_frequency = torch.zeros(vocab_size, dtype=torch.float64)
    count = 0
    for token_ids in documents:
        document_frequency[torch.tensor(sorted(set(token_ids)), dtype=torch.long)] += 1.0
        count += 1
    idf = torch.log((1.0 + count) / (1.0 + document_frequency)) + 1.0
    return idf.to(torch.float32)


def sentence_echo(
    reply_ids: Sequence[int],
    sentence_of_token: Sequence[int],
    sentence_count: int,
    customer_ids: Iterable[int],
    idf: torch.Tensor,
    ignored_ids: frozenset[int],
) -> list[tuple[float, float]]:
    """Per reply sentence: (IDF-weighted echo share, log1p of echoed IDF mass)."""
    customer_vocabulary = set(customer_ids) - ignored_ids
    echoed = [0.0] * sentence_count
    total = [0.0] * sentence_count
    for token_id, sentence in zip(reply_ids, sentence_of_token, strict=True):
        if sentence < 0 or token_id in ignored_ids:
            continue
        weight = max(float(idf[token_id]) - 1.0, _MIN_IDF)
        total[sentence] += weight
        if token_id in customer_vocabulary:
            echoed[sentence] += weight
    return [
        (echoed[i] / total[i] if total[i] > 0 else 0.0, math.log1p(echoed[i]))
        for i in range(sentence_count)
    ]
