"""``python -m services.coach erase``: one agent's rows in every coach table.

Found from the tables themselves, so a table added later is covered or refused, never missed:
a table with an ``agent_id`` loses that agent's rows; one that hangs off a drill
(``coach_assignments``) loses the rows of that agent's drills, before the drills go. A table with
neither makes ``erasure_steps`` fail until it is classified here.

Customers: scores reach the coach as agent, dimension and time, so most tables hold no customer
(the scorer erases the customer's conversations and their scores). A table with a
``customer_id`` (the gratitude spotlight's praise) loses that customer's rows.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import Connection

from services.coach.store.calibration_tables import circle_items, circle_reviewers, circles
from services.coach.store.experiment_tables import experiment_members, experiments
from services.coach.store.roleplay_store import remove_emptied_roleplays
from services.coach.store.roleplay_tables import roleplays
from services.coach.store.tables import assignments, metadata
from shared.erasure import ErasureStep, Person, matches, rowcount

NO_CUSTOMER_IDS = "the table holds no customer ids"


def erasure_steps(person: Person) -> list[ErasureStep]:
    # Dependents first: a drill's attempts are counted before the drill's delete would cascade.
    tables = list(reversed(metadata.sorted_tables))
    if person.kind == "customer":
        return [_customer_step(table) for table in tables]
    return [ErasureStep(table.name, _remover(table)) for table in tables]


def _customer_step(table: sa.Table) -> ErasureStep:
    if "customer_id" not in table.c:
        return ErasureStep(table.name, None, NO_CUSTOMER_IDS)
    column = table.c.customer_id
    return ErasureStep(table.name, lambda connection, person: rowcount(
        connection, sa.delete(table).where(matches(column, person))))


def _remover(table: sa.Table) -> Callable[[Connection, Person], int]:
    if "agent_id" in table.c:
        column = table.c.agent_id
        return lambda connection, person: rowcount(
            connection, sa.delete(table).where(matches(column, person)))
    if table is experiments:
        return _remove_emptied_experiments
    if table is roleplays:  # names no person: its participants' rows go first
        return remove_emptied_roleplays
    if "reviewer_id" in table.c:  # a calibration circle's reviewers and their blind ratings
        reviewer = table.c.reviewer_id
        return lambda connection, person: rowcount(
            connection, sa.delete(table).where(matches(reviewer, person)))
    if table is circles:
        return _remove_emptied_circles
    drill = _drill_column(table)
    if drill is not None:
        def remove(connection: Connection, person: Person) -> int:
            theirs = sa.select(assignments.c.assignment_id).where(
                matches(assignments.c.agent_id, person))
            return rowcount(connection, sa.delete(table).where(drill.in_(theirs)))
        return remove
    raise RuntimeError(f"{table.name} has neither an agent_id nor a drill: say in "
                       "services/coach/store/erasure.py how to find one person's rows in it")


def _remove_emptied_circles(connection: Connection, person: Person) -> int:
    """A circle names nobody itself; one left with neither replies nor reviewers (theirs go
    first) was only about the people erased, so it goes too."""
    items = sa.select(circle_items.c.circle_id)
    reviewers = sa.select(circle_reviewers.c.circle_id)
    return rowcount(connection, sa.delete(circles).where(
        circles.c.circle_id.not_in(items), circles.c.circle_id.not_in(reviewers)))


def _remove_emptied_experiments(connection: Connection, person: Person) -> int:
    """An experiment names nobody itself; one left without members (its members' rows go
    first) was only about the people erased, so it goes too."""
    members = sa.select(experiment_members.c.experiment_id)
    return rowcount(connection, sa.delete(experiments).where(
        experiments.c.experiment_id.not_in(members)))


def _drill_column(table: sa.Table) -> sa.Column[object] | None:
    for foreign_key in table.foreign_keys:
        if foreign_key.column is assignments.c.assignment_id:
            return foreign_key.parent
    return None
