"""Personal data redaction on realistic support text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.ingest.html_text import body_text
from services.ingest.redaction import RedactionPolicy, redact_event, redact_text
from services.ingest.settings import RedactionSettings
from shared.checksums import iban_valid, luhn_valid, spanish_dni_valid
from shared.events import (
    AuthorRole,
    Channel,
    Conversation,
    InteractionEvent,
    Message,
    Satisfaction,
)

EVERYTHING = RedactionPolicy.everything()


def redacted(text: str, policy: RedactionPolicy = EVERYTHING) -> str:
    return redact_text(text, policy)[0]


@pytest.mark.parametrize(("text", "expected"), [
    ("write to dana.whitfield@example.com today", "write to [EMAIL] today"),
    ("cc: ANA.LOPEZ+billing@sub.example.co.uk.", "cc: [EMAIL]."),
    ("my old one was j_o-e@mail-host.io, the new one is joe@host.dev",
     "my old one was [EMAIL], the new one is [EMAIL]"),
])
def test_email_addresses(text: str, expected: str) -> None:
    assert redacted(text) == expected


def test_emails_inside_html_are_redacted_once_the_markup_is_gone() -> None:
    html = ('<p>Reach me at <a href="mailto:mia.chen@example.org">mia.chen@example.org</a>'
            ' or mia&#64;work.example</p>')
    assert redacted(body_text(html)) == "Reach me at [EMAIL] or [EMAIL]"


@pytest.mark.parametrize("phone", [
    "+1 (415) 555-0132",
    "(415) 555-0132",
    "415-555-0132",
    "415.555.0132",
    "+44 20 7946 0958",
    "020 7946 0958",
    "07700 900123",
    "07700900123",
    "+33 1 23 45 67 89",
    "+49 30 901820",
    "+353 87 123 4567",
    "+91 98765 43210",
    "+61 2 9374 4000",
    "0049 30 901820",
])
def test_international_phone_formats(phone: str) -> None:
    assert redacted(f"call me on {phone} after six") == "call me on [PHONE] after six"


@pytest.mark.parametrize("text", [
    "order 5531 arrived on 2026-11-24",
    "refund of $84.20 or 1.234.567 points",
    "ref INV-2026-0042 at 10:30",
    "ticket #1234567890 was merged",
    "version 4.2.1 fixed it",
])
def test_numbers_that_are_not_phones_stay(text: str) -> None:
    assert redacted(text) == text


@pytest.mark.parametrize(("card", "kind"), [
    ("4111 1111 1111 1111", "visa with spaces"),
    ("4242-4242-4242-4242", "visa with dashes"),
    ("5555555555554444", "mastercard compact"),
    ("3782 822463 10005", "amex 4-6-5"),
])
def test_luhn_valid_cards_are_redacted(card: str, kind: str) -> None:
    assert redacted(f"I paid with {card} yesterday") == "I paid with [CARD] yesterday", kind


@pytest.mark.parametrize("number", ["4111 1111 1111 1112", "1234567812345678",
                                    "4242-4242-4242-4241"])
def test_numbers_failing_luhn_are_not_redacted_nor_chewed_by_other_detectors(number: str) -> None:
    text = f"tracking number {number} please"
    assert redacted(text) == text


def test_a_card_followed_by_more_digits_is_still_found() -> None:
    assert redacted("card 4242 4242 4242 4242 123 is the cvv") == "card [CARD] 123 is the cvv"


@pytest.mark.parametrize("iban", [
    "GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000",
    "FR76 3000 6000 0112 3456 7890 189",
    "NL91ABNA0417164300",
])
def test_valid_ibans_are_redacted(iban: str) -> None:
    assert redacted(f"refund to {iban} please") == "refund to [IBAN] please"


def test_an_iban_followed_by_capitals_keeps_the_following_word() -> None:
    assert redacted("IBAN GB82 WEST 1234 5698 7654 32 IS mine") == "IBAN [IBAN] IS mine"


@pytest.mark.parametrize("text", ["refund to GB82 WEST 1234 5698 7654 33 please",
                                  "code DE00370400440532013000 is wrong"])
def test_ibans_failing_mod_97_are_not_redacted(text: str) -> None:
    assert redacted(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("my SSN is 123-45-6789.", "my SSN is [NATIONAL_ID]."),
    ("NI number AB 12 34 56 C", "NI number [NATIONAL_ID]"),
    ("NINO: AB123456C", "NINO: [NATIONAL_ID]"),
    ("SIN 046 454 286", "SIN [NATIONAL_ID]"),
    ("DNI 12345678Z y NIE X1234567L", "DNI [NATIONAL_ID] y NIE [NATIONAL_ID]"),
])
def test_national_ids(text: str, expected: str) -> None:
    assert redacted(text) == expected


@pytest.mark.parametrize("text", ["SSN 000-12-3456 is invalid", "prefix GB 12 34 56 A is unused",
                                  "DNI 12345678A has the wrong letter"])
def test_invalid_national_id_shapes_stay(text: str) -> None:
    assert redacted(text) == text


def test_counts_by_kind() -> None:
    text = ("Dana, +1 (415) 555-0132, dana@example.com, dana@work.example, "
            "card 4111111111111111, IBAN DE89370400440532013000, SSN 123-45-6789")
    _, counts = redact_text(text, EVERYTHING)
    assert counts == {"phone": 1, "email": 2, "card": 1, "iban": 1, "national_id": 1}


def test_per_kind_toggles_keep_disabled_kinds_verbatim() -> None:
    policy = RedactionPolicy.from_settings(RedactionSettings(phone=False, card=False))
    text = "call +44 20 7946 0958 or mail x@y.io, card 4111 1111 1111 1111"
    assert redacted(text, policy) == (
        "call +44 20 7946 0958 or mail [EMAIL], card 4111 1111 1111 1111")


def test_redaction_can_be_switched_off() -> None:
    policy = RedactionPolicy.from_settings(RedactionSettings(enabled=False))
    text = "x@y.io +44 20 7946 0958"
    assert redact_text(text, policy) == (text, {})


def test_an_event_has_subject_bodies_and_rating_comment_redacted_and_counted() -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    event = InteractionEvent(
        event_id="generic:a:1", provider="generic", account="a", event_type="t",
        occurred_at=now, received_at=now,
        conversation=Conversation(
            conversation_id="c", channel=Channel.EMAIL, subject="Refund for ana@example.com",
            satisfaction=Satisfaction(rating="bad", comment="call me on 07700 900123")),
        messages=(
            Message(message_id="m1", author_role=AuthorRole.CUSTOMER, body="ana@example.com",
                    created_at=now),
            Message(message_id="m2", author_role=AuthorRole.AGENT, body="Thanks Ana",
                    created_at=now),
        ),
    )
    clean = redact_event(event, EVERYTHING)
    assert clean.conversation.subject == "Refund for [EMAIL]"
    assert clean.conversation.satisfaction is not None
    assert clean.conversation.satisfaction.comment == "call me on [PHONE]"
    assert [m.body for m in clean.messages] == ["[EMAIL]", "Thanks Ana"]
    assert clean.redactions == {"email": 2, "phone": 1}


def test_check_digit_helpers() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert iban_valid("GB82WEST12345698765432")
    assert not iban_valid("GB82WEST1234569876543")
    assert spanish_dni_valid("12345678Z")
    assert spanish_dni_valid("X1234567L")
    assert not spanish_dni_valid("12345678A")
