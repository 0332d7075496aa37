"""Length alone never raises a score; stock empathy without specifics scores low.

The filler, stock and specific sentences here are written for these tests and appear nowhere in
the training data (a test below checks), so the model cannot have memorised them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lab.scorer.comparison import score_gains
from lab.scorer.dataset import DATA_DIR, SPLIT_FILES, load_examples
from lab.scorer.padding import load_fillers
from lab.scorer.written import load_written, reply_sentences
from services.scorer.model import EmpathyScorer, ScoreRequest, ScoreResult
from tests.scorer.known_gaps import known_gap

UNSEEN_FILLER_HEAD = (
    "It's always a genuine pleasure to see a name pop up in our support queue. Every single "
    "message that lands with us gets read by a real member of the team."
)
UNSEEN_FILLER_TAIL = (
    "We're grateful you chose to spend a few minutes of your day writing in. Wishing you a "
    "smooth and relaxing end to the week from all of us over here."
)
# A padded reply may wobble a little; it must never gain more than this on any dimension.
TOLERANCE = 0.05
PADDING_SAMPLE = 60

# (channel, customer, stock reply, specific reply): same moves, with and without specifics. The
# stock lines are stock in kind (they fit any ticket) but worded as nobody in the training data
# words them: the test is whether the model learnt what makes a line canned, not the lines.
STOCK_VS_SPECIFIC = [
    (
        "email",
        "My order 55821 arrived today and the blue kettle has a cracked lid. I needed it for my "
        "mum's birthday on Sunday.",
        "That definitely sounds less than ideal on your end. Rest assured your concerns are "
        "being taken on board. A replacement will be arranged at the earliest opportunity.",
        "A cracked lid on the blue kettle from order 55821, days before your mum's birthday on "
        "Sunday, is so frustrating. I'm sorry. A replacement kettle will be arranged at the "
        "earliest opportunity.",
    ),
    (
        "chat",
        "I've been charged twice for my gym membership this month, £42 each time, and that money "
        "was for my electricity bill.",
        "We know how much these things can matter to people. Situations like this are never "
        "what anybody wants to deal with. I'll dig into this for you.",
        "Being charged £42 twice for your membership, when that money was meant for your "
        "electricity bill, is a horrible squeeze. I'll dig into the duplicate £42 for you.",
    ),
    (
        "voice",
        "yeah hi, so my flight BW 482 to Madrid got cancelled and I've got a job interview there "
        "tomorrow morning.",
        "Okay, that must be really annoying for you, I totally get where you're coming from. "
        "Give me a moment to dig into it.",
        "Okay, so flight BW 482 to Madrid being cancelled the night before your job interview "
        "puts you in a really tight spot. Give me a moment to dig into it.",
    ),
]
TEST_PHRASES = (UNSEEN_FILLER_HEAD, UNSEEN_FILLER_TAIL,
                *(text for _, _, *replies in STOCK_VS_SPECIFIC for text in replies))


def test_the_phrases_of_these_tests_appear_nowhere_in_the_training_data() -> None:
    """Every sentence these tests pad or compare with is new to the model: in no reply of the
    written training split, its validation part, the template generator's output, or the pool
    of pleasantries the written padded twins are made with."""
    corpus = load_written()
    replies = [e.request.reply for e in corpus.train + corpus.validation]
    replies += [e.request.reply for e in load_examples(DATA_DIR / SPLIT_FILES["train"])]
    replies += [filler.text for filler in load_fillers()]
    seen = "\n".join(" ".join(reply.lower().split()) for reply in replies)
    sentences = reply_sentences(TEST_PHRASES)
    assert len(sentences) >= 12
    for sentence in sentences:
        assert sentence not in seen, sentence


def _padded(request: ScoreRequest) -> ScoreRequest:
    reply = f"{UNSEEN_FILLER_HEAD} {request.reply} {UNSEEN_FILLER_TAIL}"
    return ScoreRequest(request.channel, request.customer, reply, request.history)


@known_gap("padding a validation reply raised its acknowledgment by 0.20 (1 of 468 scores "
           "gained over 0.05; on the same 60 replies 1c663094: 0.20, 9 of 467; earlier "
           "splits' samples: bf0ced32 0.32, c427bc3d 0.16, 5278ca1f 0.57, 504e0de4 0.51)")
def test_padding_with_empty_filler_never_raises_any_score(scorer: EmpathyScorer) -> None:
    # Replies no training step saw: the written validation split.
    held_out = load_written().validation
    sample = held_out[:: max(1, len(held_out) // PADDING_SAMPLE)][:PADDING_SAMPLE]
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
