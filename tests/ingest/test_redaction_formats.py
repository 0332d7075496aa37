"""Personal data as people actually write it, generated inside realistic text.

Each property generates one format (cards with any separator, international phones with + or 00,
internationalised and quoted e-mail addresses) inside prose, next to other numbers, punctuation,
line breaks and NBSP, and asserts nothing of it reaches the published event (``redact_event``).
The end-to-end test posts such deliveries through the real app and reads the topic back.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import phonenumbers
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st
from kafka import KafkaConsumer

from services.ingest.redaction import (
    RedactionPolicy,
    pseudonymised_id,
    redact_event,
    redact_text,
)
from services.ingest.settings import RedactionSettings
from shared.checksums import luhn_valid
from shared.events import (
    INTERACTIONS,
    AuthorRole,
    Channel,
    Conversation,
    InteractionEvent,
    Message,
    Satisfaction,
)
from shared.events.ids import agent_id, conversation_key
from shared.settings import KafkaSettings
from tests.ingest.support import PSEUDONYM_KEY, fixture, signed_post_args

EVERYTHING = RedactionPolicy.everything(PSEUDONYM_KEY.encode())
NOW = datetime(2026, 11, 26, tzinfo=UTC)
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# --- what surrounds the personal data -------------------------------------------------------

WORDS = ("thanks", "for", "waiting", "my", "order", "arrived", "late", "refund", "please",
         "call", "me", "card", "is", "the", "number", "on", "file", "ticket", "Qty", "item",
         "ref", "total", "today", "Zahlung", "merci", "gracias", "tel", "mobile", "new")
SPACES = [" ", "\n", "\u00a0", "\r\n", "\t", " \u00a0"]
PUNCTUATION = ["", ".", ",", ":", ";", "!", "?", ")", "("]
NEARBY_NUMBERS = ["2", "12", "5531", "3 x", "#1234", "2026-11-24", "10:30", "$84.20", "x2",
                  "1", "99", "(2)", "No. 7"]

words = st.lists(st.sampled_from(WORDS), min_size=0, max_size=8).map(" ".join)


@st.composite
def in_text(draw: st.DrawFn, value: str) -> str:
    """``value`` inside prose: words, maybe a number right before or after, punctuation,
    any kind of space or a line break between."""
    before = draw(words)
    after = draw(words)
    if draw(st.booleans()):
        before = f"{before} {draw(st.sampled_from(NEARBY_NUMBERS))}".strip()
    if draw(st.booleans()):
        after = f"{draw(st.sampled_from(NEARBY_NUMBERS))} {after}".strip()
    left = draw(st.sampled_from(PUNCTUATION[:1] + ["(", "\"", "'", "<", "["])) \
        if draw(st.booleans()) else ""
    right = {"(": ")", "\"": "\"", "'": "'", "<": ">", "[": "]"}.get(left, "") \
        + draw(st.sampled_from(PUNCTUATION))
    return (f"{before}{draw(st.sampled_from(SPACES)) if before else ''}{left}{value}{right}"
            f"{draw(st.sampled_from(SPACES)) if after else ''}{after}")


# --- cards ------------------------------------------------------------------------------------

BRANDS = [("4", 16), ("4", 13), ("4", 19), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16),
          ("34", 15), ("37", 15), ("6011", 16), ("65", 16), ("36", 14), ("35", 16), ("62", 19)]
CARD_SEPARATORS = [" ", "-", ".", "/", "\u00a0", "\u202f", "\u2009", " - ", "\u00a0 ", "\u2013"]


def luhn_completed(partial: str) -> str:
    for check in "0123456789":
        if luhn_valid(partial + check):
            return partial + check
    raise AssertionError("one check digit always completes a Luhn number")


@st.composite
def cards(draw: st.DrawFn) -> tuple[str, str]:
    """(as written, digits): groups of four (4-6-5 / 4-6-4 for Amex and Diners) or one block."""
    prefix, length = draw(st.sampled_from(BRANDS))
    body = draw(st.text("0123456789", min_size=length - len(prefix) - 1,
                        max_size=length - len(prefix) - 1))
    digits = luhn_completed(prefix + body)
    if length in (14, 15) and draw(st.booleans()):
        groups = [digits[:4], digits[4:10], digits[10:]]
    else:
        groups = [digits[index:index + 4] for index in range(0, length, 4)]
    if draw(st.integers(0, 5)) == 0:
        return digits, digits
    return draw(st.sampled_from(CARD_SEPARATORS)).join(groups), digits


# --- international phones -----------------------------------------------------------------------

REGIONS = ["GB", "DE", "FR", "ES", "IT", "NL", "BE", "CH", "AT", "IE", "SE", "NO", "DK", "FI",
           "PL", "PT", "US", "CA", "AU", "NZ", "IN", "BR", "MX", "JP", "SG", "ZA", "AE", "IL"]
PHONE_TYPES = [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]


@st.composite
def international_phones(draw: st.DrawFn) -> tuple[str, str]:
    """(as written, country code + national number): a valid number of a real numbering plan,
    written with + or 00, as one block or grouped with spaces, NBSP, dashes or dots."""
    region = draw(st.sampled_from(REGIONS))
    example = phonenumbers.example_number_for_type(region, draw(st.sampled_from(PHONE_TYPES)))
    if example is None:
        reject()
    national = str(example.national_number)
    tail = draw(st.text("0123456789", min_size=3, max_size=3))
    number = phonenumbers.parse(f"+{example.country_code}{national[:-3]}{tail}", None)
    assume(phonenumbers.is_valid_number(number))
    digits = f"{number.country_code}{number.national_number}"
    style = draw(st.sampled_from(["e164", "international", "00", "00 spaced", "dashes", "dots",
                                  "nbsp", "(+cc)"]))
    spaced = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    written = {
        "e164": f"+{digits}",
        "international": spaced,
        "00": f"00{digits}",
        "00 spaced": "00" + spaced[1:],
        "dashes": spaced.replace(" ", "-"),
        "dots": "+" + spaced[1:].replace(" ", ".").replace("-", "."),
        "nbsp": spaced.replace(" ", "\u00a0"),
        "(+cc)": f"(+{number.country_code}) {spaced.split(' ', 1)[1]}",
    }[style]
    return written, digits


# --- e-mail addresses ---------------------------------------------------------------------------

ASCII_LOCAL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
IDN_ALPHABETS = ["äöüßéèàçñøåæ", "абвгдежзиклмнопрстуф", "αβγδεζηθικλμνξοπρστ",
                 "用户例子测试邮件中文", "उदाहरणपयोगकर्ताकॉम", "ตัวอย่างทดสอบ", "例えばテストメール",
                 "مثالاختبار", "דוגמהבדיקה"]
TLDS = ["com", "de", "org", "co.uk", "рф", "中国", "भारत", "ไทย", "укр", "xn--p1ai", "онлайн"]


@st.composite
def email_addresses(draw: st.DrawFn) -> str:
    alphabet = draw(st.sampled_from(IDN_ALPHABETS))
    idn = st.text(alphabet, min_size=1, max_size=10)
    local = draw(st.one_of(
        ASCII_LOCAL, idn,
        st.tuples(ASCII_LOCAL, st.sampled_from([".", "+", "-", "_"]), ASCII_LOCAL).map("".join),
        st.tuples(words.filter(bool), st.just(" ")).map(lambda p: f'"{p[0]}"'),
        st.just('"very.unusual.@.unusual.com"'),
    ))
    domain = draw(st.one_of(ASCII_LOCAL, idn))
    at = draw(st.sampled_from(["@", "@", "@", "\uff20"]))
    return f"{local}{at}{domain}.{draw(st.sampled_from(TLDS))}"


# --- what "reaches the event" means --------------------------------------------------------------

_RUN = re.compile(r"\d+(?:[^\w\n]{1,3}\d+)*")


def digit_runs(text: str) -> list[str]:
    """The digits of every run of numbers in ``text``, separators dropped."""
    return [re.sub(r"\D", "", run) for run in _RUN.findall(text)]


def event_carrying(text: str, **conversation: Any) -> InteractionEvent:
    return InteractionEvent(
        event_id="generic:acme:evt-1", provider="generic", account="acme", event_type="t",
        occurred_at=NOW, received_at=NOW,
        conversation=Conversation(
            conversation_id=conversation.pop("conversation_id", "case-1"), channel=Channel.EMAIL,
            subject=f"Re: {text}", satisfaction=Satisfaction(rating="bad", comment=text),
            **conversation),
        messages=(Message(message_id="generic:acme:case-1:m1", author_role=AuthorRole.CUSTOMER,
                          body=text, created_at=NOW),),
    )


def published_texts(text: str) -> list[str]:
    event = redact_event(event_carrying(text), EVERYTHING, budget_s=2.0)
    assert event.conversation.satisfaction is not None
    texts = [event.conversation.subject or "", event.conversation.satisfaction.comment or "",
             *(message.body for message in event.messages)]
    assert len(texts) == 3
    return texts


def assert_no_digits_of(digits: str, texts: list[str], written: str) -> None:
    for text in texts:
        assert written not in text, text
        assert not any(digits in run for run in digit_runs(text)), (written, text)


# --- properties ---------------------------------------------------------------------------------

@PROPERTY
@given(data=st.data(), card=cards())
def test_a_card_with_any_separator_never_reaches_the_event(
        data: st.DataObject, card: tuple[str, str]) -> None:
    written, digits = card
    text = data.draw(in_text(written))
    assert_no_digits_of(digits, published_texts(text), written)


@PROPERTY
@given(data=st.data(), phone=international_phones())
def test_an_international_phone_never_reaches_the_event(
        data: st.DataObject, phone: tuple[str, str]) -> None:
    written, digits = phone
    text = data.draw(in_text(written))
    # The subscriber's part is what identifies someone: not even that may be left.
    national = digits[-7:]
    assert_no_digits_of(national, published_texts(text), written)


@PROPERTY
@given(data=st.data(), phone=international_phones(), card=cards(),
       between=st.sampled_from([" ", "\u00a0", ", ", " / ", "\n", " card "]),
       phone_first=st.booleans())
def test_a_phone_right_next_to_a_card_leaves_neither(
        data: st.DataObject, phone: tuple[str, str], card: tuple[str, str], between: str,
        phone_first: bool) -> None:
    pair = (phone[0] + between + card[0]) if phone_first else (card[0] + between + phone[0])
    texts = published_texts(data.draw(in_text(pair)))
    assert_no_digits_of(card[1], texts, card[0])
    assert_no_digits_of(phone[1][-7:], texts, phone[0])


@PROPERTY
@given(data=st.data(), address=email_addresses())
def test_an_international_or_quoted_address_never_reaches_the_event(
        data: st.DataObject, address: str) -> None:
    for text in published_texts(data.draw(in_text(address))):
        assert address not in text
        assert "@" not in text, text
        assert "\uff20" not in text, text


@PROPERTY
@given(address=email_addresses().filter(lambda a: re.fullmatch(r"[A-Za-z0-9_.@-]+", a)),
       tag_words=words)
def test_email_shaped_ids_and_tags_become_stable_keyed_pseudonyms(
        address: str, tag_words: str) -> None:
    event = event_carrying(
        "hello", conversation_id=address,
        assignee_id=agent_id("generic", "acme", address),
        customer_id=agent_id("generic", "acme", address.upper()),
        tags=("vip", address, f"{tag_words} {address}".strip()))
    published = redact_event(event, EVERYTHING)
    document = published.model_dump_json()
    assert address.lower() not in document.lower()
    assert "@" not in document
    conversation = published.conversation
    pseudonym = EVERYTHING.pseudonym(address)
    assert re.fullmatch(r"p-[0-9a-f]{24}", pseudonym)
    assert conversation.conversation_id == pseudonym
    assert conversation.assignee_id == conversation.customer_id == f"generic:acme:{pseudonym}"
    assert conversation.tags[:2] == ("vip", pseudonym)
    # Still valid where ids are checked: the Kafka key and the coach's agent id.
    assert published.kafka_key() == conversation_key("generic", "acme", pseudonym)
    assert agent_id("generic", "acme", pseudonym) == conversation.assignee_id
    # Stable for the same key; another key gives another pseudonym.
    assert redact_event(event, EVERYTHING) == published
    assert RedactionPolicy.everything(b"another-key").pseudonym(address) != pseudonym


def test_ids_without_an_address_and_policies_without_email_are_left_alone() -> None:
    event = event_carrying("hi", conversation_id="case-7781", tags=("billing", "@dana"))
    assert redact_event(event, EVERYTHING).conversation == \
        event.conversation.model_copy(update={"subject": "Re: hi"})
    no_email = RedactionPolicy.from_settings(RedactionSettings(email=False), "k")
    kept = event_carrying("hi", conversation_id="dana@example.com")
    assert redact_event(kept, no_email).conversation.conversation_id == "dana@example.com"
    assert pseudonymised_id("zendesk:acct:dana@example.com", EVERYTHING) == \
        f"zendesk:acct:{EVERYTHING.pseudonym('Dana@Example.com ')}"


# --- the reported cases, one by one --------------------------------------------------------------

def test_the_formats_found_getting_through() -> None:
    cases = {
        "Qty 2 4111 1111 1111 1111 please": "Qty 2 [CARD] please",
        "call +44 20 7946 0958 4111 1111 1111 1111": "call [PHONE] [CARD]",
        "call 020 7946 0958 4111 1111 1111 1111": "call [PHONE] [CARD]",
        "4111.1111.1111.1111 or 4111/1111/1111/1111": "[CARD] or [CARD]",
        "card 4111\u00a01111\u00a01111\u00a01111.": "card [CARD].",
        "ring 0044 7700 900123 or 00491512345678": "ring [PHONE] or [PHONE]",
        "mail dörte@müller.de or 用户@例子.广告": "mail [EMAIL] or [EMAIL]",
        'write to "john doe"@example.org now': "write to [EMAIL] now",
        "SSN 123-45-6789 4111 1111 1111 1111": "SSN [NATIONAL_ID] [CARD]",
        "+44 (0)20 7946 0958 / (+44) 20 7946 0958": "[PHONE] / [PHONE]",
    }
    for text, expected in cases.items():
        assert redact_text(text, EVERYTHING)[0] == expected, text


# --- false positives ----------------------------------------------------------------------------

def ordinary_sentence(rng: random.Random) -> str:
    pick = rng.choice
    parts = [
        f"order {rng.randint(1, 10**rng.randint(3, 10))}",
        f"#{rng.randint(1000, 999999)}",
        f"on {rng.randint(2020, 2027)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"on {rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2020, 2027)}",
        f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(2020, 2027)}",
        f"at {rng.randint(0, 23)}:{rng.randint(0, 59):02d}",
        f"at {rng.randint(1, 12)}.{rng.randint(0, 59):02d} pm",
        f"${rng.randint(1, 9999)}.{rng.randint(0, 99):02d}",
        f"€{rng.randint(1, 999)}.{rng.randint(0, 999):03d},{rng.randint(0, 99):02d}",
        f"{rng.randint(1, 99)} x {rng.randint(1, 999)} g",
        f"version {rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 20)}",
        f"INV-{rng.randint(2020, 2027)}-{rng.randint(1, 9999):04d}",
        f"{rng.randint(1, 100)}% off",
        f"between {rng.randint(8, 11)}-{rng.randint(12, 18)}h",
    ]
    return " ".join(pick(WORDS) + " " + pick(parts) for _ in range(rng.randint(1, 4))) + "."


def test_false_positives_stay_rare_on_ordinary_text() -> None:
    rng = random.Random(20261126)
    sentences = [ordinary_sentence(rng) for _ in range(3000)]
    changed = [s for s in sentences if redact_text(s, EVERYTHING)[0] != s]
    assert len(changed) / len(sentences) < 0.01, changed[:20]
    for text in ["order 5531 arrived on 2026-11-24 at 10:30", "refund of $84.20 on 12/03/2025",
                 "ref INV-2026-0042, 3 x 250 g, 1.234.567 points", "between 8-10am tomorrow",
                 "ticket #1234567890 and order 4111 1111 1111 1112"]:
        assert redact_text(text, EVERYTHING)[0] == text


# --- end to end: the real app, a real broker ----------------------------------------------------

BASE = "http://testserver"


def raw_records(kafka: KafkaSettings, *, count: int, timeout_ms: int = 30_000
                ) -> list[tuple[bytes, bytes]]:
    """(key, value) of the first ``count`` records on the interactions topic."""
    consumer = KafkaConsumer(kafka.topic(INTERACTIONS), bootstrap_servers=kafka.bootstrap_servers,
                             group_id=f"raw-{uuid.uuid4().hex[:8]}",
                             auto_offset_reset="earliest", consumer_timeout_ms=timeout_ms)
    try:
        records: list[tuple[bytes, bytes]] = []
        for record in consumer:
            records.append((record.key or b"", record.value))
            if len(records) == count:
                break
        return records
    finally:
        consumer.close()


def test_nothing_of_them_reaches_the_topic(client: TestClient,
                                           kafka_settings: KafkaSettings) -> None:
    rng = random.Random(7)
    card = luhn_completed("4" + "".join(rng.choice("0123456789") for _ in range(14)))
    spaced = " ".join(card[index:index + 4] for index in range(0, 16, 4))
    secrets = {
        "card after a quantity": f"Qty 2 {spaced}",
        "phone then card": f"+44 20 7946 0958 {card[:4]}.{card[4:8]}.{card[8:12]}.{card[12:]}",
        "slashed card": "/".join(card[index:index + 4] for index in range(0, 16, 4)),
        "nbsp card": "\u00a0".join(card[index:index + 4] for index in range(0, 16, 4)),
        "00 phone": "0049 1512 3456789",
        "idn email": "dörte.müller@bäckerei-müller.de",
        "quoted email": '"dana whitfield"@example.org',
    }
    address = "dana.whitfield@example.com"
    body = "\n".join(f"{name}: {value}." for name, value in secrets.items())
    recorded = fixture("generic", "delivery")
    document: dict[str, Any] = json.loads(recorded.body)
    document.update(event_id="pii-formats-1")
    document["conversation"].update(id=address, assignee_id="agent.lee@example.com",
                                    customer_id=address, tags=["vip", address],
                                    subject=f"Refund to {spaced}")
    document["messages"][0].update(author_id=address, body=body)
    posted = [document]

    zendesk = json.loads(fixture("zendesk", "comment_added").body)
    zendesk["id"] = "01JBY5Q8M4W3C6ZK2T9V7XPII1"
    zendesk["event"]["comment"]["body"] = (
        f"Card {secrets['nbsp card']} and phone\u00a0{secrets['00 phone']}, mail "
        f"{secrets['idn email']}")
    zendesk["detail"]["tags"] = ["billing", address]

    for provider, name, payload in [("generic", "delivery", document),
                                    ("zendesk", "comment_added", zendesk)]:
        args = signed_post_args(fixture(provider, name), BASE,
                                body=json.dumps(payload).encode())
        response = client.post(args["url"], content=args["content"], headers=args["headers"])
        assert response.status_code == 200, response.text
    records = raw_records(kafka_settings, count=1 + len(posted))
    assert len(records) == 2
    forbidden = [*secrets.values(), address, "agent.lee@example.com", card, "7946 0958",
                 "1512 3456789", "dörte", "dana whitfield"]
    for key, value in records:
        record = key.decode() + "\n" + json.dumps(json.loads(value), ensure_ascii=False)
        for text in forbidden:
            assert text not in record, (text, record)
        assert not any(card in run or "4915123456789" in run for run in digit_runs(record))
        assert "@" not in record
    (key, value), = [(key, value) for key, value in records
                     if json.loads(value)["provider"] == "generic"]
    event = json.loads(value)
    pseudonym = EVERYTHING.pseudonym(address)
    assert key.decode() == f"generic:inhouse-crm:{pseudonym}"
    assert event["conversation"]["customer_id"] == f"generic:inhouse-crm:{pseudonym}"
    assert event["redactions"]["card"] >= 4
