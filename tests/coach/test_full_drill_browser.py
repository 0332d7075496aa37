"""A whole drill as an agent lives it, on the stack ``make up`` runs: real processes, real model.

The scorer (with its trained model) and the coach run as ``python -m services.<name>`` on the
test broker, started with the settings ``make up`` gives them (``deploy/local/stack.py``: its
``dev.env``, its service links and its ``.run/stack.env``). Scores for one agent arrive on
Kafka; the coach profiles the agent and assigns drills. The sign-in link is the one ``make up``
prints (``stack.sign_in_lines``, which runs ``python -m services.coach issue-link``). Debian's
Chromium then goes from that link through a full drill: the brief, replies with line breaks, the
curveball, feedback for every turn, the closing screen with the strong example, a saved
reflection, and back on the agent's home the practised drill and the score chart. axe-core
checks every page; screenshots of each stage are kept (the path is printed).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from deploy.kafka.launcher import free_port
from deploy.local import stack
from shared.events.interactions import Channel
from shared.events.topics import SCORES
from shared.local_stack import STACK_ENV, is_stack_key, read_env_file
from shared.settings import KafkaSettings
from tests.coach.accessibility import artefacts_dir, assert_accessible
from tests.coach.factories import score_event, uniform_scores
from tests.coach.kafka_helpers import produce
from tests.coach.test_practice_page_playwright import ConsoleErrors, chromium_path
from tests.support.processes import ServiceProcess

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.slow]

AGENT = "zendesk:10000001:902000000077"
FOCUS = "next_steps"  # its email drills include curveballs of both voices
LINK = re.compile(r"^\s+(http://\S+/practice\?token=\S+)$", re.MULTILINE)


@dataclass
class RunningStack:
    coach: ServiceProcess
    scorer: ServiceProcess
    summary: dict[str, object]
    printed: str  # the sign-in lines as `make up` prints them


@pytest.fixture
def stack_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``os.environ`` as ``make up`` leaves it for its services, put back afterwards (``up``
    fills it in place, so monkeypatch alone would not undo it)."""
    saved = dict(os.environ)
    for key in [key for key in os.environ if is_stack_key(key)]:
        del os.environ[key]  # a shell that exported nothing: dev.env decides, as for make up
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def running_stack(kafka_settings: KafkaSettings, tmp_path: Path, stack_environment: None,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningStack]:
    checkout = tmp_path / "checkout"
    (checkout / ".run").mkdir(parents=True)
    monkeypatch.setattr(stack, "ROOT", checkout)  # issue-link runs here, reading its stack.env
    monkeypatch.setattr(stack, "RUN_DIR", checkout / ".run")
    monkeypatch.setattr(stack, "STACK_ENV_FILE", checkout / STACK_ENV)
    ports = {"scorer": free_port(), "coach": free_port()}
    os.environ.update({
        "KAFKA_BOOTSTRAP_SERVERS": kafka_settings.bootstrap_servers,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rapport.db'}",
        "RAPPORT_SCORER_PORT": str(ports["scorer"]), "RAPPORT_COACH_PORT": str(ports["coach"]),
        # Scores arrive on Kafka directly; the scorer serves live practice scoring only.
        "RAPPORT_SCORER_CONSUME": "false", "RAPPORT_SCORER_COMPILE": "off",
        "RAPPORT_SCORER_TORCH_THREADS": "1",
        "RAPPORT_COACH_KAFKA__TOPIC_PREFIX": kafka_settings.topic_prefix,
        "RAPPORT_SCORER_KAFKA__TOPIC_PREFIX": kafka_settings.topic_prefix,
    })
    stack.load_environment()  # dev.env beneath what is set, as `make up` starts
    stack.link_services()
    stack.write_stack_env()
    written = read_env_file(checkout / STACK_ENV)
    assert written["RAPPORT_COACH_PUBLIC_BASE_URL"] == f"http://127.0.0.1:{ports['coach']}"

    services = {name: ServiceProcess(name, port, {}, tmp_path / f"{name}.log")
                for name, port in ports.items()}
    for service in services.values():
        service.start()
    try:
        for service in services.values():
            service.wait_ready()
        now = datetime.now(UTC)
        produce(kafka_settings, kafka_settings.topic(SCORES), [
            score_event(AGENT, i, uniform_scores(0.75, **{FOCUS: 0.15}), channel=Channel.EMAIL,
                        at=now - timedelta(hours=i + 1)) for i in range(12)])
        summary = stack.wait_for_results(timeout_s=120)
        assert summary.get("assignments_this_week"), (
            f"no drills assigned: {summary}\n{services['coach'].log_tail()}")
        yield RunningStack(services["coach"], services["scorer"], summary,
                           stack.sign_in_lines(summary))
    finally:
        for service in services.values():
            if service.process is not None and service.process.poll() is None:
                service.terminate()


@pytest.fixture
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    expect.set_options(timeout=30_000)  # a real model on two shared cores: allow slow replies
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield launched
        launched.close()


def drill_with_curveball(coach_url: str, token: str) -> dict[str, Any]:
    """One of the agent's drills with a curveball: one from the company when there is one."""
    headers = {"Authorization": f"Bearer {token}"}
    listed = httpx.get(f"{coach_url}/v1/agents/{AGENT}/assignments", headers=headers).json()
    details = [httpx.get(f"{coach_url}/v1/assignments/{item['assignment_id']}",
                         headers=headers).json() for item in listed["assignments"]]
    with_curveball = [d for d in details
                      if any(step["kind"] == "curveball" for step in d["practice"]["script"])]
    assert with_curveball, f"no drill with a curveball among {[d['scenario_id'] for d in details]}"
    return min(with_curveball, key=lambda d: all(s["from_customer"]
                                                 for s in d["practice"]["script"]))


def reply_to(step: dict[str, Any], turn: int) -> str:
    """A two-paragraph reply that names what the customer wrote and commits to a time."""
    words = re.findall(r"[A-Za-z£$€0-9']{5,}", step["text"])[:3]
    return (f"Thank you for telling me about {', '.join(words)}: I can see why this matters.\n\n"
            f"I will call you by 4pm today (update {turn + 1}) with a confirmed date.")


def shoot(page: Page, directory: Path, name: str) -> None:
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


def test_a_full_drill_from_the_make_up_sign_in_link_to_the_agents_home(
        running_stack: RunningStack, browser: Browser) -> None:
    shots = artefacts_dir().parent / "full-drill"
    shots.mkdir(parents=True, exist_ok=True)
    print(f"full-drill screenshots: {shots}")
    found = LINK.search(running_stack.printed)
    assert found, f"`make up` printed no sign-in link:\n{running_stack.printed}"
    assert f"Sign in as the sample agent {AGENT}" in running_stack.printed
    link = found.group(1)
    token = link.rsplit("token=", 1)[1]
    coach_url = running_stack.coach.url
    drill = drill_with_curveball(coach_url, token)
    practice = drill["practice"]
    script = practice["script"]

    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    errors = ConsoleErrors(page)
    page.goto(link)
    expect(page).to_have_url(f"{coach_url}/practice")  # the token left the address bar
    drill_link = page.get_by_role("link", name=re.compile(re.escape(practice["title"])))
    expect(drill_link).to_be_visible()
    assert_accessible(page, "full-drill-home-before")
    shoot(page, shots, "1-home")
    drill_link.click()

    # The brief.
    expect(page.get_by_role("heading", level=1)).to_have_text(practice["title"])
    brief = page.get_by_role("region", name="Your brief")
    for fact in (practice["persona_name"], practice["channel_name"], practice["agent_role"],
                  *practice["accessibility_needs"], *practice["cultural_cues"]):
        expect(brief).to_contain_text(fact)
    expect(page.get_by_role("timer")).to_contain_text(
        f"Timebox: about {practice['timebox_minutes']} minutes")
    shoot(page, shots, "2-brief")

    feedback = page.locator("#transcript > li.feedback")
    for turn, step in enumerate(script):
        shown = page.locator("#transcript > li.customer, #transcript > li.curveball").nth(turn)
        expect(shown.locator(".badge")).to_have_text(step["label"])
        if not step["from_customer"]:
            expect(shown).to_contain_text("Not a customer message")
        reply = page.locator("#reply")
        expect(reply).to_be_focused()
        text = reply_to(step, turn)
        page.keyboard.type(text)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(feedback).to_have_count(turn + 1)  # scored live by the real model
        mine = page.locator("#transcript > li.agent").nth(turn)
        expect(mine.locator(".message > p")).to_have_count(2)  # the line breaks survived
        latest = feedback.nth(turn)
        expect(latest.locator(".score").first).to_contain_text(
            re.compile(r"^Your reply's [a-z ]+: (\d+%|not scored for this reply) \u2014 \w"))
        expect(latest).to_contain_text("stands for:")  # the framework, named in full
        expect(latest).to_contain_text(re.compile(r"(Try this|What worked) \((NURSE|L\.A\.S\.T\."
                                                  r"|NVC): [^)]+\):"))
        expect(latest).to_contain_text(re.compile(r"In your words:|came through in:|Also in"))
        if turn == next(i for i, s in enumerate(script) if s["kind"] == "curveball"):
            assert_accessible(page, "full-drill-curveball")
            shoot(page, shots, "3-curveball")
        page.keyboard.press("Enter")  # Next message / Finish

    closing = page.get_by_role("region", name="How did it go?")
    expect(closing).to_be_visible()
    expect(feedback).to_have_count(len(script))  # every turn's feedback, kept
    strong = closing.get_by_role("region", name="A strong reply")
    expect(strong).to_contain_text(practice["strong_example"].split("\n")[0])
    expect(closing.get_by_role("region", name="Your replies").locator("li")).to_have_count(
        len(script))
    expect(closing.locator("#signals > li")).to_have_text(practice["success_signals"])
    answer = "I gave a time.\n\nNext time I will name the date they care about first."
    page.get_by_label(practice["reflection_questions"][0]).fill(answer)
    closing.get_by_role("button", name="Save reflections").click()
    expect(closing.get_by_role("status")).to_contain_text("Saved 1 of")
    closing.get_by_role("button", name="Complete drill").click()
    expect(closing.locator("#completed")).to_contain_text("Completed.")
    assert_accessible(page, "full-drill-closing")
    shoot(page, shots, "4-closing")

    page.get_by_role("link", name="Back to your practice home").click()
    expect(page).to_have_url(f"{coach_url}/practice")
    history = page.get_by_role("region", name="Your past practice")
    expect(history).to_contain_text(practice["title"])
    expect(history).to_contain_text("Next time I will name the date they care about first.")
    chart = page.locator("#chart svg")
    expect(chart).to_be_visible()
    assert_accessible(page, "full-drill-home-after")
    shoot(page, shots, "5-home-after")
    assert errors.messages == []
    context.close()

    stored = httpx.get(f"{coach_url}/v1/assignments/{drill['assignment_id']}",
                       headers={"Authorization": f"Bearer {token}"}).json()
    assert stored["status"] == "completed"
    assert {a["turn"] for a in stored["attempts"]} == set(range(len(script)))
    assert all("\n\n" in a["reply"] for a in stored["attempts"])
    assert stored["attempts"][0]["model_version"] != "stand-in-1"  # the real model scored it
