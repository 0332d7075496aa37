"""The encoder's last layer, fine-tuned for the rubric (``lab.scorer.finetuning`` trains it).

At scoring time the fine-tuned layer simply replaces the base one, and each message is still
encoded in a single pass. The artifact stores the *difference* from the base layer in float16:
small deltas keep full precision in 16 bits, and the weights file stays a few megabytes.
"""

from __future__ import annotations

from typing import Any, cast

import torch

DELTA_PREFIX = "top_layer_delta."


def top_layer(encoder: torch.nn.Module) -> torch.nn.Module:
    # BertModel.encoder.layer is a ModuleList; nn.Module attributes are typed loosely.
    layer: torch.nn.Module = cast(Any, encoder).encoder.layer[-1]
    return layer


def apply_layer_delta(encoder: torch.nn.Module, tensors: dict[str, torch.Tensor]) -> None:
    """Add a stored delta onto the base encoder's top layer, in place."""
    layer = top_layer(encoder)
    state = layer.state_dict()
    for name, value in state.items():
        delta = tensors[DELTA_PREFIX + name].to(device=value.device, dtype=torch.float32)
        state[name] = (value.float() + delta).to(value.dtype)
    layer.load_state_dict(state)
