"""``EmpathyScorer``: the scorer behind the Kafka consumer, the HTTP endpoint and the batch CLI.

One frozen encoder pass per message, length-bucketed batches, heads in float32, everything under
``torch.inference_mode``. The object holds no per-request state, so one instance serves a process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

import torch

from services.scorer.model.artifact import load_artifact
from services.scorer.model.compiled import compile_encoder, should_compile, warm_up
from services.scorer.model.device import select_device, select_dtype
from services.scorer.model.encoder import load_encoder, load_tokenizer
from services.scorer.model.features import encode_features, length_buckets
from services.scorer.model.heads import EmpathyHeads
from services.scorer.model.postprocess import RawPrediction, build_result, split_outputs
from services.scorer.model.schema import ScoreRequest, ScoreResult
from services.scorer.model.tokenizing import RequestTokenizer, TokenizedExample

log = logging.getLogger(__name__)

DEFAULT_MAX_BATCH_SIZE = 32
# What warming up a compiled encoder scores: a batch of one and a larger one (the two graphs).
_WARM_UP_REQUEST = ScoreRequest(
    "chat",
    "My parcel 4471 never arrived and it was a birthday present for my son on Saturday.",
    "I'm sorry parcel 4471 hasn't arrived, especially with your son's birthday on Saturday. "
    "I've sent a replacement by express today; it will reach you on Friday.",
)


class EmpathyScorer:
    def __init__(
        self,
        encoder: torch.nn.Module,
        tokenizer: RequestTokenizer,
        heads: EmpathyHeads,
        model_version: str,
        device_name: str,
        dtype_name: str,
        max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
    ) -> None:
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.heads = heads.to(device_name).eval()
        self.model_version = model_version
        self.device_name = device_name
        self.dtype_name = dtype_name
        self.max_batch_size = max_batch_size
        self.compiled = False

    @classmethod
    def load(
        cls,
        artifact_dir: Path | None = None,
        device: str | None = None,
        dtype: str = "auto",
        max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
        compile: str = "off",
    ) -> EmpathyScorer:
        """Load the committed heads over the offline base encoder. Never touches the network.

        ``compile`` (``auto``, ``on``, ``off``; see ``compiled.py``) compiles the encoder and
        warms it up here, so the first real request does not pay for compiling.
        """
        device_name = select_device(device)
        dtype_name = select_dtype(dtype, device_name)
        artifact = load_artifact(artifact_dir)
        tokenizer = RequestTokenizer(load_tokenizer(), artifact.idf)
        encoder = load_encoder(device_name, dtype_name, artifact.top_layer_delta)
        scorer = cls(
            encoder,
            tokenizer,
            artifact.heads,
            artifact.model_version,
            device_name,
            dtype_name,
            max_batch_size,
        )
        if should_compile(compile, device_name, dtype_name):
            scorer.use_compiled_encoder()
        return scorer

    def use_compiled_encoder(self) -> None:
        """Swap in the compiled encoder, compiling now; keep the eager one if compiling fails."""
        eager = self.encoder
        self.encoder = compile_encoder(eager)

        def both_graphs() -> None:
            self.score_batch([_WARM_UP_REQUEST])
            self.score_batch([_WARM_UP_REQUEST] * 3)

        seconds = warm_up(both_graphs)
        if seconds is None:
            self.encoder = eager
            return
        self.compiled = True
        log.info("encoder compiled in %.1f s", seconds)

    def score_batch(
        self, requests: Sequence[ScoreRequest], timings: dict[str, float] | None = None
    ) -> list[ScoreResult]:
        """Score requests; results are in input order. Fills per-stage seconds into ``timings``."""
        started = time.perf_counter()
        tokenized = self.tokenizer.tokenize(requests)
        tokenized_at = time.perf_counter()
        raw = self._predict(tokenized)
        inferred_at = time.perf_counter()
        results = [
            build_result(request, example, prediction, self.model_version)
            for request, example, prediction in zip(requests, tokenized, raw, strict=True)
        ]
        finished = time.perf_counter()
        if timings is not None:
            timings["tokenize_s"] = tokenized_at - started
            timings["inference_s"] = inferred_at - tokenized_at
            timings["postprocess_s"] = finished - inferred_at
        return results

    def _predict(self, tokenized: Sequence[TokenizedExample]) -> list[RawPrediction]:
        predictions: list[RawPrediction | None] = [None] * len(tokenized)
        buckets = length_buckets([example.length for example in tokenized], self.max_batch_size)
        with torch.inference_mode():
            for bucket in buckets:
                batch = [tokenized[i] for i in bucket]
                features = encode_features(
                    self.encoder, batch, self.tokenizer.pad_id, self.device_name
                )
                for index, prediction in zip(
                    bucket, split_outputs(self.heads(features)), strict=True
                ):
                    predictions[index] = prediction
        return [p for p in predictions if p is not None]
