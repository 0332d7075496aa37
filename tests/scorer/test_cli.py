"""``python -m services.scorer score`` end to end, in a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOOD = {
    "channel": "chat",
    "customer": "My parcel 48213 is a week late and I needed it for Saturday.",
    "reply": "I'm sorry your parcel 48213 is late before Saturday; I've sent a new one by express.",
}
WITH_HISTORY = {
    **GOOD,
    "customer": "Still nothing.",
    "history": [{"role": "customer", "text": GOOD["customer"]},
                {"role": "agent", "text": "We'll look into it."}],
}


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.scorer", *args],
        input=stdin, capture_output=True, text=True, cwd=REPO, timeout=300, check=False,
    )


def test_score_keeps_order_and_turns_bad_lines_into_error_objects() -> None:
    lines = [
        json.dumps(GOOD),
        "{not json",
        json.dumps({**GOOD, "channel": "carrier pigeon"}),
        json.dumps(WITH_HISTORY),
        json.dumps({"channel": "email", "customer": "hi"}),
        json.dumps({**GOOD, "reply": "Noted."}),
    ]
    completed = _run("score", "--quiet", stdin="\n".join(lines) + "\n")
    assert completed.returncode == 0, completed.stderr
    outputs = [json.loads(line) for line in completed.stdout.splitlines()]
    assert len(outputs) == len(lines)
    assert [("error" in o) for o in outputs] == [False, True, True, False, True, False]
    assert (outputs[1]["line"], outputs[2]["line"], outputs[4]["line"]) == (2, 3, 5)
    assert "invalid JSON" in outputs[1]["error"]
    assert "unknown channel" in outputs[2]["error"]
    assert "missing field(s): reply" in outputs[4]["error"]
    assert outputs[0]["overall"] > outputs[5]["overall"]
    for output in (outputs[0], outputs[3], outputs[5]):
        assert output["model_version"].startswith("rapport-empathy-")
        assert set(output["tone"]) == {"raw", "channel_adjusted"}


def test_help_lists_the_subcommands() -> None:
    completed = _run("--help")
    assert completed.returncode == 0
    for command in ("train", "evaluate", "score"):
        assert command in completed.stdout
