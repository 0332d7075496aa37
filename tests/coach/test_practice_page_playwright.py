"""The practice page driven like an agent would drive it: a real Chromium under Playwright.

The agent signs in with the link, reads each customer line, answers with the keyboard, sees the
live score, evidence and suggestion announced in the feedback region, meets the curveball,
finishes, reflects and completes; the API then shows the drill completed with every attempt
stored. Another agent's token opens an access error, never the drill.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from services.coach.links import sign_in_link
from tests.coach.conftest import CoachHarness, Scorer
from tests.coach.factories import score_event, uniform_scores
from tests.coach.http_servers import serve_in_thread

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.slow]

A = "zendesk:10000001:902000000001"
B = "zendesk:10000001:902000000002"
WEAK_REPLY = "Sorry for any inconvenience."
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    expect.set_options(timeout=15_000)  # two shared cores: allow for a slow first paint
    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=executable,
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"])
        yield launched
        launched.close()


@pytest.fixture
def drill(coach: CoachHarness) -> dict[str, Any]:
    """Agent A's drill with a curveball (A is weak on acknowledgment); B is on the team too."""
    coach.seed_scores([score_event(A, i, uniform_scores(0.75, acknowledgment=0.15))
                       for i in range(12)]
                      + [score_event(B, i, uniform_scores(0.6)) for i in range(12)])
    assert coach.client.post("/v1/admin/assign", headers=coach.as_admin).status_code == 200
    listed = coach.client.get(f"/v1/agents/{A}/assignments", headers=coach.as_agent(A)).json()
    details = [coach.client.get(f"/v1/assignments/{item['assignment_id']}",
                                headers=coach.as_agent(A)).json()
               for item in listed["assignments"]]
    with_curveball = [d for d in details
                      if any(step["kind"] == "curveball" for step in d["practice"]["script"])]
    assert with_curveball, "the seeded agent should get at least one drill with a curveball"
    chosen: dict[str, Any] = with_curveball[0]
    assert chosen["target_dimension"] == "acknowledgment"
    assert chosen["status"] == "assigned"
    return chosen


class ConsoleErrors:
    """Script errors and console errors (CSP violations land here) seen by a page."""

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.messages.append(f"pageerror: {exc}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.messages.append(message.text)


def specific_reply(customer_line: str) -> str:
    """A reply that reuses the customer's own words and commits to a time (scores well)."""
    words = re.findall(r"[a-z0-9$.']{4,}", customer_line.lower())[:3]
    return f"I hear you about {', '.join(words)}, and I'll have it fixed by 5pm today."


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{round(value * 100)}%"


def test_an_agent_practises_a_drill_from_sign_in_to_completion(
        browser: Browser, coach: CoachHarness, scorer: Scorer, drill: dict[str, Any],
        tmp_path: Path) -> None:
    assignment_id = drill["assignment_id"]
    script = drill["practice"]["script"]
    curveball_at = next(i for i, step in enumerate(script) if step["kind"] == "curveball")
    assert 0 < curveball_at < len(script) - 1  # the curveball lands midway
    api_url = f"/v1/assignments/{assignment_id}"

    with serve_in_thread(coach.app) as base_url:
        context = browser.new_context(viewport={"width": 900, "height": 900})
        page = context.new_page()
        errors = ConsoleErrors(page)
        page.goto(sign_in_link(base_url, coach.token(A), assignment_id))

        expect(page.get_by_role("heading", level=1)).to_have_text(drill["practice"]["title"])
        expect(page).to_have_url(f"{base_url}/practice/{quote(assignment_id, safe='')}")  # no token
        transcript = page.locator("#transcript > li")
        reply = page.get_by_label("Your reply to the customer")
        send = page.get_by_role("button", name="Send reply")
        next_button = page.locator("#next")
        feedback = page.locator("#feedback")
        expect(feedback).to_have_attribute("aria-live", "polite")
        expect(feedback).to_be_hidden()

        for turn, step in enumerate(script):
            customer = transcript.nth(2 * turn)  # customer, agent, customer, agent, ...
            expect(customer).to_contain_text(step["text"])
            if step["kind"] == "curveball":
                expect(customer).to_have_class(re.compile(r"\bcurveball\b"))
                expect(customer.locator(".badge")).to_have_text("Customer (curveball)")
            else:
                expect(customer.locator(".badge")).to_have_text("Customer")
            expect(page.locator("#transcript li.curveball")).to_have_count(
                1 if turn >= curveball_at else 0)  # it does not arrive early
            expect(reply).to_be_focused()
            expect(reply).to_have_value("")
            text = WEAK_REPLY if turn == 0 else specific_reply(step["text"])
            page.keyboard.type(text)
            page.keyboard.press("Tab")
            expect(send).to_be_focused()
            page.keyboard.press("Enter")  # keyboard only: no mouse needed to answer

            expect(transcript.nth(2 * turn + 1)).to_contain_text(text)
            expect(feedback).to_be_visible()
            expect(feedback).to_have_attribute("aria-live", "polite")  # read out as it lands
            stored = coach.client.get(api_url, headers=coach.as_agent(A)).json()["attempts"]
            attempt = next(a for a in stored if a["turn"] == turn)
            expect(feedback.locator(".score")).to_have_text(
                f"Overall: {percent(attempt['overall'])}. "
                f"acknowledgment: {percent(attempt['target_score'])}.")
            if turn == 0:  # the weak reply: a low score, no evidence, a kind suggestion
                assert attempt["target_score"] < 0.5
                expect(feedback).not_to_contain_text("What the score noticed")
                expect(feedback).to_contain_text(
                    "Try this: Mention what the customer told you (acknowledgment).")
            else:  # a specific reply: the score quotes it back as evidence
                assert attempt["target_score"] >= 0.5
                expect(feedback).to_contain_text("What the score noticed:")
                expect(feedback.get_by_role("listitem")).to_have_text([text])
                expect(feedback).to_contain_text("Your acknowledgment came through in:")
            expect(next_button).to_be_focused()
            last = turn == len(script) - 1
            expect(next_button).to_have_text("Finish" if last else "Next customer message")
            page.keyboard.press("Enter")

        closing = page.get_by_role("region", name="How did it go?")
        expect(closing).to_be_visible()
        expect(closing.get_by_role("heading", name="How did it go?")).to_be_focused()
        expect(page.locator("#reply-form")).to_be_hidden()
        expect(next_button).to_be_hidden()
        expect(closing.locator("#signals > li")).to_have_text(drill["practice"]["success_signals"])
        expect(closing.locator("#questions > li")).to_have_text(
            drill["practice"]["reflection_questions"])
        expect(transcript).to_have_count(2 * len(script))

        complete = closing.get_by_role("button", name="Complete drill")
        complete.click()
        expect(closing.locator("#completed")).to_contain_text("Completed. Practice score:")
        expect(complete).to_be_disabled()
        shown = closing.locator("#completed").inner_text()
        screenshot = page.screenshot(path=str(tmp_path / "practice.png"), full_page=True)
        assert errors.messages == []
        context.close()

    done = coach.client.get(api_url, headers=coach.as_agent(A)).json()
    assert done["status"] == "completed"
    assert done["completed_at"] is not None
    assert percent(done["practice_score"]) in shown
    attempts = sorted(done["attempts"], key=lambda a: a["turn"])
    assert [a["turn"] for a in attempts] == list(range(len(script)))
    assert attempts[0]["reply"] == WEAK_REPLY
    assert attempts[curveball_at]["reply"] == specific_reply(script[curveball_at]["text"])
    assert [r["reply"] for r in scorer.received] == [a["reply"] for a in attempts]
    assert [r["customer"] for r in scorer.received] == [step["text"] for step in script]

    assert screenshot.startswith(PNG_SIGNATURE)
    saved = (tmp_path / "practice.png").read_bytes()
    assert saved.startswith(PNG_SIGNATURE)
    assert len(saved) > 10_000  # a rendered page, not an empty canvas


def test_another_agents_token_opens_an_access_error_not_the_drill(
        browser: Browser, coach: CoachHarness, drill: dict[str, Any]) -> None:
    assignment_id = drill["assignment_id"]
    with serve_in_thread(coach.app) as base_url:
        context = browser.new_context()
        page = context.new_page()
        response = page.goto(sign_in_link(base_url, coach.token(B), assignment_id))
        assert response is not None
        assert response.status == 403
        expect(page.get_by_role("alert")).to_have_text("this token belongs to another agent")
        body = page.locator("body")
        expect(body).not_to_contain_text(drill["practice"]["title"])
        expect(body).not_to_contain_text(drill["practice"]["script"][0]["text"])
        expect(page.locator("#reply-form")).to_have_count(0)

        # Signed in as B, the bare drill page (as a reload or the index serves it) asks the API
        # with B's stored token: the API refuses, and the page shows that instead of the drill.
        page.goto(sign_in_link(base_url, coach.token(B)))
        expect(page.get_by_role("heading", name="Your drills")).to_be_visible()
        page.goto(f"{base_url}/practice/{quote(assignment_id, safe='')}")
        expect(page.get_by_role("alert")).to_have_text("this token belongs to another agent")
        expect(page.locator("#drill")).to_be_hidden()
        expect(page.locator("#transcript > li")).to_have_count(0)
        expect(page.locator("body")).not_to_contain_text(drill["practice"]["title"])

        # With no sign-in at all the bare page says what is missing.
        stranger = browser.new_context()
        anonymous = stranger.new_page()
        anonymous.goto(f"{base_url}/practice/{quote(assignment_id, safe='')}")
        expect(anonymous.get_by_role("alert")).to_contain_text("needs your sign-in link")
        expect(anonymous.locator("#drill")).to_be_hidden()
        stranger.close()
        context.close()
    untouched = coach.client.get(f"/v1/assignments/{assignment_id}",
                                 headers=coach.as_agent(A)).json()
    assert (untouched["status"], untouched["attempts"]) == ("assigned", [])


def test_the_index_link_and_a_reload_keep_the_agent_signed_in(
        browser: Browser, coach: CoachHarness, drill: dict[str, Any]) -> None:
    assignment_id = drill["assignment_id"]
    with serve_in_thread(coach.app) as base_url:
        context = browser.new_context()
        page = context.new_page()
        errors = ConsoleErrors(page)
        page.goto(sign_in_link(base_url, coach.token(A)))
        expect(page).to_have_url(f"{base_url}/practice")  # the token left the address bar
        link = page.get_by_role("link", name=re.compile(re.escape(drill["practice"]["title"])))
        expect(link).to_contain_text("acknowledgment, assigned")
        link.click()
        expect(page).to_have_url(f"{base_url}/practice/{quote(assignment_id, safe='')}")
        first_line = drill["practice"]["script"][0]["text"]
        expect(page.get_by_role("heading", level=1)).to_have_text(drill["practice"]["title"])
        expect(page.locator("#transcript > li").first).to_contain_text(first_line)
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text(drill["practice"]["title"])
        expect(page.locator("#transcript > li")).to_have_count(1)
        expect(page.locator("#transcript > li").first).to_contain_text(first_line)
        expect(page.get_by_role("alert")).to_have_text("")
        page.go_back()  # the bare index: the page finds the agent from the stored token
        expect(page).to_have_url(f"{base_url}/practice")
        expect(link).to_contain_text("acknowledgment, assigned")
        assert errors.messages == []
        context.close()
