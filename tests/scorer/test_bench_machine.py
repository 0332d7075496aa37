"""The benchmark's first line: CPU model and matrix features, from a given ``/proc/cpuinfo``."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scorer.machine import cpu_line
from bench.scorer.variants import split_variant

SAPPHIRE = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu sse avx avx2 avx512f avx512_bf16 avx512_vnni amx_tile amx_bf16 amx_int8

processor\t: 1
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu sse avx avx2 avx512f avx512_bf16 avx512_vnni amx_tile amx_bf16 amx_int8
"""
OLD_EPYC = """processor\t: 0
model name\t: AMD EPYC 7B12
flags\t\t: fpu sse avx avx2 fma
"""


def test_cpu_line_lists_the_matrix_features_present_in_a_fixed_order(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(SAPPHIRE, encoding="utf-8")
    assert cpu_line(cpuinfo) == ("cpu: Intel(R) Xeon(R) Platinum 8480+ | matrix features: avx2 "
                                 "avx512f avx512_vnni avx512_bf16 amx_bf16 amx_int8")
    cpuinfo.write_text(OLD_EPYC, encoding="utf-8")
    assert cpu_line(cpuinfo) == "cpu: AMD EPYC 7B12 | matrix features: avx2"


def test_cpu_line_without_cpuinfo_says_none(tmp_path: Path) -> None:
    line = cpu_line(tmp_path / "missing")
    assert line.startswith("cpu: ")
    assert line.endswith("| matrix features: none")


def test_variants_auto_leaves_both_choices_to_the_service() -> None:
    assert split_variant("auto") == ("auto", "auto")
    assert split_variant("bf16") == ("bf16", "off")
    assert split_variant("bf16-compiled") == ("bf16", "on")
    with pytest.raises(ValueError, match="unknown variant"):
        split_variant("int8")
