"""Second training stage: fine-tune the encoder's top layer together with the heads.

Runs on the cached input of the top layer (the frozen layers below are never re-run), in batches of
similar length, with a small learning rate for the pretrained layer and a larger one for the heads
that stage one already fitted.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from tqdm import tqdm

from lab.scorer.encoding import padded_states, run_top_layer
from lab.scorer.targets import Targets, multitask_loss
from services.scorer.model.features import length_buckets
from services.scorer.model.heads import EmpathyHeads
from services.scorer.model.pooling import SpanFeatures, pool_features
from services.scorer.model.tokenizing import TokenizedExample
from services.scorer.model.top_layer import top_layer


@dataclass(frozen=True)
class FinetuneSettings:
    epochs: int
    batch_size: int
    layer_lr: float
    heads_lr: float
    weight_decay: float
    seed: int
    bf16: bool  # autocast the layer's matmuls to bf16 (AMX CPUs, CUDA); weights stay float32
    device: str


def finetune_top_layer(
    encoder: torch.nn.Module,
    heads: EmpathyHeads,
    below_top: Sequence[torch.Tensor],
    examples: Sequence[TokenizedExample],
    targets: Targets,
    settings: FinetuneSettings,
    progress: bool,
) -> dict[str, float]:
    """Train ``encoder``'s top layer (float32) and ``heads`` in place; returns the last losses."""
    layer = top_layer(encoder)
    layer.train()
    heads.train()
    for parameter in layer.parameters():
        parameter.requires_grad_(True)
    batches = length_buckets([e.length for e in examples], settings.batch_size)
    optimizer = torch.optim.AdamW(
        [
            {"params": list(layer.parameters()), "lr": settings.layer_lr},
            {"params": list(heads.parameters()), "lr": settings.heads_lr},
        ],
        weight_decay=settings.weight_decay,
    )
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer,
        max_lr=[settings.layer_lr, settings.heads_lr],
        total_steps=settings.epochs * len(batches),
        pct_start=0.1,
    )
    generator = torch.Generator().manual_seed(settings.seed)
    losses: dict[str, float] = {}
    for _ in tqdm(range(settings.epochs), desc="fine-tuning top layer", unit="epoch",
                  file=sys.stderr, disable=not progress):
        totals: dict[str, float] = {}
        for position in torch.randperm(len(batches), generator=generator).tolist():
            index = batches[position]
            features = _forward(encoder, below_top, examples, index, settings)
            loss, parts = multitask_loss(heads(features), targets.select(torch.tensor(index)))
            optimizer.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]  # untyped in torch's stubs
            optimizer.step()
            schedule.step()
            for name, value in parts.items():
                totals[name] = totals.get(name, 0.0) + value * len(index) / len(examples)
        losses = totals
    for parameter in layer.parameters():
        parameter.requires_grad_(False)
    layer.eval()
    heads.eval()
    return losses


def _forward(
    encoder: torch.nn.Module,
    below_top: Sequence[torch.Tensor],
    examples: Sequence[TokenizedExample],
    index: list[int],
    settings: FinetuneSettings,
) -> SpanFeatures:
    hidden, mask = padded_states([below_top[i] for i in index], settings.device)
    device_type = "cuda" if settings.device == "cuda" else "cpu"
    with torch.autocast(device_type, dtype=torch.bfloat16, enabled=settings.bf16):
        output = run_top_layer(encoder, hidden, mask)
    return pool_features(output.float(), [examples[i] for i in index], settings.device).trimmed()
