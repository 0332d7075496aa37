"""Intercom history: conversation search by ``updated_at``, then each full conversation.

``POST /conversations/search`` with ``{query: {field: "updated_at", operator: ">", value},
pagination: {per_page, starting_after}}``; the answer's ``pages.next.starting_after`` is the next
page. Search results hold no parts, so each conversation is read with
``GET /conversations/{id}?display_as=plaintext``. The saved cursor is the query's ``since`` plus
``starting_after``; after the last page it becomes the newest ``updated_at`` seen.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.ingest.backfill.http_client import BackfillHttpError, RateLimitedClient
from services.ingest.backfill.source import Page
from services.ingest.payload import Fields, InvalidPayload, objects_in
from services.ingest.providers.building import event_key
from services.ingest.providers.intercom import conversation_event
from shared.events import InteractionEvent

log = logging.getLogger(__name__)
SEARCH_PATH = "/conversations/search"
CONVERSATION_PATH = "/conversations/{conversation_id}"
EVENT_TYPE = "backfill.conversation"


@dataclass
class IntercomBackfill:
    http: RateLimitedClient
    base_url: str
    account: str
    updated_since: int
    page_size: int = 50
    provider: str = "intercom"

    @property
    def source_key(self) -> str:
        return f"intercom:{self.account}"

    async def pages(self, resume: dict[str, Any] | None) -> AsyncIterator[Page]:
        since = int(resume["since"]) if resume and "since" in resume else self.updated_since
        starting_after = resume.get("starting_after") if resume else None
        newest = since
        while True:
            pagination: dict[str, Any] = {"per_page": self.page_size}
            if starting_after:
                pagination["starting_after"] = starting_after
            answer = await self.http.request_json("POST", self._url(SEARCH_PATH), json={
                "query": {"field": "updated_at", "operator": ">", "value": since},
                "pagination": pagination})
            if not isinstance(answer, dict):
                raise BackfillHttpError("conversation search answered something not an object")
            found = objects_in(answer.get("conversations"), "conversations")
            events = [event for summary in found if (event := await self._event(summary))]
            newest = max([newest, *(int(s.time("updated_at").timestamp()) for s in found
                                    if s.has("updated_at"))])
            starting_after = _next_cursor(answer)
            done = starting_after is None
            cursor = ({"since": since, "starting_after": starting_after} if not done
                      else {"since": newest, "starting_after": None})
            total = answer.get("total_count")
            yield Page(events=events, records=len(found), cursor=cursor, done=done,
                       total=total if isinstance(total, int) else None)
            if done:
                return

    async def _event(self, summary: Fields) -> InteractionEvent | None:
        try:
            conversation_id = summary.ident("id")
            answer = await self.http.request_json(
                "GET", self._url(CONVERSATION_PATH.format(conversation_id=conversation_id)),
                params={"display_as": "plaintext"})
            if not isinstance(answer, dict):
                return None
            item = Fields(answer, "conversation")
            updated = item.opt_time("updated_at") or item.time("created_at")
            event = conversation_event(
                item, account=self.account,
                event_id=event_key("intercom", self.account, "backfill", conversation_id,
                                   str(int(updated.timestamp()))),
                event_type=EVENT_TYPE, received_at=datetime.now(UTC), include_source=True)
        except InvalidPayload as exc:  # one odd record must not stop the whole import
            log.warning("skipping an Intercom conversation: %s", exc)
            return None
        return event if event.messages else None

    def _url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


def _next_cursor(answer: dict[str, Any]) -> str | None:
    pages = answer.get("pages")
    following = pages.get("next") if isinstance(pages, dict) else None
    cursor = following.get("starting_after") if isinstance(following, dict) else None
    return cursor if isinstance(cursor, str) and cursor else None
