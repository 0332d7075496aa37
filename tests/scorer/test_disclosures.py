"""Customer signals that invent nothing: no suggestion mentions a disclosure nobody made."""

from __future__ import annotations

import pytest

from lab.scorer.dataset import LabelledExample
from services.scorer.model import EmpathyScorer, ScoreRequest
from services.scorer.model.disclosures import customer_mentions
from services.scorer.model.suggestions import VULNERABILITY_WORDS
from tests.scorer.known_gaps import known_gap

# Customers who mention money, travel or family without any strain (written for this test).
MENTIONS_WITHOUT_DISCLOSURE = [
    ("email", "Hi, could you send me a VAT invoice for order 88-1204? Our accounts team needs "
              "it for the quarter. Thanks, Priya"),
    ("chat", "you charged me £240 for a subscription i cancelled in march. refund it please"),
    ("email", "I'm flying out to visit my dad in Lisbon on the 14th. Can I add a second bag to "
              "booking KX7Q2 before then?"),
    ("sms", "hi is my rent payment reference the same as last year or has it changed"),
    ("web_form", "My mum gave me this watch for my graduation and the strap has snapped after "
                 "two weeks. Can it be repaired under warranty?"),
]


def mentions_a_disclosure(text: str) -> bool:
    return any(phrase in text for phrase in VULNERABILITY_WORDS.values())


def test_customers_who_only_mention_money_travel_or_family_get_no_disclosure(
        scorer: EmpathyScorer) -> None:
    requests = [ScoreRequest(channel, customer, "Thanks for getting in touch.")
                for channel, customer in MENTIONS_WITHOUT_DISCLOSURE]
    for result in scorer.score_batch(requests):
        assert all(not mentions_a_disclosure(s.text) for s in result.suggestions)


@known_gap("8 of the validation split's customers without a labelled disclosure get one (an "
           "account frozen, a card declined for petrol; a banking app down on payday with rent "
           "due; a direct debit taken twice from 'my rent money'; 'in a lot of pain with a back "
           "tooth'; driving her mum to dialysis; a month of 3am noise from the flat above; a "
           "night shift at the hospital; a mum in a wheelchair asking about a ramp)")
def test_no_suggestion_mentions_a_disclosure_a_written_customer_did_not_make(
        scorer: EmpathyScorer, test_split: list[LabelledExample]) -> None:
    undisclosed = [e for e in test_split if e.vulnerability is None]
    assert len(undisclosed) > 100
    results = scorer.score_batch([e.request for e in undisclosed])
    invented = [(e.id, s.text) for e, r in zip(undisclosed, results, strict=True)
                for s in r.suggestions if mentions_a_disclosure(s.text)]
    assert invented == []


@pytest.mark.parametrize(("kind", "said", "expected"), [
    ("bereavement", "My husband passed away in May and the account is in his name.", True),
    ("bereavement", "Please refund the £240 you took from my account.", False),
    # Things die too (the candidate model flagged a customer's dead laptop as a bereavement).
    ("bereavement", "Three months out of warranty and my old laptop just died on me.", False),
    ("bereavement", "The battery is completely dead after a week and it was dead on arrival.",
     False),
    ("bereavement", "My dad died in March and the phone contract is in his name.", True),
    ("bereavement", "My phone died the day my mum passed away.", True),
    ("safety", "I need my new address hidden from my abusive ex-partner.", True),
    ("safety", "Can I get a VAT invoice for my order?", False),
    ("health", "I'm having chemo on Tuesdays so mornings are hard for me.", True),
    ("financial_strain", "I lost my job last month and can't afford the £60.", True),
])
def test_a_flagged_kind_needs_the_customers_own_words(kind: str, said: str,
                                                       expected: bool) -> None:
    assert customer_mentions(kind, said) is expected
