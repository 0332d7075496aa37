"""What the lifespan opens and the routes use: filled at start, emptied at stop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.scorer.inference_scheduler import InferenceScheduler
from services.scorer.scoring_model import BatchScorer
from services.scorer.settings import ScorerSettings
from shared.http.problems import ServiceUnavailable
from shared.kafka.runner import BackgroundConsumer
from shared.runtime import Clients, standard_checks


@dataclass
class ScorerState:
    clients: Clients | None = None
    scorer: BatchScorer | None = None
    scheduler: InferenceScheduler | None = None
    consumer: BackgroundConsumer | None = None

    def require_scheduler(self) -> InferenceScheduler:
        if self.scheduler is None or not self.scheduler.alive:
            raise ServiceUnavailable("the model is not loaded yet")
        return self.scheduler

    def require_clients(self) -> Clients:
        if self.clients is None:
            raise ServiceUnavailable("the service is starting")
        return self.clients

    def readiness_checks(self, settings: ScorerSettings) -> dict[str, Callable[[], bool]]:
        checks = dict(standard_checks(settings, self.clients))
        checks["model"] = self._model_serving
        if settings.consume:
            checks["consumer"] = self._consumer_healthy
        return checks

    def liveness_checks(self) -> dict[str, Callable[[], bool]]:
        # A scheduler whose thread ended serves nothing until the process restarts. Before the
        # model is loaded and after stop there is no scheduler: that is starting, not broken.
        return {"inference_thread": lambda: self.scheduler is None or self.scheduler.alive}

    def _model_serving(self) -> bool:
        return self.scorer is not None and self.scheduler is not None and self.scheduler.alive

    def _consumer_healthy(self) -> bool:
        # False once the DLQ cap halted it: that needs a person, not a restart.
        return self.consumer is not None and self.consumer.healthy
