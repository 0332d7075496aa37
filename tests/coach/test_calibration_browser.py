"""Calibration circles and disputes driven in a real Chromium, with axe on every page.

A lead creates a circle; two reviewers rate it blind and hand in; the lead reveals it, saves an
agreed rating and downloads the human labels, which the scorer's loader accepts. An agent
disputes a score; the lead corrects it; the agent sees the outcome.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from lab.scorer.human_labels import load_human_labels
from shared.events.scores import DIMENSIONS
from tests.coach.accessibility import assert_accessible
from tests.coach.calibration_samples import (
    LEAD,
    REVIEWER_1,
    REVIEWER_2,
    TEAM,
    A,
    seed_team,
    staff_token,
)
from tests.coach.conftest import CoachHarness
from tests.coach.http_servers import serve_in_thread
from tests.coach.test_practice_page_playwright import ConsoleErrors, browser  # noqa: F401

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.slow]
# The API tests cover both databases; one is enough to drive the pages.
on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ITEMS = 3


def open_page(browser: Browser, url: str) -> tuple[Page, ConsoleErrors]:  # noqa: F811
    page = browser.new_context(viewport={"width": 1000, "height": 900},
                               accept_downloads=True).new_page()
    errors = ConsoleErrors(page)
    page.goto(url)
    return page, errors


def rate(section: Locator, value: str) -> None:
    for dim in DIMENSIONS:
        section.get_by_label(dim.replace("_", " "), exact=True).select_option(
            "na" if dim == "boundaries" else value)
    section.get_by_role("button", name="Save my rating").click()
    expect(section.get_by_role("status")).to_have_text("Saved.")


@on_sqlite
def test_a_circle_with_two_reviewers_from_sample_to_exported_labels(
        browser: Browser, coach: CoachHarness, tmp_path: Path) -> None:  # noqa: F811
    seed_team(coach)
    with serve_in_thread(coach.app) as base_url:
        def link(path: str, token: str) -> str:
            return f"{base_url}{path}?token={quote(token, safe='')}"

        lead_token = staff_token(LEAD, "lead", TEAM, coach)
        lead, lead_errors = open_page(browser, link("/team/calibration", lead_token))
        expect(lead.get_by_role("heading", level=1)).to_have_text(
            f"Calibration circles of {TEAM}")
        assert_accessible(lead, "calibration-circles")
        new = lead.get_by_role("form", name="New circle")
        new.get_by_label("Title").fill("Chat replies in November")
        new.get_by_label("Reviewers (helpdesk user ids, one a line)").fill(
            f"{REVIEWER_1}\n{REVIEWER_2}")
        new.get_by_label("Replies from").fill("2026-11-01")
        new.get_by_label("Replies until (inclusive)").fill("2026-11-30")
        new.get_by_label("Channel").select_option("chat")
        new.get_by_label("Replies to rate").fill(str(ITEMS))
        new.get_by_role("button", name="Create circle").click()
        lead.get_by_role("link", name="Chat replies in November").click()
        expect(lead.get_by_role("list").last).to_contain_text(f"{REVIEWER_1}: 0 of {ITEMS}")
        assert_accessible(lead, "calibration-circle-rating")
        circle_url = lead.url

        for reviewer, value in ((REVIEWER_1, "0.75"), (REVIEWER_2, "0.5")):
            page, errors = open_page(browser, link("/review",
                                                   staff_token(reviewer, "reviewer", TEAM, coach)))
            page.get_by_role("link", name="Chat replies in November").click()
            sections = page.locator("section")
            expect(sections).to_have_count(ITEMS)
            expect(page.locator("main")).not_to_contain_text("Model")  # blind
            assert_accessible(page, "calibration-review")
            for index in range(ITEMS):
                rate(sections.nth(index), value if index else "1")
            page.get_by_role("button", name="Hand in my ratings").click()
            expect(page.locator("main")).to_contain_text("Your ratings are handed in.")
            assert errors.messages == []

        lead.goto(circle_url)
        lead.get_by_role("button", name="Reveal the results").click()
        agreement = lead.get_by_role("table", name="Agreement by skill")
        expect(agreement).to_contain_text("Between reviewers")
        expect(lead.locator("section")).to_have_count(ITEMS)
        assert_accessible(lead, "calibration-circle-results")
        first = lead.locator("section").first
        expect(first.get_by_role("table")).to_contain_text("Reviewer 2")
        first.get_by_label("Note").fill("We agreed it sounds warm.")
        first.get_by_role("button", name="Save the agreed rating").click()
        expect(first.get_by_role("status")).to_have_text("Saved.")
        with lead.expect_download() as download:
            lead.get_by_role("link", name="Download the agreed ratings").click()
        saved = tmp_path / "labels.jsonl"
        download.value.save_as(saved)
        [example] = load_human_labels([saved])
        assert example.scores["boundaries"] is None
        assert example.scores["tone"] is not None
        assert lead_errors.messages == []

        reviewer_page, _ = open_page(browser, link(
            "/review/" + circle_url.split("/team/calibration/")[1].split("?")[0],
            staff_token(REVIEWER_1, "reviewer", TEAM, coach)))
        expect(reviewer_page.get_by_role("table", name="Agreement by skill")).to_be_visible()
        expect(reviewer_page.get_by_role("button", name="Save the agreed rating")).to_have_count(0)
        assert_accessible(reviewer_page, "calibration-review-revealed")


@on_sqlite
def test_a_dispute_goes_from_the_agent_to_the_lead_and_back(
        browser: Browser, coach: CoachHarness) -> None:  # noqa: F811
    seed_team(coach)
    with serve_in_thread(coach.app) as base_url:
        def link(path: str, token: str) -> str:
            return f"{base_url}{path}?token={quote(token, safe='')}"

        agent, agent_errors = open_page(browser, link("/disputes", coach.token(A)))
        expect(agent.locator("main")).to_contain_text("None yet.")
        assert_accessible(agent, "disputes-agent")
        reply = agent.locator("section").first
        reply.get_by_label("Skill").select_option("tone")
        reply.get_by_label("Why the score looks wrong").fill("The customer thanked me warmly.")
        reply.get_by_role("button", name="Dispute this score").click()
        expect(agent.locator("main")).to_contain_text("waiting for your lead")

        lead, lead_errors = open_page(browser, link("/team/disputes",
                                                    staff_token(LEAD, "lead", TEAM, coach)))
        expect(lead.get_by_role("heading", name="Open (1)")).to_be_visible()
        expect(lead.locator("main")).to_contain_text("The customer thanked me warmly.")
        assert_accessible(lead, "disputes-queue")
        lead.get_by_label("Correct it").check()
        lead.get_by_label("Corrected score").select_option("1")
        lead.get_by_label("Note to the agent").fill("You're right, it was warm.")
        lead.get_by_role("button", name="Answer").click()
        expect(lead.get_by_role("heading", name="Open (0)")).to_be_visible()
        expect(lead.locator("main")).to_contain_text("corrected to 1")

        agent.reload()
        expect(agent.locator("main")).to_contain_text("corrected to 1")
        expect(agent.locator("main")).to_contain_text("You're right, it was warm.")
        assert_accessible(agent, "disputes-agent-outcome")
        assert agent_errors.messages == []
        assert lead_errors.messages == []
