"""Which CPU a run measured: its model name and the matrix instructions the encoder can use.

A figure without the CPU kind means little: the bf16 encoder is 5-10x faster where AMX does its
matrix products than where they are emulated, and avx512_vnni/amx_int8 decide what int8 would
gain. So every benchmark output starts with this line (from ``/proc/cpuinfo``; Linux only).
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
# The flags that decide how fast the encoder's matrix products run, in the order printed.
MATRIX_FEATURES = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8")


def cpu_model_and_flags(cpuinfo: Path = CPUINFO) -> tuple[str, frozenset[str]]:
    """The first processor's ``model name`` and ``flags`` (unknown, no flags: not Linux)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.processor() or "unknown", frozenset()
    model, flags = "unknown", frozenset[str]()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and model == "unknown":
            model = value.strip()
        elif key.strip() == "flags" and not flags:
            flags = frozenset(value.split())
    return model, flags


def cpu_line(cpuinfo: Path = CPUINFO) -> str:
    """``cpu: <model name> | matrix features: avx2 avx512f ...`` (``none`` when none of them)."""
    model, flags = cpu_model_and_flags(cpuinfo)
    found = [feature for feature in MATRIX_FEATURES if feature in flags]
    return f"cpu: {model} | matrix features: {' '.join(found) or 'none'}"


def available_cores() -> int:
    """The cores this process may run on (a container's cpuset), as the service counts them."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

