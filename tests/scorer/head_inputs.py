"""Random head inputs of the right shapes, for tests of the heads that need no encoder."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from services.scorer.model.heads import HeadConfig
from services.scorer.model.pooling import CUSTOMER_AUX_FEATURES, REPLY_AUX_FEATURES, SpanFeatures
from services.scorer.model.rubric import CHANNELS
from services.scorer.model.tokenizing import MAX_CUSTOMER_SENTENCES, MAX_REPLY_SENTENCES

BATCH = 4
HIDDEN = HeadConfig().hidden_size


def random_features(
    seed: int = 0,
    reply_sentences: Sequence[int] = (5,) * BATCH,
    customer_sentences: Sequence[int] = (3,) * BATCH,
) -> SpanFeatures:
    """One message per entry of the counts; the slots past a message's count are empty (masked),
    as the pooling leaves them."""
    g = torch.Generator().manual_seed(seed)
    batch = len(reply_sentences)
    reply_mask = torch.arange(MAX_REPLY_SENTENCES) < torch.tensor(reply_sentences).unsqueeze(1)
    customer_mask = (torch.arange(MAX_CUSTOMER_SENTENCES)
                     < torch.tensor(customer_sentences).unsqueeze(1))
    return SpanFeatures(
        reply_sentences=torch.randn(batch, MAX_REPLY_SENTENCES, 2 * HIDDEN, generator=g),
        reply_sentence_mask=reply_mask,
        reply_sentence_aux=torch.rand(batch, MAX_REPLY_SENTENCES, REPLY_AUX_FEATURES, generator=g),
        customer_sentences=torch.randn(batch, MAX_CUSTOMER_SENTENCES, 2 * HIDDEN, generator=g),
        customer_sentence_mask=customer_mask,
        customer_sentence_aux=torch.rand(
            batch, MAX_CUSTOMER_SENTENCES, CUSTOMER_AUX_FEATURES, generator=g
        ),
        customer_vector=torch.randn(batch, HIDDEN, generator=g),
        reply_vector=torch.randn(batch, HIDDEN, generator=g),
        reply_log_tokens=torch.full((batch,), 4.0),
        channel=torch.arange(batch) % len(CHANNELS),
    )
