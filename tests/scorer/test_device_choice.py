"""Where ``auto`` puts bf16: CPUs with AMX only (measured; see services/scorer/model/device.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.scorer.model import device


def _cpuinfo(tmp_path: Path, flags: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nflags\t\t: fpu sse2 {flags}\n")
    return path


def test_amx_flag_is_read_from_cpuinfo(tmp_path: Path) -> None:
    assert device.cpu_has_amx_bf16(_cpuinfo(tmp_path, "avx512f amx_bf16 amx_tile"))
    assert not device.cpu_has_amx_bf16(_cpuinfo(tmp_path, "avx512f avx512_bf16"))
    assert not device.cpu_has_amx_bf16(tmp_path / "missing")


@pytest.mark.parametrize(("has_amx", "target", "expected"), [
    (True, "cpu", "bf16"), (False, "cpu", "fp32"), (True, "cuda", "fp32"), (False, "cuda", "fp32"),
])
def test_auto_dtype(monkeypatch: pytest.MonkeyPatch, has_amx: bool, target: str,
                    expected: str) -> None:
    monkeypatch.setattr(device, "cpu_has_amx_bf16", lambda *_: has_amx)
    assert device.select_dtype("auto", target) == expected


def test_explicit_dtypes_are_honoured_and_unknown_ones_refused() -> None:
    assert device.select_dtype("bf16", "cuda") == "bf16"
    assert device.select_dtype("fp32", "cpu") == "fp32"
    with pytest.raises(ValueError, match="dtype must be one of"):
        device.select_dtype("fp16", "cpu")
