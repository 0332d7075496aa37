"""The coach's retention: practice attempts and reflection answers after ``attempts_days``, the
ledger of applied score events after ``score_events_days``, per-message skill scores (by the
message's time) after ``message_scores_days``, customers' praise in the gratitude spotlight
after ``gratitude_days``, conversations' texts (what calibration circles sample and disputes
quote) after ``conversation_texts_days``. Lines shared for the phrasebook stay (the team's own,
redacted; erasing their author removes them).

Drills (``coach_assignments``) stay: the no-repeat rule and the practice history read them, and
they hold no text the agent wrote. The tables have no index on these times; the coach adds no
migration for it because the batches are found cheaply anyway: the oldest rows come first in
both tables, and an hourly run over a few hundred thousand rows is a fraction of a second.
"""

from __future__ import annotations

from services.coach.metrics import RETENTION_LAST_SUCCESS, RETENTION_REMOVED
from services.coach.settings import CoachRetention
from services.coach.store.calibration_tables import conversation_messages
from services.coach.store.experiment_tables import conversation_outcomes, message_scores
from services.coach.store.lines_tables import gratitude
from services.coach.store.tables import attempts, reflections, score_events
from shared.retention import RetentionMetrics, Sweep, delete_older_than

RETENTION_METRICS = RetentionMetrics(RETENTION_REMOVED, RETENTION_LAST_SUCCESS)


def coach_sweeps(retention: CoachRetention) -> list[Sweep]:
    return [
        Sweep("attempts", retention.attempts_days,
              delete_older_than(attempts, attempts.c.created_at)),
        Sweep("attempts", retention.attempts_days,
              delete_older_than(reflections, reflections.c.created_at)),
        Sweep("score_events", retention.score_events_days,
              delete_older_than(score_events, score_events.c.applied_at)),
        Sweep("message_scores", retention.message_scores_days,
              delete_older_than(message_scores, message_scores.c.message_at)),
        Sweep("message_scores", retention.message_scores_days,
              delete_older_than(conversation_outcomes, conversation_outcomes.c.updated_at)),
        Sweep("gratitude", retention.gratitude_days,
              delete_older_than(gratitude, gratitude.c.occurred_at)),
        Sweep("conversation_texts", retention.conversation_texts_days,
              delete_older_than(conversation_messages, conversation_messages.c.created_at)),
    ]
