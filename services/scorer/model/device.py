"""Choosing where and in which precision the encoder runs.

bf16 is only worth it where the hardware multiplies bf16 natively: Intel AMX on the CPU (5-10x
faster than fp32 for MiniLM). Elsewhere bf16 is emulated and slower than fp32. On CUDA ``auto``
means fp32: measured on an H200 (see docs/model-card.md), bf16 gained nothing (about 700
messages/s either way; tokenising and post-processing on the CPU bound the rate, not the GPU)
while its scores moved up to 0.09 from fp32, beyond the 0.02 tolerance. ``bf16`` can still be
asked for explicitly.
"""

from __future__ import annotations

from pathlib import Path

import torch

DTYPES: dict[str, torch.dtype] = {"fp32": torch.float32, "bf16": torch.bfloat16}
_CPUINFO = Path("/proc/cpuinfo")


def cpu_has_amx_bf16(cpuinfo: Path = _CPUINFO) -> bool:
    """True when the CPU advertises the ``amx_bf16`` flag (Linux only; False elsewhere)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            return "amx_bf16" in line.split(":", 1)[-1].split()
    return False


def select_device(requested: str | None) -> str:
    """``None`` means CUDA when available, else CPU."""
    if requested is None:
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {requested!r}")
    if requested == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' requested but CUDA is not available")
    return requested


def multiplies_bf16_natively(device: str) -> bool:
    """CUDA, or a CPU with AMX: where bf16 matrix products are fast rather than emulated."""
    return device == "cuda" or (device == "cpu" and cpu_has_amx_bf16())


def select_dtype(requested: str, device: str) -> str:
    """Resolve ``auto`` to ``bf16`` on CPUs with AMX, else ``fp32`` (CUDA included)."""
    if requested == "auto":
        return "bf16" if device == "cpu" and cpu_has_amx_bf16() else "fp32"
    if requested not in DTYPES:
        raise ValueError(f"dtype must be one of auto, {', '.join(DTYPES)}; got {requested!r}")
    return requested
