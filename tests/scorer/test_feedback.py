"""Evidence and suggestions as pure functions (no model needed)."""

from __future__ import annotations

from services.scorer.model import ScoreRequest, Turn
from services.scorer.model.evidence import evidence_sentences
from services.scorer.model.sentences import sentence_spans
from services.scorer.model.specifics import customer_specifics
from services.scorer.model.suggestions import suggestions_for

CUSTOMER = (
    "My order 48213 arrived today and the table lamp is cracked right across the base. "
    "I needed it for a birthday party on Saturday."
)
REQUEST = ScoreRequest(channel="email", customer=CUSTOMER, reply="Sorry for any inconvenience.")


def test_evidence_quotes_the_heaviest_sentences_in_reply_order() -> None:
    reply = "Hi Ana. I'm sorry the lamp cracked. A new one ships today. Thanks!"
    spans = sentence_spans(reply)
    chosen = evidence_sentences(reply, spans, [0.05, 0.5, 0.4, 0.05])
    assert chosen == ["I'm sorry the lamp cracked.", "A new one ships today."]
    only_one = evidence_sentences(reply, spans, [0.01, 0.9, 0.05, 0.04])
    assert only_one == ["I'm sorry the lamp cracked."]


def test_customer_specifics_find_references_and_the_most_specific_sentence() -> None:
    specifics = customer_specifics(REQUEST)
    assert "order 48213" in specifics.references
    assert "Saturday" in specifics.references
    assert specifics.quote in CUSTOMER


def test_specifics_come_from_history_when_the_latest_message_has_none() -> None:
    request = ScoreRequest(
        channel="chat", customer="Still waiting. Again.", reply="We're on it.",
        history=(Turn("customer", "Where is booking REF-3082 for June 21?"),),
    )
    assert customer_specifics(request).references[:2] == ("booking REF-3082", "June 21")


def test_one_suggestion_per_weak_applicable_dimension_weakest_first() -> None:
    scores: dict[str, float | None] = {
        "acknowledgment": 0.2, "apology": 0.3, "ownership": 0.9, "next_steps": 0.1,
        "exploration": None, "tone": 0.8, "boundaries": None, "personalization": 0.45,
    }
    suggestions = suggestions_for(REQUEST, scores, "anger", None, 1.0)
    assert [s.dimension for s in suggestions] == [
        "next_steps", "acknowledgment", "apology", "personalization"
    ]
    for suggestion in suggestions:
        assert "48213" in suggestion.text or "cracked" in suggestion.text, suggestion
        assert suggestion.framework.split()[0] in ("NURSE", "L.A.S.T.", "NVC")


def test_suggestions_name_the_disclosed_vulnerability_and_the_channel_norm() -> None:
    scores: dict[str, float | None] = {"acknowledgment": 0.1, "tone": 0.3}
    suggestions = suggestions_for(REQUEST, scores, "fear", "bereavement", channel_fit=0.55)
    text = {s.dimension: s.text for s in suggestions}
    assert "bereavement" in text["acknowledgment"]
    assert "email complaint deserves" in text["tone"]
