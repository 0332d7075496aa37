"""Agreed ratings and dispute corrections as human labels for the scorer's training.

One JSONL record per reply and rater, the format lab/scorer/human_labels.py reads (and
``python -m services.scorer train --human-labels FILE`` trains on)::

    {"id": "coach-<message id>", "annotator": "circle-<id>" | "dispute-<id>",
     "situation": "calibration" | "dispute", "channel": ..., "history": [{"role", "text"}],
     "customer": ..., "reply": ..., "labels": {<eight dimensions: score or null>},
     "tone": {"raw": t, "channel_adjusted": t}}

The id is the reply's, so a circle's rating and a dispute's correction of the same reply merge
into one consensus when the scorer trains. People rate tone once, channel norms included, so
both tone figures carry that rating. A dispute corrects one dimension: its record carries the
model's own scores for the other seven, which the lead saw and let stand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from services.coach.store.calibration_tables import circle_items, circles, disputes
from shared.events.scores import DIMENSIONS


class LabelExportError(ValueError):
    """Nothing to export, named precisely."""


def label_record(*, message_id: str, annotator: str, situation: str, channel: str,
                 history: Sequence[Mapping[str, str]], customer: str, reply: str,
                 labels: Mapping[str, float | None]) -> dict[str, Any]:
    tone = labels.get("tone")
    if tone is None:
        raise LabelExportError(f"{annotator}: reply {message_id} has no tone rating")
    return {"id": f"coach-{message_id}", "annotator": annotator, "situation": situation,
            "channel": channel,
            "history": [{"role": turn["role"], "text": turn["text"]} for turn in history],
            "customer": customer, "reply": reply,
            "labels": {dim: labels.get(dim) for dim in DIMENSIONS},
            "tone": {"raw": tone, "channel_adjusted": tone}}


def circle_label_records(connection: sa.Connection, circle_id: str) -> list[dict[str, Any]]:
    """The circle's agreed ratings (replies not agreed on yet are left out)."""
    if connection.scalar(sa.select(circles.c.circle_id)
                         .where(circles.c.circle_id == circle_id)) is None:
        raise LabelExportError(f"no calibration circle {circle_id!r}")
    rows = connection.execute(sa.select(circle_items)
                              .where(circle_items.c.circle_id == circle_id,
                                     circle_items.c.agreed_labels.is_not(None))
                              .order_by(circle_items.c.position))
    return [label_record(message_id=row.message_id, annotator=f"circle-{circle_id}",
                         situation="calibration", channel=row.channel, history=row.history,
                         customer=row.customer, reply=row.reply, labels=row.agreed_labels)
            for row in rows]


def dispute_label_records(connection: sa.Connection, *,
                          team_id: str | None) -> list[dict[str, Any]]:
    """Corrected disputes whose reply text the coach held when they were filed."""
    query = (sa.select(disputes)
             .where(disputes.c.status == "corrected", disputes.c.reply.is_not(None))
             .order_by(disputes.c.resolved_at, disputes.c.dispute_id))
    if team_id is not None:
        query = query.where(disputes.c.team_id == team_id)
    records = []
    for row in connection.execute(query):
        labels = {**row.model_scores, row.dimension: row.corrected_score}
        records.append(label_record(
            message_id=row.message_id, annotator=f"dispute-{row.dispute_id}",
            situation="dispute", channel=row.channel, history=row.history or [],
            customer=row.customer or "", reply=row.reply, labels=labels))
    return records


def to_jsonl(records: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
                   for record in records)


def write_jsonl(records: Sequence[Mapping[str, Any]], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_jsonl(records), encoding="utf-8")
    return len(records)
