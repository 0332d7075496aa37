"""Encoding a whole corpus for training: features in input order, and the cached input of the
encoder's top layer that fine-tuning trains on (the layers below stay frozen and run once)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from transformers.masking_utils import create_bidirectional_mask

from services.scorer.model.features import batch_inputs, encode_features, length_buckets
from services.scorer.model.pooling import SpanFeatures, pool_features
from services.scorer.model.tokenizing import TokenizedExample
from services.scorer.model.top_layer import DELTA_PREFIX, top_layer


def encode_in_order(
    encoder: torch.nn.Module,
    examples: Sequence[TokenizedExample],
    pad_id: int,
    device: str,
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
    on_hidden_states: Callable[[list[int], tuple[torch.Tensor, ...]], None] | None = None,
) -> SpanFeatures:
    """Features for many examples, length-bucketed for speed, returned in input order.

    ``on_hidden_states`` (bucket indices, every layer's states) is how training keeps what it
    needs of the layers below the output without a second pass.
    """

    def encode(bucket: list[int]) -> SpanFeatures:
        batch = [examples[i] for i in bucket]
        if on_hidden_states is None:
            return encode_features(encoder, batch, pad_id, device)
        output = encoder(**batch_inputs(batch, pad_id, device), output_hidden_states=True)
        on_hidden_states(bucket, output.hidden_states)
        return pool_features(output.last_hidden_state.float(), batch, device)

    return _by_length(examples, batch_size, encode, device, on_batch)


def encode_from_cache(
    encoder: torch.nn.Module,
    examples: Sequence[TokenizedExample],
    below_top: Sequence[torch.Tensor],
    device: str,
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
) -> SpanFeatures:
    """Features (input order) through ``encoder``'s top layer alone, from each example's cached
    input to it: after fine-tuning only the top layer changed, so the layers below, frozen,
    need not run again."""

    def encode(bucket: list[int]) -> SpanFeatures:
        hidden, mask = padded_states([below_top[i] for i in bucket], device)
        output = run_top_layer(encoder, hidden, mask)
        return pool_features(output.float(), [examples[i] for i in bucket], device)

    return _by_length(examples, batch_size, encode, device, on_batch)


def _by_length(
    examples: Sequence[TokenizedExample],
    batch_size: int,
    encode: Callable[[list[int]], SpanFeatures],
    device: str,
    on_batch: Callable[[int], None] | None,
) -> SpanFeatures:
    """``encode`` run on batches of similar length (little padding), results in input order."""
    parts: list[SpanFeatures] = []
    order: list[int] = []
    with torch.inference_mode():
        for bucket in length_buckets([example.length for example in examples], batch_size):
            parts.append(encode(bucket))
            order.extend(bucket)
            if on_batch is not None:
                on_batch(len(bucket))
    inverse = torch.empty(len(order), dtype=torch.long)
    inverse[torch.tensor(order)] = torch.arange(len(order))
    return SpanFeatures.concat(parts).select(inverse.to(device))


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
