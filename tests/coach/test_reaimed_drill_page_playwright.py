"""The practice page when its drill is re-aimed while open: a real Chromium under Playwright.

The agent opens a drill, the week's focus moves (the real re-aim path), and they send the reply
they typed for the old customer: the page says the drill was re-aimed (role=alert), keeps their
words in the box, and offers a keyboard-operable reload; the reload shows the new scenario with
why it changed, and their words are still there to reuse.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from services.coach.web.links import sign_in_link
from tests.coach.accessibility import assert_accessible
from tests.coach.conftest import CoachHarness, Scorer
from tests.coach.http_servers import serve_in_thread
from tests.coach.test_practice_page_playwright import ConsoleErrors, browser
from tests.coach.test_reaimed_drill_attempts import A, open_drills, plan_then_move, reaim

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.slow]
__all__ = ["browser"]  # the module-scoped Chromium fixture, shared with the practice page tests

REPLY = "I hear you, and I'm sorry.\n\nI'll have it sorted by 5pm today."


def test_a_reply_to_a_reaimed_drill_is_refused_kept_and_reloaded(
        browser: Browser, coach: CoachHarness, scorer: Scorer) -> None:
    plan_then_move(coach, [A])
    drill = open_drills(coach, A)[0]
    api_url = f"/v1/assignments/{drill['assignment_id']}"
    with serve_in_thread(coach.app) as base_url:
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        page = context.new_page()
        errors = ConsoleErrors(page)
        page.goto(sign_in_link(base_url, coach.token(A), drill["assignment_id"]))
        expect(page.get_by_role("heading", level=1)).to_have_text(drill["practice"]["title"])
        reply = page.locator("#reply")
        expect(reply).to_be_focused()

        assert drill["assignment_id"] in reaim(coach, A)  # while the page is open
        moved = coach.client.get(api_url, headers=coach.as_agent(A)).json()
        assert moved["scenario_id"] != drill["scenario_id"]

        page.keyboard.type(REPLY)
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Send reply")).to_be_focused()
        page.keyboard.press("Enter")
        stale = page.locator("#stale")
        expect(stale).to_be_visible()
        expect(stale).to_have_attribute("role", "alert")
        expect(stale).to_contain_text("This drill was re-aimed to a new scenario; reload to see "
                                      "it. Your reply stays in the box")
        expect(reply).to_have_value(REPLY)  # nothing the agent wrote is lost
        expect(page.locator("#transcript > li.agent")).to_have_count(0)
        assert_accessible(page, "drill-page-reaimed")
        after_refusal = coach.client.get(api_url, headers=coach.as_agent(A)).json()
        assert (after_refusal["status"], after_refusal["attempts"]) == ("assigned", [])
        assert scorer.received == []  # refused before scoring: the page named the old scenario

        # Keyboard only: from the reply, past Send, to the reload.
        reply.focus()
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Reload the drill")).to_be_focused()
        page.keyboard.press("Enter")

        expect(page.get_by_role("heading", level=1)).to_have_text(moved["practice"]["title"])
        brief = page.get_by_role("region", name="Your brief")
        expect(brief).to_contain_text("Why this drill")
        expect(brief).to_contain_text(
            "Your recent replies show tone is now clearly your lowest skill")
        expect(reply).to_have_value(REPLY)  # carried across the reload, to reuse or rewrite
        expect(stale).to_be_hidden()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator("#transcript > li.feedback")).to_have_count(1)
        # Only Chromium's own line for the refused request; no script errors.
        assert [m for m in errors.messages if "status of 409" not in m] == []
        context.close()

    scored = coach.client.get(api_url, headers=coach.as_agent(A)).json()
    assert (scored["status"], [a["reply"] for a in scored["attempts"]]) == (
        "in_progress", [REPLY])
    assert scorer.received[-1]["customer"] == moved["practice"]["script"][0]["text"]
