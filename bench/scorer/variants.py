"""The model variants the benchmark measures: ``auto`` (what the service picks on this machine),
``fp32``, ``bf16`` and ``bf16-compiled``.

A variant is a dtype plus whether the encoder is compiled (services/scorer/model/compiled.py):
``auto`` leaves both to the service's own choice (``RAPPORT_SCORER_DTYPE``/``_COMPILE`` auto:
bf16 compiled on CPUs with AMX, fp32 eager elsewhere); plain dtype names never compile, so
``bf16`` stays the eager baseline next to ``bf16-compiled``.
"""

from __future__ import annotations

COMPILED_SUFFIX = "-compiled"
DEFAULT_VARIANTS = "auto"
KNOWN_VARIANTS = ("auto", "fp32", "bf16", f"bf16{COMPILED_SUFFIX}", f"fp32{COMPILED_SUFFIX}")


def split_variant(name: str) -> tuple[str, str]:
    """``(dtype, compile)`` for a variant name: ``bf16-compiled`` -> ``("bf16", "on")``,
    ``bf16`` -> ``("bf16", "off")``, ``auto`` -> ``("auto", "auto")``."""
    if name == "auto":
        return "auto", "auto"
    dtype, compiled = name.removesuffix(COMPILED_SUFFIX), name.endswith(COMPILED_SUFFIX)
    if dtype not in ("fp32", "bf16"):
        raise ValueError(f"unknown variant {name!r}: use one of {', '.join(KNOWN_VARIANTS)}")
    return dtype, "on" if compiled else "off"
