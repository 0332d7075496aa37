"""Observers' ratings of role-play rounds as human labels for the scorer's training.

The JSONL format ``lab/scorer/human_labels.py`` reads (one record per reply and annotator):
the observer rates the round as a whole, and the label goes on the agent's last typed reply of
that round, with the scripted conversation before it (customer lines, company notes as
``system`` turns, the agent's earlier replies) as its history. A round where the agent typed
nothing has no text to label and is left out. Several observers of one round share the record
id, so the training reads their consensus.

Annotators are named by their place in the session (``roleplay-<id>-p2``), not by agent id:
the training data names nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from services.coach.domain.practice_script import scoring_context, script_steps
from services.coach.domain.scenario_models import Scenario
from services.coach.store.roleplay_store import RoleplayRecord, ratings_of, replies_of
from shared.events.scores import DIMENSIONS


def label_records(connection: sa.Connection, record: RoleplayRecord,
                  scenario: Scenario) -> list[dict[str, Any]]:
    replies: dict[int, dict[int, str]] = {}
    for reply in replies_of(connection, record.roleplay_id):
        replies.setdefault(reply.round, {})[reply.turn] = reply.text
    steps = script_steps(scenario)
    records = []
    for rating in ratings_of(connection, record.roleplay_id):
        typed = replies.get(rating.round)
        tone = rating.ratings.get("tone")
        if not typed or tone is None:
            continue
        last = max(typed)  # replies are capped at one per script step
        context = scoring_context(steps, last, {t: text for t, text in typed.items()
                                                if t < last})
        position = record.position_of(rating.observer_id)
        annotator = (f"roleplay-{record.roleplay_id}-p{position + 1}" if position is not None
                     else f"roleplay-{record.roleplay_id}-observer")
        records.append({
            "id": f"roleplay-{record.roleplay_id}-round-{rating.round + 1}",
            "annotator": annotator,
            "situation": "roleplay",
            "channel": str(scenario.channel),
            "history": [{"role": role, "text": text} for role, text in context.history],
            "customer": context.customer,
            "reply": typed[last],
            "labels": labels_of(rating.ratings),
            # An observer rates tone as it lands in this channel: raw and adjusted are one.
            "tone": {"raw": tone, "channel_adjusted": tone},
        })
    return records


def labels_of(ratings: Mapping[str, float | None]) -> dict[str, float | None]:
    return {dimension: ratings.get(dimension) for dimension in DIMENSIONS}
