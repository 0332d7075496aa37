"""``python -m bench.scorer --quick`` and its ``cli-rate``: the shape of their output, not speed.

Both run for real (the end-to-end part through the session's broker and a scorer process) on few
messages, with the eager bf16 variant so that no compiling makes them slow. No figure is checked
against a target: a smoke test on a shared machine must not gate on speed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CPU_LINE = re.compile(r"^cpu: \S.* \| matrix features: (none|[a-z0-9_ ]+)$")
NUMBER = r"(\d+(?:\.\d+)?)"


def _bench(*args: str) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.scorer", *args], capture_output=True, text=True, cwd=REPO,
        timeout=900, check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    print(completed.stdout)  # shown with -s: the figures themselves are not checked
    return completed.stdout.splitlines()


def test_quick_bench_prints_the_cpu_first_then_both_ratios(kafka_bootstrap: str) -> None:
    lines = _bench("--quick", "--variants", "bf16", "--bootstrap", kafka_bootstrap)
    assert CPU_LINE.match(lines[0]), lines[0]
    ratios = [line for line in lines if line.startswith("ratios ")]
    assert len(ratios) == 1, lines
    found = re.fullmatch(rf"ratios bf16 \(bf16 eager\): model only / bare encoder = {NUMBER}, "
                         rf"end to end / model only = {NUMBER}", ratios[0])
    assert found, ratios[0]
    assert all(float(value) > 0 for value in found.groups())
    # The three rates the ratios come from are printed too.
    model_row = next(line for line in lines if line.startswith("bf16 ") and "eager" in line)
    bare_rate, model_rate = (float(v) for v in model_row.split()[4:6])
    assert bare_rate > 0
    assert model_rate > 0


def test_cli_rate_prints_both_rates_and_their_ratio() -> None:
    lines = _bench("cli-rate", "--quick", "--variant", "bf16")
    assert CPU_LINE.match(lines[0]), lines[0]
    text = "\n".join(lines)
    for pattern in (rf"^cli marginal rate: {NUMBER} msg/s \(400 lines in ",
                    rf"^service model-only rate: {NUMBER} msg/s \(300 messages, bf16 eager\)",
                    rf"^cli marginal / model only = {NUMBER}$"):
        found = re.search(pattern, text, re.MULTILINE)
        assert found, (pattern, text)
        assert float(found.group(1)) > 0
