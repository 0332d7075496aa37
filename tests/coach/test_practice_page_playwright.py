"""The practice page driven like an agent would drive it: a real Chromium under Playwright.

The agent signs in with the link, reads the brief, answers each message with the keyboard
(paragraphs kept both ways), sees each reply's framed score, move, framework and quoted words
stay in the conversation, meets the policy change as a note, compares their replies with the
strong one, saves a reflection and completes; axe finds nothing on the page or the closing
screen. Another agent's token opens an access error, never the drill.
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

from services.coach.domain.scenario_library import load_library
from services.coach.web.links import sign_in_link
from tests.coach.accessibility import assert_accessible
from tests.coach.conftest import CoachHarness, Scorer
from tests.coach.factories import score_event, uniform_scores
from tests.coach.http_servers import serve_in_thread
from tests.coach.test_reflections_api import give_drill

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.slow]

A = "zendesk:10000001:902000000001"
B = "zendesk:10000001:902000000002"
WEAK_REPLY = "Sorry for any inconvenience."
EMAIL_WITH_NOTE = "api-sunset-extension-email"  # a "Subject:" line, a policy change midway
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
    """A reply in two paragraphs that reuses the customer's own words (scores well)."""
    words = re.findall(r"[a-z0-9$.']{4,}", customer_line.lower())[:3]
    return f"I hear you about {', '.join(words)}.\n\nI'll have it fixed by 5pm today."


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{round(value * 100)}%"


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


def test_an_agent_practises_a_drill_from_sign_in_to_completion(
        browser: Browser, coach: CoachHarness, scorer: Scorer, tmp_path: Path) -> None:
    scenario = load_library().get(EMAIL_WITH_NOTE)
    assignment_id = give_drill(coach, A, EMAIL_WITH_NOTE, slot=0)
    api_url = f"/v1/assignments/{assignment_id}"
    drill = coach.client.get(api_url, headers=coach.as_agent(A)).json()
    script = drill["practice"]["script"]
    note_at = next(i for i, step in enumerate(script) if step["kind"] == "curveball")
    assert not script[note_at]["from_customer"]

    with serve_in_thread(coach.app) as base_url:
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        page = context.new_page()
        errors = ConsoleErrors(page)
        page.goto(sign_in_link(base_url, coach.token(A), assignment_id))

        expect(page.get_by_role("heading", level=1)).to_have_text(scenario.title)
        expect(page).to_have_url(f"{base_url}/practice/{quote(assignment_id, safe='')}")  # no token
        brief = page.get_by_role("region", name="Your brief")
        for fact in (scenario.persona.name, "email", "anger", "high", scenario.cultural_cues[0],
                      scenario.roles.agent, scenario.roles.customer):
            expect(brief).to_contain_text(fact)
        expect(page.get_by_role("timer")).to_contain_text(
            f"Timebox: about {scenario.timebox_minutes} minutes. Time so far: 0:0")
        # The email's subject is its own line, and its body keeps its paragraphs.
        first = page.locator("#transcript > li").first
        subject, body = script[0]["text"].split("\n\n", 1)
        expect(first.locator(".subject")).to_have_text(subject)
        expect(first.locator(".message > p:not(.subject)")).to_have_text(paragraphs(body))

        feedback = page.locator("#transcript > li.feedback")
        for turn, step in enumerate(script):
            shown = page.locator("#transcript > li.customer, #transcript > li.curveball").nth(turn)
            expect(shown.locator(".badge")).to_have_text(step["label"])  # said, not coloured
            if turn == note_at:
                expect(shown).to_contain_text("Not a customer message: a policy update")
                expect(page.get_by_label("Your message to the customer about this")).to_be_focused()
            else:
                expect(shown.locator(".badge")).to_have_text("Customer")
            reply = page.locator("#reply")
            expect(reply).to_be_focused()
            expect(reply).to_have_value("")
            # After a note the agent still writes to the customer about their last message.
            customer = step["text"] if step["from_customer"] else script[turn - 1]["text"]
            text = WEAK_REPLY if turn == 0 else specific_reply(customer)
            page.keyboard.type(text)  # "\n" presses Enter: a real line break
            page.keyboard.press("Tab")
            expect(page.get_by_role("button", name="Send reply")).to_be_focused()
            page.keyboard.press("Enter")  # keyboard only: no mouse needed to answer

            expect(feedback).to_have_count(turn + 1)  # earlier feedback stays
            mine = page.locator("#transcript > li.agent").nth(turn)
            expect(mine.locator(".message > p")).to_have_text(paragraphs(text))
            stored = coach.client.get(api_url, headers=coach.as_agent(A)).json()["attempts"]
            attempt = next(a for a in stored if a["turn"] == turn)
            latest = feedback.nth(turn)
            expect(latest.locator(".score").first).to_have_text(
                f"Your reply's acknowledgment: {percent(attempt['target_score'])} \u2014 "
                f"{attempt['target_meaning']}.")
            expect(latest).to_contain_text(f"Your reply overall: {percent(attempt['overall'])}")
            expect(latest).to_contain_text("NURSE stands for: Name, Understand, Respect, "
                                           "Support, Explore.")
            if turn == 0:  # the weak reply: a low score and a kind suggestion
                assert attempt["target_score"] < 0.5
                expect(latest).to_contain_text("Try this (NURSE:")
                expect(latest).to_contain_text("Mention what the customer told you")
            else:  # a specific reply: the feedback quotes it back as evidence
                assert attempt["target_score"] >= 0.5
                expect(latest).to_contain_text("What worked (NURSE: Name, Understand):")
                expect(latest).to_contain_text("Your acknowledgment came through in:")
            if turn == 1:
                expect(latest.locator(".growth")).to_contain_text("went from")
                assert_accessible(page, "drill-page-feedback")
            next_button = page.locator("#next")
            expect(next_button).to_be_focused()
            last = turn == len(script) - 1
            expect(next_button).to_have_text("Finish" if last else "Next message")
            page.keyboard.press("Enter")

        closing = page.get_by_role("region", name="How did it go?")
        expect(closing).to_be_visible()
        expect(closing.get_by_role("heading", name="How did it go?")).to_be_focused()
        expect(page.locator("#reply-form")).to_be_hidden()
        expect(feedback).to_have_count(len(script))  # every turn's feedback, kept to the end
        strong = closing.get_by_role("region", name="A strong reply")
        expect(strong.locator("p")).to_have_text(paragraphs(scenario.examples.strong))
        yours = closing.get_by_role("region", name="Your replies")
        expect(yours.locator("li")).to_have_count(len(script))
        expect(closing.locator("#signals > li")).to_have_text(list(scenario.success_signals))
        expect(closing).to_contain_text(scenario.roles.observer)
        sizes = page.evaluate("""() => ['h1', '#closing h2', '#closing h3', '#closing h4'].map(
            (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize))""")
        assert sizes[0] > sizes[1] > sizes[2] > sizes[3], sizes  # h1 largest, h4 smallest

        # Reflect and complete with the keyboard alone.
        page.keyboard.press("Tab")
        expect(page.get_by_label(scenario.reflection_questions[0])).to_be_focused()
        page.keyboard.type("I said the date first.\n\nThen what could still move.")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        expect(closing.get_by_role("button", name="Save reflections")).to_be_focused()
        page.keyboard.press("Enter")
        expect(closing.get_by_role("status")).to_contain_text("Saved 1 of 2 answers")
        page.keyboard.press("Tab")
        complete = closing.get_by_role("button", name="Complete drill")
        expect(complete).to_be_focused()
        page.keyboard.press("Enter")
        expect(closing.locator("#completed")).to_contain_text(
            "Completed. Your practice score for acknowledgment:")
        expect(complete).to_be_disabled()
        shown_score = closing.locator("#completed").inner_text()
        assert_accessible(page, "drill-page-closing")

        page.reload()  # the saved answer comes back with the finished drill
        expect(page.get_by_label(scenario.reflection_questions[0])).to_have_value(
            "I said the date first.\n\nThen what could still move.")
        expect(page.locator("#transcript > li.feedback")).to_have_count(len(script))
        screenshot = page.screenshot(path=str(tmp_path / "practice.png"), full_page=True)
        assert errors.messages == []
        context.close()

    done = coach.client.get(api_url, headers=coach.as_agent(A)).json()
    assert done["status"] == "completed"
    assert percent(done["practice_score"]) in shown_score
    attempts = sorted(done["attempts"], key=lambda a: a["turn"])
    assert [a["turn"] for a in attempts] == list(range(len(script)))
    assert attempts[0]["reply"] == WEAK_REPLY
    assert attempts[note_at]["reply"] == specific_reply(script[note_at - 1]["text"])  # breaks
    assert [r["reply"] for r in scorer.received] == [a["reply"] for a in attempts]
    # The note reached the scorer as context; the customer's words stayed the customer's.
    assert scorer.received[note_at]["customer"] == script[note_at - 1]["text"]
    assert scorer.received[note_at]["history"][-1] == {"role": "system",
                                                       "text": script[note_at]["text"]}
    assert screenshot.startswith(PNG_SIGNATURE)
    assert len((tmp_path / "practice.png").read_bytes()) > 10_000  # a rendered page


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
