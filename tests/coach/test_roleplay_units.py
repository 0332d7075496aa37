"""Role-play rotation (pure) and the observers' ratings exported as human labels that the
scorer's training reads (``lab.scorer.human_labels.load_human_labels``), on both databases."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lab.scorer.human_labels import load_human_labels
from services.coach.commands.cli import run_cli
from services.coach.domain.roleplay_roles import position_playing, role_of, roles_in_round
from services.coach.domain.scenario_library import load_library
from services.coach.settings import CoachSettings
from services.coach.store import roleplay_store as store
from services.coach.workflows.roleplay_labels import label_records
from shared.events.scores import DIMENSIONS
from shared.settings import DatabaseSettings
from tests.coach.factories import NOW

TEAM = "zendesk:10000001"
PEOPLE = [f"{TEAM}:90200000000{i}" for i in range(1, 5)]
SCENARIO = "card-frozen-abroad-chat"  # a customer curveball after the first message


def test_three_people_rotate_through_agent_customer_and_observer() -> None:
    assert roles_in_round(0, 3) == ["agent", "customer", "observer"]
    assert roles_in_round(1, 3) == ["customer", "observer", "agent"]
    assert roles_in_round(2, 3) == ["observer", "agent", "customer"]
    assert roles_in_round(3, 3) == roles_in_round(0, 3)  # a full cycle
    # Over three rounds each person plays each role exactly once.
    for position in range(3):
        assert sorted(role_of(position, r, 3) for r in range(3)) == [
            "agent", "customer", "observer"]


def test_with_more_than_three_people_the_extra_people_observe() -> None:
    for round_index in range(5):
        counts = Counter(roles_in_round(round_index, 5))
        assert counts == {"agent": 1, "customer": 1, "observer": 3}
    # Everyone is the agent once in n rounds.
    assert sorted(position_playing("agent", r, 5) for r in range(5)) == [0, 1, 2, 3, 4]


def test_rotation_refuses_fewer_than_three_people_and_positions_outside_the_session() -> None:
    with pytest.raises(ValueError, match="at least 3 participants"):
        role_of(0, 0, 2)
    with pytest.raises(ValueError, match="outside 0..2"):
        role_of(3, 0, 3)


def test_observer_ratings_export_as_human_labels_the_training_reads(
        coach_engine: Engine, database_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    scenario = load_library().get(SCENARIO)
    with coach_engine.begin() as connection:
        record = store.create_roleplay(connection, team_id=TEAM, scenario_id=SCENARIO,
                                       participants=PEOPLE, round_count=2, timebox_minutes=4,
                                       now=NOW)
        agent = PEOPLE[0]  # round 1: position 0 is the agent, 2 and 3 observe
        for text in ("Aoife, that sounds stressful. Let's unfreeze it now.",
                     "With 9% battery: tap 'Yes, that was me' first, then retry."):
            store.add_reply(connection, record.roleplay_id, round_index=0, agent_id=agent,
                            text=text, now=NOW)
        ratings = dict.fromkeys(DIMENSIONS, None) | {"acknowledgment": 0.75, "tone": 0.5,
                                                      "next_steps": 1.0}
        for observer, apology in ((PEOPLE[2], 0.5), (PEOPLE[3], None)):
            store.save_rating(connection, record.roleplay_id, round_index=0,
                              observer_id=observer, ratings=ratings | {"apology": apology},
                              note="quick and kind", now=NOW)
        # A round the agent only spoke in has no text to label: rated, but not exported.
        store.save_rating(connection, record.roleplay_id, round_index=1, observer_id=PEOPLE[3],
                          ratings=ratings, note=None, now=NOW)
    with coach_engine.connect() as connection:
        records = label_records(connection, record, scenario)

    assert [r["annotator"] for r in records] == [
        f"roleplay-{record.roleplay_id}-p3", f"roleplay-{record.roleplay_id}-p4"]
    first = records[0]
    assert first["reply"] == "With 9% battery: tap 'Yes, that was me' first, then retry."
    # The second reply answers the curveball, which came from the customer.
    assert first["customer"] == scenario.curveball.text  # type: ignore[union-attr]
    assert first["history"] == [
        {"role": "customer", "text": scenario.customer_turns[0]},
        {"role": "agent", "text": "Aoife, that sounds stressful. Let's unfreeze it now."}]
    assert first["channel"] == "chat"
    assert first["tone"] == {"raw": 0.5, "channel_adjusted": 0.5}
    assert not any(person in json.dumps(records) for person in PEOPLE)  # names nobody

    path = tmp_path / "labels" / "roleplay.jsonl"
    settings = CoachSettings(environment="development",
                             database=DatabaseSettings(url=database_url))
    assert run_cli(["export-roleplay-labels", "--roleplay", record.roleplay_id,
                    "--out", str(path)], settings=settings) == 0
    assert "2 human label record(s) written" in capsys.readouterr().err
    assert [json.loads(line) for line in path.read_text().splitlines()] == records
    assert run_cli(["export-roleplay-labels", "--roleplay", "rp-nope", "--out",
                    str(tmp_path / "none.jsonl")], settings=settings) == 1
    assert "no role-play 'rp-nope'" in capsys.readouterr().err
    examples = load_human_labels([path])
    assert len(examples) == 1  # two observers of one round: their consensus
    example = examples[0]
    assert example.request.reply == first["reply"]
    assert example.scores["acknowledgment"] == 0.75
    assert example.scores["next_steps"] == 1.0
    assert example.scores["apology"] == 0.5  # one of two says it applies: a tie applies
    assert example.scores["boundaries"] is None
    assert example.tone_adjusted == 0.5


def test_debrief_lines_are_listed_per_team_for_the_phrasebook(coach_engine: Engine) -> None:
    other_team = ["zendesk:20000002:1", "zendesk:20000002:2", "zendesk:20000002:3"]
    with coach_engine.begin() as connection:
        ours = store.create_roleplay(connection, team_id=TEAM, scenario_id=SCENARIO,
                                     participants=PEOPLE[:3], round_count=1,
                                     timebox_minutes=4, now=NOW)
        theirs = store.create_roleplay(connection, team_id="zendesk:20000002",
                                       scenario_id=SCENARIO, participants=other_team,
                                       round_count=1, timebox_minutes=4, now=NOW)
        store.save_debrief(connection, ours.roleplay_id, agent_id=PEOPLE[1],
                           what_worked="Naming the €20 first.",
                           lines=["Let's get you in.", "You did nothing wrong."], now=NOW)
        store.save_debrief(connection, theirs.roleplay_id, agent_id=other_team[0],
                           what_worked="x", lines=["Not our team's line."], now=NOW)
        # Saving again replaces the participant's lines.
        store.save_debrief(connection, ours.roleplay_id, agent_id=PEOPLE[1],
                           what_worked="Naming the €20 first.",
                           lines=["Let's get you in."], now=NOW)
    with coach_engine.connect() as connection:
        lines = store.list_debrief_lines(connection, TEAM)
    assert [(line.text, line.agent_id, line.scenario_id) for line in lines] == [
        ("Let's get you in.", PEOPLE[1], SCENARIO)]
