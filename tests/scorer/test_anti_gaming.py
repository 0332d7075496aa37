"""Length alone never raises a score; stock empathy without specifics scores low.

The filler sentences here are written for this test and appear nowhere in the training data, so
the model cannot have memorised them as "neutral".
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lab.scorer.comparison import score_gains
from lab.scorer.dataset import LabelledExample
from services.scorer.model import EmpathyScorer, ScoreRequest, ScoreResult

UNSEEN_FILLER_HEAD = (
    "We appreciate you taking the time to write to us today. Our customers are at the heart of "
    "everything we do here."
)
UNSEEN_FILLER_TAIL = (
    "Thank you once again for your message and for your continued loyalty. We hope you have a "
    "pleasant rest of your week, and we look forward to serving you again in the future."
)
# A padded reply may wobble a little; it must never gain more than this on any dimension.
TOLERANCE = 0.05
PADDING_SAMPLE = 60

# (channel, customer, stock reply, specific reply): same moves, with and without specifics.
STOCK_VS_SPECIFIC = [
    (
        "email",
        "My order 55821 arrived today and the blue kettle has a cracked lid. I needed it for my "
        "mum's birthday on Sunday.",
        "I understand your frustration. We apologise for any inconvenience. We will send a "
        "replacement as soon as possible.",
        "A cracked lid on the blue kettle from order 55821, days before your mum's birthday on "
        "Sunday, is so frustrating. I'm sorry. We will send a replacement kettle as soon as "
        "possible.",
    ),
    (
        "chat",
        "I've been charged twice for my gym membership this month, £42 each time, and that money "
        "was for my electricity bill.",
        "I completely understand how you feel. Your feelings are valid and we hear you. I'll "
        "look into this for you.",
        "Being charged £42 twice for your membership, when that money was meant for your "
        "electricity bill, is really stressful. I'll look into the duplicate £42 for you.",
    ),
    (
        "voice",
        "yeah hi, so my flight BW 482 to Madrid got cancelled and I've got a job interview there "
        "tomorrow morning.",
        "Okay, I hear you, and I know how frustrating this must be. Let me see what I can do.",
        "Okay, so flight BW 482 to Madrid being cancelled the night before your job interview is "
        "a really stressful spot. Let me see what I can do.",
    ),
]


def _padded(request: ScoreRequest) -> ScoreRequest:
    reply = f"{UNSEEN_FILLER_HEAD} {request.reply} {UNSEEN_FILLER_TAIL}"
    return ScoreRequest(request.channel, request.customer, reply, request.history)


def test_padding_with_empty_filler_never_raises_any_score(
    scorer: EmpathyScorer, test_split: list[LabelledExample]
) -> None:
    sample = test_split[:: max(1, len(test_split) // PADDING_SAMPLE)][:PADDING_SAMPLE]
    originals = scorer.score_batch([e.request for e in sample])
    padded = scorer.score_batch([_padded(e.request) for e in sample])
    gains = score_gains(originals, padded)
    assert len(gains) > 6 * len(sample)  # every reply's applicable dimensions, tone and overall
    worst_gain, worst_dim, _ = gains[0]
    assert worst_gain <= TOLERANCE, f"padding raised {worst_dim} by {worst_gain:.3f}"


@pytest.mark.parametrize(("channel", "customer", "stock", "specific"), STOCK_VS_SPECIFIC)
def test_stock_empathy_without_specifics_scores_low(
    score_one: Callable[..., ScoreResult], channel: str, customer: str, stock: str, specific: str
) -> None:
    canned, personal = score_one(channel, customer, stock), score_one(channel, customer, specific)
    for dim in ("acknowledgment", "personalization"):
        canned_score, personal_score = canned.scores[dim], personal.scores[dim]
        assert canned_score is not None
        assert personal_score is not None
        assert canned_score < 0.4, f"stock phrases scored {canned_score:.2f} on {dim}"
        assert personal_score > canned_score + 0.2, dim


def test_a_short_specific_reply_beats_a_long_canned_one(
    score_one: Callable[..., ScoreResult],
) -> None:
    channel, customer, stock, specific = STOCK_VS_SPECIFIC[0]
    long_canned = f"{UNSEEN_FILLER_HEAD} {stock} {UNSEEN_FILLER_TAIL}"
    assert score_one(channel, customer, specific).overall > score_one(
        channel, customer, long_canned
    ).overall
