"""The agent's home page in a real Chromium, signed in with an issued link, driven by keyboard.

Three weeks of scored replies (with the scorer's quoted sentences) and a completed drill with a
saved reflection are in the database. The page greets the agent, shows the focus with its
reason and their own sentences, the drills with durations and reasons, the score chart (a line
per skill with the agent's points, and a text alternative), what changed since last week and the
past practice; with nothing assigned this week the agent picks a drill with the keyboard alone,
and it opens. axe-core finds no accessibility violation in either state.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from services.coach.web.links import sign_in_link
from tests.coach.accessibility import assert_accessible
from tests.coach.conftest import CoachHarness, Scorer
from tests.coach.http_servers import serve_in_thread
from tests.coach.test_agent_home_api import W48_ACK, WEEK_STARTS, A, ack_sentence, seed
from tests.coach.test_practice_page_playwright import ConsoleErrors, browser  # noqa: F401

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.slow]

REFLECTION = "Say back what went wrong before offering the fix."


def complete_a_drill_last_week(coach: CoachHarness) -> dict[str, str]:
    """Last week's plan for A, one drill practised, completed and reflected on."""
    now = coach.clock.now
    coach.clock.now = now - timedelta(days=7)
    try:
        assert coach.client.post("/v1/admin/assign", headers=coach.as_admin).status_code == 200
        listed = coach.client.get(f"/v1/agents/{A}/assignments",
                                  headers=coach.as_agent(A)).json()["assignments"]
        drill = listed[0]
        path, as_a = f"/v1/assignments/{drill['assignment_id']}", coach.as_agent(A)
        assert coach.client.post(f"{path}/attempts", headers=as_a, json={
            "turn": 0, "reply": "I hear you about the order, and I'll fix it by 5pm."
        }).status_code == 201
        assert coach.client.post(f"{path}/complete", headers=as_a).status_code == 200
        assert coach.client.put(f"{path}/reflections", headers=as_a, json={
            "answers": [{"question_index": 0, "answer": REFLECTION}]}).status_code == 200
    finally:
        coach.clock.now = now
    return {"id": drill["assignment_id"], "title": drill["scenario_title"]}


def tab_to(page: Page, name: str, limit: int = 80) -> list[str]:
    """Press Tab until the focused element's accessible text starts with ``name``; returns the
    texts of everything focused on the way (keyboard reachability)."""
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate("document.activeElement && document.activeElement.textContent")
        seen.append((text or "").strip())
        if seen[-1].startswith(name):
            return seen
    raise AssertionError(f"Tab never reached {name!r}; focus went through {seen}")


def test_an_agent_reads_their_home_and_picks_a_drill_with_the_keyboard(
        browser: Browser, coach: CoachHarness, scorer: Scorer) -> None:  # noqa: F811
    seed(coach)
    past = complete_a_drill_last_week(coach)
    with serve_in_thread(coach.app) as base_url:
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        page = context.new_page()
        errors = ConsoleErrors(page)
        page.goto(sign_in_link(base_url, coach.token(A)))
        expect(page).to_have_url(f"{base_url}/practice")  # the token left the address bar

        expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back")
        expect(page.locator("#encouragement")).to_have_text(
            "You have completed 1 drill so far. Every one counts.")

        focus = page.get_by_role("region", name="This week's focus")
        expect(focus.locator("#focus-name")).to_have_text("Acknowledgment")
        expect(focus.locator("#focus-reason")).to_contain_text(
            "Acknowledgment stays your focus")
        expect(focus.locator("#focus-reason")).to_contain_text(
            "(naming the customer's situation or feeling specifically)")
        quotes = focus.locator("#evidence blockquote")
        expect(quotes).to_have_text([f"\u201c{ack_sentence('2026-W48', i)}\u201d"
                                     for i in (3, 2, 1)])
        expect(focus.locator("#evidence .meta").first).to_contain_text(
            f"room to grow acknowledgment score {round(W48_ACK[3] * 100)}%")

        # Last week's drills still open for practice, each with its duration and its reason.
        drills = page.get_by_role("region", name="Your drills").locator("#drills > li")
        expect(drills).not_to_have_count(0)
        for index in range(drills.count()):
            expect(drills.nth(index).locator(".duration")).to_contain_text(
                re.compile(r"^About \d+ minutes, difficulty \d of 5"))
            expect(drills.nth(index).locator(".why")).to_contain_text(
                "Why this drill: It trains acknowledgment, last week's focus: a ")

        chart = page.locator("#chart svg[role=img]")
        expect(chart).to_have_count(1)
        expect(chart.locator("g.series")).to_have_count(8)
        ack = chart.locator("g.series[data-dimension=acknowledgment] path.point")
        expect(ack).to_have_count(3)
        assert [ack.nth(i).get_attribute("data-week") for i in range(3)] == list(WEEK_STARTS)
        labelled_by = (chart.get_attribute("aria-labelledby") or "").split()
        assert len(labelled_by) == 2
        expect(page.locator(f"[id='{labelled_by[1]}']")).to_contain_text(
            "Acknowledgment 45% in 2026-W48")
        table = page.locator("#chart-table")
        page.locator("summary").click()
        expect(table.get_by_role("row")).to_have_count(9)  # a header row and one per skill
        expect(table.get_by_role("row", name=re.compile("^Acknowledgment"))).to_contain_text(
            "20% (6 scored)")

        changes = page.get_by_role("region", name="What changed since last week")
        expect(changes.locator("li.skill.up")).to_contain_text(
            "Grew Acknowledgment grew from 30% last week to 45% this week")
        expect(changes.locator("li.skill.down")).to_contain_text("Dipped Tone dipped")

        history = page.get_by_role("region", name="Your past practice")
        expect(history.get_by_role("heading", level=3)).to_have_text(past["title"])
        expect(history).to_contain_text(re.compile(r"practice score \d+%"))
        expect(history.locator("dd")).to_have_text(REFLECTION)

        choose = page.get_by_role("region", name="Pick a drill")
        expect(choose).to_be_visible()
        first_choice = choose.get_by_role("button").first
        choice_title = (first_choice.text_content() or "").removeprefix("Practise \u201c")[:-1]
        assert_accessible(page, "agent-home-nothing-assigned")

        # Keyboard only, from a fresh load: Tab reaches every drill link, then the first pick;
        # Enter opens it.
        page.reload()
        expect(first_choice).to_be_visible()
        reached = tab_to(page, "Practise")
        for index in range(drills.count()):
            assert drills.nth(index).locator("a").inner_text() in reached
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(
            re.escape(f"{base_url}/practice/{quote(f'asg_2026-W48_{A}_', safe='')}")))
        expect(page.get_by_role("heading", level=1)).to_have_text(choice_title)

        page.go_back()  # the bare home: the stored token still signs the agent in
        expect(page).to_have_url(f"{base_url}/practice")
        picked = page.locator("#drills > li", has_text=choice_title)
        expect(picked.locator(".why")).to_have_text(
            "Why this drill: You picked this one yourself to practise acknowledgment. "
            "Great initiative.")
        expect(picked.locator(".duration")).to_contain_text("About ")
        expect(page.get_by_role("region", name="Pick a drill")).to_be_hidden()
        assert_accessible(page, "agent-home-with-picked-drill")

        # The agent's other pages are one link away, each signed in by the same token.
        more = page.get_by_role("navigation", name="More for you")
        expect(more.get_by_role("link")).to_have_count(3)
        more.get_by_role("link", name="Question a score on one of your replies").click()
        expect(page).to_have_url(re.compile(re.escape(f"{base_url}/disputes?token=")))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert "not valid" not in page.content()
        assert errors.messages == []
        context.close()
