from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.scorer.model.sentences import sentence_spans


def test_splits_on_terminal_punctuation_and_line_breaks() -> None:
    text = "Hi Mr. Patel,\nI'm sorry! Order #4411 (3.5 kg) arrived late. Could you check?"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Hi Mr. Patel,",
        "I'm sorry!",
        "Order #4411 (3.5 kg) arrived late.",
        "Could you check?",
    ]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_spans_are_ordered_trimmed_substrings(text: str) -> None:
    previous_end = 0
    for start, end in sentence_spans(text):
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        previous_end = end
