"""Scorer settings: env prefix ``RAPPORT_SCORER_`` (nested: ``RAPPORT_SCORER_KAFKA__...``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.retention import RetentionSchedule, keep_days
from shared.settings import ServiceSettings

DtypeChoice = Literal["auto", "fp32", "bf16"]
CompileChoice = Literal["auto", "on", "off"]
DeviceChoice = Literal["cpu", "cuda"]


def _cpu_count() -> int:
    # The cores this process may run on (a container's cpuset), not the host's.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class ScorerRetention(RetentionSchedule):
    """``RAPPORT_SCORER_RETENTION__MESSAGE_BODIES_DAYS=90`` and so on (docs/operations.md)."""

    # After this a stored message keeps its ids, role and time but not its text: its scores
    # stay readable in conversation order, and it no longer serves as context.
    message_bodies_days: int = keep_days(90, "stored message bodies")
    # Score rows, and the message rows whose bodies are already gone.
    score_events_days: int = keep_days(365, "score events")


class ScorerSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RAPPORT_SCORER_", env_nested_delimiter="__",
                                      extra="ignore")

    port: int = 8002

    # Model. ``artifact_dir`` None = the artifacts shipped in the package.
    artifact_dir: Path | None = None
    device: DeviceChoice | None = Field(default=None, description="None: CUDA when present.")
    dtype: DtypeChoice = "auto"
    torch_threads: int = Field(default_factory=_cpu_count, ge=1)
    # Compile the encoder at start (15-40 s on two cores, one warm-up per thread count used):
    # the bf16 encoder forward runs ~1.6x faster on the CPU. ``auto``: bf16 on the CPU only
    # (services/scorer/model/compiled.py).
    compile: CompileChoice = "auto"

    # Streaming.
    consume: bool = Field(default=True, description="False: serve live scoring only.")
    group_id: str = "rapport-scorer"
    max_poll_records: int = Field(default=500, ge=1)
    # Turns of a conversation given to the model before the latest customer message; the
    # tokenizer keeps only the last 320 tokens anyway, so older turns would be read for nothing.
    max_history_turns: int = Field(default=8, ge=0)

    # Dynamic batching. Live requests arrive one by one and wait up to ``max_batch_wait_ms``
    # for company; stream work arrives a poll at a time and is cut into chunks. A chunk of
    # 1024 tokens (~30 ms on two AMX cores) is nearly as fast per message as 2048, and a live
    # request that arrives meanwhile waits for one of its layers at most. The live wait is
    # short because live requests batch themselves anyway: those arriving while a model call
    # runs share the next one; waiting longer only adds to every lone request's latency.
    max_batch_size: int = Field(default=64, ge=1)
    max_batch_wait_ms: float = Field(default=2.0, ge=0)
    stream_batch_size: int = Field(default=64, ge=1)
    stream_batch_tokens: int = Field(default=1024, ge=256)
    live_timeout_s: float = Field(default=10.0, gt=0)
    retention: ScorerRetention = Field(default_factory=ScorerRetention)

    # Bearer token for the HTTP API (``/v1/...``: replies and agent ids). Required outside
    # development; left unset (or empty) in development the API is open.
    api_token: SecretStr | None = None
    required_outside_development: ClassVar[tuple[str, ...]] = ("api_token",)
