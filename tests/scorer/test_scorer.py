"""The trained scorer, loaded from the committed artifact: interface, evidence, suggestions."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable

import pytest

from lab.scorer.dataset import LabelledExample
from services.scorer.model import DIMENSIONS, EmpathyScorer, ScoreRequest, ScoreResult, Turn

CUSTOMER = (
    "My order 55821 arrived today and the blue kettle has a cracked lid. I needed it for my "
    "mum's birthday on Sunday and I'm really annoyed."
)
STRONG = (
    "I'm so sorry the blue kettle from order 55821 arrived with a cracked lid right before your "
    "mum's birthday on Sunday — that's genuinely annoying. I'll take this on myself: a "
    "replacement kettle ships today by express and arrives Saturday by noon, with tracking in "
    "your inbox within the hour."
)
WEAK = (
    "Thank you for contacting us. I understand your frustration. We apologise for any "
    "inconvenience. Your case has been forwarded to the relevant team. Have a great day!"
)


def test_loads_offline_and_reports_version_dtype_device(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the scorer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    scorer = EmpathyScorer.load(dtype="fp32")
    assert re.fullmatch(r"rapport-empathy-\d+\.\d+\.\d+\+[0-9a-f]{8}", scorer.model_version)
    assert scorer.dtype_name == "fp32"
    assert scorer.device_name in ("cpu", "cuda")


def test_output_object_shape_and_order(scorer: EmpathyScorer) -> None:
    requests = [
        ScoreRequest("chat", CUSTOMER, WEAK),
        ScoreRequest("email", CUSTOMER, STRONG),
        ScoreRequest("sms", "Where is my refund?", "It went out today."),
    ]
    timings: dict[str, float] = {}
    results = scorer.score_batch(requests, timings)
    assert set(timings) == {"tokenize_s", "inference_s", "postprocess_s"}
    assert len(results) == 3
    alone = [scorer.score_batch([r])[0] for r in requests]  # order in == order out
    for batched, single in zip(results, alone, strict=True):
        assert batched.overall == pytest.approx(single.overall, abs=1e-3)
    payload = results[1].to_dict()
    assert set(payload) == {"scores", "overall", "evidence", "suggestions", "customer", "tone",
                            "model_version"}
    assert set(payload["scores"]) == set(DIMENSIONS)
    for value in [payload["overall"], *(v for v in payload["scores"].values() if v is not None)]:
        assert 0.0 <= value <= 1.0
    assert set(payload["customer"]) == {"emotion", "emotion_confidence", "intensity",
                                        "vulnerability"}
    assert set(payload["tone"]) == {"raw", "channel_adjusted"}
    assert payload["model_version"] == scorer.model_version


def test_strong_reply_beats_weak_reply(score_one: Callable[..., ScoreResult]) -> None:
    strong, weak = score_one("email", CUSTOMER, STRONG), score_one("email", CUSTOMER, WEAK)
    assert strong.overall > weak.overall + 0.25
    for dim in ("acknowledgment", "apology", "ownership", "next_steps", "personalization"):
        strong_score, weak_score = strong.scores[dim], weak.scores[dim]
        assert strong_score is not None
        assert weak_score is not None
        assert strong_score > weak_score, dim


def test_customer_signals(score_one: Callable[..., ScoreResult]) -> None:
    angry = score_one("chat", "This is UNACCEPTABLE. Third time my parcel is late. Fix it NOW!",
                      "Sorry about that.")
    assert angry.customer.emotion == "anger"
    assert angry.customer.intensity > 0.5
    bereaved = score_one(
        "email",
        "My husband passed away three weeks ago and the account was in his name. How do I "
        "close it?",
        "Please send us the death certificate.",
    )
    assert bereaved.customer.vulnerability == "bereavement"


def test_evidence_sentences_are_exact_substrings_of_the_reply(
    scorer: EmpathyScorer, test_split: list[LabelledExample]
) -> None:
    results = scorer.score_batch([e.request for e in test_split[:80]])
    for example, result in zip(test_split[:80], results, strict=True):
        assert set(result.evidence) == {d for d, s in result.scores.items() if s is not None}
        for sentences in result.evidence.values():
            assert 1 <= len(sentences) <= 2
            for sentence in sentences:
                assert sentence in example.request.reply


def test_weak_dimensions_get_suggestions_that_quote_the_conversation(
    score_one: Callable[..., ScoreResult],
) -> None:
    result = score_one("email", CUSTOMER, WEAK)
    weak = {d for d, s in result.scores.items() if s is not None and s < 0.5}
    assert {"acknowledgment", "personalization"} <= weak
    assert {s.dimension for s in result.suggestions} == weak
    for suggestion in result.suggestions:
        assert any(detail in suggestion.text for detail in ("55821", "kettle", "Sunday"))


def test_history_carries_the_specifics(scorer: EmpathyScorer) -> None:
    history = (Turn("customer", CUSTOMER), Turn("agent", "We'll look into it."))
    follow_up = "It's been five days and nothing has happened."
    with_history = ScoreRequest("chat", follow_up, STRONG, history)
    without = ScoreRequest("chat", follow_up, STRONG)
    scored, blind = scorer.score_batch([with_history, without])
    with_specifics, without_specifics = scored.scores["personalization"], blind.scores[
        "personalization"
    ]
    assert with_specifics is not None
    assert without_specifics is not None
    assert with_specifics > without_specifics


def test_a_letter_reads_stiffer_in_chat_than_in_email(
        score_one: Callable[..., ScoreResult]) -> None:
    letter = (
        "Dear Priya,\n\nThank you for your message regarding your order. I am sorry the blue "
        "kettle from order 55821 arrived cracked. A replacement ships today and arrives Saturday."
        "\n\nYours sincerely,\nSam\nCustomer Relations, Northwind Home"
    )
    in_chat, in_email = score_one("chat", CUSTOMER, letter), score_one("email", CUSTOMER, letter)
    assert in_chat.tone.channel_adjusted < in_email.tone.channel_adjusted - 0.1


def test_a_curt_reply_to_an_upset_email_fits_the_channel_badly(
        score_one: Callable[..., ScoreResult]) -> None:
    curt = "Noted. We'll look into it."
    assert score_one("email", CUSTOMER, curt).tone.channel_adjusted < 0.4


STUDENT_COMPLAINT = (
    "Hello,\n\nI cancelled my Lumen Pro subscription on 2 March (I have the confirmation email) "
    "but you still took £240 from my account yesterday. I'm a student and that was most of my "
    "money for this month, so I now can't pay my share of the bills. Please refund it as soon "
    "as possible.\n\nThanks,\nNiamh"
)
WARM_SPECIFIC = (
    "Hi Niamh,\n\nI'm so sorry. You cancelled on 2 March and we still charged you £240, which "
    "is a big hole in a student budget, right when your share of the bills is due. That's our "
    "mistake, not yours.\n\nI've refunded the full £240 to your card today (reference "
    "RF-77314); most banks show it within two working days. I'll check on Thursday that it has "
    "landed and email you either way.\n\nBest wishes,\nKofi"
)
COLD_POLICY = (
    "Hello,\n\nRefunds are processed in 5-10 business days as per our refund policy. We are "
    "not responsible for any third-party bank fees. Please do not open multiple tickets about "
    "the same issue.\n\nRegards,\nCustomer Support"
)


def test_a_warm_specific_reply_and_a_cold_policy_reply_score_clearly_apart(
    score_one: Callable[..., ScoreResult],
) -> None:
    warm = score_one("email", STUDENT_COMPLAINT, WARM_SPECIFIC)
    cold = score_one("email", STUDENT_COMPLAINT, COLD_POLICY)
    assert warm.overall > cold.overall + 0.25
    for dim in ("tone", "ownership", "personalization"):
        warm_score, cold_score = warm.scores[dim], cold.scores[dim]
        assert warm_score is not None
        assert cold_score is not None
        assert warm_score > cold_score + 0.25, (dim, warm_score, cold_score)
