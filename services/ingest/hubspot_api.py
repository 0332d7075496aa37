"""Fetches the message a HubSpot ``conversation.newMessage`` event announces.

Runs while HubSpot waits for our answer, so retries are few and short: transport errors, 429
(honouring ``Retry-After`` up to a cap) and 5xx are retried; when the API stays unavailable the
delivery gets a 503 and HubSpot retries it later. A 404 (the message was deleted) is ignored.
"""

from __future__ import annotations

import asyncio

import httpx

from services.ingest.metrics import API_FETCHES
from services.ingest.payload import Fields, InvalidPayload
from services.ingest.providers.base import Deferred, Ignored, Normalised
from services.ingest.providers.hubspot import HubSpotMessageRef, normalise_message
from services.ingest.settings import HubSpotApiSettings

MESSAGE_PATH = "/conversations/v3/conversations/threads/{thread_id}/messages/{message_id}"
_BACKOFF_S = 0.2


class UpstreamUnavailable(Exception):
    """The helpdesk API did not answer usefully; the delivery should be retried later."""


class HubSpotMessages:
    def __init__(self, client: httpx.AsyncClient, settings: HubSpotApiSettings) -> None:
        self.client = client
        self.settings = settings

    async def resolve(self, deferred: Deferred) -> Normalised | Ignored:
        if not isinstance(deferred, HubSpotMessageRef):
            raise TypeError(f"cannot resolve {type(deferred).__name__}")
        if self.settings.access_token is None:
            raise UpstreamUnavailable("HubSpot events carry no message text and no API token "
                                      "is set: set RAPPORT_INGEST_HUBSPOT__ACCESS_TOKEN")
        url = self.settings.base_url.rstrip("/") + MESSAGE_PATH.format(
            thread_id=deferred.thread_id, message_id=deferred.message_id)
        headers = {"Authorization": f"Bearer {self.settings.access_token.get_secret_value()}"}
        for attempt in range(1, self.settings.max_attempts + 1):
            wait_s = await self._attempt(url, headers, deferred)
            if isinstance(wait_s, Normalised | Ignored):
                return wait_s
            if attempt < self.settings.max_attempts:
                API_FETCHES.labels("hubspot", "retried").inc()
                await asyncio.sleep(wait_s)  # back-off between attempts, not synchronisation
        API_FETCHES.labels("hubspot", "gave_up").inc()
        raise UpstreamUnavailable("HubSpot's conversations API did not answer; retry later")

    async def _attempt(self, url: str, headers: dict[str, str],
                       ref: HubSpotMessageRef) -> Normalised | Ignored | float:
        """The outcome, or how long to wait before the next attempt."""
        try:
            response = await self.client.get(url, headers=headers,
                                             timeout=self.settings.timeout_s)
        except httpx.TransportError:
            return _BACKOFF_S
        if response.status_code == 200:
            API_FETCHES.labels("hubspot", "ok").inc()
            try:
                data = response.json()
            except ValueError:
                return _BACKOFF_S
            if not isinstance(data, dict):
                raise InvalidPayload("message", "HubSpot answered with something not an object")
            return normalise_message(ref, Fields(data, "message"))
        if response.status_code == 404:
            API_FETCHES.labels("hubspot", "ok").inc()
            return Ignored("HubSpot no longer has the message (deleted)")
        if response.status_code == 429 or response.status_code >= 500:
            return min(_retry_after(response), self.settings.max_retry_wait_s)
        API_FETCHES.labels("hubspot", "gave_up").inc()
        raise UpstreamUnavailable(f"HubSpot refused the message fetch ({response.status_code}); "
                                  "check RAPPORT_INGEST_HUBSPOT__ACCESS_TOKEN and its scopes")


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", _BACKOFF_S)))
    except ValueError:
        return _BACKOFF_S
