"""The dated sample history `make up` replays for experiments: deliveries ingest accepts, in the
six weeks before the current one, telling the story the printed experiment measures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from deploy.sample.history import COHORT, COMPARISON, SITUATIONS, history_deliveries, windows
from services.ingest.plausibility import check_publishable
from services.ingest.providers.base import Delivery, Normalised
from services.ingest.providers.generic import GenericProvider

TODAY = date(2026, 12, 9)  # a Wednesday in 2026-W50


def test_the_history_is_six_past_weeks_of_plausible_chats_with_a_practised_skill() -> None:
    received = datetime(2026, 12, 9, 12, tzinfo=UTC)
    events = []
    for recorded in history_deliveries(TODAY):
        results = GenericProvider().parse(Delivery(
            provider="generic", method="POST", url="/webhooks/generic", headers={}, query={},
            body=recorded.body, received_at=received))
        assert isinstance(results, list)
        assert len(results) == 1
        parsed = results[0]
        assert isinstance(parsed, Normalised)
        check_publishable(parsed.event)  # raises on anything ingest would refuse
        events.append(parsed.event)
    transcripts = [e for e in events if e.event_type == "chat.closed"]
    reopened = [e for e in events if e.event_type == "chat.reopened"]
    assert len(events) == len({e.event_id for e in events})
    assert len(transcripts) == 8 * 6 * 3
    assert all(e.conversation.satisfaction is not None for e in transcripts)
    # Without practice, each agent's first conversation of the week is reopened.
    assert len(reopened) == 4 * 6 + 4 * 3
    assert history_deliveries(TODAY)[0].body == history_deliveries(TODAY)[0].body  # stable ids

    spans = windows(TODAY)
    assert spans == {"baseline_from": date(2026, 10, 26), "baseline_to": date(2026, 11, 15),
                     "practice_from": date(2026, 11, 16), "practice_to": date(2026, 12, 6)}
    acknowledging = {s.acknowledging for s in SITUATIONS}
    for event in transcripts:
        agent_reply = next(m for m in event.messages if m.author_role == "agent")
        day = agent_reply.created_at.date()
        assert spans["baseline_from"] <= day <= spans["practice_to"]
        agent = (agent_reply.author_id or "").rsplit(":", 1)[-1]
        practised = agent in COHORT and day >= spans["practice_from"]
        assert (agent_reply.body in acknowledging) == practised
        assert agent in COHORT + COMPARISON
