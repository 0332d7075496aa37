"""A minimal valid scenario as plain data, for tests that break one thing at a time."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

_VALID_SCENARIO: dict[str, Any] = {
    "id": "sample-scenario",
    "title": "A sample scenario",
    "dimensions": ["acknowledgment", "next_steps"],
    "emotion": "anger",
    "intensity": 3,
    "difficulty": 2,
    "stakes": "medium",
    "ambiguity": "low",
    "channel": "chat",
    "industry": "telecom",
    "persona": {"name": "Sam Sample", "summary": "A customer who exists for tests."},
    "accessibility_needs": [],
    "cultural_cues": [],
    "vulnerability": None,
    "tags": [],
    "customer_turns": ["My internet is down.", "It has been down since Monday."],
    "curveball": None,
    "success_signals": ["Names the outage.", "Gives a time for the fix."],
    "reflection_questions": ["What did you name?", "What did you promise?"],
    "roles": {"agent": "support agent", "customer": "Sam", "observer": "watch the promises"},
    "timebox_minutes": 5,
    "examples": {"strong": "Sam, the outage is ours; fixed by 5pm.", "weak": "We'll look into it."},
}


def valid_scenario_data(**overrides: Any) -> dict[str, Any]:
    """A fresh, deep-copied valid scenario with top-level fields replaced by ``overrides``."""
    data = copy.deepcopy(_VALID_SCENARIO)
    data.update(copy.deepcopy(overrides))
    return data


def write_scenario(directory: Path, data: dict[str, Any], *, file_name: str | None = None) -> Path:
    """Write ``data`` as YAML, named after its id unless ``file_name`` says otherwise."""
    path = directory / (file_name or f"{data['id']}.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
