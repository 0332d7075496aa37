"""``python -m services.scorer train``: reproduce the committed model from the repo's data.

Stage one runs the encoder once over the training set (bf16 where the CPU has AMX, the precision
the service runs in), caches the input of its top layer, and fits the heads on the frozen
features. Stage two fine-tunes the top layer together with the heads on that cache. Everything is
seeded; small Gaussian noise on the features during stage one keeps the heads smooth, so fp32 and
bf16 encoders give the same scores within 0.02.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from services.scorer.model.artifact import ARTIFACT_DIR, save_artifact
from services.scorer.model.dataset import DATA_DIR, LabelledExample, data_hashes, load_examples
from services.scorer.model.device import select_device, select_dtype
from services.scorer.model.echo import compute_idf
from services.scorer.model.encoder import BASE_MODEL_NAME, load_encoder, load_tokenizer
from services.scorer.model.finetuning import FinetuneSettings, finetune_top_layer
from services.scorer.model.heads import EmpathyHeads, HeadConfig
from services.scorer.model.pooling import SpanFeatures
from services.scorer.model.targets import Targets, build_targets, multitask_loss
from services.scorer.model.tokenizing import RequestTokenizer, TokenizedExample, build_customer_side
from services.scorer.model.top_layer import encode_with_cache, layer_delta, top_layer

# Features the noise is added to: the encoder's outputs, not the hand-made side features.
_NOISY_FEATURES = ("reply_sentences", "customer_sentences", "customer_vector", "reply_vector")


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 20251126
    epochs: int = 30  # stage one: heads on frozen features
    batch_size: int = 128
    learning_rate: float = 2e-3
    weight_decay: float = 0.01
    feature_noise: float = 0.01
    finetune_epochs: int = 4  # stage two: top layer + heads; 0 keeps the encoder as shipped
    finetune_batch_size: int = 32
    top_layer_lr: float = 5e-5
    finetune_heads_lr: float = 3e-4
    encoder_dtype: str = "auto"
    encode_batch_size: int = 32


@dataclass(frozen=True)
class TrainSummary:
    model_version: str
    examples: int
    encode_s: float
    fit_s: float
    finetune_s: float
    final_loss: dict[str, float]


@dataclass(frozen=True)
class EncodedCorpus:
    tokenized: list[TokenizedExample]
    features: SpanFeatures
    below_top: list[torch.Tensor]


def corpus_idf(examples: Sequence[LabelledExample]) -> torch.Tensor:
    tokenizer = RequestTokenizer(load_tokenizer(), torch.zeros(1))
    texts = [build_customer_side(e.request).text for e in examples]
    texts += [e.request.reply for e in examples]
    return compute_idf(tokenizer.token_ids(texts), tokenizer.vocab_size)


def encode_corpus(
    examples: Sequence[LabelledExample],
    tokenizer: RequestTokenizer,
    encoder: torch.nn.Module,
    device: str,
    batch_size: int,
    progress: bool,
) -> EncodedCorpus:
    tokenized = tokenizer.tokenize([e.request for e in examples])
    with tqdm(total=len(tokenized), desc="encoding", unit="msg", file=sys.stderr,
              disable=not progress) as bar:
        features, below_top = encode_with_cache(
            encoder, tokenized, tokenizer.pad_id, device, batch_size, bar.update
        )
    # Inference-mode tensors cannot take part in autograd; training needs ordinary copies.
    trainable = SpanFeatures(**{k: v.clone() for k, v in features.as_dict().items()})
    return EncodedCorpus(tokenized, trainable, below_top)


def fit_heads(
    features: SpanFeatures, targets: Targets, config: TrainConfig, progress: bool
) -> tuple[EmpathyHeads, dict[str, float]]:
    torch.manual_seed(config.seed)
    heads = EmpathyHeads(HeadConfig())
    optimizer = torch.optim.AdamW(
        heads.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    count = features.channel.shape[0]
    steps_per_epoch = math.ceil(count / config.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=config.learning_rate, total_steps=config.epochs * steps_per_epoch
    )
    generator = torch.Generator().manual_seed(config.seed)
    parts: dict[str, float] = {}
    heads.train()
    for _ in tqdm(range(config.epochs), desc="fitting heads", unit="epoch", file=sys.stderr,
                  disable=not progress):
        order = torch.randperm(count, generator=generator)
        totals: dict[str, float] = {}
        for start in range(0, count, config.batch_size):
            index = order[start : start + config.batch_size]
            batch = _with_noise(features.select(index), config.feature_noise, generator)
            loss, parts = multitask_loss(heads(batch), targets.select(index))
            optimizer.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]  # untyped in torch's stubs
            optimizer.step()
            schedule.step()
            for name, value in parts.items():
                totals[name] = totals.get(name, 0.0) + value * len(index) / count
        parts = totals
    heads.eval()
    return heads, parts


def train(
    config: TrainConfig | None = None,
    data_dir: Path = DATA_DIR,
    artifact_dir: Path = ARTIFACT_DIR,
    progress: bool = True,
    device: str | None = None,
) -> TrainSummary:
    config = config or TrainConfig()
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    device = select_device(device)
    dtype = select_dtype(config.encoder_dtype, device)
    examples = load_examples(data_dir / "train.jsonl")
    targets = build_targets(examples)
    started = time.perf_counter()
    idf = corpus_idf(examples)
    tokenizer = RequestTokenizer(load_tokenizer(), idf)
    corpus = encode_corpus(
        examples, tokenizer, load_encoder(device, dtype), device, config.encode_batch_size, progress
    )
    encoded = time.perf_counter()
    heads, final_loss = fit_heads(corpus.features, targets, config, progress)
    fitted = time.perf_counter()
    delta = None
    if config.finetune_epochs > 0:
        tuned = load_encoder(device, "fp32")
        base_state = {k: v.clone() for k, v in top_layer(tuned).state_dict().items()}
        final_loss = finetune_top_layer(
            tuned, heads, corpus.below_top, corpus.tokenized, targets,
            _finetune_settings(config, device, dtype), progress,
        )
        delta = layer_delta(top_layer(tuned), base_state)
    finished = time.perf_counter()
    manifest: dict[str, Any] = {
        "base_model": BASE_MODEL_NAME,
        "seed": config.seed,
        "train_config": {**asdict(config), "encoder_dtype": dtype},
        "data_sha256": data_hashes(data_dir),
        "train_examples": len(examples),
        "train_seconds": {
            "encode": round(encoded - started, 1),
            "fit_heads": round(fitted - encoded, 1),
            "finetune_top_layer": round(finished - fitted, 1),
        },
    }
    version = save_artifact(artifact_dir, heads, idf, manifest, delta)
    return TrainSummary(
        version, len(examples), encoded - started, fitted - encoded, finished - fitted, final_loss
    )


def _finetune_settings(config: TrainConfig, device: str, dtype: str) -> FinetuneSettings:
    return FinetuneSettings(
        epochs=config.finetune_epochs,
        batch_size=config.finetune_batch_size,
        layer_lr=config.top_layer_lr,
        heads_lr=config.finetune_heads_lr,
        weight_decay=config.weight_decay,
        seed=config.seed,
        bf16=dtype == "bf16",
        device=device,
    )


def _with_noise(features: SpanFeatures, std: float, generator: torch.Generator) -> SpanFeatures:
    if std <= 0:
        return features
    values = features.as_dict()
    for name in _NOISY_FEATURES:
        tensor = values[name]
        values[name] = tensor + std * torch.randn(tensor.shape, generator=generator)
    return SpanFeatures(**values)
