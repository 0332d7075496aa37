"""Calibration agreement as Prometheus gauges, per dimension and model version.

Pools every circle revealed in the last ``WINDOW``: per model version, each reviewer is a coder
(missing where they did not rate a reply) and each reply a unit, so alpha weighs every rating a
circle produced. Recomputed at start-up and whenever a circle is revealed; stale label sets
(a model version no longer rated) are dropped. The alert ``RapportCoachModelDriftsFromReviewers``
(deploy/prometheus/alerts.yml) compares the two alphas.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa

from services.coach.domain.calibration_math import RatedItem, circle_agreement
from services.coach.domain.timeutil import as_utc
from services.coach.metrics import (
    CALIBRATION_MODEL_ALPHA,
    CALIBRATION_REPLIES,
    CALIBRATION_REVIEWER_ALPHA,
)
from services.coach.store.calibration_tables import (
    circle_items,
    circle_ratings,
    circle_reviewers,
    circles,
)
from shared.events.scores import DIMENSIONS

WINDOW = timedelta(days=90)
NO_CIRCLE = "none"


def pooled_agreement(connection: sa.Connection, now: datetime
                     ) -> dict[str, list[tuple[str, float | None, float | None, int]]]:
    """model version -> [(dimension, reviewers' alpha, model alpha, rated replies)]."""
    since = as_utc(now) - WINDOW
    revealed = sa.select(circles.c.circle_id).where(circles.c.status == "revealed",
                                                     circles.c.revealed_at >= since)
    submitted = {(row.circle_id, row.reviewer_id) for row in connection.execute(
        sa.select(circle_reviewers.c.circle_id, circle_reviewers.c.reviewer_id)
        .where(circle_reviewers.c.circle_id.in_(revealed),
               circle_reviewers.c.submitted_at.is_not(None)))}
    ratings: dict[tuple[str, int], dict[str, dict[str, float | None]]] = defaultdict(dict)
    for row in connection.execute(sa.select(circle_ratings)
                                  .where(circle_ratings.c.circle_id.in_(revealed))):
        if (row.circle_id, row.reviewer_id) in submitted:
            ratings[(row.circle_id, row.position)][row.reviewer_id] = row.labels
    by_version: dict[str, list[tuple[dict[str, float | None], dict[str, dict[str, float | None]]]]]
    by_version = defaultdict(list)
    for item in connection.execute(sa.select(circle_items.c.circle_id, circle_items.c.position,
                                             circle_items.c.model_version,
                                             circle_items.c.model_scores)
                                   .where(circle_items.c.circle_id.in_(revealed))):
        given = ratings.get((item.circle_id, item.position), {})
        if len(given) >= 2:
            by_version[item.model_version].append((item.model_scores, given))
    report = {}
    for version, items in by_version.items():
        people = sorted({reviewer for _, given in items for reviewer in given})
        # A reviewer of another circle is a missing value on this circle's replies.
        rated = [RatedItem(model_scores=scores, ratings=[given.get(name) for name in people])
                 for scores, given in items]
        report[version] = [
            (row.dimension, row.reviewers_alpha, row.model_alpha, row.rated_replies)
            for row in circle_agreement(rated, len(people))]
    return report


def publish_calibration_metrics(connection: sa.Connection, now: datetime) -> None:
    report = pooled_agreement(connection, now)
    for gauge in (CALIBRATION_REVIEWER_ALPHA, CALIBRATION_MODEL_ALPHA, CALIBRATION_REPLIES):
        gauge.clear()
    if not report:
        # No circle revealed in the window: every dimension shows 0 rated replies (and no alpha)
        # under model version "none", so panels read zero instead of no data and the drift
        # alert, which needs ten rated replies, stays quiet.
        report = {NO_CIRCLE: [(dimension, None, None, 0) for dimension in DIMENSIONS]}
    for version, rows in report.items():
        for dimension, reviewers, model, replies in rows:
            CALIBRATION_REVIEWER_ALPHA.labels(dimension, version).set(_value(reviewers))
            CALIBRATION_MODEL_ALPHA.labels(dimension, version).set(_value(model))
            CALIBRATION_REPLIES.labels(dimension, version).set(replies)


def _value(alpha: float | None) -> float:
    return math.nan if alpha is None else alpha
