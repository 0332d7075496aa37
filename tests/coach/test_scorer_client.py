"""The scorer client against real HTTP servers: the contract, and each way the scorer can fail."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from services.coach.clients.scorer_client import ScorerClient, ScorerRejected, ScorerUnavailable
from tests.coach.http_servers import closed_port_url, scorer_stand_in, serve_in_thread


def answering(status: int, body: object) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/score")
    def score() -> JSONResponse:
        return JSONResponse(body, status_code=status)

    return app


def test_the_request_and_reply_follow_the_scorer_contract() -> None:
    app, received = scorer_stand_in()
    with serve_in_thread(app) as url:
        client = ScorerClient(url + "/", timeout_s=5)
        reply = client.score(channel="chat", customer="my parcel never arrived",
                             reply="I'll trace the parcel today.",
                             history=[("customer", "hello"), ("agent", "hi")])
        client.close()
    assert received == [{"channel": "chat", "customer": "my parcel never arrived",
                         "reply": "I'll trace the parcel today.",
                         "history": [{"role": "customer", "text": "hello"},
                                     {"role": "agent", "text": "hi"}]}]
    assert reply.scores["ownership"] == 0.85
    assert reply.scores["boundaries"] is None
    assert reply.model_version == "stand-in-1"
    assert reply.tone["raw"] == 0.7


@pytest.mark.parametrize(("status", "body", "error"), [
    (503, {"detail": "warming up"}, ScorerUnavailable),
    (500, "boom", ScorerUnavailable),
    (200, {"scores": {}, "overall": 3.0, "model_version": "m"}, ScorerUnavailable),
    (422, {"detail": "reply is empty; there is nothing to score"}, ScorerRejected),
])
def test_failures_map_to_unavailable_or_rejected(status: int, body: object,
                                                 error: type[Exception]) -> None:
    with serve_in_thread(answering(status, body)) as url:
        client = ScorerClient(url, timeout_s=5)
        with pytest.raises(error) as raised:
            client.score(channel="chat", customer="c", reply="r", history=[])
        client.close()
    if error is ScorerRejected:
        assert "nothing to score" in str(raised.value)


def test_an_unreachable_scorer_is_unavailable() -> None:
    client = ScorerClient(closed_port_url(), timeout_s=2)
    with pytest.raises(ScorerUnavailable):
        client.score(channel="chat", customer="c", reply="r", history=[])
    client.close()
