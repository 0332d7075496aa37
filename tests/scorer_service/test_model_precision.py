"""The service picks bf16 exactly where the CPU multiplies it natively.

That bf16 stays within 0.02 of fp32 on the held-out split is tested with the model, in
``tests/scorer/test_precision.py``.
"""

from __future__ import annotations

from services.scorer.model.device import cpu_has_amx_bf16
from services.scorer.scoring_model import BatchScorer


def test_auto_precision_is_bf16_exactly_on_cpus_with_amx(empathy_scorer: BatchScorer) -> None:
    # On CUDA the model picks fp32: bf16 gained nothing there (the CPU side bounds the rate).
    amx = empathy_scorer.device_name == "cpu" and cpu_has_amx_bf16()
    assert empathy_scorer.dtype_name == ("bf16" if amx else "fp32")
