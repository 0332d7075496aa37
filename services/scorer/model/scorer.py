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
from services.scorer.model.ensemble import HeadEnsemble
from services.scorer.model.features import batch_inputs, length_buckets
from services.scorer.model.layered import LayeredEncoder, Pause
from services.scorer.model.mail_parts import own_words
from services.scorer.model.pooling import pool_features
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
        encoder: LayeredEncoder,
        tokenizer: RequestTokenizer,
        heads: HeadEnsemble,
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
        team_sizes: Sequence[int] = (),
    ) -> EmpathyScorer:
        """Load the committed heads over the offline base encoder. Never touches the network.

        ``compile`` (``auto``, ``on``, ``off``; see ``compiled.py``) compiles the encoder and
        warms it up here for each of ``team_sizes`` (torch thread counts the caller will use;
        default: the current one), so the first real request does not pay for compiling.
        """
        device_name = select_device(device)
        dtype_name = select_dtype(dtype, device_name)
        artifact = load_artifact(artifact_dir)
        tokenizer = RequestTokenizer(load_tokenizer(), artifact.idf)
        encoder = load_encoder(device_name, dtype_name, artifact.top_layer_delta,
                               artifact.encoder_layers)
        scorer = cls(
            LayeredEncoder(encoder),
            tokenizer,
            artifact.heads,
            artifact.model_version,
            device_name,
            dtype_name,
            max_batch_size,
        )
        if should_compile(compile, device_name, dtype_name):
            scorer.use_compiled_encoder(team_sizes)
        return scorer

    def use_compiled_encoder(self, team_sizes: Sequence[int] = ()) -> None:
        """Swap in the compiled encoder, compiling now; keep the eager one if compiling fails.

        A compiled graph is specialised on torch's thread count (the generated kernels fix their
        OpenMP team), so each count the caller will switch to is warmed up here: otherwise the
        first request after a switch waits a second for a recompile."""
        eager = self.encoder
        self.encoder = compile_encoder(eager)
        current = torch.get_num_threads()

        def every_graph() -> None:
            try:
                for threads in dict.fromkeys(team_sizes or (current,)):
                    torch.set_num_threads(threads)
                    self.score_batch([_WARM_UP_REQUEST])  # a batch of one is a graph of its own
                    self.score_batch([_WARM_UP_REQUEST] * 3)
            finally:
                torch.set_num_threads(current)

        seconds = warm_up(every_graph)
        if seconds is None:
            self.encoder = eager
            return
        self.compiled = True
        log.info("encoder compiled in %.1f s", seconds)

    def score_batch(
        self, requests: Sequence[ScoreRequest], timings: dict[str, float] | None = None,
        pause: Pause | None = None,
    ) -> list[ScoreResult]:
        """Score requests; results are in input order. Fills per-stage seconds into ``timings``.

        ``pause`` is called between examples while tokenizing, between encoder layers and between
        results (see ``layered.py``): the service scores waiting live requests there. What it
        does does not change these results.
        """
        started = time.perf_counter()
        requests = [own_words(request) for request in requests]  # no quoted mail, signatures
        tokenized = self.tokenizer.tokenize(requests, pause)
        tokenized_at = time.perf_counter()
        raw = self._predict(tokenized, pause)
        inferred_at = time.perf_counter()
        results = []
        for request, example, prediction in zip(requests, tokenized, raw, strict=True):
            if pause is not None:
                pause()
            results.append(build_result(request, example, prediction, self.model_version))
        finished = time.perf_counter()
        if timings is not None:
            timings["tokenize_s"] = tokenized_at - started
            timings["inference_s"] = inferred_at - tokenized_at
            timings["postprocess_s"] = finished - inferred_at
        return results

    def _predict(
        self, tokenized: Sequence[TokenizedExample], pause: Pause | None
    ) -> list[RawPrediction]:
        predictions: list[RawPrediction | None] = [None] * len(tokenized)
        buckets = length_buckets([example.length for example in tokenized], self.max_batch_size)
        with torch.inference_mode():
            for bucket in buckets:
                batch = [tokenized[i] for i in bucket]
                inputs = batch_inputs(batch, self.tokenizer.pad_id, self.device_name)
                hidden = self.encoder(**inputs, pause=pause)
                # Pooling and the heads run in float32: bf16 only speeds up the encoder.
                features = pool_features(hidden.float(), batch, self.device_name)
                for index, prediction in zip(
                    bucket, split_outputs(self.heads(features)), strict=True
                ):
                    predictions[index] = prediction
        return [p for p in predictions if p is not None]
