"""The practice page in a real headless Chromium: its script runs, signs in, renders the drill.

``--dump-dom`` loads the page, lets its JavaScript fetch the drill with the bearer token from the
link, and prints the resulting DOM, which holds the first customer line only if all that worked.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from services.coach.app import create_app
from services.coach.web.links import sign_in_link
from shared.settings import KafkaSettings
from tests.coach.conftest import CoachHarness, Scorer, coach_settings
from tests.coach.factories import FixedClock, score_event, uniform_scores
from tests.coach.http_servers import serve_in_thread

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.slow]

A = "zendesk:10000001:902000000001"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def rendered_dom(url: str) -> str:
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    result = subprocess.run(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--virtual-time-budget=10000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_page_signs_in_and_shows_the_first_customer_turn(
        kafka_settings: KafkaSettings, tmp_path: Path, clock: FixedClock,
        scorer: Scorer) -> None:
    # The page, not the database, is under test here: SQLite only.
    settings = coach_settings(kafka_settings, f"sqlite:///{tmp_path / 'coach.db'}",
                              scorer_url=scorer.url)
    app = create_app(settings, clock=clock)
    with TestClient(app) as client:  # seeds through the same app instance the browser uses
        coach = CoachHarness(client, app, settings, clock)
        coach.seed_scores([score_event(A, i, uniform_scores(0.75, acknowledgment=0.15))
                           for i in range(12)])
        client.post("/v1/admin/assign", headers=coach.as_admin)
        drill = client.get(f"/v1/agents/{A}/assignments",
                           headers=coach.as_agent(A)).json()["assignments"][0]
        detail = client.get(f"/v1/assignments/{drill['assignment_id']}",
                            headers=coach.as_agent(A)).json()
        token = coach.token(A)
        with serve_in_thread(app) as base_url:
            drill_dom = rendered_dom(sign_in_link(base_url, token, drill["assignment_id"]))
            index_dom = rendered_dom(sign_in_link(base_url, token))
    first_line = detail["practice"]["script"][0]["text"]
    assert html.escape(first_line, quote=False)[:40] in drill_dom
    assert detail["practice"]["title"] in drill_dom
    assert 'id="reply-form"' in drill_dom
    # The index links each drill (the page keeps the token in session storage, not the URL).
    assert f'href="/practice/{quote(drill["assignment_id"], safe="")}"' in index_dom
