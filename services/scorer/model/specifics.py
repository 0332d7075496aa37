"""What the customer actually said that a good reply would pick up: references, money, dates,
and the one sentence that carries most of them.

Suggestions quote these back to the agent so that feedback is about *this* conversation, never a
generic tip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.scorer.model.schema import ScoreRequest
from services.scorer.model.sentences import sentence_spans

_REFERENCE = re.compile(
    r"(?:\b(?:order|booking|claim|invoice|ticket|policy|ref(?:erence)?|flight|room|code)\s+"
    r"#?[A-Z0-9][A-Z0-9-]{1,11}\b)|#\d{3,}|\b[A-Z]{1,4}-\d{3,}\b|\b\d{5,}\b",
    re.IGNORECASE,
)
_MONEY = re.compile(r"[$£€]\s?\d[\d,]*(?:\.\d{2})?")
_WHEN = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|tomorrow|tonight|"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2}|the\s+\d{1,2}(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)
MAX_QUOTE_WORDS = 18


@dataclass(frozen=True)
class CustomerSpecifics:
    references: tuple[str, ...]  # order/booking numbers, amounts, dates, in order of appearance
    quote: str  # the customer's most specific sentence, possibly shortened

    @property
    def main_reference(self) -> str | None:
        return self.references[0] if self.references else None


def customer_specifics(request: ScoreRequest) -> CustomerSpecifics:
    texts = [request.customer] + [t.text for t in reversed(request.history) if t.role == "customer"]
    references: list[str] = []
    best_sentence, best_count = "", -1
    for text in texts:
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            found = _find_all(sentence)
            for item in found:
                if item not in references:
                    references.append(item)
            count = len(found) * 10 + min(len(sentence.split()), 9)
            if count > best_count:
                best_sentence, best_count = sentence, count
    return CustomerSpecifics(references=tuple(references), quote=_shorten(best_sentence))


def _find_all(sentence: str) -> list[str]:
    hits: list[tuple[int, str]] = []
    for pattern in (_REFERENCE, _MONEY, _WHEN):
        hits.extend((match.start(), match.group().strip()) for match in pattern.finditer(sentence))
    return [text for _, text in sorted(hits)]


def _shorten(sentence: str) -> str:
    words = sentence.split()
    if len(words) <= MAX_QUOTE_WORDS:
        return sentence.strip()
    return " ".join(words[:MAX_QUOTE_WORDS]).rstrip(",;:") + "…"
