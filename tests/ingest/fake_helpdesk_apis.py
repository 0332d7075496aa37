"""Small local stand-ins for helpdesk REST APIs, served over real HTTP in the tests."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI, Header, HTTPException, Request, Response

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


@dataclass
class ApiLog:
    """What a fake API saw, and the failures it is told to answer first."""

    requests: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    # (path, selector) -> queued (status, headers); selector is the cursor / page asked for
    failures: dict[tuple[str, str], list[tuple[int, dict[str, str]]]] = field(
        default_factory=dict)

    def record(self, path: str, params: dict[str, str]) -> Response | None:
        self.requests.append((time.monotonic(), path, params))
        queued = self.failures.get((path, params.get("cursor") or params.get("starting_after")
                                    or params.get("start_time") or ""))
        if queued:
            status, headers = queued.pop(0)
            return Response(status_code=status, headers=headers)
        return None


ZENDESK_AUTH = "Basic " + base64.b64encode(b"ops@acme.example/token:zd-api-token").decode()
EXPORT = "/api/v2/incremental/tickets/cursor.json"


def zendesk_api(log: ApiLog, base_url: Callable[[], str]) -> FastAPI:
    """The incremental ticket export (2 tickets a page) and per-ticket comments (paged)."""
    history = json.loads((FIXTURES / "api" / "zendesk_history.json").read_text())
    pages = {"": history["tickets"][:2], "c1": history["tickets"][2:], "c2": []}
    next_cursor = {"": "c1", "c1": "c2", "c2": "c2"}
    app = FastAPI()

    @app.get(EXPORT)
    async def export(request: Request, authorization: str = Header(default="")) -> Response:
        params = dict(request.query_params)
        if failure := log.record(EXPORT, params):
            return failure
        if authorization != ZENDESK_AUTH:
            raise HTTPException(401)
        current = params.get("cursor", "")
        after = next_cursor[current]
        return Response(json.dumps({
            "tickets": pages[current], "after_cursor": after,
            "after_url": f"{base_url()}{EXPORT}?cursor={after}", "before_cursor": None,
            "before_url": None, "end_of_stream": current != ""}), media_type="application/json")

    @app.get("/api/v2/tickets/{ticket_id}/comments.json")
    async def comments(ticket_id: str, request: Request) -> Response:
        params = dict(request.query_params)
        log.record(f"comments/{ticket_id}", params)
        found = history["comments"].get(ticket_id, [])
        # Ticket 48215 answers in two pages, the way offset pagination does.
        page = int(params.get("page", "1"))
        chunk = found[:2] if ticket_id == "48215" and page == 1 else found[2:] \
            if ticket_id == "48215" else found
        next_page = (f"{base_url()}/api/v2/tickets/{ticket_id}/comments.json?page=2"
                     if ticket_id == "48215" and page == 1 else None)
        authors = {str(c["author_id"]) for c in chunk}
        users = [{"id": int(uid), "role": role} for uid, role in history["users"].items()
                 if uid in authors and "include" in params]
        return Response(json.dumps({"comments": chunk, "users": users, "next_page": next_page,
                                    "count": len(found)}), media_type="application/json")

    return app


INTERCOM_TOKEN = "dG9rOmludGVyY29tLXRlc3Q="


def intercom_api(log: ApiLog) -> FastAPI:
    """Conversation search (2 a page, ``starting_after`` cursors) and conversation reads."""
    conversations = json.loads((FIXTURES / "api" / "intercom_history.json").read_text())[
        "conversations"]
    by_id = {c["id"]: c for c in conversations}
    app = FastAPI()

    @app.post("/conversations/search")
    async def search(request: Request, authorization: str = Header(default="")) -> Response:
        query = await request.json()
        pagination = query.get("pagination", {})
        params = {"starting_after": pagination.get("starting_after") or "",
                  "since": str(query["query"]["value"])}
        if failure := log.record("search", params):
            return failure
        if authorization != f"Bearer {INTERCOM_TOKEN}":
            raise HTTPException(401)
        matching = [c for c in conversations if c["updated_at"] > query["query"]["value"]]
        start = int(params["starting_after"].removeprefix("after-") or 0)
        size = pagination.get("per_page", 20)
        chunk = matching[start:start + size]
        more = start + size < len(matching)
        summaries = [{k: v for k, v in c.items() if k != "conversation_parts"} for c in chunk]
        pages = {"type": "pages", "per_page": size, "total_pages": -(-len(matching) // size)}
        if more:
            pages["next"] = {"starting_after": f"after-{start + size}"}
        return Response(json.dumps({"type": "conversation.list", "conversations": summaries,
                                    "total_count": len(matching), "pages": pages}),
                        media_type="application/json")

    @app.get("/conversations/{conversation_id}")
    async def conversation(conversation_id: str, request: Request) -> Response:
        log.record(f"conversation/{conversation_id}", dict(request.query_params))
        if conversation_id not in by_id:
            raise HTTPException(404)
        return Response(json.dumps(by_id[conversation_id]), media_type="application/json")

    return app
