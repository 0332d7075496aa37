"""The team view and before/after experiments through the API, on both databases.

A team of eight agents has four weeks of scored replies: the four who practised acknowledgment
improved on it by known amounts, the other four barely moved. The lead defines the experiment,
reads the change per group with intervals, the difference-in-differences and the CSV; every
endpoint refuses agents, reviewers and other teams' leads.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.coach.commands.cli import run_cli
from services.coach.store.calibration_tables import (
    circle_items,
    circle_ratings,
    circle_reviewers,
    circles,
)
from services.coach.store.experiment_tables import conversation_outcomes
from services.coach.store.outcomes import record_outcomes
from services.coach.web.links import issue_staff_token
from services.coach.workflows import calibration
from shared.events.interactions import Channel, Conversation, InteractionEvent, Satisfaction
from shared.events.scores import DIMENSIONS, ScoreEvent
from shared.events.topics import INTERACTIONS
from shared.settings import KafkaSettings
from tests.coach.conftest import LINK_SECRET, CoachHarness
from tests.coach.factories import score_event, uniform_scores
from tests.coach.kafka_helpers import produce

pytestmark = pytest.mark.kafka

TEAM = "zendesk:10000001"
OTHER_TEAM = "zendesk:20000002"
COHORT = [f"{TEAM}:90200000000{i}" for i in range(1, 5)]
COMPARISON = [f"{TEAM}:90200000001{i}" for i in range(1, 5)]
OUTSIDER = f"{OTHER_TEAM}:902000000099"
LEAD = f"{TEAM}:700000000001"
BASELINE_DAY = datetime(2026, 11, 3, 10, tzinfo=UTC)  # inside 2026-11-02 .. 2026-11-08
PRACTICE_DAY = datetime(2026, 11, 17, 10, tzinfo=UTC)  # inside 2026-11-16 .. 2026-11-22
# Acknowledgment per agent: (baseline score, practice score, practice replies). Changes:
# cohort +0.2, +0.1, +0.3, +0.2 (mean +0.2); comparison 0, +0.05, -0.05, +0.04 (mean +0.01).
SCORES = {COHORT[0]: (0.3, 0.5, 12), COHORT[1]: (0.4, 0.5, 2), COHORT[2]: (0.2, 0.5, 2),
          COHORT[3]: (0.35, 0.55, 3), COMPARISON[0]: (0.5, 0.5, 3),
          COMPARISON[1]: (0.45, 0.5, 2), COMPARISON[2]: (0.6, 0.55, 4),
          COMPARISON[3]: (0.4, 0.44, 2), OUTSIDER: (0.1, 0.9, 3)}
DEFINITION: dict[str, Any] = {
    "name": "Acknowledgment sprint", "dimension": "acknowledgment", "cohort": COHORT,
    "baseline_from": "2026-11-02", "baseline_to": "2026-11-08",
    "practice_from": "2026-11-16", "practice_to": "2026-11-22"}


def history() -> list[ScoreEvent]:
    events: list[ScoreEvent] = []
    index = 0
    for agent, (before, after, practice_replies) in SCORES.items():
        for count, day, score in ((3, BASELINE_DAY, before),
                                  (practice_replies, PRACTICE_DAY, after)):
            for k in range(count):
                index += 1
                events.append(score_event(agent, index, uniform_scores(0.6, acknowledgment=score),
                                          at=day + timedelta(minutes=k)))
    # Outside both windows: must not count.
    events.append(score_event(COHORT[0], 999, uniform_scores(0.6, acknowledgment=1.0),
                              at=datetime(2026, 11, 12, tzinfo=UTC)))
    return events


def outcome_events() -> list[InteractionEvent]:
    """Ratings and reopens of three agents per group (the fourth of each has none): the
    cohort's ratings rise from 50% to 100% and its conversations stop reopening; the
    comparison's stay at 50% and keep reopening."""
    events = []
    for agent in COHORT[:3] + COMPARISON[:3]:
        practised = agent in COHORT
        for window, day, score, reopens in (("b", BASELINE_DAY, 0.5, True),
                                            ("p", PRACTICE_DAY, 1.0 if practised else 0.5,
                                             not practised)):
            conversation = f"{window}-{agent.rsplit(':', 1)[-1]}"
            closed = interaction(agent, conversation, day, "solved",
                                 Satisfaction(rating="good", score=score))
            events += [closed, closed]  # a redelivery changes nothing
            if reopens:
                events.append(interaction(agent, conversation, day + timedelta(days=1), "open"))
    events.append(interaction(None, "unassigned", BASELINE_DAY, "solved",
                              Satisfaction(rating="bad")))
    return events


def interaction(agent: str | None, conversation: str, at: datetime, status: str,
                satisfaction: Satisfaction | None = None) -> InteractionEvent:
    provider, account = TEAM.split(":")
    return InteractionEvent(
        event_id=f"{TEAM}:{conversation}:{status}", provider=provider, account=account,
        event_type="ticket.updated", occurred_at=at, received_at=at,
        conversation=Conversation(conversation_id=conversation, channel=Channel.CHAT,
                                  status=status, assignee_id=agent, satisfaction=satisfaction))


def reveal_a_circle(coach: CoachHarness) -> None:
    """A revealed calibration circle of the team (two reviewers, four replies), written as the
    calibration routes would leave it: the team view reads its agreement."""
    circle, at = "circle-1", coach.clock() - timedelta(days=1)
    rows: dict[sa.Table, list[dict[str, Any]]] = {
        circles: [{"circle_id": circle, "team_id": TEAM, "title": "November chat",
                   "filters": {}, "status": "revealed", "created_at": at, "revealed_at": at}],
        circle_items: [{"circle_id": circle, "position": p, "message_id": f"m{p}",
                        "agent_id": COHORT[p], "customer_id": None, "channel": "chat",
                        "model_version": "m1", "customer": "Where is it?", "history": [],
                        "reply": "On its way.", "model_scores": dict.fromkeys(DIMENSIONS, p / 4)}
                       for p in range(4)],
        circle_reviewers: [{"circle_id": circle, "reviewer_id": f"{TEAM}:rev{r}",
                            "submitted_at": at} for r in (1, 2)],
        circle_ratings: [{"circle_id": circle, "position": p, "reviewer_id": f"{TEAM}:rev{r}",
                          "labels": dict.fromkeys(DIMENSIONS, min(1.0, (p + r - 1) / 4)),
                          "rated_at": at}
                         for p in range(4) for r in (1, 2)],
    }
    with coach.engine.begin() as connection:
        for table, values in rows.items():
            connection.execute(sa.insert(table), values)


def staff(coach: CoachHarness, role: str, team: str = TEAM,
          person: str = LEAD) -> dict[str, str]:
    token = issue_staff_token(person, role, team, LINK_SECRET,  # type: ignore[arg-type]
                              expires_at=coach.clock() + timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: Any, status: int, detail: str = "") -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]


def test_a_lead_measures_an_experiment_and_exports_it(coach: CoachHarness, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Each experiment's bootstrap is seeded at random. With four agents about one seed in 250
    # draws too few resamples of the lowest agent alone for the widened percentile to reach
    # its change exactly (0.125 instead of 0.1: a CI run met one), so the exact figures below
    # are asserted for one fixed seed.
    monkeypatch.setattr("services.coach.store.experiment_store.secrets.randbelow",
                        lambda _: 20261207)
    coach.seed_scores(history())
    with coach.engine.begin() as connection:  # what the gratitude consumer writes
        record_outcomes(connection, outcome_events(), now=coach.clock())
    reveal_a_circle(coach)
    lead = staff(coach, "lead")
    created = coach.client.post(f"/v1/teams/{TEAM}/experiments", headers=lead, json=DEFINITION)
    assert created.status_code == 201, created.text
    experiment = created.json()
    assert experiment["comparison"] == COMPARISON  # the team's other agents by default
    result = experiment["result"]
    cohort, comparison = result["cohort"], result["comparison"]
    assert cohort["change"] == pytest.approx(0.2)  # each agent once, whatever their volume
    assert (cohort["agents_measured"], cohort["baseline_messages"],
            cohort["practice_messages"]) == (4, 12, 19)
    assert comparison["change"] == pytest.approx(0.01)
    assert result["difference"] == pytest.approx(0.19)
    assert cohort["interval"]["low"] <= 0.2 <= cohort["interval"]["high"]
    # Four agents: the widened percentiles reach the smallest and largest changes.
    assert cohort["interval"]["low"] == pytest.approx(0.1)
    assert cohort["interval"]["high"] == pytest.approx(0.3)
    assert 0 < result["difference_interval"]["low"] < 0.19 < result["difference_interval"]["high"]
    assert result["model_versions_practice"] == [history()[0].model_version]
    assert "+20.0 points" in result["summary"]
    assert "+19.0 points" in result["summary"]
    satisfaction, reopened = experiment["outcomes"]
    assert (satisfaction["measure"], reopened["measure"]) == ("satisfaction ratings",
                                                              "reopened conversations")
    assert satisfaction["available"]
    assert satisfaction["cohort"]["agents_measured"] == 3
    assert satisfaction["cohort"]["change"] == pytest.approx(0.5)
    assert satisfaction["comparison"]["change"] == pytest.approx(0.0)
    assert satisfaction["difference"] == pytest.approx(0.5)
    assert reopened["cohort"]["change"] == pytest.approx(-1.0)
    assert reopened["comparison"]["change"] == pytest.approx(0.0)
    assert (reopened["cohort"]["baseline_messages"], reopened["cohort"]["practice_messages"]) \
        == (3, 3)

    path = f"/v1/teams/{TEAM}/experiments/{experiment['experiment_id']}"
    again = coach.client.get(path, headers=lead).json()
    assert again["result"] == result  # seeded: the same interval every time

    exported = coach.client.get(f"{path}.csv", headers=lead)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["group"] for r in rows[:3]] == ["cohort", "comparison",
                                              "difference (cohort - comparison)"]
    assert float(rows[0]["change"]) == pytest.approx(0.2)
    assert float(rows[2]["ci_low"]) == pytest.approx(result["difference_interval"]["low"],
                                                     abs=1e-6)
    assert [(r["measure"], r["group"]) for r in rows[3:]] == [
        (measure, group) for measure in ("satisfaction ratings", "reopened conversations")
        for group in ("cohort", "comparison", "difference (cohort - comparison)")]
    assert float(rows[5]["change"]) == pytest.approx(0.5)
    assert not any(agent in exported.text for agent in COHORT + COMPARISON)  # groups only

    out = tmp_path / "experiment.csv"  # the CLI writes the very same rows
    assert run_cli(["experiment-csv", "--experiment", experiment["experiment_id"], "--out",
                    str(out)], settings=coach.settings) == 0
    assert out.read_bytes() == exported.content
    assert run_cli(["experiment-csv", "--experiment", "exp_missing"],
                   settings=coach.settings) == 1
    assert "no experiment 'exp_missing'" in capsys.readouterr().err

    listed = coach.client.get(f"/v1/teams/{TEAM}/experiments", headers=lead).json()
    assert [(e["name"], e["cohort_size"], e["comparison_size"])
            for e in listed["experiments"]] == [("Acknowledgment sprint", 4, 4)]
    page = coach.client.get(f"{path}.html", headers=lead).text
    assert "Acknowledgment sprint" in page
    assert 'id="interval-chart"' in page

    view = coach.client.get(f"/v1/teams/{TEAM}/view", headers=lead).json()
    assert view["agents"] == 8
    ack = next(s for s in view["skills"] if s["dimension"] == "acknowledgment")
    assert [p["week"] for p in ack["points"]] == ["2026-W45", "2026-W46", "2026-W47"]
    assert ack["points"][0]["scored_count"] == 24  # eight agents, three replies each
    assert view["open_disputes"] == 0
    health = view["calibration"]
    assert (health["circles"], health["revealed"]) == (1, 1)
    assert health["latest_title"] == "November chat"
    with coach.engine.connect() as connection:  # the circle's own figures, per skill
        circle = calibration.get_circle(connection, "circle-1")
        expected = calibration.results(connection, circle).dimensions
    assert [(a["dimension"], a["reviewers_alpha"], a["model_alpha"])
            for a in health["agreement"]] == [
        (d.dimension, d.reviewers_alpha, d.model_alpha) for d in expected]
    assert any(a["reviewers_alpha"] is not None for a in health["agreement"])
    assert OUTSIDER not in str(view)


def test_a_definition_that_does_not_fit_the_team_is_refused_with_the_reason(
        coach: CoachHarness) -> None:
    coach.seed_scores(history())
    lead, url = staff(coach, "lead"), f"/v1/teams/{TEAM}/experiments"
    for change, detail in (
            ({"cohort": [OUTSIDER]}, f"{OUTSIDER} is not an agent of team {TEAM}"),
            ({"comparison": [COHORT[0]]}, "cannot be in both the cohort and the comparison"),
            ({"baseline_to": "2026-11-20"}, "must end before the practice window starts"),
            ({"practice_from": "2026-11-23"}, "practice_from is after practice_to"),
            ({"cohort": ["agent-7"]}, "is not '<provider>:<account>:<user id>'")):
        assert_problem(coach.client.post(url, headers=lead, json={**DEFINITION, **change}), 422,
                       detail)
    assert coach.client.post(url, headers=lead, json={**DEFINITION, "cohort": []}
                             ).status_code == 422
    assert_problem(coach.client.get("/v1/teams/zendesk/view", headers=lead), 422,
                   "is not '<provider>:<account>'")


def test_only_the_teams_lead_and_the_admin_reach_any_team_endpoint(coach: CoachHarness) -> None:
    coach.seed_scores(history())
    created = coach.client.post(f"/v1/teams/{TEAM}/experiments", headers=staff(coach, "lead"),
                                json=DEFINITION).json()
    experiment = f"/v1/teams/{TEAM}/experiments/{created['experiment_id']}"
    reads = [f"/v1/teams/{TEAM}/view", f"/v1/teams/{TEAM}/view.html",
             f"/v1/teams/{TEAM}/skills-chart.svg", f"/v1/teams/{TEAM}/agents",
             f"/v1/teams/{TEAM}/experiments", experiment, f"{experiment}.csv",
             f"{experiment}.html"]
    refused = {"an agent of the team": coach.as_agent(COHORT[0]),
               "a reviewer of the team": staff(coach, "reviewer"),
               "another team's lead": staff(coach, "lead", OTHER_TEAM, f"{OTHER_TEAM}:7")}
    for who, headers in refused.items():
        for path in reads:
            response = coach.client.get(path, headers=headers)
            assert response.status_code == 403, (who, path)
        assert coach.client.post(f"/v1/teams/{TEAM}/experiments", headers=headers,
                                 json=DEFINITION).status_code == 403, who
    for path in reads:
        assert coach.client.get(path).status_code == 401
        assert coach.client.get(path, headers=staff(coach, "lead")).status_code == 200, path
        assert coach.client.get(path, headers=coach.as_admin).status_code == 200, path
    # Another team's lead asking under their own team: the experiment is not theirs to see.
    other_lead = staff(coach, "lead", OTHER_TEAM, f"{OTHER_TEAM}:7")
    foreign = experiment.replace(TEAM, OTHER_TEAM)
    for suffix in ("", ".csv", ".html"):
        assert_problem(coach.client.get(foreign + suffix, headers=other_lead), 404,
                       "has no experiment")
    # The pages: an agent's link gets a refusal page, a lead's the page.
    page = coach.client.get("/team", params={"token": coach.token(COHORT[0])})
    assert page.status_code == 403
    assert "team leads" in page.text
    lead_token = staff(coach, "lead")["Authorization"].removeprefix("Bearer ")
    page = coach.client.get("/team", params={"token": lead_token})
    assert page.status_code == 200
    assert f'data-team-id="{TEAM}"' in page.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_running_coach_records_outcomes_from_the_interactions_topic(
        coach: CoachHarness, kafka_settings: KafkaSettings) -> None:
    produce(kafka_settings, kafka_settings.topic(INTERACTIONS), outcome_events())
    table = conversation_outcomes.c
    deadline = time.monotonic() + 60
    rows: Sequence[Any] = []
    while time.monotonic() < deadline:  # the consumer is asynchronous: poll its table
        with coach.engine.connect() as connection:
            rows = connection.execute(sa.select(conversation_outcomes)
                                      .order_by(table.conversation_key)).all()
        # Everything arrived: every baseline conversation and the comparison's later ones
        # were reopened (nine), the cohort's later ones not.
        if len(rows) == 12 and sum(r.reopened_at is not None for r in rows) == 9:
            break
        time.sleep(0.2)
    assert len(rows) == 12  # six agents, two conversations each; the unassigned one skipped
    by_conversation = {r.conversation_key.split(":")[-1]: r for r in rows}
    cohort_after = by_conversation[f"p-{COHORT[0].rsplit(':', 1)[-1]}"]
    assert cohort_after.rating_score == 1.0
    assert cohort_after.reopened_at is None
    comparison_after = by_conversation[f"p-{COMPARISON[0].rsplit(':', 1)[-1]}"]
    assert comparison_after.rating_score == 0.5
    assert comparison_after.reopened_at is not None
