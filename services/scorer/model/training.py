"""``python -m services.scorer train``: reproduce the committed heads from the repo's data.

The base encoder stays frozen, so its span features are computed once (bf16 where the CPU has
AMX, the precision the service runs in) and the heads are fitted on them for a fixed number of
epochs with a fixed seed. Small Gaussian noise on the encoder features during fitting keeps the
heads smooth, so fp32 and bf16 encoders give the same scores within 0.02.
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
from services.scorer.model.features import SpanFeatures, encode_in_order
from services.scorer.model.heads import EmpathyHeads, HeadConfig
from services.scorer.model.targets import Targets, build_targets, multitask_loss
from services.scorer.model.tokenizing import RequestTokenizer, build_customer_side

# Features the noise is added to: the encoder's outputs, not the hand-made side features.
_NOISY_FEATURES = ("reply_sentences", "customer_sentences", "customer_vector", "reply_vector")


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 20251126
    epochs: int = 40
    batch_size: int = 64
    learning_rate: float = 2e-3
    weight_decay: float = 0.01
    feature_noise: float = 0.02
    encoder_dtype: str = "auto"
    encode_batch_size: int = 32


@dataclass(frozen=True)
class TrainSummary:
    model_version: str
    examples: int
    encode_s: float
    fit_s: float
    final_loss: dict[str, float]


class FeatureExtractor:
    """Tokeniser + frozen encoder, shared by training and evaluation of feature-level models."""

    def __init__(self, idf: torch.Tensor, device: str | None, dtype: str) -> None:
        self.device = select_device(device)
        self.dtype = select_dtype(dtype, self.device)
        self.tokenizer = RequestTokenizer(load_tokenizer(), idf)
        self.encoder = load_encoder(self.device, self.dtype)

    def __call__(
        self, examples: Sequence[LabelledExample], batch_size: int, progress: bool
    ) -> SpanFeatures:
        tokenized = self.tokenizer.tokenize([e.request for e in examples])
        with tqdm(total=len(tokenized), desc="encoding", unit="msg", file=sys.stderr,
                  disable=not progress) as bar:
            features = encode_in_order(
                self.encoder, tokenized, self.tokenizer.pad_id, self.device, batch_size, bar.update
            )
        # Inference-mode tensors cannot take part in autograd; training needs ordinary copies.
        return SpanFeatures(**{k: v.clone() for k, v in features.as_dict().items()})


def corpus_idf(examples: Sequence[LabelledExample]) -> torch.Tensor:
    tokenizer = RequestTokenizer(load_tokenizer(), torch.zeros(1))
    texts = [build_customer_side(e.request).text for e in examples]
    texts += [e.request.reply for e in examples]
    return compute_idf(tokenizer.token_ids(texts), tokenizer.vocab_size)


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
            loss.backward()
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
    examples = load_examples(data_dir / "train.jsonl")
    started = time.perf_counter()
    idf = corpus_idf(examples)
    extractor = FeatureExtractor(idf, device, config.encoder_dtype)
    features = extractor(examples, config.encode_batch_size, progress)
    encoded = time.perf_counter()
    heads, final_loss = fit_heads(features, build_targets(examples), config, progress)
    fitted = time.perf_counter()
    manifest: dict[str, Any] = {
        "base_model": BASE_MODEL_NAME,
        "seed": config.seed,
        "train_config": {**asdict(config), "encoder_dtype": extractor.dtype},
        "data_sha256": data_hashes(data_dir),
        "train_examples": len(examples),
        "train_seconds": {"encode": round(encoded - started, 1), "fit": round(fitted - encoded, 1)},
    }
    version = save_artifact(artifact_dir, heads, idf, manifest)
    return TrainSummary(version, len(examples), encoded - started, fitted - encoded, final_loss)


def _with_noise(features: SpanFeatures, std: float, generator: torch.Generator) -> SpanFeatures:
    if std <= 0:
        return features
    values = features.as_dict()
    for name in _NOISY_FEATURES:
        tensor = values[name]
        values[name] = tensor + std * torch.randn(tensor.shape, generator=generator)
    return SpanFeatures(**values)

