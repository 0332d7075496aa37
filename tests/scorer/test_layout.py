"""Serving code and offline code live apart (the running scorer never imports ``lab``), and the
base weights it loads are the pinned ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from services.scorer.model.encoder import (
    PINNED_SHA256,
    BaseWeightsMismatch,
    base_model_path,
    verify_base_files,
)

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


def test_base_weights_that_differ_from_the_pinned_hash_stop_the_scorer(tmp_path: Path) -> None:
    source = base_model_path()
    for name in PINNED_SHA256:
        (tmp_path / name).write_bytes((source / name).read_bytes())
    verify_base_files(tmp_path)  # an identical copy passes
    tampered = bytearray((tmp_path / "model.safetensors").read_bytes())
    tampered[-1] ^= 0x01
    (tmp_path / "model.safetensors").write_bytes(bytes(tampered))
    with pytest.raises(BaseWeightsMismatch, match="model.safetensors"):
        verify_base_files(tmp_path)
