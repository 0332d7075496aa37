"""Personal data out of message text and ids before anything leaves the ingest service.

Each detector proposes spans; a candidate whose check digits fail (a 16-digit order number that
is not a Luhn-valid card, an IBAN-shaped reference that fails mod 97) is *kept* verbatim and
shielded from later detectors, so the phone detector cannot chew half of it. Detectors run in a
fixed order, most specific first, each over the text with what earlier ones claimed masked out
(so a card right after a phone number, or an SSN right before a card, is still seen whole). A
disabled kind is still detected, and kept, for the same reason.

Ids are not free text: an e-mail-shaped conversation, user or event id part, account or tag
becomes a keyed pseudonym (HMAC-SHA256 with ``RAPPORT_INGEST_PSEUDONYM_KEY``), the same one for
the same address, so one person stays one agent or customer without their address in Kafka.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import phonenumbers

from services.ingest.checksums import IBAN_LENGTHS, iban_valid, luhn_valid, spanish_dni_valid
from services.ingest.settings import RedactionSettings
from shared.events import InteractionEvent, Message

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
_EMAIL = re.compile(
    rf"(?:(?<!{_LOCAL_CHAR}){_LOCAL_CHAR}{{1,64}}|\"(?:[^\"\\\r\n]|\\.){{1,64}}\")"
    rf"{_AT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD}(?![\w{_MARKS}-])")
_AT_SIGNS = ("@", "\uff20", "%40")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
# The 3-2-4 shape is an SSN's; one with impossible parts is kept, not taken for a phone.
_SSN = re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])")
_SSN_VALID = re.compile(r"^(?!000|666|9\d\d)\d{3}.(?!00)\d{2}.(?!0000)\d{4}$")
_UK_NINO = re.compile(r"(?<![\w-])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
                      r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w-])")
_CA_SIN = re.compile(r"(?<![\w-])\d{3}([- ])\d{3}\1\d{3}(?![\w-])")
_ES_DNI = re.compile(r"(?<![\w-])[XYZ]?\d{7,8}[A-Z](?![\w-])")
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
_SKIP = "skip"  # not a candidate after all: leave the span to later detectors
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


def _judge_iban(match: re.Match[str], _deadline: float | None) -> Iterable[Claim]:
    # The pattern may run into a following upper-case word; the country fixes the length.
    text, start = match.group(), match.start()
    expected = IBAN_LENGTHS.get(text[:2], 0)
    seen = 0
    for index, char in enumerate(text):
        seen += char != " "
        if seen == expected:
            candidate = text[:index + 1]
            return ((start, start + index + 1,
                     "iban" if iban_valid(candidate.replace(" ", "")) else None),)
    return ((start, match.end(), None),)


def _judge_ssn(text: str) -> Verdict:
    return "national_id" if _SSN_VALID.match(text) else None


def _judge_sin(text: str) -> Verdict:
    return "national_id" if luhn_valid(_digits(text)) else _SKIP


def _judge_dni(text: str) -> Verdict:
    return "national_id" if spanish_dni_valid(text) else _SKIP


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
    found: list[tuple[int, int]] = []
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
                found.append((groups[first][0], groups[last][1]))
    if found:
        yield from _merged(found, offset)
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


# ``min_digits`` is what the pattern itself demands (IBAN: the two check digits; SSN and SIN:
# nine; NINO: six; DNI: seven; card: thirteen; international phone: seven), except for the
# phone, whose pattern needs two but whose judge claims nothing with fewer than seven
# (``_phone_verdict``), so below seven every match would be skipped anyway.
_DETECTORS: tuple[_Detector, ...] = (
    _Detector(_EMAIL, _whole("email"), min_digits=0, needs=_AT_SIGNS),
    _Detector(_IBAN, _judge_iban, min_digits=2),
    _Detector(_SSN, _judged(_judge_ssn), min_digits=9),
    _Detector(_UK_NINO, _whole("national_id"), min_digits=6),
    _Detector(_CA_SIN, _judged(_judge_sin), min_digits=9),
    _Detector(_ES_DNI, _judged(_judge_dni), min_digits=7),
    _Detector(_NUMBER_RUN, _judge_cards, min_digits=13),
    _Detector(_INTL_PHONE, _judge_international, min_digits=7, needs=("+", "00")),
    _Detector(_PHONE, _judged(_phone_verdict), min_digits=7),
)

# Stands in for claimed characters while later detectors scan: no pattern matches it, and it
# is neither a word character nor a digit, so it ends a run like a space would.
_MASK = "\x00"


def _development_key() -> bytes:
    return b"changeme"


@dataclass(frozen=True)
class RedactionPolicy:
    kinds: frozenset[str]
    # HMAC key for e-mail-shaped ids; the development placeholder unless built from settings
    # (which refuse the placeholder outside development).
    pseudonym_key: bytes = field(default_factory=_development_key, repr=False)

    @classmethod
    def from_settings(cls, settings: RedactionSettings,
                      pseudonym_key: str | bytes | None = None) -> RedactionPolicy:
        key = pseudonym_key.encode() if isinstance(pseudonym_key, str) else pseudonym_key
        if not settings.enabled:
            return cls(frozenset(), key or _development_key())
        return cls(frozenset(kind for kind in KINDS if getattr(settings, kind)),
                   key or _development_key())

    @classmethod
    def everything(cls, pseudonym_key: bytes | None = None) -> RedactionPolicy:
        return cls(frozenset(KINDS), pseudonym_key or _development_key())

    def pseudonym(self, value: str) -> str:
        """The keyed pseudonym of an address (``p-`` and 24 hex digits), stable across case,
        Unicode normal form and surrounding space; a valid id part (``shared.events.ids``)."""
        canonical = unicodedata.normalize("NFKC", value).strip().casefold()
        digest = hmac.new(self.pseudonym_key, canonical.encode("utf-8"), hashlib.sha256)
        return f"p-{digest.hexdigest()[:24]}"


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


def pseudonymised_id(value: str, policy: RedactionPolicy) -> str:
    """A qualified id (``provider:account:local``) with every part that holds an at sign
    replaced by its pseudonym; other parts, and ids without one, are returned as they are."""
    if not any(sign in value for sign in _AT_SIGNS[:2]):
        return value
    return ":".join(policy.pseudonym(part) if "@" in part or "\uff20" in part else part
                    for part in value.split(":"))


def pseudonymised_tag(tag: str, policy: RedactionPolicy) -> str:
    """A tag with the addresses in it replaced by their pseudonyms ("vip dana@example.com")."""
    if not any(sign in tag for sign in _AT_SIGNS):
        return tag
    return _EMAIL.sub(lambda match: policy.pseudonym(match.group()), tag)


def redact_event(event: InteractionEvent, policy: RedactionPolicy,
                 budget_s: float | None = None) -> InteractionEvent:
    """The event with subject, message bodies and rating comment redacted, e-mail-shaped ids
    and tags pseudonymised (unless e-mail redaction is off); counts in the event.

    ``budget_s`` bounds the whole event's redaction (``RedactionTooSlow`` past it).
    """
    counts: Counter[str] = Counter(event.redactions)
    deadline = None if budget_s is None else time.monotonic() + budget_s
    email_ids = "email" in policy.kinds

    def clean(text: str | None) -> str | None:
        if text is None:
            return None
        cleaned, found = redact_text(text, policy, deadline)
        counts.update(found)
        return cleaned

    def ident(value: str) -> str:
        if not email_ids:
            return value
        replaced = pseudonymised_id(value, policy)
        counts["email"] += replaced != value
        return replaced

    def maybe(value: str | None) -> str | None:
        return None if value is None else ident(value)

    # The models are frozen: a part whose text came out unchanged is shared, not copied.
    conversation = event.conversation
    satisfaction = conversation.satisfaction
    if satisfaction is not None and satisfaction.comment:
        comment = clean(satisfaction.comment)
        if comment != satisfaction.comment:
            satisfaction = satisfaction.model_copy(update={"comment": comment})
    tags = conversation.tags
    if email_ids:
        tags = tuple(pseudonymised_tag(tag, policy) for tag in conversation.tags)
        counts["email"] += sum(new != old for new, old in zip(tags, conversation.tags,
                                                              strict=True))
    conversation_update = {
        "subject": clean(conversation.subject), "satisfaction": satisfaction, "tags": tags,
        "conversation_id": ident(conversation.conversation_id),
        "assignee_id": maybe(conversation.assignee_id),
        "customer_id": maybe(conversation.customer_id),
    }
    if any(getattr(conversation, name) != value for name, value in conversation_update.items()) \
            or satisfaction is not conversation.satisfaction:
        conversation = conversation.model_copy(update=conversation_update)
    messages = tuple(_with(message, body=clean(message.body),
                          message_id=ident(message.message_id), author_id=maybe(message.author_id))
                     for message in event.messages)
    update = {"conversation": conversation, "messages": messages,
              "event_id": ident(event.event_id), "account": ident(event.account)}
    counts = Counter({kind: count for kind, count in counts.items() if count})
    return event.model_copy(update={**update, "redactions": dict(sorted(counts.items()))})


def _with(message: Message, **values: str | None) -> Message:
    if all(getattr(message, name) == value for name, value in values.items()):
        return message
    return message.model_copy(update=values)
