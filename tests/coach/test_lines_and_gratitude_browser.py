"""Best lines and the gratitude spotlight in a real Chromium, fed through the real broker.

A small team's conversations (with a warm thank-you, a high rating, a low one and a middling
one) go to ``support.interactions.v1`` and their scores to ``support.scores.v1``; the coach's
consumers take them in. Then: agent A shares a line from their high-scoring reply, the team's
lead approves it, it is in the team phrasebook, A sees the outcome, and agent B's drill page
offers it as an example for B's focus skill. The spotlight shows A (and the lead) the high
rating's comment and the thanks, each with A's reply, and never the low or middling ratings.
axe-core checks every page in each state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from services.coach.web.links import issue_staff_token
from shared.events.topics import INTERACTIONS, SCORES
from shared.settings import KafkaSettings
from tests.coach.accessibility import assert_accessible
from tests.coach.conftest import LINK_SECRET, CoachHarness, Scorer
from tests.coach.http_servers import serve_in_thread
from tests.coach.kafka_helpers import produce
from tests.coach.lines_samples import (
    A_LINE,
    A_REPLY,
    HIGH_COMMENT,
    LEAD,
    LOW_COMMENT,
    TEAM,
    WARM_THANKS,
    A,
    B,
    interaction_events,
    score_events,
    staff_headers,
)
from tests.coach.test_practice_page_playwright import ConsoleErrors, browser  # noqa: F401
from tests.coach.test_reflections_api import give_drill

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.slow]


def wait_until(check: Callable[[], object], what: str, timeout_s: float = 90) -> None:
    """Poll the coach's public API: its consumers work asynchronously by design. ``check``
    returns None when done, else what it saw (for the failure message)."""
    deadline = time.monotonic() + timeout_s
    seen = check()
    while seen is not None and time.monotonic() < deadline:
        time.sleep(0.2)
        seen = check()
    assert seen is None, f"timed out waiting for {what}; last seen: {seen}"


def open_page(browser: Browser, url: str) -> tuple[Page, ConsoleErrors]:  # noqa: F811
    page = browser.new_context(viewport={"width": 1000, "height": 900}).new_page()
    errors = ConsoleErrors(page)
    page.goto(url)
    return page, errors


def test_a_line_is_shared_approved_and_offered_and_praise_is_spotlighted(
        browser: Browser, coach: CoachHarness, scorer: Scorer,  # noqa: F811
        kafka_settings: KafkaSettings) -> None:
    produce(kafka_settings, kafka_settings.topic(INTERACTIONS), interaction_events())
    produce(kafka_settings, kafka_settings.topic(SCORES), score_events())
    client, lead = coach.client, staff_headers(LEAD, TEAM)

    def consumed() -> object:
        replies = client.get(f"/v1/agents/{A}/reply-candidates",
                             headers=coach.as_agent(A)).json()["replies"]
        praise = client.get(f"/v1/teams/{TEAM}/gratitude", headers=lead).json()["items"]
        done = len(replies) == 1 and len(praise) == 2 and all(p["reply"] for p in praise)
        return None if done else {"replies": replies, "praise": praise}

    wait_until(consumed, "the coach to take in the conversations, scores and praise")
    drill = give_drill(coach, B, "billing-double-charge-chat", slot=0)  # B's focus: acknowledgment
    lead_token = issue_staff_token(LEAD, "lead", TEAM, LINK_SECRET,
                                   expires_at=coach.clock() + timedelta(hours=1))

    with serve_in_thread(coach.app) as base_url:
        def link(path: str, token: str) -> str:
            return f"{base_url}{path}?token={quote(token, safe='')}"

        # Agent A shares a line from their high-scoring reply.
        agent_page, agent_errors = open_page(browser, link("/lines", coach.token(A)))
        expect(agent_page).to_have_url(f"{base_url}/lines")  # the token left the address bar
        share = agent_page.get_by_role("region", name="Share a line that worked")
        expect(share.get_by_label("The line")).to_have_value(A_REPLY)
        assert_accessible(agent_page, "lines-agent-share")
        share.get_by_label("The line").fill(A_LINE)
        share.get_by_label("The skill it shows").select_option("acknowledgment")
        share.get_by_label("The customer's emotion it answered").select_option("fear")
        share.get_by_role("button", name="Share with my lead").click()
        expect(share.get_by_role("status")).to_have_text("Shared with your lead.")
        mine = agent_page.get_by_role("region", name="Lines you shared")
        expect(mine.locator("li[data-status=pending]")).to_contain_text(A_LINE)
        expect(mine).to_contain_text("Waiting for your lead")

        # The lead approves it; it joins the phrasebook under its skill.
        lead_page, lead_errors = open_page(browser, link("/lines", lead_token))
        queue = lead_page.get_by_role("region", name="Waiting for your decision")
        expect(queue.get_by_role("listitem")).to_have_count(1)
        expect(queue).to_contain_text(A_LINE)
        expect(lead_page.get_by_role("region", name="Share a line that worked")).to_be_hidden()
        assert_accessible(lead_page, "lines-lead-queue")
        queue.get_by_role("button", name="Approve").click()
        expect(queue.get_by_role("status")).to_have_text("Approved into the phrasebook.")
        expect(queue).to_contain_text("No line is waiting.")
        book = lead_page.get_by_role("region", name="Team phrasebook")
        expect(book.locator("ul[data-dimension=acknowledgment] blockquote")).to_have_text(
            [A_LINE])
        expect(book).to_contain_text("For a customer feeling fear, chat")
        assert_accessible(lead_page, "lines-lead-approved")

        # A sees the outcome.
        agent_page.reload()
        expect(mine.locator("li[data-status=approved]")).to_contain_text("In the phrasebook")
        expect(agent_page.get_by_role("region", name="Team phrasebook")).to_contain_text(A_LINE)

        # B's drill page offers it as an example for B's focus skill.
        drill_page, drill_errors = open_page(browser, link(f"/practice/{drill}",
                                                           coach.token(B)))
        examples = drill_page.get_by_role("region", name="Lines from your team")
        expect(examples.locator("blockquote")).to_have_text([A_LINE])
        expect(examples).to_contain_text("for acknowledgment")
        assert_accessible(drill_page, "practice-team-lines")

        # The spotlight: A's praise with A's reply; nothing of the low or middling ratings.
        thanks_page, thanks_errors = open_page(browser, link("/gratitude", coach.token(A)))
        items = thanks_page.locator("li.praise")
        expect(items).to_have_count(2)
        expect(thanks_page.locator("li.praise[data-kind=rating] blockquote").first).to_have_text(
            f"\u201c{HIGH_COMMENT}\u201d")
        expect(thanks_page.locator("li.praise[data-kind=thanks] blockquote").first).to_have_text(
            f"\u201c{WARM_THANKS}\u201d")
        expect(items.locator("blockquote.reply").first).to_have_text(A_REPLY)
        assert_accessible(thanks_page, "gratitude-agent")

        team_page, team_errors = open_page(browser, link("/gratitude", lead_token))
        praise_for_a = team_page.get_by_role("region", name=f"Praise for {A}")
        expect(praise_for_a.locator("li.praise")).to_have_count(2)
        expect(team_page.get_by_role("heading", level=1)).to_have_text(
            "Thanks from your team's customers")
        for absent in (LOW_COMMENT, "It was fine", "Quick refund"):
            expect(team_page.locator("main")).not_to_contain_text(absent)
        expect(team_page.get_by_role("region", name=f"Praise for {B}")).to_have_count(0)
        assert_accessible(team_page, "gratitude-lead")

        pages: list[Any] = [agent_errors, lead_errors, drill_errors, thanks_errors, team_errors]
        assert [e.messages for e in pages] == [[]] * len(pages)
