"""What the heads read: each sentence's max pooling, and trimming the sentence slots no message
in a batch uses, which training relies on to save work without changing any output."""

from __future__ import annotations

import torch

from services.scorer.model.encoder import load_tokenizer
from services.scorer.model.heads import EmpathyHeads
from services.scorer.model.pooling import pool_features
from services.scorer.model.schema import ScoreRequest
from services.scorer.model.tokenizing import MAX_REPLY_SENTENCES, RequestTokenizer
from tests.scorer.head_inputs import HIDDEN, random_features

REQUESTS = [
    ScoreRequest("email", "The blender arrived with a cracked jug. I need it for Saturday.",
                 "Hi Dana, a cracked jug is no way to start. A new one ships today. "
                 "It reaches you by Friday, before your weekend."),
    ScoreRequest("chat", "where is my refund", "Checking now. It went out this morning."),
]


def test_each_sentence_slot_holds_the_max_of_its_own_tokens_and_empty_slots_hold_zero() -> None:
    wordpiece = load_tokenizer()
    tokenizer = RequestTokenizer(wordpiece, torch.ones(wordpiece.vocab_size))
    examples = tokenizer.tokenize(REQUESTS)
    width = max(example.length for example in examples)
    hidden = torch.randn(len(examples), width, HIDDEN, generator=torch.Generator().manual_seed(3),
                         requires_grad=True)
    features = pool_features(hidden, examples, "cpu")
    maxima = features.reply_sentences[..., HIDDEN:]
    for row, example in enumerate(examples):
        owner = torch.tensor(example.reply_sentence_of_token)
        count = int(owner.max()) + 1
        assert count >= 2, "each reply has several sentences"
        for sentence in range(count):
            own_tokens = hidden[row, : len(owner)][owner == sentence]
            assert torch.equal(maxima[row, sentence], own_tokens.amax(0))
        assert torch.count_nonzero(maxima[row, count:]) == 0
        assert features.reply_sentence_mask[row].tolist() == [
            slot < count for slot in range(MAX_REPLY_SENTENCES)
        ]
    # Scoring (no gradients) takes the other way to the same values.
    with torch.no_grad():
        scored = pool_features(hidden, examples, "cpu")
    assert torch.equal(scored.reply_sentences, features.reply_sentences)
    assert torch.equal(scored.customer_sentences, features.customer_sentences)
    # The gradient of a max reaches only the token that holds it: one per sentence and feature.
    maxima.sum().backward()  # type: ignore[no-untyped-call]  # untyped in torch's stubs
    assert hidden.grad is not None
    assert set(hidden.grad.flatten().tolist()) == {0.0, 1.0}
    sentences = sum(max(e.reply_sentence_of_token) + 1 for e in examples)
    assert int(hidden.grad.sum()) == sentences * HIDDEN


@torch.inference_mode()
def test_trimming_unused_slots_leaves_the_heads_outputs_as_they_were() -> None:
    features = random_features(reply_sentences=(5, 2, 7, 1), customer_sentences=(3, 1, 2, 4))
    trimmed = features.trimmed()
    assert trimmed.reply_sentences.shape[1] == 7
    assert trimmed.customer_sentences.shape[1] == 4
    heads = EmpathyHeads().eval()
    full, short = heads(features), heads(trimmed)
    for name in ("score_logits", "applicability_logits", "channel_fit_logit", "emotion_logits",
                 "vulnerability_logits", "intensity_logit"):
        torch.testing.assert_close(getattr(short, name), getattr(full, name))
    torch.testing.assert_close(short.reply_attention, full.reply_attention[..., :7])
    assert torch.count_nonzero(full.reply_attention[..., 7:]) == 0
