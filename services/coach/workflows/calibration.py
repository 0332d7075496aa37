"""Calibration circles: a lead samples the team's scored replies, reviewers rate them blind, the
circle reveals the agreement and stores the ratings it agrees on (as human labels).

A circle is "rating" until the lead reveals it (at least two reviewers must have submitted),
then "revealed": only then does anyone see other people's ratings or the model's scores, and
only then can the lead record agreed ratings. Reviewers who did not submit are left out of the
figures. Nothing here names the agents whose replies are rated.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.coach.domain.calibration_math import (
    SCALE,
    RatedItem,
    circle_agreement,
    consensus,
    disagreement,
    on_scale,
)
from services.coach.domain.score_batches import team_id as team_of_agent
from services.coach.domain.timeutil import as_utc
from services.coach.schemas.calibration import (
    CircleFiltersOut,
    CircleIn,
    CircleListOut,
    CircleOut,
    DimensionAgreementOut,
    ResultItemOut,
    ResultsOut,
    ReviewerProgressOut,
    ReviewItemOut,
    ReviewListOut,
    ReviewOut,
    ReviewSummaryOut,
    RubricLabels,
    TurnOut,
)
from services.coach.store.calibration_sample import SampleFilters, candidates, choose, human_gaps
from services.coach.store.calibration_tables import (
    circle_items,
    circle_ratings,
    circle_reviewers,
    circles,
)
from services.coach.store.message_texts import reply_context
from shared.events.ids import parse_agent_id
from shared.events.scores import DIMENSIONS
from shared.http.problems import Conflict, NotFound, Unprocessable

Row = sa.Row[Any]


def create_circle(connection: sa.Connection, team_id: str, body: CircleIn,
                  now: datetime) -> str:
    for reviewer in body.reviewers:
        try:
            parse_agent_id(reviewer)
        except ValueError as exc:
            raise Unprocessable(f"reviewer: {exc}") from None
        if team_of_agent(reviewer) != team_id:
            raise Unprocessable(f"reviewer {reviewer!r} is not in team {team_id!r}")
    circle_id = uuid.uuid4().hex
    filters = SampleFilters(date_from=body.date_from, date_to=body.date_to,
                            channel=body.channel.value if body.channel else None,
                            dimension=body.dimension, disagreement=body.disagreement)
    found = candidates(connection, team_id, filters)
    gaps = human_gaps(connection, [c.message_id for c in found]) if body.disagreement else {}
    items: list[dict[str, Any]] = []
    # Texts can be missing for a few (a reply with nothing before it); draw until full.
    for candidate in choose(found, filters, len(found), seed=circle_id, gaps=gaps):
        context = reply_context(connection, candidate.message_id)
        if context is None:
            continue
        items.append({"circle_id": circle_id, "position": len(items),
                      "message_id": candidate.message_id, "agent_id": candidate.agent_id,
                      "customer_id": context.customer_id,
                      "channel": candidate.channel, "model_version": candidate.model_version,
                      "model_scores": candidate.scores, "customer": context.customer,
                      "history": context.history_json(), "reply": context.reply})
        if len(items) == body.sample_size:
            break
    if len(items) < 2:
        raise Unprocessable(f"only {len(items)} scored replies with their text match these "
                            "filters; a circle needs at least 2: widen the dates or drop a "
                            "filter")
    connection.execute(circles.insert().values(
        circle_id=circle_id, team_id=team_id, title=body.title, status="rating",
        created_at=as_utc(now), revealed_at=None,
        filters={"date_from": body.date_from.isoformat(), "date_to": body.date_to.isoformat(),
                 "channel": filters.channel, "dimension": filters.dimension,
                 "disagreement": filters.disagreement, "sample_size": body.sample_size}))
    connection.execute(circle_items.insert(), items)
    connection.execute(circle_reviewers.insert(), [
        {"circle_id": circle_id, "reviewer_id": reviewer, "submitted_at": None}
        for reviewer in body.reviewers])
    return circle_id


def get_circle(connection: sa.Connection, circle_id: str) -> Row:
    row = connection.execute(sa.select(circles).where(circles.c.circle_id == circle_id)).first()
    if row is None:
        raise NotFound(f"no calibration circle {circle_id!r}")
    return row


def reviewer_ids(connection: sa.Connection, circle_id: str) -> list[str]:
    query = (sa.select(circle_reviewers.c.reviewer_id)
             .where(circle_reviewers.c.circle_id == circle_id)
             .order_by(circle_reviewers.c.reviewer_id))
    return list(connection.scalars(query))


def circle_out(connection: sa.Connection, circle: Row) -> CircleOut:
    items = _items(connection, circle.circle_id)
    rated = _rated_counts(connection, circle.circle_id)
    progress = [ReviewerProgressOut(reviewer_id=row.reviewer_id,
                                    rated=rated.get(row.reviewer_id, 0),
                                    submitted=row.submitted_at is not None)
                for row in connection.execute(
                    sa.select(circle_reviewers).where(circle_reviewers.c.circle_id
                                                      == circle.circle_id)
                    .order_by(circle_reviewers.c.reviewer_id))]
    return CircleOut(circle_id=circle.circle_id, team_id=circle.team_id, title=circle.title,
                     status=circle.status, created_at=as_utc(circle.created_at),
                     revealed_at=as_utc(circle.revealed_at) if circle.revealed_at else None,
                     filters=CircleFiltersOut(**circle.filters), items=len(items),
                     agreed=sum(item.agreed_labels is not None for item in items),
                     reviewers=progress)


def list_circles(connection: sa.Connection, team_id: str) -> CircleListOut:
    rows = connection.execute(sa.select(circles).where(circles.c.team_id == team_id)
                              .order_by(circles.c.created_at.desc(), circles.c.circle_id))
    return CircleListOut(team_id=team_id, circles=[circle_out(connection, row) for row in rows])


def reviewer_circles(connection: sa.Connection, reviewer_id: str,
                     team_id: str) -> ReviewListOut:
    query = (sa.select(circles, circle_reviewers.c.submitted_at)
             .join(circle_reviewers, circle_reviewers.c.circle_id == circles.c.circle_id)
             .where(circle_reviewers.c.reviewer_id == reviewer_id, circles.c.team_id == team_id)
             .order_by(circles.c.created_at.desc(), circles.c.circle_id))
    found = []
    for row in connection.execute(query):
        rated = _rated_counts(connection, row.circle_id).get(reviewer_id, 0)
        found.append(ReviewSummaryOut(circle_id=row.circle_id, title=row.title,
                                      status=row.status, items=len(_items(connection,
                                                                          row.circle_id)),
                                      rated=rated, submitted=row.submitted_at is not None))
    return ReviewListOut(reviewer_id=reviewer_id, circles=found)


def review(connection: sa.Connection, circle: Row, reviewer_id: str) -> ReviewOut:
    mine = {row.position: row.labels for row in connection.execute(
        sa.select(circle_ratings.c.position, circle_ratings.c.labels)
        .where(circle_ratings.c.circle_id == circle.circle_id,
               circle_ratings.c.reviewer_id == reviewer_id))}
    items = [ReviewItemOut(position=item.position, channel=item.channel, customer=item.customer,
                           history=[TurnOut(**turn) for turn in item.history], reply=item.reply,
                           my_rating=RubricLabels(**mine[item.position])
                           if item.position in mine else None)
             for item in _items(connection, circle.circle_id)]
    return ReviewOut(circle_id=circle.circle_id, title=circle.title, status=circle.status,
                     submitted=_submitted_at(connection, circle.circle_id, reviewer_id) is not None,
                     scale=list(SCALE), items=items)


def save_rating(connection: sa.Connection, circle: Row, reviewer_id: str, position: int,
                labels: RubricLabels, now: datetime) -> None:
    if circle.status != "rating":
        raise Conflict("the circle has been revealed; ratings are closed")
    if _submitted_at(connection, circle.circle_id, reviewer_id) is not None:
        raise Conflict("you have submitted your ratings for this circle")
    _item(connection, circle.circle_id, position)
    key = {"circle_id": circle.circle_id, "position": position, "reviewer_id": reviewer_id}
    connection.execute(circle_ratings.delete().where(
        *(circle_ratings.c[name] == value for name, value in key.items())))
    connection.execute(circle_ratings.insert().values(**key, labels=labels.as_dict(),
                                                      rated_at=as_utc(now)))


def submit(connection: sa.Connection, circle: Row, reviewer_id: str, now: datetime) -> None:
    if circle.status != "rating":
        raise Conflict("the circle has been revealed; ratings are closed")
    items = len(_items(connection, circle.circle_id))
    rated = _rated_counts(connection, circle.circle_id).get(reviewer_id, 0)
    if rated < items:
        raise Conflict(f"{items - rated} of {items} replies are not rated yet")
    connection.execute(circle_reviewers.update()
                       .where(circle_reviewers.c.circle_id == circle.circle_id,
                              circle_reviewers.c.reviewer_id == reviewer_id)
                       .values(submitted_at=as_utc(now)))


def reveal(connection: sa.Connection, circle: Row, now: datetime) -> None:
    if circle.status != "rating":
        raise Conflict("the circle is already revealed")
    if len(_submitted(connection, circle.circle_id)) < 2:
        raise Conflict("at least two reviewers must submit their ratings before the reveal")
    connection.execute(circles.update().where(circles.c.circle_id == circle.circle_id)
                       .values(status="revealed", revealed_at=as_utc(now)))


def results(connection: sa.Connection, circle: Row) -> ResultsOut:
    if circle.status != "revealed":
        raise Conflict("the circle is still rating: results show after the reveal")
    reviewers = _submitted(connection, circle.circle_id)
    items = _items(connection, circle.circle_id)
    ratings = _ratings(connection, circle.circle_id, reviewers)
    rated = [RatedItem(model_scores=item.model_scores, ratings=ratings.get(item.position, []))
             for item in items]
    report = circle_agreement(rated, len(reviewers))
    out = []
    for item, entry in zip(items, rated, strict=True):
        out.append(ResultItemOut(
            position=item.position, channel=item.channel, customer=item.customer,
            history=[TurnOut(**turn) for turn in item.history], reply=item.reply,
            disagreement=disagreement(entry.given()),
            ratings=[dict(labels) for labels in entry.given()],
            consensus=consensus(entry.given()),
            model={dim: on_scale(item.model_scores.get(dim)) for dim in DIMENSIONS},
            agreed=RubricLabels(**item.agreed_labels) if item.agreed_labels else None,
            note=item.note))
    out.sort(key=lambda result: (-result.disagreement, result.position))
    return ResultsOut(circle_id=circle.circle_id, title=circle.title, reviewers=len(reviewers),
                      model_versions=sorted({item.model_version for item in items}),
                      dimensions=[DimensionAgreementOut(**vars(row)) for row in report],
                      items=out)


def save_agreed(connection: sa.Connection, circle: Row, position: int, labels: RubricLabels,
                note: str | None, now: datetime) -> None:
    if circle.status != "revealed":
        raise Conflict("agree on ratings after the reveal")
    _item(connection, circle.circle_id, position)
    connection.execute(circle_items.update()
                       .where(circle_items.c.circle_id == circle.circle_id,
                              circle_items.c.position == position)
                       .values(agreed_labels=labels.as_dict(), note=note or None,
                               agreed_at=as_utc(now)))


def is_reviewer(connection: sa.Connection, circle_id: str, reviewer_id: str) -> bool:
    return reviewer_id in reviewer_ids(connection, circle_id)


def _items(connection: sa.Connection, circle_id: str) -> list[Row]:
    return list(connection.execute(sa.select(circle_items)
                                   .where(circle_items.c.circle_id == circle_id)
                                   .order_by(circle_items.c.position)))


def _item(connection: sa.Connection, circle_id: str, position: int) -> Row:
    row = connection.execute(sa.select(circle_items.c.position)
                             .where(circle_items.c.circle_id == circle_id,
                                    circle_items.c.position == position)).first()
    if row is None:
        raise NotFound(f"the circle has no reply {position}")
    return row


def _rated_counts(connection: sa.Connection, circle_id: str) -> dict[str, int]:
    query = (sa.select(circle_ratings.c.reviewer_id, sa.func.count())
             .where(circle_ratings.c.circle_id == circle_id)
             .group_by(circle_ratings.c.reviewer_id))
    return {reviewer: int(count) for reviewer, count in connection.execute(query)}


def _submitted_at(connection: sa.Connection, circle_id: str,
                  reviewer_id: str) -> datetime | None:
    return connection.scalar(sa.select(circle_reviewers.c.submitted_at)
                             .where(circle_reviewers.c.circle_id == circle_id,
                                    circle_reviewers.c.reviewer_id == reviewer_id))


def _submitted(connection: sa.Connection, circle_id: str) -> list[str]:
    query = (sa.select(circle_reviewers.c.reviewer_id)
             .where(circle_reviewers.c.circle_id == circle_id,
                    circle_reviewers.c.submitted_at.is_not(None))
             .order_by(circle_reviewers.c.reviewer_id))
    return list(connection.scalars(query))


def _ratings(connection: sa.Connection, circle_id: str,
             reviewers: Sequence[str]) -> dict[int, list[dict[str, float | None]]]:
    """Per item, the submitted reviewers' ratings in ``reviewers`` order."""
    by_key = {(row.position, row.reviewer_id): row.labels for row in connection.execute(
        sa.select(circle_ratings).where(circle_ratings.c.circle_id == circle_id))}
    positions = {position for position, _ in by_key}
    return {position: [by_key[(position, reviewer)] for reviewer in reviewers
                       if (position, reviewer) in by_key]
            for position in positions}
