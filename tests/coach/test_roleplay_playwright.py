"""A three-person role-play with one rotation and a debrief, in a real Chromium under
Playwright: three browser contexts, one per participant, each signed in with their own token.

Each person sees their own role card (the agent's brief, the customer's scripted lines, the
observer's rubric form) and the round's countdown; the agent's typed reply reaches the
observer's page by polling; "next round" on one page rotates the roles on all three; after the
last round everyone saves a debrief and sees what the others shared. axe finds nothing on any
role's page or the debrief, and the observers' ratings come out as human labels.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from services.coach.commands.roleplay_labels_export import roleplay_link
from services.coach.domain.practice_script import script_steps
from services.coach.domain.scenario_library import load_library
from tests.coach.accessibility import assert_accessible
from tests.coach.conftest import CoachHarness
from tests.coach.http_servers import serve_in_thread
from tests.coach.test_practice_page_playwright import ConsoleErrors, browser  # noqa: F401
from tests.coach.test_roleplay_api import OUTSIDER, P1, P2, P3, SCENARIO, TEAM, lead_of
from tests.support.databases import BACKENDS

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.slow]

ROUND_1_REPLY = "Aoife, stuck at check-in with €20 is horrible. Let's get you in."
ROUND_2_REPLY = "You did nothing wrong: tap 'Yes, that was me' and it unfreezes."
LEFT = re.compile(r"^[34]:\d\d left in this round$")  # a 4-minute timebox, counting down


def rate(page: Page, values: dict[str, str], note: str) -> None:
    form = page.locator("#rating-form")
    for skill, value in values.items():
        form.get_by_label(skill, exact=True).select_option(value)
    form.get_by_label("Note for the agent (optional)").fill(note)
    form.get_by_role("button", name="Save ratings").click()
    expect(form.get_by_role("status")).to_have_text("Your ratings of this round are saved.")


RUBRIC = {"Acknowledgment": "0.75", "Next steps": "1", "Apology": "na", "Ownership": "0.75",
          "Exploration": "na", "Tone": "0.5", "Boundaries": "na", "Personalization": "0.75"}


@pytest.mark.parametrize("database_url", [BACKENDS[0]], indirect=True)  # one backend: slow
def test_three_people_play_a_round_rotate_play_again_and_debrief(
        browser: Browser, coach: CoachHarness) -> None:  # noqa: F811
    scenario = load_library().get(SCENARIO)
    created = coach.client.post("/v1/roleplays", headers=lead_of(coach, TEAM), json={
        "scenario_id": SCENARIO, "participants": [P1, P2, P3], "rounds": 2})
    assert created.status_code == 201
    rid = created.json()["roleplay_id"]

    with serve_in_thread(coach.app) as base_url:
        pages: dict[str, Page] = {}
        errors: list[ConsoleErrors] = []
        for person in (P1, P2, P3):
            context = browser.new_context(viewport={"width": 1000, "height": 900})
            page = context.new_page()
            errors.append(ConsoleErrors(page))
            page.goto(roleplay_link(base_url, coach.token(person), rid))
            expect(page).to_have_url(f"{base_url}/roleplay/{rid}")  # the token left the address
            expect(page.get_by_role("heading", level=1)).to_have_text(scenario.title)
            expect(page.get_by_role("timer")).to_have_text(LEFT)
            pages[person] = page
        agent, customer, observer = pages[P1], pages[P2], pages[P3]

        # Round 1: each person's own card.
        for page, role in ((agent, "Agent"), (customer, "Customer"), (observer, "Observer")):
            expect(page.locator("#status-line")).to_have_text(
                f"Round 1 of 2. Your role: {role}.")
            expect(page.get_by_role("heading", name=f"Your role card: {role}")).to_be_visible()
        expect(agent.locator("#role-card")).to_contain_text(scenario.roles.agent)
        expect(customer.locator("#role-card")).to_contain_text(scenario.roles.customer)
        expect(customer.locator("#role-card")).to_contain_text(scenario.persona.name)
        lines = customer.locator("#customer-lines > li")
        steps = script_steps(scenario)
        expect(lines).to_have_count(len(steps))
        expect(lines.first).to_have_text(scenario.customer_turns[0])
        expect(observer.locator("#role-card")).to_contain_text(scenario.roles.observer)
        expect(observer.locator("#rating-form select")).to_have_count(8)
        expect(agent.locator("#rating-form")).to_have_count(0)  # only observers rate
        expect(customer.locator("#reply-form")).to_have_count(0)  # only the agent types

        agent.get_by_label(re.compile("Your reply to message 1")).fill(ROUND_1_REPLY)
        agent.get_by_role("button", name="Add reply").click()
        expect(agent.locator("#replies > li")).to_have_text([ROUND_1_REPLY])
        expect(agent.get_by_label(re.compile("Your reply to message 2"))).to_be_focused()
        # The observer's page follows by polling: the reply appears without a reload.
        expect(observer.locator("#replies > li")).to_have_text([ROUND_1_REPLY])
        assert_accessible(agent, "roleplay-agent")
        assert_accessible(customer, "roleplay-customer")
        assert_accessible(observer, "roleplay-observer")
        rate(observer, RUBRIC, "The fix came first.")

        # One click rotates the roles on every page.
        customer.get_by_role("button", name="Next round: rotate roles").click()
        for page, role in ((agent, "Customer"), (customer, "Observer"), (observer, "Agent")):
            expect(page.locator("#status-line")).to_have_text(
                f"Round 2 of 2. Your role: {role}.")
            expect(page.get_by_role("timer")).to_have_text(LEFT)
        expect(observer.locator("#replies > li")).to_have_count(0)  # a fresh round
        observer.get_by_label(re.compile("Your reply to message 1")).fill(ROUND_2_REPLY)
        observer.get_by_role("button", name="Add reply").click()
        expect(customer.locator("#replies > li")).to_have_text([ROUND_2_REPLY])
        rate(customer, RUBRIC | {"Apology": "0.25"}, "Kind and quick.")

        agent.get_by_role("button", name="Finish and debrief").click()
        shared = {P1: ("Putting the fix first.", "Let's get you in."),
                  P2: ("Naming the €20.", "You did nothing wrong."),
                  P3: ("Short lines for a dying phone.", "")}
        for person, (worked, keep) in shared.items():
            page = pages[person]
            expect(page.get_by_role("heading", name="Debrief")).to_be_visible()
            expect(page.locator("#typed > li")).to_have_text(
                [f"Round 1: {ROUND_1_REPLY}", f"Round 2: {ROUND_2_REPLY}"])
            page.get_by_label("What worked?").fill(worked)
            page.get_by_label("Lines worth keeping (one per line)").fill(keep)
            page.get_by_role("button", name="Save debrief").click()
            expect(page.locator("#debrief-status")).to_have_text("Your debrief is saved.")
        # Everyone's page shows what the team shared, the first one's by polling.
        expect(agent.locator("#shared-count")).to_have_text("3 of 3 have shared.")
        expect(agent.locator("#shared > li")).to_have_count(3)
        expect(agent.locator("#shared")).to_contain_text("Participant 2: Naming the €20.")
        assert_accessible(agent, "roleplay-debrief")
        for seen in errors:
            assert seen.messages == []

        # Someone of the team who is not taking part gets an error page, not the session.
        outsider = browser.new_context().new_page()
        response = outsider.goto(roleplay_link(base_url, coach.token(OUTSIDER), rid))
        assert response is not None
        assert response.status == 403
        expect(outsider.get_by_role("alert")).to_have_text(
            "you are not taking part in this role-play")
        expect(outsider.locator("body")).not_to_contain_text(scenario.title)

    lead = lead_of(coach, TEAM)
    labels = coach.client.get(f"/v1/roleplays/{rid}/labels", headers=lead)
    records = [json.loads(line) for line in labels.text.splitlines()]
    assert [(r["reply"], r["labels"]["apology"], r["labels"]["next_steps"]) for r in records] == [
        (ROUND_1_REPLY, None, 1.0), (ROUND_2_REPLY, 0.25, 1.0)]
    assert records[0]["tone"] == {"raw": 0.5, "channel_adjusted": 0.5}
    lines_kept = coach.client.get(f"/v1/teams/{TEAM}/roleplay-lines", headers=lead).json()
    assert sorted(line["text"] for line in lines_kept) == [
        "Let's get you in.", "You did nothing wrong."]
