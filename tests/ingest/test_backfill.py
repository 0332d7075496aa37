"""The backfill CLI against local HTTP servers that follow each documented API contract, with a
real broker and database: rate limits honoured (and capped), interrupted runs resumed."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.kafka.launcher import free_port
from services.ingest.backfill.cli import main
from services.ingest.backfill.cursors import CursorStore
from services.ingest.settings import IngestSettings
from shared.db.engine import create_db_engine
from shared.settings import KafkaSettings
from tests.ingest.fake_helpdesk_apis import (
    EXPORT,
    INTERCOM_TOKEN,
    ApiLog,
    intercom_api,
    zendesk_api,
)
from tests.ingest.support import read_events, serving

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
ZENDESK_EVENTS = {  # one event per ticket version with text; the deleted ticket gives none
    "zendesk:10000001:backfill:48213:1795600800",
    "zendesk:10000001:backfill:48214:1795523400",
    "zendesk:10000001:backfill:48215:1795597200",
}


@pytest.fixture
def zendesk(request: pytest.FixtureRequest) -> Iterator[tuple[str, ApiLog]]:
    log = ApiLog()
    port = free_port()
    with serving(zendesk_api(log, lambda: f"http://127.0.0.1:{port}"), port) as url:
        yield url, log


def run_zendesk(url: str, settings: IngestSettings, *extra: str) -> int:
    return main(["zendesk", "--base-url", url, "--account", "10000001", "--email",
                 "ops@acme.example", "--api-token", "zd-api-token", "--since", "2026-11-01",
                 "--max-wait-s", "5", *extra], settings=settings)


def export_requests(log: ApiLog) -> list[dict[str, str]]:
    return [params for _, path, params in log.requests if path == EXPORT]


def test_zendesk_history_is_imported_honouring_rate_limits(
        zendesk: tuple[str, ApiLog], settings: IngestSettings,
        kafka_settings: KafkaSettings) -> None:
    url, log = zendesk
    log.failures[(EXPORT, "c1")] = [(429, {"Retry-After": "1"}), (429, {"Retry-After": "3600"})]
    assert run_zendesk(url, settings, "--max-wait-s", "2") == 0

    times = [at for at, path, params in log.requests if path == EXPORT and
             params.get("cursor") == "c1"]
    assert len(times) == 3
    assert times[1] - times[0] >= 1.0  # waited as long as Retry-After asked
    assert times[2] - times[1] < 3.5  # an absurd Retry-After is capped at --max-wait-s
    assert export_requests(log)[0] == {"start_time": "1793491200"}  # --since 2026-11-01

    events = {e.event_id: e for e in read_events(kafka_settings, until=ZENDESK_EVENTS)}
    assert set(events) == ZENDESK_EVENTS
    refund = events["zendesk:10000001:backfill:48213:1795600800"]
    assert [(m.author_role, m.public) for m in refund.messages] == [
        ("customer", True), ("agent", True), ("agent", False)]
    assert refund.messages[0].body == "I was charged twice for order 5531. Call me on [PHONE]."
    assert refund.conversation.satisfaction is not None
    assert refund.conversation.satisfaction.rating == "good"
    paged = events["zendesk:10000001:backfill:48215:1795597200"]
    assert [m.author_role for m in paged.messages] == ["customer", "system", "customer"]
    assert "[CARD]" in paged.messages[0].body


def test_an_interrupted_zendesk_backfill_resumes_from_its_cursor(
        zendesk: tuple[str, ApiLog], settings: IngestSettings,
        kafka_settings: KafkaSettings) -> None:
    url, log = zendesk
    log.failures[(EXPORT, "c1")] = [(500, {}), (502, {})]
    assert run_zendesk(url, settings, "--max-attempts", "2") == 1  # stopped, progress kept
    store = CursorStore(create_db_engine(settings.database.url))
    saved = store.load("zendesk:10000001")
    assert saved is not None
    assert (saved.cursor, saved.records_imported) == ({"after_cursor": "c1"}, 2)

    first_run = len(log.requests)
    assert run_zendesk(url, settings) == 0
    resumed = [params for _, path, params in log.requests[first_run:] if path == EXPORT]
    assert resumed == [{"cursor": "c1"}]  # not the start again
    saved = store.load("zendesk:10000001")
    assert saved is not None
    assert (saved.cursor, saved.records_imported) == ({"after_cursor": "c2"}, 3)

    # A third run only asks for changes after the end of the stream.
    third_run = len(log.requests)
    assert run_zendesk(url, settings) == 0
    assert [p for _, path, p in log.requests[third_run:] if path == EXPORT] == [{"cursor": "c2"}]
    events = read_events(kafka_settings, until=ZENDESK_EVENTS)
    assert sorted(e.event_id for e in events) == sorted(ZENDESK_EVENTS)  # each exactly once


def test_intercom_history_is_imported_and_the_next_run_starts_after_it(
        settings: IngestSettings, kafka_settings: KafkaSettings) -> None:
    log = ApiLog()
    log.failures[("search", "after-2")] = [(429, {"Retry-After": "1"})]
    with serving(intercom_api(log), free_port()) as url:
        arguments = ["intercom", "--base-url", url, "--account", "ecahpwf5", "--access-token",
                     INTERCOM_TOKEN, "--page-size", "2", "--no-progress"]
        assert main(arguments, settings=settings) == 0
        expected = {"intercom:ecahpwf5:backfill:301:1764003600",
                    "intercom:ecahpwf5:backfill:302:1764012000"}
        events = {e.event_id: e for e in read_events(kafka_settings, until=expected)}
        assert set(events) == expected  # conversation 303 has no text: no event
        insulin = events["intercom:ecahpwf5:backfill:301:1764003600"]
        assert [m.author_role for m in insulin.messages] == ["customer", "agent"]
        assert insulin.conversation.satisfaction is not None
        assert insulin.conversation.satisfaction.rating == "good"
        locked = events["intercom:ecahpwf5:backfill:302:1764012000"]
        assert locked.conversation.channel == "email"
        assert [m.body for m in locked.messages] == ["I am locked out. Email me at [EMAIL]",
                                                     "Please read our FAQ."]
        assert [m.author_role for m in locked.messages] == ["customer", "bot"]

        searches_before = sum(1 for _, path, _ in log.requests if path == "search")
        assert main(arguments, settings=settings) == 0
    searches = [p for _, path, p in log.requests if path == "search"][searches_before:]
    assert searches == [{"starting_after": "", "since": "1764021000"}]


def test_missing_credentials_are_named(settings: IngestSettings,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["zendesk", "--base-url", "http://127.0.0.1:9"], settings=settings) == 2
    assert "--account" in capsys.readouterr().err


def test_the_module_dispatches_backfill(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "services.ingest", "backfill", "--help"],
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0
    assert "zendesk" in result.stdout
    assert "intercom" in result.stdout
    wrong = subprocess.run([sys.executable, "-m", "services.ingest", "serve-please"],
                           capture_output=True, text=True, check=False, timeout=60)
    assert wrong.returncode == 2
    assert "usage" in wrong.stderr
