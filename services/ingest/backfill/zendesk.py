"""Zendesk history: the cursor-based incremental ticket export, then each ticket's comments.

``GET /api/v2/incremental/tickets/cursor.json?start_time=<unix>`` starts the export; each
answer holds ``tickets``, ``after_cursor`` and ``end_of_stream``; the next page is
``?cursor=<after_cursor>``. The export is limited to 10 requests a minute (429 + Retry-After).
Comments: ``GET /api/v2/tickets/{id}/comments.json?include=users`` (the side-loaded users give
each author's role), following ``next_page`` / ``links.next``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.ingest.backfill.http_client import BackfillHttpError, RateLimitedClient
from services.ingest.backfill.source import Page
from services.ingest.backfill.zendesk_records import ticket_event, user_roles
from services.ingest.payload import Fields, InvalidPayload, objects_in
from shared.events import InteractionEvent

log = logging.getLogger(__name__)
EXPORT_PATH = "/api/v2/incremental/tickets/cursor.json"
COMMENTS_PATH = "/api/v2/tickets/{ticket_id}/comments.json"


@dataclass
class ZendeskBackfill:
    http: RateLimitedClient
    base_url: str
    account: str
    start_time: int
    provider: str = "zendesk"

    @property
    def source_key(self) -> str:
        return f"zendesk:{self.account}"

    async def pages(self, resume: dict[str, Any] | None) -> AsyncIterator[Page]:
        params: dict[str, Any] = ({"cursor": resume["after_cursor"]}
                                  if resume and resume.get("after_cursor")
                                  else {"start_time": self.start_time})
        while True:
            answer = await self.http.request_json("GET", self._url(EXPORT_PATH), params=params)
            if not isinstance(answer, dict):
                raise BackfillHttpError("the incremental export answered something not an object")
            export = Fields(answer, "export")
            tickets = objects_in(answer.get("tickets"), "tickets")
            events = [event for ticket in tickets if (event := await self._event(ticket))]
            after = export.opt_text("after_cursor")
            done = export.flag("end_of_stream", True) or not after
            # At the end of the stream the cursor stays valid: a later run picks up new changes.
            cursor = {"after_cursor": after} if after else dict(resume or {})
            yield Page(events=events, records=len(tickets), cursor=cursor, done=done)
            if done:
                return
            params = {"cursor": after}

    async def _event(self, ticket: Fields) -> InteractionEvent | None:
        if (ticket.opt_text("status") or "").lower() == "deleted":
            return None
        try:
            comments, users = await self._comments(ticket.ident("id"))
            return ticket_event(ticket, comments, user_roles(users), account=self.account,
                                received_at=datetime.now(UTC))
        except InvalidPayload as exc:  # one odd record must not stop the whole import
            log.warning("skipping a Zendesk ticket: %s", exc)
            return None

    async def _comments(self, ticket_id: str) -> tuple[list[Fields], list[Fields]]:
        comments: list[Fields] = []
        users: list[Fields] = []
        url: str | None = self._url(COMMENTS_PATH.format(ticket_id=ticket_id))
        params: dict[str, Any] | None = {"include": "users"}
        while url:
            answer = await self.http.request_json("GET", url, params=params)
            if not isinstance(answer, dict):
                break
            comments.extend(objects_in(answer.get("comments"), "comments"))
            users.extend(objects_in(answer.get("users"), "users"))
            url, params = self._next_page(answer), None  # next links carry their own query
        return comments, users

    def _next_page(self, answer: dict[str, Any]) -> str | None:
        links, meta = answer.get("links") or {}, answer.get("meta") or {}
        candidate = answer.get("next_page") or (links.get("next") if meta.get("has_more")
                                                else None)
        # Only follow links back to the same Zendesk: the credentials go with the request.
        if isinstance(candidate, str) and candidate.startswith(self.base_url.rstrip("/") + "/"):
            return candidate
        return None

    def _url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path
