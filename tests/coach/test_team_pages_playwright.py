"""The lead's pages in a real Chromium: the team view, then a before/after experiment defined
with the page's form over four weeks of scored history, its result and its CSV download.

The lead signs in with a lead's link; the team view shows the team's skills chart (a line per
skill, with a text alternative and a table), drill completion, calibration health and open
disputes, and no agent's name outside the cohort picker. The experiment page shows the change
with its interval for both groups and the difference, the same for satisfaction ratings and
reopened conversations, and downloads the figures as CSV. axe-core
finds nothing on either page.
"""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from services.coach.store.outcomes import record_outcomes
from services.coach.web.links import issue_staff_token
from tests.coach.accessibility import assert_accessible
from tests.coach.conftest import LINK_SECRET, CoachHarness
from tests.coach.http_servers import serve_in_thread
from tests.coach.test_practice_page_playwright import ConsoleErrors, browser  # noqa: F401
from tests.coach.test_team_experiments_api import (
    COHORT,
    DEFINITION,
    LEAD,
    TEAM,
    history,
    outcome_events,
    reveal_a_circle,
)

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_lead_reads_the_team_view_and_runs_an_experiment(
        browser: Browser, coach: CoachHarness, tmp_path: Path) -> None:  # noqa: F811
    coach.seed_scores(history())
    with coach.engine.begin() as connection:
        record_outcomes(connection, outcome_events(), now=coach.clock())
    reveal_a_circle(coach)
    token = issue_staff_token(LEAD, "lead", TEAM, LINK_SECRET,
                              expires_at=coach.clock() + timedelta(hours=1))
    with serve_in_thread(coach.app) as base_url:
        context = browser.new_context(viewport={"width": 1000, "height": 900},
                                      accept_downloads=True)
        page = context.new_page()
        errors = ConsoleErrors(page)
        page.goto(f"{base_url}/team?token={token}")
        expect(page).to_have_url(f"{base_url}/team")  # the token left the address bar
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Team {TEAM}")

        chart = page.locator("#team-chart-figure svg[role=img]")
        expect(chart.locator("g.series")).to_have_count(8)
        expect(chart.locator("g.series[data-dimension=acknowledgment] path.point")).to_have_count(3)
        expect(page.locator("#team-chart-desc")).to_contain_text("the team's scored replies")
        expect(page.locator("#drill-table tbody tr")).to_have_count(8)
        expect(page.locator("#calibration-health")).to_contain_text(
            "1 calibration circle, 1 with results revealed.")
        expect(page.locator("#calibration-table tbody tr")).to_have_count(8)
        expect(page.locator("#open-disputes")).to_have_text("No dispute waits for you.")
        # Behaviour, not people: outside the cohort picker no agent is named.
        shown = page.locator("#content").inner_text()
        picker = page.locator("#new-experiment").inner_text()
        assert not any(agent in shown.replace(picker, "") for agent in COHORT)
        assert_accessible(page, "team-view")

        form = page.locator("#new-experiment")
        form.get_by_label("Name").fill(DEFINITION["name"])
        form.get_by_label("Skill").select_option("acknowledgment")
        for agent in COHORT:
            form.get_by_label(agent).check()
        for field in ("baseline_from", "baseline_to", "practice_from", "practice_to"):
            form.locator(f"#{field}").fill(DEFINITION[field])
        form.get_by_role("button", name="Create experiment").click()

        expect(page).to_have_url(re.compile(re.escape(f"{base_url}/team/experiments/exp_")))
        expect(page.get_by_role("heading", level=1)).to_have_text(DEFINITION["name"])
        summary = page.locator("#result-summary")
        expect(summary).to_contain_text("The cohort's acknowledgment score changed by "
                                        "+20.0 points (95% interval +10.0 points to +30.0")
        expect(summary).to_contain_text("practice is associated with +19.0 points")
        rows = page.locator("#result-table tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("4 of 4")
        expect(rows.nth(2)).to_contain_text("+19.0 points")
        expect(page.locator("#interval-chart line.interval")).to_have_count(3)
        outcomes = page.locator("#outcomes > li")
        expect(outcomes).to_have_count(2)
        expect(outcomes.nth(0).locator("tbody tr").nth(2)).to_contain_text("+50.0 points")
        expect(outcomes.nth(1).locator("tbody tr").nth(0)).to_contain_text("-100.0 points")
        assert_accessible(page, "experiment-result")

        with page.expect_download() as downloading:
            page.get_by_role("button", name="Download the figures as CSV").click()
        download = downloading.value
        assert re.fullmatch(r"exp_[0-9a-f]{16}\.csv", download.suggested_filename)
        saved = tmp_path / "experiment.csv"
        download.save_as(saved)
        table = list(csv.DictReader(saved.open(encoding="utf-8")))
        assert table[0]["group"] == "cohort"
        assert float(table[0]["change"]) == pytest.approx(0.2)

        page.get_by_role("link", name="Back to the team").click()
        expect(page.locator("#experiment-list li")).to_contain_text(DEFINITION["name"])
        assert errors.messages == []
        context.close()
