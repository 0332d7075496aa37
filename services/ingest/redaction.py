"""Personal data out of message text before anything leaves the ingest service.

Each detector proposes spans; a candidate whose check digits fail (a 16-digit order number that
is not a Luhn-valid card, an IBAN-shaped reference that fails mod 97) is *kept* verbatim and
shielded from later detectors, so the phone detector cannot chew half of it. Detectors run in a
fixed order, most specific first. A disabled kind is still detected, and kept, for the same
reason.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from services.ingest.checksums import IBAN_LENGTHS, iban_valid, luhn_valid, spanish_dni_valid
from services.ingest.settings import RedactionSettings
from shared.events import InteractionEvent, Message

KINDS: tuple[str, ...] = ("email", "iban", "card", "national_id", "phone")
PLACEHOLDERS: dict[str, str] = {kind: f"[{kind.upper()}]" for kind in KINDS}

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}"
                    r"(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![\w-])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
# The 3-2-4 shape is an SSN's; one with impossible parts is kept, not taken for a phone.
_SSN = re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])")
_SSN_VALID = re.compile(r"^(?!000|666|9\d\d)\d{3}.(?!00)\d{2}.(?!0000)\d{4}$")
_UK_NINO = re.compile(r"(?<![\w-])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
                      r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w-])")
_CA_SIN = re.compile(r"(?<![\w-])\d{3}([- ])\d{3}\1\d{3}(?![\w-])")
_ES_DNI = re.compile(r"(?<![\w-])[XYZ]?\d{7,8}[A-Z](?![\w-])")
_PHONE = re.compile(r"(?<![\w+/-])(?:\+|\(\+?)?\d[\d ().-]{5,22}\d(?![\w-])")
_DIGIT = re.compile(r"\d")
_DATE = re.compile(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")

Verdict = str | None
"""A kind to redact the span as, or ``None`` to keep it verbatim (and shield it)."""
_SKIP = "skip"  # not a candidate after all: leave the span to later detectors
Judgement = tuple[Verdict, int]
"""The verdict and how many characters of the candidate it covers (greedy patterns overreach)."""


@dataclass(frozen=True)
class _Detector:
    pattern: re.Pattern[str]
    judge: Callable[[str], Judgement]
    # Cheap necessary conditions, checked before the (costly) scan: a text with fewer digits
    # than any claim of this kind holds, or without the literal, cannot yield one.
    min_digits: int
    needs: str = ""


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _judge_iban(text: str) -> Judgement:
    # The pattern may run into a following upper-case word; the country fixes the length.
    expected = IBAN_LENGTHS.get(text[:2], 0)
    seen = 0
    for index, char in enumerate(text):
        seen += char != " "
        if seen == expected:
            candidate = text[:index + 1]
            return ("iban" if iban_valid(candidate.replace(" ", "")) else None), index + 1
    return None, len(text)


def _judge_card(text: str) -> Judgement:
    # Try the whole run, then shorter runs of whole digit groups ("4242 4242 4242 4242 123").
    ends = [match.end() for match in re.finditer(r"\d+", text)]
    for end in reversed(ends):
        digits = _digits(text[:end])
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return "card", end
    return None, len(text)


def _whole(verdict: Verdict) -> Callable[[str], Judgement]:
    return lambda text: (verdict, len(text))


def _judge_ssn(text: str) -> Judgement:
    return ("national_id" if _SSN_VALID.match(text) else None), len(text)


def _judge_sin(text: str) -> Judgement:
    return ("national_id" if luhn_valid(_digits(text)) else _SKIP), len(text)


def _judge_dni(text: str) -> Judgement:
    return ("national_id" if spanish_dni_valid(text) else _SKIP), len(text)


def _judge_phone(text: str) -> Judgement:
    return _phone_verdict(text), len(text)


def _phone_verdict(text: str) -> Verdict:
    digits = _digits(text)
    if text.count("(") != text.count(")") or _DATE.match(text) or _THOUSANDS.match(text):
        return _SKIP
    if text.startswith(("+", "(+")):
        return "phone" if 8 <= len(digits) <= 15 else _SKIP
    if digits == text:  # one unbroken run: only a trunk-prefixed national number is a phone
        return "phone" if text.startswith("0") and 10 <= len(digits) <= 15 else _SKIP
    return "phone" if 7 <= len(digits) <= 15 else _SKIP


# ``min_digits`` is what the pattern itself demands (IBAN: the two check digits; SSN and SIN:
# nine; NINO: six; DNI: seven; card: thirteen), except for the phone, whose pattern needs two
# but whose judge claims nothing with fewer than seven (``_phone_verdict``), so below seven
# every match would be skipped anyway.
_DETECTORS: tuple[_Detector, ...] = (
    _Detector(_EMAIL, _whole("email"), min_digits=0, needs="@"),
    _Detector(_IBAN, _judge_iban, min_digits=2),
    _Detector(_SSN, _judge_ssn, min_digits=9),
    _Detector(_UK_NINO, _whole("national_id"), min_digits=6),
    _Detector(_CA_SIN, _judge_sin, min_digits=9),
    _Detector(_ES_DNI, _judge_dni, min_digits=7),
    _Detector(_CARD, _judge_card, min_digits=13),
    _Detector(_PHONE, _judge_phone, min_digits=7),
)


@dataclass(frozen=True)
class RedactionPolicy:
    kinds: frozenset[str]

    @classmethod
    def from_settings(cls, settings: RedactionSettings) -> RedactionPolicy:
        if not settings.enabled:
            return cls(frozenset())
        return cls(frozenset(kind for kind in KINDS if getattr(settings, kind)))

    @classmethod
    def everything(cls) -> RedactionPolicy:
        return cls(frozenset(KINDS))


class RedactionTooSlow(ValueError):
    """Redacting the text did not finish within its time budget: the delivery is refused (422)
    rather than published unredacted or left holding a worker."""


# Checked every this many candidate matches: often enough to stop within a few milliseconds of
# the deadline, rarely enough that reading the clock costs nothing measurable.
_CLOCK_EVERY = 256


def redact_text(text: str, policy: RedactionPolicy,
                deadline: float | None = None) -> tuple[str, Counter[str]]:
    """Replace personal data with typed placeholders; returns the text and counts by kind.

    Linear in the text's length: the claimed characters are marked in a bytearray, so whether a
    candidate overlaps an earlier claim costs the candidate's length, not the number of claims.
    ``deadline`` (``time.monotonic()`` seconds) raises ``RedactionTooSlow`` once passed.
    """
    counts: Counter[str] = Counter()
    if not policy.kinds or not text:
        return text, counts
    claimed: list[tuple[int, int, Verdict]] = []
    taken = bytearray(len(text))
    digit_count = len(_DIGIT.findall(text))  # the same (Unicode) digits the patterns see
    seen = 0
    for detector in _DETECTORS:
        if digit_count < detector.min_digits or detector.needs not in text:
            continue
        for match in detector.pattern.finditer(text):
            seen += 1
            if deadline is not None and seen % _CLOCK_EVERY == 0 and time.monotonic() > deadline:
                raise RedactionTooSlow("the text could not be checked for personal data within "
                                       "its time budget")
            start, end = match.span()
            if taken.find(1, start, end) != -1:
                continue
            verdict, length = detector.judge(match.group())
            if verdict != _SKIP:
                kind = verdict if verdict in policy.kinds else None
                claimed.append((start, start + length, kind))
                taken[start:start + length] = b"\x01" * length
    if not claimed:
        return text, counts
    pieces: list[str] = []
    cursor = 0
    for start, end, kind in sorted(claimed):
        if kind is None:
            continue
        pieces.append(text[cursor:start])
        pieces.append(PLACEHOLDERS[kind])
        counts[kind] += 1
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), counts


def redact_event(event: InteractionEvent, policy: RedactionPolicy,
                 budget_s: float | None = None) -> InteractionEvent:
    """The event with subject, message bodies and rating comment redacted; counts in the event.

    ``budget_s`` bounds the whole event's redaction (``RedactionTooSlow`` past it).
    """
    counts: Counter[str] = Counter(event.redactions)
    deadline = None if budget_s is None else time.monotonic() + budget_s

    def clean(text: str | None) -> str | None:
        if text is None:
            return None
        cleaned, found = redact_text(text, policy, deadline)
        counts.update(found)
        return cleaned

    # The models are frozen: a part whose text came out unchanged is shared, not copied.
    conversation = event.conversation
    satisfaction = conversation.satisfaction
    if satisfaction is not None and satisfaction.comment:
        comment = clean(satisfaction.comment)
        if comment != satisfaction.comment:
            satisfaction = satisfaction.model_copy(update={"comment": comment})
    subject = clean(conversation.subject)
    if subject != conversation.subject or satisfaction is not conversation.satisfaction:
        conversation = conversation.model_copy(
            update={"subject": subject, "satisfaction": satisfaction})
    messages = tuple(_with_body(message, clean(message.body)) for message in event.messages)
    return event.model_copy(update={"conversation": conversation, "messages": messages,
                                    "redactions": dict(sorted(counts.items()))})


def _with_body(message: Message, body: str | None) -> Message:
    return message if body == message.body else message.model_copy(update={"body": body})
