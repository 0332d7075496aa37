"""HTTP API: live scoring for drill practice, and a conversation's scores for QA review.

``POST /v1/score`` takes what the batch CLI reads (``channel``, ``customer``, ``reply``,
``history``) and answers what it writes (the score result object). Live requests jump ahead of
stream work on the inference scheduler. Both routes require ``Authorization: Bearer <token>``
(``RAPPORT_SCORER_API_TOKEN``, required outside development).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query
from pydantic import BaseModel, ConfigDict, Field

from services.scorer import repository
from services.scorer.inference_scheduler import LiveQueueFull, SchedulerStopped
from services.scorer.scoring_model import ScoreRequest, Turn
from services.scorer.service_state import ScorerState
from services.scorer.settings import ScorerSettings
from shared.http.auth import bearer_token_guard
from shared.http.problems import (
    ServiceUnavailable,
    Unprocessable,
    problem_responses,
)

# Generous for a chat turn or an e-mail; beyond this it is not a reply to practise on, and the
# model reads at most 320 tokens anyway.
MAX_TEXT_CHARS = 20_000
MAX_HISTORY_TURNS = 50


class TurnIn(BaseModel):
    # Unknown fields are ignored, as the batch CLI ignores them: a labelled JSONL line works.
    model_config = ConfigDict(extra="ignore")

    role: Literal["customer", "agent", "bot", "system"]
    text: str = Field(max_length=MAX_TEXT_CHARS)


class ScoreIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    channel: str = Field(min_length=1, max_length=40, examples=["chat"])
    customer: str = Field(max_length=MAX_TEXT_CHARS)
    reply: str = Field(max_length=MAX_TEXT_CHARS)
    history: list[TurnIn] | None = Field(default=None, max_length=MAX_HISTORY_TURNS)

    def to_request(self) -> ScoreRequest:
        """The model's own validation, with its complaint pinned to the field it is about."""
        try:
            history = tuple(Turn(role=turn.role, text=turn.text) for turn in self.history or ())
            return ScoreRequest(channel=self.channel, customer=self.customer, reply=self.reply,
                                history=history)
        except ValueError as exc:
            field = _field_named_in(str(exc))
            raise Unprocessable(f"invalid fields: {field}",
                                errors=[{"field": field, "message": str(exc)}]) from None


def _field_named_in(message: str) -> str:
    """The model's messages name their field first ("unknown channel ...", "reply is empty")."""
    positions = {field: message.find(field) for field in ScoreIn.model_fields if field in message}
    return min(positions, key=lambda field: positions[field]) if positions else ""


def install_api_routes(app: FastAPI, state: ScorerState, settings: ScorerSettings) -> None:
    router = APIRouter(prefix="/v1", tags=["scores"],
                       dependencies=[Depends(bearer_token_guard(settings.api_token,
                                                                realm="rapport-scorer"))],
                       responses=problem_responses(401, 503))

    @router.post("/score")
    async def score(body: ScoreIn) -> dict[str, Any]:
        request = body.to_request()
        scheduler = state.require_scheduler()
        try:
            future = scheduler.submit_live(request)
            result = await asyncio.wait_for(asyncio.wrap_future(future), settings.live_timeout_s)
        except (LiveQueueFull, SchedulerStopped, TimeoutError) as exc:
            raise ServiceUnavailable(f"live scoring is unavailable: {exc or 'timed out'}",
                                     retry_after_s=1) from None
        return result.to_dict()

    @router.get("/conversations/{conversation_key}/scores")
    async def conversation_scores(
        conversation_key: str, model_version: str | None = Query(default=None)
    ) -> dict[str, Any]:
        engine = state.require_clients().engine

        def read() -> list[str]:
            with engine.connect() as connection:
                return repository.conversation_scores(
                    connection, conversation_key=conversation_key, model_version=model_version
                )

        events = await asyncio.to_thread(read)
        return {"conversation_key": conversation_key,
                "scores": [json.loads(event) for event in events]}

    app.include_router(router)
