from __future__ import annotations

import re

import pytest

from services.scorer.model import ScoreRequest, Turn
from services.scorer.model.jsonl import parse_request_line
from services.scorer.model.rubric import canonical_channel, overall_score


def test_unknown_channel_error_names_the_allowed_channels() -> None:
    with pytest.raises(ValueError, match="unknown channel 'pigeon'") as error:
        ScoreRequest(channel="pigeon", customer="Hi", reply="Hello")
    for channel in ("email", "chat", "voice", "social", "sms"):
        assert channel in str(error.value)


@pytest.mark.parametrize(
    ("alias", "channel"),
    [("WhatsApp", "messaging"), ("phone", "voice"), ("Twitter", "social"), ("e-mail", "email"),
     ("live chat", "chat"), ("web-form", "web_form")],
)
def test_common_channel_aliases_map_to_schema_channels(alias: str, channel: str) -> None:
    assert canonical_channel(alias) == channel
    assert ScoreRequest(channel=alias, customer="Hi", reply="Hello").channel == channel


def test_empty_reply_is_rejected() -> None:
    with pytest.raises(ValueError, match="reply is empty"):
        ScoreRequest(channel="chat", customer="Where is my parcel?", reply="   ")


def test_customer_may_be_empty_only_with_history() -> None:
    with pytest.raises(ValueError, match="no history"):
        ScoreRequest(channel="chat", customer="", reply="Hello")
    request = ScoreRequest(
        channel="chat", customer="", reply="Hello", history=(Turn("customer", "Parcel late"),)
    )
    assert request.history[0].text == "Parcel late"


def test_history_role_is_validated() -> None:
    with pytest.raises(ValueError, match="history role"):
        Turn(role="manager", text="hi")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"channel": "chat", "reply": "hi"}', "missing field(s): customer"),
        ('{"channel": "chat", "customer": 3, "reply": "hi"}', "'customer' must be a string"),
        ('{"channel": "fax", "customer": "a", "reply": "b"}', "unknown channel 'fax'"),
        ('{"channel": "chat", "customer": "a", "reply": ""}', "reply is empty"),
        ('{"channel": "chat", "customer": "a", "reply": "b", "history": "x"}', "'history'"),
        ('{"channel": "chat", "customer": "a", "reply": "b", "history": [{"role": "ceo", '
         '"text": "x"}]}', "history[0]"),
        ("", "empty line"),
    ],
)
def test_bad_lines_give_a_specific_reason(line: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_request_line(line)


def test_overall_is_the_weighted_mean_of_applicable_scores() -> None:
    scores = {"apology": None, "boundaries": None, "tone": 0.5, "ownership": 0.5}
    assert overall_score(scores) == 0.5
    high_ack = overall_score({"acknowledgment": 1.0, "exploration": 0.0})
    assert high_ack == pytest.approx(1.5 / (1.5 + 0.75))
