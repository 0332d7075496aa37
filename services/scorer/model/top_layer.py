"""The encoder's last layer, fine-tuned for the rubric.

The five layers below stay frozen, so training runs them once per example and caches their output;
only the top layer and the heads then train on it. At scoring time nothing changes: the fine-tuned
layer simply replaces the base one, and each message is still encoded in a single pass.

The artifact stores the *difference* from the base layer in float16: small deltas keep full
precision in 16 bits, and the weights file stays a few megabytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import torch
from transformers.masking_utils import create_bidirectional_mask

from services.scorer.model.features import encode_in_order
from services.scorer.model.pooling import SpanFeatures
from services.scorer.model.tokenizing import TokenizedExample

DELTA_PREFIX = "top_layer_delta."


def top_layer(encoder: torch.nn.Module) -> torch.nn.Module:
    # BertModel.encoder.layer is a ModuleList; nn.Module attributes are typed loosely.
    layer: torch.nn.Module = cast(Any, encoder).encoder.layer[-1]
    return layer


def run_top_layer(
    encoder: torch.nn.Module, hidden: torch.Tensor, attention_mask: torch.Tensor
) -> torch.Tensor:
    """Apply the last layer to ``hidden`` (the output of the layer below) with the model's mask."""
    mask = create_bidirectional_mask(
        config=encoder.config, inputs_embeds=hidden, attention_mask=attention_mask
    )
    output = top_layer(encoder)(hidden, attention_mask=mask)
    hidden_out: torch.Tensor = output[0] if isinstance(output, tuple) else output
    return hidden_out


def encode_with_cache(
    encoder: torch.nn.Module,
    examples: Sequence[TokenizedExample],
    pad_id: int,
    device: str,
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[SpanFeatures, list[torch.Tensor]]:
    """Frozen-encoder features (input order) and each example's input to the top layer."""
    below_top: list[torch.Tensor | None] = [None] * len(examples)

    def keep_input_of_top_layer(bucket: list[int], hidden_states: tuple[torch.Tensor, ...]) -> None:
        for row, index in enumerate(bucket):
            below_top[index] = hidden_states[-2][row, : examples[index].length].to("cpu").clone()

    features = encode_in_order(
        encoder, examples, pad_id, device, batch_size, on_batch, keep_input_of_top_layer
    )
    return features, [state for state in below_top if state is not None]


def padded_states(
    states: Sequence[torch.Tensor], device: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack cached per-example states into ``[B, T, H]`` float32 plus a 0/1 attention mask."""
    width = max(state.shape[0] for state in states)
    hidden = torch.zeros((len(states), width, states[0].shape[-1]), device=device)
    mask = torch.zeros((len(states), width), dtype=torch.long, device=device)
    for row, state in enumerate(states):
        hidden[row, : state.shape[0]] = state.to(device=device, dtype=torch.float32)
        mask[row, : state.shape[0]] = 1
    return hidden, mask


def layer_delta(tuned: torch.nn.Module, base: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {
        DELTA_PREFIX + name: (value.detach().float().cpu() - base[name].float()).half()
        for name, value in tuned.state_dict().items()
    }


def apply_layer_delta(encoder: torch.nn.Module, tensors: dict[str, torch.Tensor]) -> None:
    """Add a stored delta onto the base encoder's top layer, in place."""
    layer = top_layer(encoder)
    state = layer.state_dict()
    for name, value in state.items():
        delta = tensors[DELTA_PREFIX + name].to(device=value.device, dtype=torch.float32)
        state[name] = (value.float() + delta).to(value.dtype)
    layer.load_state_dict(state)
