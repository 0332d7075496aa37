"""The home page's pure parts: the SVG score chart and "what changed since last week"."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from services.coach.domain.chart_svg import LABEL_GAP, Point, Series, render_chart, spread
from services.coach.domain.week_changes import WeekScore, compare_weeks

SVG = "{http://www.w3.org/2000/svg}"
WEEKS = ["2026-W46", "2026-W47", "2026-W48"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def series_groups(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-dimension", ""): g for g in root.iter(f"{SVG}g")
            if g.get("class") == "series"}


def test_the_chart_draws_one_series_per_skill_with_the_agents_points() -> None:
    chart = render_chart(WEEKS, [
        Series("acknowledgment", (Point("2026-W46", 0.2, 4), Point("2026-W47", 0.3, 5),
                                  Point("2026-W48", 0.45, 6))),
        Series("next_steps", (Point("2026-W46", 0.7, 4), Point("2026-W48", 0.8, 2))),
    ])
    root = parse(chart)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    texts = {el.get("id"): (el.text or "") for el in root if el.get("id")}
    assert texts[title_id] == "Your average score per skill, week by week"
    assert "Acknowledgment 45% in 2026-W48" in texts[desc_id]
    assert "Next steps 80% in 2026-W48" in texts[desc_id]
    assert "0 to 100%" in texts[desc_id]  # the percentage says what it measures

    groups = series_groups(root)
    assert sorted(groups) == ["acknowledgment", "next_steps"]
    points = {dim: [(p.get("data-week"), float(p.get("data-score", "nan")))
                    for p in g.iter(f"{SVG}path") if p.get("class") == "point"]
              for dim, g in groups.items()}
    assert points["acknowledgment"] == [("2026-W46", 0.2), ("2026-W47", 0.3), ("2026-W48", 0.45)]
    assert points["next_steps"] == [("2026-W46", 0.7), ("2026-W48", 0.8)]
    tips = [t.text for t in groups["acknowledgment"].iter(f"{SVG}title")]
    assert tips[1] == "Acknowledgment, 2026-W47: 30% over 5 scored replies"

    # A week without scores breaks the line instead of inventing a value across it.
    lines = {dim: next(p for p in g.iter(f"{SVG}path") if p.get("class") != "point")
             for dim, g in groups.items()}
    assert lines["acknowledgment"].get("d", "").count("M") == 1
    assert lines["next_steps"].get("d", "").count("M") == 2
    # Not by colour alone: each series has its own dash pattern and its own marker shape.
    assert lines["acknowledgment"].get("stroke-dasharray") != lines["next_steps"].get(
        "stroke-dasharray")
    marker = {dim: next(p for p in g.iter(f"{SVG}path") if p.get("class") == "point").get("d", "")
              for dim, g in groups.items()}
    assert marker["acknowledgment"].count("a") == 2  # a circle (two arcs)
    assert "a" not in marker["next_steps"]  # a polygon
    # Each series is named at its end, in text.
    labels = ["".join(g.itertext()) for g in root.iter(f"{SVG}g")
              if g.get("class") == "series-label"]
    assert sorted(labels) == ["Acknowledgment 45%", "Next steps 80%"]


def test_series_labels_never_overlap_and_text_is_escaped() -> None:
    same = tuple(Point(week, 0.5, 1) for week in WEEKS)
    chart = render_chart(WEEKS, [Series(dim, same) for dim in
                                 ("acknowledgment", "apology", "ownership", "tone")])
    root = parse(chart)
    ys = sorted(float(t.get("y", "0")) for g in root.iter(f"{SVG}g")
                if g.get("class") == "series-label" for t in g.iter(f"{SVG}text"))
    assert len(ys) == 4
    assert all(b - a >= LABEL_GAP - 0.01 for a, b in zip(ys, ys[1:], strict=False))
    hostile = render_chart(WEEKS, [Series('<script>"x"', (Point("2026-W48", 0.5, 1),))])
    assert "<script>" not in hostile
    assert parse(hostile) is not None  # still well-formed XML


def test_an_empty_chart_says_there_is_nothing_yet() -> None:
    root = parse(render_chart(WEEKS, []))
    assert not series_groups(root)
    desc = next(el for el in root if el.tag == f"{SVG}desc")
    assert desc.text == "No scored replies yet, so there is nothing to chart."


def week(dimension: str, week_name: str, mean: float, count: int = 5) -> WeekScore:
    return WeekScore(dimension=dimension, week=week_name, mean=mean,  # type: ignore[arg-type]
                     scored_count=count)


def test_week_over_week_changes_celebrate_growth_and_name_dips_kindly() -> None:
    scores = [week("acknowledgment", "2026-W47", 0.30), week("acknowledgment", "2026-W48", 0.45),
              week("tone", "2026-W47", 0.75), week("tone", "2026-W48", 0.60),
              week("ownership", "2026-W47", 0.70), week("ownership", "2026-W48", 0.72),
              week("boundaries", "2026-W48", 0.50), week("apology", "2026-W46", 0.9)]
    result = compare_weeks(scores, this_week="2026-W48",
                           drills_completed={"2026-W48": 2, "2026-W47": 1},
                           focus_now="acknowledgment", focus_before="acknowledgment")
    assert (result.from_week, result.to_week) == ("2026-W47", "2026-W48")
    by_dim = {str(c.dimension): c for c in result.changes if c.kind == "skill"}
    assert sorted(by_dim) == ["acknowledgment", "boundaries", "ownership", "tone"]
    assert by_dim["acknowledgment"].direction == "up"
    assert by_dim["acknowledgment"].text.startswith(
        "Acknowledgment grew from 30% last week to 45% this week (average per scored reply for "
        "naming the customer's situation or feeling specifically).")
    assert by_dim["tone"].direction == "down"
    assert "worth a look in your next replies" in by_dim["tone"].text
    assert by_dim["ownership"].direction == "steady"  # +2 points is within the steady band
    assert by_dim["boundaries"].direction == "new"
    practice = next(c for c in result.changes if c.kind == "practice")
    assert (practice.direction, practice.text) == (
        "up", "You completed 2 drills this week (last week: 1). Every drill counts.")
    assert not [c for c in result.changes if c.kind == "focus"]  # same focus: nothing to say
    for change in result.changes:  # behaviours, not people
        assert not any(word in change.text.lower() for word in ("bad", "poor", "fail", "weak"))


@pytest.mark.parametrize(("before", "after", "expected"), [
    (0.30, 0.60, "You outgrew your acknowledgment focus: it rose from 30% last week to 60% this "
                 "week. Next up: tone."),
    (0.30, 0.25, "Your focus moved on from acknowledgment to tone."),
])
def test_a_new_focus_says_what_was_outgrown(before: float, after: float, expected: str) -> None:
    scores = [week("acknowledgment", "2026-W47", before), week("acknowledgment", "2026-W48", after)]
    result = compare_weeks(scores, this_week="2026-W48", drills_completed={},
                           focus_now="tone", focus_before="acknowledgment")
    assert result.changes[0].kind == "focus"
    assert result.changes[0].text == expected


def test_without_scores_this_week_last_week_is_compared_with_the_week_before() -> None:
    scores = [week("tone", "2026-W46", 0.5), week("tone", "2026-W47", 0.7)]
    result = compare_weeks(scores, this_week="2026-W48", drills_completed={"2026-W47": 1},
                           focus_now=None, focus_before=None)
    assert (result.from_week, result.to_week) == ("2026-W46", "2026-W47")
    tone = next(c for c in result.changes if c.kind == "skill")
    assert tone.text.startswith("Tone grew from 50% the week before to 70% last week")
    practice = next(c for c in result.changes if c.kind == "practice")
    assert practice.text == ("You completed 1 drill last week. This week's drills are ready "
                             "when you are.")
    empty = compare_weeks([], this_week="2026-W48", drills_completed={}, focus_now=None,
                          focus_before=None)
    assert [c.direction for c in empty.changes] == ["none", "none"]


def test_labels_stay_near_their_lines_when_pushed_apart() -> None:
    assert spread([100.0, 100.0], 10, low=0, high=300) == [95.0, 105.0]  # centred on the line
    assert spread([50.0, 200.0], 10, low=0, high=300) == [50.0, 200.0]  # far apart: untouched
    assert spread([2.0, 2.0, 2.0], 10, low=0, high=300) == [0.0, 10.0, 20.0]  # inside the plot
    assert spread([299.0, 299.0], 10, low=0, high=300) == [290.0, 300.0]
