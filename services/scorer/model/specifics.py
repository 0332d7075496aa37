"""What the customer actually said that a good reply would pick up: references, money, dates,
and the sentences that carry them.

Suggestions quote these back to the agent, in quotation marks and as the customer wrote them, so
that feedback is about *this* conversation, never a generic tip. Nothing here is fitted into a
sentence of ours: a quote is evidence shown next to the advice, so it stays grammatical whatever
the customer wrote ("flight home", "$38.50", a question, a shout).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.scorer.model.schema import ScoreRequest
from services.scorer.model.sentences import sentence_spans

# A reference is a keyword and an identifier with at least one digit ("order FN-20931",
# "flight BA117"): "flight home" or "room for" are words, not references.
_REFERENCE = re.compile(
    r"(?:\b(?i:order|booking|claim|invoice|ticket|policy|ref(?:erence)?|flight|room|code)\s+"
    r"#?(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{1,15}\b)|#\d{3,}|\b[A-Z]{1,4}-\d{3,}(?:-\w+)*\b|"
    r"\b\d{5,}\b",
)
_MONEY = re.compile(r"[$£€]\s?\d[\d,]*(?:\.\d{2})?")
_WHEN = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|tomorrow|tonight|"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2}|the\s+\d{1,2}(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)
MAX_QUOTE_WORDS = 18
# Shorter lines are greetings, sign-offs and names ("Hi,", "Thanks, Gemma"), not content.
_MIN_CONTENT_WORDS = 4
# Words that carry a disclosure (a death, an illness, money trouble, danger). A suggestion may
# only show such a sentence when the scorer reports that kind of disclosure; otherwise quoting it
# would put a vulnerability in front of the agent that Rapport has not claimed.
_SENSITIVE = re.compile(
    r"pass(?:ed|ing) away|\bdied\b|\bdeath\b|\bdead\b|funeral|bereave|widow|condolence|hospice|"
    r"\bgrie(?:f|ving)|\blate (?:husband|wife|mum|mom|dad|father|mother|son|daughter|partner)\b|"
    r"cancer|chemo|surgery|hospital|diagnos|disab|wheelchair|pregnan|dementia|alzheimer|"
    r"sclerosis|dialysis|mental health|depress|anxiety|panic attack|terminal|"
    r"lost my job|redundan|laid off|unemploy|can'?t afford|cannot afford|food bank|\bdebts?\b|"
    r"arrears|bailiff|universal credit|\bbenefits\b|"
    r"abus|violen|stalk|harass|refuge|restraining|injunction|domestic|assault|coercive|"
    r"\bex-(?:partner|husband|wife|boyfriend|girlfriend)",
    re.IGNORECASE,
)
_QUOTED_MAIL = re.compile(r"^\s*>|^On .{4,80} wrote:\s*$|^Subject:", re.IGNORECASE)
# "no. 22", "approx. 3pm": the splitter ends a sentence there; the customer did not.
_SPLIT_ABBREVIATION = re.compile(r"\b(?:no|nos|ref|tel|apt|approx|appt|inc|ltd|co|flt|acct)\.$",
                                 re.IGNORECASE)
_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening))(?: there| team| all)?"
    r"(?: (?-i:[A-Z][a-z]+))?(?: or madam)?[,!.]?|to whom it may concern[,:]?)\s+",
    re.IGNORECASE,
)
# Words a shortened quote should not stop on ("…and the…").
_DANGLING = frozenset({"a", "an", "and", "at", "but", "by", "for", "from", "in", "into", "my",
                       "of", "on", "or", "our", "so", "the", "their", "to", "with", "your"})


@dataclass(frozen=True)
class CustomerSentence:
    text: str  # as written, whitespace collapsed, without a leading greeting
    latest: bool  # from the latest message rather than an earlier turn
    references: tuple[str, ...]
    message: int = 0  # 0: the latest message, 1: the customer turn before it, ...

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def sensitive(self) -> bool:
        return bool(_SENSITIVE.search(self.text))


@dataclass(frozen=True)
class CustomerSpecifics:
    references: tuple[str, ...]  # order/booking numbers, amounts, dates, in order of appearance
    quote: str  # the customer's most specific sentence, possibly shortened
    sentences: tuple[CustomerSentence, ...] = ()  # latest message first, then older turns

    @property
    def main_reference(self) -> str | None:
        return self.references[0] if self.references else None

    def content_sentences(self, *, allow_sensitive: bool) -> list[CustomerSentence]:
        """Sentences worth quoting: not greetings or sign-offs, and no disclosure unless allowed.

        When every line is short (a customer who wrote "ok" or "Still waiting."), the short lines
        are all there is, and they are what the agent has to answer."""
        allowed = [s for s in self.sentences if allow_sensitive or not s.sensitive]
        content = [s for s in allowed if s.words >= _MIN_CONTENT_WORDS]
        return (content or allowed) + _pairs(self.sentences, allowed)


def _pairs(sentences: tuple[CustomerSentence, ...],
           allowed: list[CustomerSentence]) -> list[CustomerSentence]:
    """Two neighbouring short sentences of one message, quotable together ("Went in on my
    lunch. They said it's not.")."""
    pairs = []
    for first, second in zip(sentences, sentences[1:], strict=False):
        if first not in allowed or second not in allowed:
            continue
        if first.message == second.message and first.words + second.words <= MAX_QUOTE_WORDS:
            pairs.append(CustomerSentence(f"{first.text} {second.text}", first.latest,
                                          first.references + second.references, first.message))
    return pairs


def customer_specifics(request: ScoreRequest) -> CustomerSpecifics:
    texts = [(request.customer, True)] + [
        (t.text, False) for t in reversed(request.history) if t.role == "customer"
    ]
    references: list[str] = []
    sentences: list[CustomerSentence] = []
    best_sentence, best_count = "", -1
    for message, (text, latest) in enumerate(texts):
        for sentence in _sentences(text):
            found = _find_all(sentence)
            for item in found:
                if item not in references:
                    references.append(item)
            sentences.append(CustomerSentence(sentence, latest, tuple(found), message))
            count = len(found) * 10 + min(len(sentence.split()), 9)
            if count > best_count:
                best_sentence, best_count = sentence, count
    return CustomerSpecifics(references=tuple(references), quote=shorten(best_sentence),
                             sentences=tuple(sentences))


def _sentences(text: str) -> list[str]:
    """The message's sentences, whitespace collapsed: no quoted mail or subject line, no leading
    greeting, and not split after "no." or "approx."."""
    found: list[str] = []
    glue = False
    for start, end in sentence_spans(text):
        raw = text[start:end]
        if _QUOTED_MAIL.search(raw):
            glue = False
            continue
        sentence = " ".join(raw.split())
        if glue and found:
            found[-1] = f"{found[-1]} {sentence}"
        else:
            found.append(sentence)
        glue = bool(_SPLIT_ABBREVIATION.search(sentence)) and "\n" not in text[end:end + 1]
    cleaned = []
    for sentence in found:
        rest = _GREETING.sub("", sentence, count=1)
        cleaned.append(rest if len(rest.split()) >= 3 else sentence)
    return [s for s in cleaned if s]


def _find_all(sentence: str) -> list[str]:
    hits: list[tuple[int, str]] = []
    for pattern in (_REFERENCE, _MONEY, _WHEN):
        hits.extend((match.start(), match.group().strip()) for match in pattern.finditer(sentence))
    return [text for _, text in sorted(hits)]


def shorten(sentence: str) -> str:
    """At most ``MAX_QUOTE_WORDS`` words, cut with an ellipsis; whitespace collapsed."""
    words = sentence.split()
    if len(words) <= MAX_QUOTE_WORDS:
        return " ".join(words)
    kept = words[:MAX_QUOTE_WORDS]
    cut = " ".join(kept)
    if cut.count("(") > cut.count(")"):  # never stop inside a bracket
        kept = cut[: cut.rindex("(")].split()
    while len(kept) > 1 and (kept[-1].lower().strip(",;:") in _DANGLING
                             or kept[-1] in {"-", "–", "—"}):
        kept.pop()
    return " ".join(kept).rstrip(",;:-–—") + "…"
