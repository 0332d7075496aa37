"""Small local stand-ins for helpdesk REST APIs, served over real HTTP in the tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from fastapi import FastAPI, Header, HTTPException, Response

from tests.ingest.support import FIXTURES

HUBSPOT_TOKEN = "pat-eu1-test-token"


@dataclass
class HubSpotScript:
    """What the fake HubSpot answers: queued failures first, then the stored message."""

    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    calls: int = 0


def hubspot_api(script: HubSpotScript | None = None) -> FastAPI:
    """``GET /conversations/v3/conversations/threads/{thread}/messages/{message}``."""
    script = script or HubSpotScript()
    messages = json.loads((FIXTURES / "api" / "hubspot_messages.json").read_text())
    app = FastAPI()

    @app.get("/conversations/v3/conversations/threads/{thread_id}/messages/{message_id}")
    async def message(thread_id: str, message_id: str,
                      authorization: str = Header(default="")) -> Response:
        script.calls += 1
        if authorization != f"Bearer {HUBSPOT_TOKEN}":
            raise HTTPException(401, "bad token")
        if script.failures:
            status, headers = script.failures.pop(0)
            return Response(status_code=status, headers=headers)
        found = messages.get(f"{thread_id}/{message_id}")
        if found is None:
            raise HTTPException(404, "no such message")
        return Response(json.dumps(found), media_type="application/json")

    return app
