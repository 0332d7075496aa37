"""The model variants the benchmark compares: ``fp32``, ``bf16`` and ``bf16-compiled``.

A variant is a dtype plus whether the encoder is compiled (services/scorer/model/compiled.py);
plain names never compile, so ``bf16`` stays the eager baseline next to ``bf16-compiled``.
"""

from __future__ import annotations

COMPILED_SUFFIX = "-compiled"
DEFAULT_VARIANTS = "fp32,bf16,bf16-compiled"


def split_variant(name: str) -> tuple[str, str]:
    """``(dtype, compile)`` for a variant name, e.g. ``bf16-compiled`` -> ``("bf16", "on")``."""
    dtype, compiled = name.removesuffix(COMPILED_SUFFIX), name.endswith(COMPILED_SUFFIX)
    if dtype not in ("fp32", "bf16", "auto"):
        raise ValueError(f"unknown variant {name!r}: use fp32, bf16 or bf16{COMPILED_SUFFIX}")
    return dtype, "on" if compiled else "off"
