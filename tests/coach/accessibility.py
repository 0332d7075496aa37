"""axe-core run inside the real browser page: every rule axe enables by default (WCAG 2.x A/AA
and best practices), with each violation listed when the check fails.

axe.min.js comes bundled with axe-playwright-python (no CDN). Playwright evaluates it through
the DevTools protocol, which the pages' Content-Security-Policy (nonce-only scripts) does not
block, so the pages under test need no test-only relaxation.

Every call also saves a full-page screenshot and axe's violations as JSON, named after the
check, under the artefacts directory: ``$RAPPORT_TEST_ARTEFACTS`` or ``.run/artefacts`` (git
ignores ``.run/``), in ``accessibility/``. A failure then has a picture of what axe saw.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

ARTEFACTS_ENV = "RAPPORT_TEST_ARTEFACTS"
_REPO_ROOT = Path(__file__).resolve().parents[2]
_AXE = Axe()


def artefacts_dir() -> Path:
    root = Path(os.environ.get(ARTEFACTS_ENV) or _REPO_ROOT / ".run" / "artefacts")
    directory = root / "accessibility"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def assert_accessible(page: Page, name: str) -> None:
    """Fail listing every axe violation (rule id, impact, target nodes) on the page as it is now.

    ``name`` says which page or state was checked; it names the saved screenshot and report.
    """
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
    directory = artefacts_dir()
    page.screenshot(path=str(directory / f"{stem}.png"), full_page=True)
    response: dict[str, Any] = _AXE.run(page).response
    violations: list[dict[str, Any]] = response["violations"]
    (directory / f"{stem}.axe.json").write_text(
        json.dumps({"url": response.get("url"), "violations": violations}, indent=2),
        encoding="utf-8")
    assert response.get("testEngine", {}).get("name") == "axe-core", "axe-core did not run"
    assert not violations, f"{name}: {len(violations)} accessibility violation(s)\n" + "\n".join(
        describe(violation) for violation in violations)


def describe(violation: dict[str, Any]) -> str:
    """One violation: its rule, impact and help text, then each offending node's selector."""
    lines = [f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): "
             f"{violation.get('help', '')} [{violation.get('helpUrl', '')}]"]
    for node in violation.get("nodes", []):
        target = " ".join(str(part) for part in node.get("target", []))
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"    {target}: {summary}")
    return "\n".join(lines)
