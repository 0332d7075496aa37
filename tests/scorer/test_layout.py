"""Serving code and offline code live apart: the running scorer never imports ``lab``."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import services.scorer.app, services.scorer.model, services.scorer.__main__
offline = sorted(name for name in sys.modules if name == "lab" or name.startswith("lab."))
print(",".join(offline))
"""


def test_the_scorer_service_imports_nothing_from_the_offline_lab() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            check=True, timeout=300)
    assert result.stdout.strip() == "", f"the service imports {result.stdout.strip()}"
