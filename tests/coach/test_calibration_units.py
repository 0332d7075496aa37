"""The maths and formats of calibration circles and disputes, without a service.

Krippendorff's alpha is checked against the worked example in Krippendorff (2011), "Computing
Krippendorff's Alpha-Reliability" (4 observers, 12 units, with missing values): interval 0.849,
nominal 0.743. A correction applied to stored profile sums must equal the profile the consumer
builds from the corrected score. Staff sign-in tokens carry a role and a team, canonically.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import krippendorff
import numpy as np
import pytest

from lab.scorer.agreement import load_annotated
from lab.scorer.human_labels import load_human_labels, read_annotations
from services.coach.commands.cli import run_cli
from services.coach.domain.calibration_math import (
    RatedItem,
    circle_agreement,
    consensus,
    disagreement,
    interval_alpha,
    on_scale,
)
from services.coach.domain.score_batches import aggregate_scores
from services.coach.schemas.calibration import ResolutionIn, RubricLabels
from services.coach.settings import CoachSettings
from services.coach.store.calibration_sample import Candidate, SampleFilters, choose
from services.coach.store.message_texts import context_of
from services.coach.store.score_corrections import corrected
from services.coach.web.links import (
    InvalidToken,
    _b64encode,
    _mac,
    issue_staff_token,
    issue_token,
    verify_claims,
    verify_token,
)
from services.coach.workflows.label_export import label_record, write_jsonl
from shared.events.scores import DIMENSIONS
from tests.coach.factories import score_event, uniform_scores

N = None
# Krippendorff (2011), section C: observers x units, None = missing.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
SECRET = "link-secret-for-tests-0123456789"
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
A = "zendesk:10000001:902000000001"


def test_interval_alpha_matches_krippendorffs_published_worked_example() -> None:
    assert interval_alpha(KRIPPENDORFF_2011) == pytest.approx(0.849, abs=0.0005)
    # The library agrees with the published nominal figure on the same data, too.
    data = np.array([[math.nan if v is None else v for v in row] for row in KRIPPENDORFF_2011])
    assert krippendorff.alpha(reliability_data=data, level_of_measurement="nominal") == \
        pytest.approx(0.743, abs=0.0005)


def test_alpha_is_one_for_perfect_agreement_and_undefined_without_pairs_or_variation() -> None:
    assert interval_alpha([[0.0, 0.5, 1.0], [0.0, 0.5, 1.0]]) == pytest.approx(1.0)
    assert interval_alpha([[0.5, 0.5], [0.5, 0.5]]) is None  # no variation
    assert interval_alpha([[0.5, N], [N, 0.25]]) is None  # no reply rated twice
    opposite = interval_alpha([[0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 0.0]])
    assert opposite is not None
    assert opposite < 0  # systematic disagreement


def test_the_consensus_follows_the_human_labels_rule_and_the_model_is_put_on_the_scale() -> None:
    ratings = [{**dict.fromkeys(DIMENSIONS, 0.5), "apology": None, "tone": 0.75},
               {**dict.fromkeys(DIMENSIONS, 1.0), "apology": 0.25, "boundaries": None},
               {**dict.fromkeys(DIMENSIONS, 0.75), "apology": None, "boundaries": None}]
    agreed = consensus(ratings)
    assert agreed["acknowledgment"] == pytest.approx(0.75)
    assert agreed["apology"] is None  # two of three say it does not apply
    assert agreed["boundaries"] is None
    assert consensus(ratings[:2])["apology"] == 0.25  # a tie: it applies
    assert [on_scale(v) for v in (0.0, 0.12, 0.125, 0.6, 0.9, 1.0, None)] == \
        [0.0, 0.0, 0.25, 0.5, 1.0, 1.0, None]
    assert disagreement(ratings[:1]) == 0.0
    assert disagreement([ratings[0], ratings[0]]) == 0.0
    assert 0 < disagreement(ratings) <= 1


def test_circle_agreement_reports_reviewers_and_the_model_against_their_consensus() -> None:
    people = [0.0, 0.25, 0.5, 0.75, 1.0, 0.5]
    items = [RatedItem(model_scores=dict.fromkeys(DIMENSIONS, value),
                       ratings=[dict.fromkeys(DIMENSIONS, value),
                                dict.fromkeys(DIMENSIONS, value)])
             for value in people]
    report = {row.dimension: row for row in circle_agreement(items, 2)}
    assert report["tone"].reviewers_alpha == pytest.approx(1.0)
    assert report["tone"].model_alpha == pytest.approx(1.0)
    assert report["tone"].rated_replies == len(people)
    # A model that says the opposite of the people: alpha below zero.
    flipped = [RatedItem(model_scores=dict.fromkeys(DIMENSIONS, 1.0 - value),
                         ratings=item.ratings) for item, value in zip(items, people, strict=True)]
    flipped_alpha = circle_agreement(flipped, 2)[0].model_alpha
    assert flipped_alpha is not None
    assert flipped_alpha < 0


def test_the_disagreement_filter_puts_peoples_disagreement_first_then_the_unusual() -> None:
    def candidate(index: int, score: float) -> Candidate:
        return Candidate(message_id=f"m{index}", agent_id=A, channel="chat", model_version="v",
                         scores={**dict.fromkeys(DIMENSIONS, 0.5), "apology": score})

    found = [candidate(i, 0.5) for i in range(20)] + [candidate(20, 0.95), candidate(21, 0.55)]
    filters = SampleFilters(date_from=date(2026, 11, 1), date_to=date(2026, 11, 30),
                            dimension="apology", disagreement=True)
    picked = choose(found, filters, 3, seed="x", gaps={"m21": {"apology": 0.5}})
    assert [c.message_id for c in picked] == ["m21", "m20"]  # nothing else is unusual
    random_filters = SampleFilters(date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    first = choose(found, random_filters, 5, seed="circle-1", gaps={})
    assert first == choose(found, random_filters, 5, seed="circle-1", gaps={})
    assert len(first) == 5
    assert first != found[:5]  # drawn, not the most recent


def test_a_correction_changes_the_profile_exactly_as_the_corrected_score_would_have() -> None:
    half_life_s = 30 * 86_400
    times = [NOW - timedelta(days=d, hours=h) for d, h in ((40, 0), (12, 3), (3, 1), (0, 0))]
    scores = [0.2, 0.4, 0.9, 0.6]
    events = [score_event(A, i, uniform_scores(s), at=at)
              for i, (s, at) in enumerate(zip(scores, times, strict=True))]
    fixed = list(scores)
    fixed[1] = 0.75
    fixed_events = [score_event(A, i, uniform_scores(s), at=at)
                    for i, (s, at) in enumerate(zip(fixed, times, strict=True))]
    stored = aggregate_scores(events, half_life_s).stats[(A, "tone")]
    expected = aggregate_scores(fixed_events, half_life_s).stats[(A, "tone")]
    got = corrected(stored, message_at=times[1], old=0.4, new=0.75, half_life_s=half_life_s)
    assert got.anchor_s == expected.anchor_s
    assert got.count == expected.count
    for name in ("sum_w", "sum_wx", "sum_wxx"):
        assert getattr(got, name) == pytest.approx(getattr(expected, name), rel=1e-12)
    assert got.mean != stored.mean


def test_rubric_labels_accept_only_the_scale_and_require_tone() -> None:
    good = {**dict.fromkeys(DIMENSIONS, 0.5), "apology": None}
    assert RubricLabels(**good).as_dict() == good
    with pytest.raises(ValueError, match="0.3 is not one of"):
        RubricLabels(**{**good, "ownership": 0.3})
    with pytest.raises(ValueError, match="tone"):
        RubricLabels(**{**good, "tone": None})
    with pytest.raises(ValueError, match="needs a score"):
        ResolutionIn(outcome="corrected")
    with pytest.raises(ValueError, match="needs no new score"):
        ResolutionIn(outcome="upheld", score=0.5)


def test_exported_records_are_read_by_the_scorers_human_labels_loader(tmp_path: Path) -> None:
    labels = {**dict.fromkeys(DIMENSIONS, 0.75), "boundaries": None}
    context = context_of([("customer", "My parcel is lost."), ("agent", "Let me look."),
                          ("customer", "It was a gift!")], "I'm sorry, I'll resend it today.")
    assert context is not None
    assert context.customer == "It was a gift!"
    assert context.history_json() == [{"role": "customer", "text": "My parcel is lost."},
                                      {"role": "agent", "text": "Let me look."}]
    records = [label_record(message_id="zendesk:1:c1:m2", annotator=f"circle-{i}",
                            situation="calibration", channel="chat",
                            history=context.history_json(), customer=context.customer,
                            reply=context.reply, labels={**labels, "tone": 0.5 + i / 4})
               for i in range(2)]
    path = tmp_path / "labels.jsonl"
    assert write_jsonl(records, path) == 2
    assert len(read_annotations(path)) == 2  # the checker: every required field present
    [example] = load_human_labels([path])
    assert example.id == "human-coach-zendesk:1:c1:m2"
    assert example.scores["boundaries"] is None
    assert example.scores["tone"] == pytest.approx(0.625)
    assert example.request.reply == context.reply
    assert len(load_annotated([path])) == 1  # two raters: usable for the agreement report
    assert json.loads(path.read_text().splitlines()[0])["labels"]["tone"] == 0.5


def test_staff_tokens_carry_a_role_and_a_team_and_are_not_agents_tokens() -> None:
    expires = NOW + timedelta(hours=1)
    lead = issue_staff_token(A, "lead", "zendesk:10000001", SECRET, expires_at=expires)
    claims = verify_claims(lead, SECRET, now=NOW)
    assert (claims.subject, claims.role, claims.team_id) == (A, "lead", "zendesk:10000001")
    with pytest.raises(InvalidToken):
        verify_token(lead, SECRET, now=NOW)  # never mistaken for the agent's own link
    agent = verify_claims(issue_token(A, SECRET, expires_at=expires), SECRET, now=NOW)
    assert (agent.role, agent.team_id) == (None, None)
    with pytest.raises(ValueError, match="is not '<provider>:<account>'"):
        issue_staff_token(A, "lead", "zendesk", SECRET, expires_at=expires)
    with pytest.raises(ValueError, match="role 'admin'"):
        issue_staff_token(A, "admin", "zendesk:1", SECRET,  # type: ignore[arg-type]
                          expires_at=expires)


@pytest.mark.parametrize("payload", [
    # The same claims spelt another way: not the canonical JSON.
    b'{"exp":9999999999, "role":"lead","sub":"zendesk:1:2","team":"zendesk:1"}',
    b'{"role":"lead","exp":9999999999,"sub":"zendesk:1:2","team":"zendesk:1"}',
    # A role without a team, an unknown role, an unknown claim.
    b'{"exp":9999999999,"role":"lead","sub":"zendesk:1:2"}',
    b'{"exp":9999999999,"role":"admin","sub":"zendesk:1:2","team":"zendesk:1"}',
    b'{"exp":9999999999,"role":"lead","sub":"zendesk:1:2","team":"zendesk:1","x":1}',
])
def test_a_correctly_signed_but_odd_payload_is_refused(payload: bytes) -> None:
    encoded = _b64encode(payload)
    token = f"{encoded}.{_b64encode(_mac(SECRET, encoded))}"
    with pytest.raises(InvalidToken):
        verify_claims(token, SECRET, now=NOW)


def test_the_cli_prints_lead_and_reviewer_links_for_one_team(
        capsys: pytest.CaptureFixture[str]) -> None:
    settings = CoachSettings(link_secret=SECRET, public_base_url="http://coach.test")
    team = "zendesk:10000001"
    for role, page in (("lead", "/team"), ("reviewer", "/review")):
        assert run_cli(["issue-link", f"--{role}", A, "--team", team], settings=settings,
                       clock=lambda: NOW) == 0
        link = capsys.readouterr().out.strip()
        assert link.startswith(f"http://coach.test{page}?token=")
        claims = verify_claims(unquote(link.split("token=")[1]), SECRET, now=NOW)
        assert (claims.subject, claims.role, claims.team_id) == (A, role, team)
    with pytest.raises(SystemExit):
        run_cli(["issue-link", "--lead", A], settings=settings)  # no team
    assert "--lead needs --team" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_cli(["issue-link", "--agent", A, "--team", team], settings=settings)
