"""What the practice page says after a reply, and how the coach names channels (pure, no DB)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from services.coach.domain.policy import _plan
from services.coach.domain.scenario_library import load_library
from services.coach.domain.wording import channel_drill, channel_name
from services.coach.store.attempt_store import AttemptRecord
from services.coach.web.page_shell import STATIC
from services.coach.workflows.practice import (
    Feedback,
    feedback,
    feedback_in_order,
    in_practice_order,
)
from shared.events.interactions import Channel
from tests.coach.factories import NOW

PAGE = STATIC / "practice.html"
APOLOGY_TIP = {"dimension": "apology", "framework": "L.A.S.T. (Apologise)",
               "text": "Apologise once, for the specific impact."}
ACK_TIP = {"dimension": "acknowledgment", "framework": "NURSE (Name, Understand)",
           "text": "Before fixing anything, say what happened and how it feels."}
NEXT_TIP = {"dimension": "next_steps", "framework": "L.A.S.T. (Solve)",
            "text": "Spell out what happens next."}


def attempt(turn: int, scores: dict[str, float | None], suggestions: list[dict[str, str]], *,
            evidence: dict[str, list[str]] | None = None,
            target: str = "acknowledgment") -> AttemptRecord:
    return AttemptRecord(
        attempt_id=f"a{turn}", assignment_id="d1", turn=turn, reply="ok", scores=scores,
        overall=0.5, target_score=scores.get(target), evidence=evidence or {},
        suggestions=suggestions, model_version="test", created_at=NOW + timedelta(minutes=turn))


@pytest.mark.parametrize("channel", list(Channel))
def test_channels_are_named_as_people_say_them(channel: Channel) -> None:
    phrase = channel_drill(channel)
    assert "_" not in phrase
    assert "_" not in channel_name(channel)
    article, first = phrase.split()[:2]
    vowel_sound = first[0].lower() in "aeiou" or first in ("SMS",)
    assert article == ("an" if vowel_sound else "a"), phrase


def test_channel_phrases_have_the_right_article() -> None:
    assert channel_drill("email") == "an email drill"
    assert channel_drill("web_form") == "a web form drill"
    assert channel_drill("sms") == "an SMS drill"
    assert channel_drill("chat") == "a chat drill"


def test_the_assignment_reason_names_the_channel_grammatically() -> None:
    from services.coach.domain.focus import FocusChange, FocusChoice
    from services.coach.domain.profile_math import DimensionEstimate

    library = load_library()
    estimate = DimensionEstimate(
        dimension="acknowledgment", estimate=0.3, interval_low=0.2, interval_high=0.4,
        standard_error=0.05, effective_n=12.0, scored_messages=12, raw_mean=0.3,
        team_mean=0.6, shrinkage_weight=0.8, last_message_at=NOW)
    choice = FocusChoice("acknowledgment", estimate, FocusChange.NEW,
                         "Acknowledgment is your lowest skill.")
    for scenario in library:
        planned = _plan("agent-1", "2026-W48", 0, scenario, choice, 2)
        text = planned.reason.explanation
        assert not re.search(r"\b[a-z]+_[a-z]+\b", text), text
        assert not re.search(r"\ba (?:email|SMS|other)\b", text), text
        assert channel_drill(scenario.channel) in text


def test_praise_is_not_labelled_as_a_tip() -> None:
    good = attempt(0, {"acknowledgment": 0.9}, [],
                   evidence={"acknowledgment": ["That sounds maddening."]})
    shown = feedback(good, "acknowledgment")
    assert shown.kind == "praise"
    assert "That sounds maddening." in shown.text
    page = PAGE.read_text(encoding="utf-8")
    assert 'feedback_kind === "praise"' in page
    assert '"Try this: " + attempt.feedback' not in page  # no unconditional "Try this:"


def test_a_low_score_without_suggestions_is_not_praised() -> None:
    weak = attempt(0, {"acknowledgment": 0.2}, [],
                   evidence={"acknowledgment": ["We apologise for any inconvenience."]})
    assert feedback(weak, "acknowledgment").kind == "tip"


def test_the_target_tip_comes_first() -> None:
    shown = feedback(attempt(0, {"acknowledgment": 0.2, "next_steps": 0.1},
                             [NEXT_TIP, ACK_TIP]), "acknowledgment")
    assert shown == Feedback("tip", ACK_TIP["text"], "acknowledgment")


def test_a_tip_just_given_is_not_given_again() -> None:
    # Turn 0 got the acknowledgment tip; replying "ok" to the curveball is weak again.
    first = attempt(0, {"acknowledgment": 0.2, "next_steps": 0.3}, [ACK_TIP, NEXT_TIP])
    second = attempt(1, {"acknowledgment": 0.1, "next_steps": 0.2}, [ACK_TIP, NEXT_TIP])
    shown = [given for _, given in feedback_in_order([first, second], "acknowledgment")]
    assert shown[0].dimension == "acknowledgment"
    assert shown[1].dimension == "next_steps"
    assert shown[1].text != shown[0].text


def test_when_the_only_tip_was_just_given_the_coach_says_something_new() -> None:
    first = attempt(0, {"acknowledgment": 0.2}, [ACK_TIP])
    second = attempt(1, {"acknowledgment": 0.1}, [ACK_TIP])
    [(_, before), (_, after)] = feedback_in_order([first, second], "acknowledgment")
    assert after.kind == "tip"
    assert after.text != before.text
    assert ACK_TIP["text"] not in after.text


def test_no_second_apology_after_the_agent_apologised() -> None:
    # Turn 0: the agent apologised well. Turn 1: an empathetic follow-up with no new sorry.
    first = attempt(0, {"acknowledgment": 0.8, "apology": 0.9}, [])
    second = attempt(1, {"acknowledgment": 0.4, "apology": 0.2}, [APOLOGY_TIP, ACK_TIP])
    [_, (_, shown)] = feedback_in_order([first, second], "next_steps")
    assert shown.dimension == "acknowledgment"


def test_a_tip_the_agent_followed_is_not_repeated_later() -> None:
    first = attempt(0, {"acknowledgment": 0.6, "next_steps": 0.2}, [NEXT_TIP],
                    target="next_steps")
    second = attempt(1, {"acknowledgment": 0.8, "next_steps": 0.9}, [],  # followed it
                     target="next_steps")
    third = attempt(2, {"acknowledgment": 0.3, "next_steps": 0.3}, [ACK_TIP, NEXT_TIP],
                    target="next_steps")
    shown = [given for _, given in feedback_in_order([first, second, third], "next_steps")]
    assert shown[0].dimension == "next_steps"
    assert shown[1].kind == "praise"
    assert shown[2].dimension == "acknowledgment"


def test_attempts_in_the_same_instant_go_by_turn() -> None:
    late = attempt(1, {"acknowledgment": 0.1}, [ACK_TIP])
    early = attempt(0, {"acknowledgment": 0.1}, [ACK_TIP])
    same_time = [AttemptRecord(**{**vars(a), "created_at": NOW}) for a in (late, early)]
    assert [a.turn for a in in_practice_order(same_time)] == [0, 1]
