"""The outbound webhook: Slack-shaped JSON, never blocking, failures logged and counted."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from prometheus_client import REGISTRY

from services.coach.clients.announcer import WebhookAnnouncer, create_announcer
from tests.coach.http_servers import closed_port_url, serve_in_thread


def failures() -> float:
    return REGISTRY.get_sample_value("rapport_coach_announce_failures_total") or 0.0


def webhook(status: int, release: threading.Event | None = None
            ) -> tuple[FastAPI, list[dict[str, Any]]]:
    app, received = FastAPI(), []

    @app.post("/hook")
    def hook_endpoint(body: dict[str, Any]) -> JSONResponse:
        if release is not None:
            release.wait(timeout=10)  # holds the request until the test lets it go
        received.append(body)
        return JSONResponse({"ok": status < 400}, status_code=status)

    return app, received


def test_announcements_post_slack_compatible_json() -> None:
    app, received = webhook(200)
    with serve_in_thread(app) as url:
        announcer = WebhookAnnouncer(f"{url}/hook", timeout_s=5)
        before = failures()
        announcer.announce("3 new drills")
        assert announcer.drain(timeout_s=10)
        announcer.close()
    assert received == [{"text": "3 new drills"}]
    assert failures() == before


def test_a_slow_webhook_never_blocks_the_caller() -> None:
    release = threading.Event()
    app, received = webhook(200, release)
    with serve_in_thread(app) as url:
        announcer = WebhookAnnouncer(f"{url}/hook", timeout_s=15)
        announcer.announce("first")
        announcer.announce("second")  # returned although the first is still held
        assert received == []
        release.set()
        assert announcer.drain(timeout_s=10)
        announcer.close()
    assert [r["text"] for r in received] == ["first", "second"]


def test_failures_are_counted_and_swallowed() -> None:
    app, _ = webhook(500)
    with serve_in_thread(app) as url:
        before = failures()
        for target in (f"{url}/hook", closed_port_url()):
            announcer = WebhookAnnouncer(target, timeout_s=5)
            announcer.announce("will fail")
            assert announcer.drain(timeout_s=10)
            announcer.close()
    assert failures() == before + 2


def test_no_url_means_no_announcements() -> None:
    announcer = create_announcer(None, timeout_s=1)
    announcer.announce("nobody hears this")
    assert announcer.drain(timeout_s=0)
    assert not isinstance(announcer, WebhookAnnouncer)
