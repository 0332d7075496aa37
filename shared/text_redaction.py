"""Personal data out of free text: e-mail addresses, IBANs, cards, national ids, phone numbers.

Each detector proposes spans; a candidate whose check digits fail (a 16-digit order number that
is not a Luhn-valid card, an IBAN-shaped reference that fails mod 97) is *kept* verbatim and
shielded from later detectors, so the phone detector cannot chew half of it. Detectors run in a
fixed order, most specific first, each over the text with what earlier ones claimed masked out
(so a card right after a phone number, or an SSN right before a card, is still seen whole). A
disabled kind is still detected, and kept, for the same reason. IBANs and national ids are found
by ``shared.text_redaction_ids`` (shape by pattern, check digits by python-stdnum), right after
e-mail addresses and before cards and phones, and once more after cards (an id right after a
card is only seen whole with the card masked).

Shared because more than one service writes text people typed: ingest redacts every delivery
(``services/ingest/redaction.py`` adds the pseudonymised ids), the coach redacts the lines agents
share into a team phrasebook. One function, so a line is cleaned exactly as a delivery is.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import phonenumbers

from shared.checksums import luhn_valid
from shared.text_redaction_ids import ID_FINDERS, SKIP

KINDS: tuple[str, ...] = ("email", "iban", "card", "national_id", "phone")
PLACEHOLDERS: dict[str, str] = {kind: f"[{kind.upper()}]" for kind in KINDS}

# Python's \w leaves out combining marks (Devanagari vowel signs, Thai tone marks, Hebrew points),
# which internationalised addresses are full of: the blocks that carry them are added whole.
_MARKS = ("\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
          "\u06d6-\u06ed\u0900-\u0dff\u0e00-\u0eff\u0f00-\u109f\u1780-\u17ff\u1ab0-\u1aff"
          "\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f")
# The local part's usual characters; RFC 5322's rarer ones (/ = ? & ...) would let a URL's path
# and query run into it, past the 64 characters a local part may have.
_LOCAL_CHAR = rf"[\w{_MARKS}.%+'-]"
_LABEL = rf"[\w{_MARKS}-]{{1,63}}"
_TLD = rf"(?:(?:(?!\d)[\w{_MARKS}]){{2,24}}|[Xx][Nn]--[A-Za-z0-9-]{{1,59}})"
_DOT = r"[.\u3002\uff0e\uff61]"  # IDNA treats the ideographic and full-width stops as dots
_AT = r"(?:@|\uff20|%40)"  # also the full-width at sign and a URL-encoded one (mailto links)
EMAIL_ADDRESS = re.compile(
    rf"(?:(?<!{_LOCAL_CHAR}){_LOCAL_CHAR}{{1,64}}|\"(?:[^\"\\\r\n]|\\.){{1,64}}\")"
    rf"{_AT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD}(?![\w{_MARKS}-])")
AT_SIGNS = ("@", "\uff20", "%40")
# What people put between the digit groups of a card: spaces of every width (Zendesk sends
# NBSP), hyphens and dashes, dots, slashes; one to three of them ("4111 - 1111", NBSP + space).
_SPACES = " \t\u00a0\u2007\u2009\u202f"
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014"
_SEPARATORS = f"{_SPACES}{_DASHES}./"
_NUMBER_RUN = re.compile(rf"(?<![^\W_])\d+(?:[{_SEPARATORS}]{{1,3}}\d+)*")
_GROUP = re.compile(r"\d+")
_SEPARATOR_CLASS = str.maketrans({**dict.fromkeys(_SPACES, " "),
                                  **dict.fromkeys(_DASHES.replace("\\", ""), "-")})
# A + or 00 in front: an international number, checked against the numbering plans.
_INTL_PHONE = re.compile(rf"(?<![\w+])(?:\+|\(\+|00(?=[ \u00a0]?[1-9]))[ \u00a0]?\(?[1-9]"
                         rf"[\d().{_SPACES}{_DASHES}/]{{4,28}}\d(?!\w)")
_PHONE = re.compile(rf"(?<![\w+/-])(?:\+|\(\+?)?\d[\d().{_SPACES}{_DASHES}]{{5,22}}\d(?![\w-])")
_DIGIT = re.compile(r"\d")
_DATE = re.compile(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
# Issuer ranges in use for payment cards start with 1 (UATP) to 6; 7-9 are fuel, telecom and
# national schemes, 0 none: a Luhn-valid run starting there is more likely a phone's tail.
_CARD_FIRST_DIGITS = frozenset("123456")
# Nobody writes a card in more groups than 4-4-4-4-3 (five): six leaves room for a stray split.
_MAX_CARD_GROUPS = 6

Verdict = str | None
"""A kind to redact the span as, or ``None`` to keep it verbatim (and shield it)."""
_SKIP = SKIP  # not a candidate after all: leave the span to later detectors
Claim = tuple[int, int, Verdict]
"""``(start, end, verdict)`` in the text's coordinates."""


@dataclass(frozen=True)
class _Detector:
    pattern: re.Pattern[str]
    judge: Callable[[re.Match[str], float | None], Iterable[Claim]]
    # Cheap necessary conditions, checked before the (costly) scan: a text with fewer digits
    # than any claim of this kind holds, or without one of the literals, cannot yield one.
    min_digits: int
    needs: tuple[str, ...] = ("",)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _whole(verdict: Verdict) -> Callable[[re.Match[str], float | None], Iterable[Claim]]:
    return lambda match, _deadline: ((match.start(), match.end(), verdict),)


def _judged(judge: Callable[[str], Verdict]
            ) -> Callable[[re.Match[str], float | None], Iterable[Claim]]:
    return lambda match, _deadline: ((match.start(), match.end(), judge(match.group())),)


def _judge_cards(match: re.Match[str], deadline: float | None) -> Iterator[Claim]:
    """Every Luhn-valid card inside a run of numbers, wherever it starts ("Qty 2 4111 ...", a
    phone number right before it): any window of whole digit groups holding 13-19 digits, with
    one kind of separator throughout (or card-style groups of four), starting with an issuer
    digit. Windows that overlap are redacted together. A run with none that is itself shaped
    like a card (one block, or groups of four) is kept verbatim and shielded."""
    text, offset = match.group(), match.start()
    if len(text) < 13:  # most runs: an order number, a date, a price
        return
    groups = [(group.start(), group.end()) for group in _GROUP.finditer(text)]
    separators = [text[groups[index][1]:groups[index + 1][0]].translate(_SEPARATOR_CLASS)
                  for index in range(len(groups) - 1)]
    # The first group after a "+" is a country code, never the start of a card.
    after_plus = match.string[max(0, offset - 2):offset].endswith(("+", "(+"))
    # Digits in groups [0, i): a start whose next _MAX_CARD_GROUPS groups cannot hold 13 digits
    # is passed over without a look (a long list of small numbers stays linear and cheap).
    before = [0]
    for start, end in groups:
        before.append(before[-1] + end - start)
    found: list[tuple[int, int]] = []  # (first group, last group) of each Luhn-valid window
    for first in range(1 if after_plus else 0, len(groups)):
        if deadline is not None and first % 256 == 255 and time.monotonic() > deadline:
            raise RedactionTooSlow("the text could not be checked for personal data within "
                                   "its time budget")
        if (text[groups[first][0]] not in _CARD_FIRST_DIGITS
                or before[min(first + _MAX_CARD_GROUPS, len(groups))] - before[first] < 13):
            continue
        digits = ""
        uniform = fours = True
        for last in range(first, min(first + _MAX_CARD_GROUPS, len(groups))):
            group = text[groups[last][0]:groups[last][1]]
            if last > first:
                uniform = uniform and separators[last - 1] == separators[first]
                fours = fours and groups[last - 1][1] - groups[last - 1][0] == 4
            digits += group
            if len(digits) > 19 or not (uniform or fours):
                break
            if len(digits) >= 13 and luhn_valid(digits):
                found.append((first, last))
    # A card followed by a 00-written phone ("... 7889 0043 1 234567"): a window running on into
    # the phone's 00 group is Luhn-valid one time in ten, and merged with the card it would take
    # the phone's country code and leave its subscriber digits to nobody. A window that crosses
    # into a 00 group right after another card ends is not a card; the phone finder gets the rest.
    card_ends = {last for _first, last in found}
    found = [(first, last) for first, last in found
             if not any(text.startswith("00", groups[group][0]) and group - 1 in card_ends
                        for group in range(first + 1, last + 1))]
    if found:
        yield from _merged([(groups[first][0], groups[last][1]) for first, last in found],
                           offset)
    elif _card_shaped(text, groups, after_plus):
        yield offset, match.end(), None


def _merged(spans: list[tuple[int, int]], offset: int) -> Iterator[Claim]:
    spans.sort()
    start, end = spans[0]
    for next_start, next_end in spans[1:]:
        if next_start > end:
            yield offset + start, offset + end, "card"
            start = next_start
        end = max(end, next_end)
    yield offset + start, offset + end, "card"


def _card_shaped(text: str, groups: list[tuple[int, int]], after_plus: bool) -> bool:
    """One block of 13-19 digits, or groups of four (the last may be shorter), or Amex's and
    Diners' 4-6-5 / 4-6-4; not an international or trunk-prefixed number (0...), nor a run
    with a 00-prefixed number in it ("5531 0044 7400 1230": an order, then a phone)."""
    if after_plus or text.startswith("0") or any(text.startswith("00", start)
                                                 for start, _end in groups):
        return False
    lengths = [end - start for start, end in groups]
    if not 13 <= sum(lengths) <= 19:
        return False
    return (len(lengths) == 1 or lengths in ([4, 6, 5], [4, 6, 4])
            or (all(length == 4 for length in lengths[:-1]) and lengths[-1] <= 4))


def _judge_international(match: re.Match[str], _deadline: float | None) -> Iterable[Claim]:
    """A +/00 number: the longest run of whole groups the numbering plans call a valid number
    (else a possible one); what follows is left to the other detectors (it may be a card)."""
    text, start = match.group(), match.start()
    body = text[2:] if text.startswith(("00", "(+")) else text[1:]
    body_offset = len(text) - len(body)
    possible: int | None = None
    ends = [group.end() for group in _GROUP.finditer(body)]
    for end in reversed(ends):
        count = len(_digits(body[:end]))
        if count > 15:
            continue
        if count < 7:
            break
        try:
            number = phonenumbers.parse("+" + body[:end], None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return ((start, start + body_offset + end, "phone"),)
        if possible is None and phonenumbers.is_possible_number(number):
            possible = end
    if possible is not None:
        return ((start, start + body_offset + possible, "phone"),)
    if text.startswith(("+", "(+")) and 8 <= len(_digits(text)) <= 15 \
            and text.count("(") == text.count(")"):
        return ((start, match.end(), "phone"),)
    return ((start, match.end(), _SKIP),)


def _phone_verdict(text: str) -> Verdict:
    digits = _digits(text)
    if text.count("(") != text.count(")") or _DATE.match(text) or _THOUSANDS.match(text):
        return _SKIP
    if text.startswith(("+", "(+")):
        return "phone" if 8 <= len(digits) <= 15 else _SKIP
    if digits == text:  # one unbroken run: only a trunk-prefixed national number is a phone
        return "phone" if text.startswith("0") and 10 <= len(digits) <= 15 else _SKIP
    return "phone" if 7 <= len(digits) <= 15 else _SKIP


# ``min_digits`` is what the pattern itself demands (IBANs and ids: ``ID_FINDERS``; card:
# thirteen; international phone: seven), except for the
# phone, whose pattern needs two but whose judge claims nothing with fewer than seven
# (``_phone_verdict``), so below seven every match would be skipped anyway.
_ID_DETECTORS: tuple[_Detector, ...] = tuple(
    _Detector(found.pattern, found.judge, found.min_digits, found.needs) for found in ID_FINDERS)
_DETECTORS: tuple[_Detector, ...] = (
    _Detector(EMAIL_ADDRESS, _whole("email"), min_digits=0, needs=AT_SIGNS),
    # Before cards and phones: an IBAN's or an id's digits are never half-claimed by them.
    *_ID_DETECTORS,
    _Detector(_NUMBER_RUN, _judge_cards, min_digits=13),
    # Again once cards are masked: an id written right after a card ("... 0000 006 100 000
    # 009") is part of the card's run of digit groups, which the id patterns refuse to cut
    # into, so the first pass cannot see it and the phone finder would take it.
    *_ID_DETECTORS,
    _Detector(_INTL_PHONE, _judge_international, min_digits=7, needs=("+", "00")),
    _Detector(_PHONE, _judged(_phone_verdict), min_digits=7),
)

# Stands in for claimed characters while later detectors scan: no pattern matches it, and it
# is neither a word character nor a digit, so it ends a run like a space would.
_MASK = "\x00"

class RedactionKinds(Protocol):
    """What ``redact_text`` asks of a policy: the kinds it replaces (the others are kept)."""

    @property
    def kinds(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class TextRedaction:
    """A policy of kinds alone, for text that carries no ids to pseudonymise."""

    kinds: frozenset[str] = frozenset(KINDS)


EVERY_KIND = TextRedaction()


class RedactionTooSlow(ValueError):
    """Redacting the text did not finish within its time budget: the delivery is refused (422)
    rather than published unredacted or left holding a worker."""


# Checked every this many candidate matches: often enough to stop within a few milliseconds of
# the deadline, rarely enough that reading the clock costs nothing measurable.
_CLOCK_EVERY = 256


def redact_text(text: str, policy: RedactionKinds,
                deadline: float | None = None) -> tuple[str, Counter[str]]:
    """Replace personal data with typed placeholders; returns the text and counts by kind.

    Linear in the text's length: the claimed characters are marked in a bytearray, so whether a
    candidate overlaps an earlier claim costs the candidate's length, not the number of claims;
    masking what earlier detectors claimed costs one copy of the text per detector at most.
    ``deadline`` (``time.monotonic()`` seconds) raises ``RedactionTooSlow`` once passed.
    """
    counts: Counter[str] = Counter()
    if not policy.kinds or not text:
        return text, counts
    claimed: list[Claim] = []
    taken = bytearray(len(text))
    digit_count = len(_DIGIT.findall(text))  # the same (Unicode) digits the patterns see
    seen = 0
    scanned, masked_claims = text, 0
    for detector in _DETECTORS:
        if digit_count < detector.min_digits or not any(n in text for n in detector.needs):
            continue
        if masked_claims != len(claimed):
            scanned, masked_claims = _masked(text, claimed), len(claimed)
        for match in detector.pattern.finditer(scanned):
            seen += 1
            if deadline is not None and seen % _CLOCK_EVERY == 0 and time.monotonic() > deadline:
                raise RedactionTooSlow("the text could not be checked for personal data within "
                                       "its time budget")
            for start, end, verdict in detector.judge(match, deadline):
                if verdict == _SKIP or taken.find(1, start, end) != -1:
                    continue
                kind = verdict if verdict in policy.kinds else None
                claimed.append((start, end, kind))
                taken[start:end] = b"\x01" * (end - start)
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


def _masked(text: str, claimed: list[Claim]) -> str:
    pieces: list[str] = []
    cursor = 0
    for start, end, _kind in sorted(claimed):
        pieces.append(text[cursor:start])
        pieces.append(_MASK * (end - start))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
