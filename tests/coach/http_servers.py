"""Real HTTP servers for tests: an app under uvicorn in a thread, on a socket bound up front.

The socket is listening before the thread starts, so a client may connect at once: the kernel
queues the connection until uvicorn accepts it, with no readiness polling.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


@contextmanager
def serve_in_thread(app: FastAPI, *, lifespan: bool = False) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False,
                                           lifespan="on" if lifespan else "off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def closed_port_url() -> str:
    """A URL nothing listens on (the port was free a moment ago): a scorer that is down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


_WORD = re.compile(r"[a-z0-9$.']{4,}")


def scorer_stand_in() -> tuple[FastAPI, list[dict[str, Any]]]:
    """Scorer-shaped JSON computed from the input: a reply that reuses the customer's own words
    scores high on acknowledgment and personalization, "I'll" scores ownership, and so on."""
    app = FastAPI()
    received: list[dict[str, Any]] = []

    @app.post("/v1/score")
    async def score(request: Request) -> JSONResponse:
        body = await request.json()
        received.append(body)
        reply, customer = body["reply"].lower(), body["customer"].lower()
        shared = sorted(set(_WORD.findall(reply)) & set(_WORD.findall(customer)))
        specific = min(1.0, len(shared) / 3)
        scores: dict[str, float | None] = {
            "acknowledgment": round(0.15 + 0.8 * specific, 4),
            "apology": 0.8 if "sorry" in reply else None,
            "ownership": 0.85 if ("i'll" in reply or "i will" in reply) else 0.2,
            "next_steps": 0.8 if any(ch.isdigit() for ch in reply) else 0.25,
            "exploration": 0.7 if "?" in reply else None,
            "tone": 0.7,
            "boundaries": None,
            "personalization": round(specific, 4),
        }
        evidence = {dim: ([body["reply"]] if (value or 0) >= 0.5 else [])
                    for dim, value in scores.items()}
        suggestions = [{"dimension": dim, "framework": "NURSE",
                        "text": f"Mention what the customer told you ({dim})."}
                       for dim, value in scores.items() if value is not None and value < 0.5]
        applicable = [v for v in scores.values() if v is not None]
        return JSONResponse({
            "scores": scores, "overall": round(sum(applicable) / len(applicable), 4),
            "evidence": evidence, "suggestions": suggestions,
            "customer": {"emotion": "anger", "emotion_confidence": 0.6, "intensity": 0.5,
                         "vulnerability": None},
            "tone": {"raw": 0.7, "channel_adjusted": 0.7}, "model_version": "stand-in-1"})

    return app, received
