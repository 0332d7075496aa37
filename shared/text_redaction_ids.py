"""IBANs and national identity numbers in free text: found by shape, confirmed by python-stdnum.

Each finder is a regular expression for how people write the identifier (spaces, NBSP, dashes,
dots, either case) and a judge that asks ``stdnum`` whether the candidate's check digits and
structure hold, so the formats and rules are maintained upstream rather than here. They plug into
``shared.text_redaction`` as detectors: they run after e-mail addresses and before cards and
phones, so a card or phone finder never claims the digits inside an IBAN or an id first.

Found on sight (shape and check together are rare in ordinary text); how each is written, then
what confirms it:

- IBAN, the 89 countries of the registry stdnum ships; compact or in groups, either case:
  ``stdnum.iban``, mod 97 and the country's length and BBAN structure;
- Italian codice fiscale, ``RSSMRA80A01H501U``, either case: ``stdnum.it.codicefiscale``, the
  check letter and the birth date;
- French NIR in its groups, ``1 85 05 78 006 084 91``: ``stdnum.fr.nir``, the mod 97 key;
- Spanish DNI / NIE, ``12345678Z``, ``12.345.678-Z``, ``X-1234567-L``: ``stdnum.es.dni`` /
  ``stdnum.es.nie``, the mod 23 letter;
- US SSN in its 3-2-4 groups, ``123-45-6789``, ``123 45 6789``: ``stdnum.us.ssn``, area, group
  and serial in use (an SSN has no check digit: the grouping is what sets it apart);
- UK National Insurance number, ``AB 12 34 56 C``, ``ab123456c``: HMRC's prefix rules, in the
  pattern (no check digit, and stdnum has no ``gb.nino``);
- Canadian SIN, ``046 454 286``, ``046-454-286``: ``stdnum.luhn``.

Only after a context word (the number alone is too common a shape: any 9 digits pass the BSN's
11-test one time in 11; 15-digit references would pass the NIR's key one time in 97):

- US SSN written as nine digits, after "SSN" or "social security";
- Dutch BSN (``stdnum.nl.bsn``), after "BSN", "burgerservicenummer" or "sofinummer";
- French NIR written without groups, after "NIR", "INSEE", "sécu", "sécurité sociale" or
  "carte vitale".

A candidate that fails its check is left to the later detectors (``SKIP``), except the two whose
shape alone is the identifier's, a reference with exactly a country's IBAN structure and a 3-2-4
SSN: those are kept verbatim and shielded, so the card and phone finders cannot redact half of a
reference and leave the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from stdnum import iban, luhn, numdb
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.us import ssn

SKIP = "skip"
"""Not this identifier after all: leave the span to the later detectors."""
Verdict = str | None
"""A kind to redact the span as, ``None`` to keep it verbatim (and shield it), or ``SKIP``."""
Claim = tuple[int, int, Verdict]
"""``(start, end, verdict)`` in the text's coordinates."""
Judge = Callable[[re.Match[str], float | None], Iterable[Claim]]


@dataclass(frozen=True)
class IdFinder:
    """A detector for ``shared.text_redaction`` (same fields as its ``_Detector``)."""

    pattern: re.Pattern[str]
    judge: Judge
    # The digits any match holds at least: a text with fewer is not scanned.
    min_digits: int
    needs: tuple[str, ...] = ("",)


IBAN, NATIONAL_ID = "iban", "national_id"

# Between the groups of an IBAN or an id: a space of any width, or a dash (one of them).
_SEP = "[ \u00a0\u202f-]"
_SEP_CHARS = " \u00a0\u202f-."


def _compact(text: str) -> str:
    return "".join(char for char in text if char not in _SEP_CHARS).upper()


# How the patterns stay cheap on long texts: each starts with a digit (the regex engine skips to
# the next candidate character instead of trying every position), and what must come before that
# digit (an IBAN's country code, a codice fiscale's name letters, "not inside a word") is a
# look-behind from there. Context words are looked for behind a candidate number, not scanned for.

def _after_letters(letters: str, count: int, boundary: str) -> str:
    """Look-behind from the digit just matched: ``count`` of ``letters`` before it, at the start
    of the text or after a character of ``boundary``."""
    return (rf"(?:(?<={boundary}{letters}{{{count}}}.)|(?<=^{letters}{{{count}}}.))")


# A digit not preceded by a word character or a dash (``_START.`` opens a number).
_START = r"[0-9](?<![\w-].)"


# --- IBAN -------------------------------------------------------------------------------------

# A country code and two check digits (anchored at the first check digit), then 11-30 letters or
# digits, one separator at most between any two. The pattern may run into what follows
# ("... 0130 00 IS mine", an order number after it): the judge cuts it at the country's length.
_IBAN_LETTERS = 2
_IBAN_COUNTRY = _after_letters("[A-Za-z]", _IBAN_LETTERS, "[^A-Za-z0-9]")
_IBAN = re.compile(rf"[0-9]{_IBAN_COUNTRY}[0-9]"
                   rf"(?:{_SEP}?[A-Za-z0-9]){{11,30}}(?![A-Za-z0-9])")
_IBAN_DB = numdb.get("iban")
_BBAN_PART = re.compile(r"(\d+)!([nac])")
_BBAN_CHARS = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}


@cache
def _bban_structure(country: str) -> str:
    """The country's BBAN structure as the registry writes it ("4!a6!n8!n"); "" if none."""
    return str(_IBAN_DB.info(country.upper())[0][1].get("bban", ""))


def iban_length(country: str) -> int:
    """Characters in an IBAN of ``country`` (the ISO 13616 registry stdnum ships); 0 when stdnum
    knows no IBAN for it."""
    structure = _bban_structure(country)
    return 4 + sum(int(n) for n, _kind in _BBAN_PART.findall(structure)) if structure else 0


@cache
def _bban_shape(country: str) -> re.Pattern[str]:
    return re.compile("".join(f"{_BBAN_CHARS[kind]}{{{n}}}"
                              for n, kind in _BBAN_PART.findall(_bban_structure(country))))


def _judge_iban(match: re.Match[str], _deadline: float | None) -> Iterable[Claim]:
    start = match.start() - _IBAN_LETTERS
    text = match.string[start:match.end()]
    expected = iban_length(text[:2])
    seen = 0
    for index, char in enumerate(text):
        seen += char not in _SEP_CHARS
        if seen == expected:
            candidate = text[:index + 1]
            # National bank-code checks are left out: a real IBAN that passes mod 97 and the
            # country's structure is redacted even where stdnum's per-country rules lag behind.
            if iban.is_valid(candidate, check_country=False):
                return ((start, start + index + 1, IBAN),)
            # With exactly the country's structure it is an IBAN-shaped reference (or a mistyped
            # IBAN): kept whole rather than half-claimed as a card or a phone.
            if _bban_shape(text[:2]).fullmatch(_compact(candidate)[4:]):
                return ((start, start + index + 1, None),)
            break
    return ((start, match.end(), SKIP),)


# --- national ids found on sight --------------------------------------------------------------

# Six letters of surname and name, then the birth year, anchored at its first digit. Omocodia
# (where two people would share a code) swaps digits for these letters from the right; the
# year's first digit is the seventh and last to go, so it is taken to be a digit.
_CF_NAME_LETTERS = 6
_CF_DIGIT = "[0-9LMNP-Vlmnp-v]"
_CF_NAME = _after_letters("[A-Za-z]", _CF_NAME_LETTERS, r"[^\w-]")
_CODICE_FISCALE = re.compile(
    rf"[0-9]{_CF_NAME}{_CF_DIGIT}[A-Za-z]"
    rf"{_CF_DIGIT}{{2}}[A-Za-z]{_CF_DIGIT}{{3}}[A-Za-z](?![\w-])")


def _judge_codice_fiscale(match: re.Match[str], _deadline: float | None) -> Iterable[Claim]:
    start = match.start() - _CF_NAME_LETTERS
    valid = codicefiscale.is_valid(match.string[start:match.end()])
    return ((start, match.end(), NATIONAL_ID if valid else SKIP),)


_NIR_SEP = "[ \u00a0\u202f.]"
_NIR_GROUPED = re.compile(
    rf"[12](?<![\w.-].){_NIR_SEP}[0-9]{{2}}{_NIR_SEP}[0-9]{{2}}{_NIR_SEP}(?:[0-9]{{2}}|2[ABab])"
    rf"{_NIR_SEP}[0-9]{{3}}{_NIR_SEP}[0-9]{{3}}{_NIR_SEP}[0-9]{{2}}(?![\w-])")

_ES_DNI = re.compile(r"[0-9XYZxyz](?<![\w.-].)(?:(?<=[XYZxyz])-?[0-9]{7}|(?<=[0-9])[0-9]{7}"
                     r"|(?<=[0-9])[0-9]\.[0-9]{3}\.[0-9]{3})-?[A-Za-z](?![\w-])")

# The 3-2-4 shape is an SSN's; one with impossible parts is kept, not taken for a phone.
_US_SSN = re.compile(rf"{_START}[0-9]{{2}}([- \u00a0\u202f])[0-9]{{2}}\1[0-9]{{4}}(?![\w-])")

# HMRC: no D F I Q U V first, no D F I O Q U V second, never BG GB KN NK NT TN ZZ; suffix A-D.
# Grouped, it must be upper case ("at 12 34 56 a" is prose); lower case only written compact.
_NINO_PREFIX = r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
_SPACE = "[ \u00a0\u202f]"
_UK_NINO = re.compile(rf"(?<![\w-])(?:{_NINO_PREFIX}{_SPACE}?[0-9]{{2}}{_SPACE}?[0-9]{{2}}"
                      rf"{_SPACE}?[0-9]{{2}}{_SPACE}?[A-D]|(?i:{_NINO_PREFIX}[0-9]{{6}}[A-D]))"
                      r"(?![\w-])")

_CA_SIN = re.compile(rf"{_START}[0-9]{{2}}([- \u00a0\u202f])[0-9]{{3}}\1[0-9]{{3}}(?![\w-])")


def _judged(valid: Callable[[str], bool], failed: Verdict = SKIP) -> Judge:
    def judge(match: re.Match[str], _deadline: float | None) -> Iterable[Claim]:
        return ((match.start(), match.end(), NATIONAL_ID if valid(match.group()) else failed),)
    return judge


def _spanish_id_valid(text: str) -> bool:
    compact = _compact(text)
    return nie.is_valid(compact) if compact[0] in "XYZ" else dni.is_valid(compact)


def _ssn_valid(text: str) -> bool:
    digits = _compact(text)
    return len(digits) == 9 and ssn.is_valid(f"{digits[:3]}-{digits[3:5]}-{digits[5:]}")


# --- national ids only after a context word -----------------------------------------------------

# Nine digits (an SSN or BSN; a BSN also 1234.56.782 or 123 456 782), or a NIR, grouped or not.
_AFTER_WORD = re.compile(
    rf"{_START}(?:[0-9]{{7}}|[0-9]{{3}}(?P<four>[. ])[0-9]{{2}}(?P=four)[0-9]{{2}}"
    rf"|[0-9]{{2}}(?P<three>[. ])[0-9]{{3}}(?P=three)[0-9]{{2}}"
    rf"|(?<=[12]){_NIR_SEP}?[0-9]{{2}}{_NIR_SEP}?[0-9]{{2}}{_NIR_SEP}?(?:[0-9]{{2}}|2[ABab])"
    rf"{_NIR_SEP}?[0-9]{{3}}{_NIR_SEP}?[0-9]{{3}}{_NIR_SEP}?[0-9])[0-9](?![\w-])")
# Each family's words, then at most 24 characters without a digit up to the number.
_CONTEXT_WORDS: tuple[tuple[re.Pattern[str], Callable[[str], bool]], ...] = tuple(
    (re.compile(rf"(?i:\b(?:{words}))\b\D{{0,24}}$"), valid) for words, valid in (
        (r"ssn|ss#|social[ -]security", _ssn_valid),
        (r"bsn|burgerservicenummer|sofi-?nummer|sofinr", bsn.is_valid),
        (r"nir|insee|s[ée]cu|s[ée]curit[ée] sociale|carte vitale", nir.is_valid),
    ))
_CONTEXT_REACH = 48  # the longest word (19) and the 24 characters after it, with room


def _judge_after_word(match: re.Match[str], _deadline: float | None) -> Iterable[Claim]:
    before = match.string[max(0, match.start() - _CONTEXT_REACH):match.start()]
    compact = _compact(match.group())
    valid = any(words.search(before) and check(compact) for words, check in _CONTEXT_WORDS)
    return ((match.start(), match.end(), NATIONAL_ID if valid else SKIP),)


# In the order they run. ``min_digits``: the digits every match of the pattern holds (IBAN: its
# two check digits; codice fiscale: at least the year's first; NIR: 13; the others: all theirs).
ID_FINDERS: tuple[IdFinder, ...] = (
    IdFinder(_IBAN, _judge_iban, min_digits=2),
    IdFinder(_CODICE_FISCALE, _judge_codice_fiscale, min_digits=1),
    # stdnum's compact form drops spaces and dots but not NBSP: compacted here first.
    IdFinder(_NIR_GROUPED, _judged(lambda text: nir.is_valid(_compact(text))), min_digits=13),
    IdFinder(_ES_DNI, _judged(_spanish_id_valid), min_digits=7),
    IdFinder(_US_SSN, _judged(_ssn_valid, failed=None), min_digits=9),
    IdFinder(_UK_NINO, _judged(lambda _text: True), min_digits=6),
    # stdnum's ca.sin also refuses SINs starting 0 or 8 (unassigned); a Luhn-valid 3-3-3 is
    # redacted all the same: the cost of taking one for a SIN is a placeholder, not a leak.
    IdFinder(_CA_SIN, _judged(lambda text: luhn.is_valid(_compact(text))), min_digits=9),
    IdFinder(_AFTER_WORD, _judge_after_word, min_digits=9),
)
