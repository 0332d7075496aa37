"""Erasure: ``python -m services.<svc> erase --agent ID | --customer PSEUDONYM [--dry-run]``.

Each service lists, per table it owns, how to remove the rows about one person
(``ErasureStep``); this module parses the command, runs every step in one transaction and prints
what each table gave up. ``--dry-run`` runs the very same statements and rolls them back, so the
counts it prints are the ones a real run would remove, not an estimate from other queries.

People are named as the other services know them: agents by their qualified id
(``zendesk:10000001:902000000001``); customers by theirs, or by the bare pseudonym ingest made of
their e-mail address (``p-`` and 24 hex digits, ``h-`` and 16 for the unkeyed kind), which then
matches that address in every helpdesk account.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TextIO, TypeVar

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from shared.db.engine import create_db_engine, missing_database, shown_url
from shared.events.ids import parse_agent_id
from shared.local_stack import tool_environment
from shared.settings import ServiceSettings

PersonKind = Literal["agent", "customer"]
BARE_PSEUDONYM = re.compile(r"^(p-[0-9a-f]{24}|h-[0-9a-f]{16})$")
S = TypeVar("S", bound=ServiceSettings)


@dataclass(frozen=True)
class Person:
    kind: PersonKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


@dataclass(frozen=True)
class ErasureStep:
    """One table: ``remove`` deletes (or blanks) its rows about the person and returns how many;
    ``None`` marks a table that holds no person ids at all (reported as 0, with the reason)."""

    table: str
    remove: Callable[[Connection, Person], int] | None
    reason: str = ""


class ErasureError(Exception):
    """Reported on stderr with exit code 1, no traceback."""


def matches(column: sa.ColumnElement[Any], person: Person) -> sa.ColumnElement[bool]:
    """``column`` names the person: the id itself, or for a bare pseudonym any qualified id
    ending in it (the same address seen in several accounts or helpdesks)."""
    if BARE_PSEUDONYM.match(person.id):
        return sa.or_(column == person.id, column.endswith(f":{person.id}", autoescape=True))
    return column == person.id


def rowcount(connection: Connection, statement: sa.Executable) -> int:
    return int(connection.execute(statement).rowcount)


def erase(engine: Engine, person: Person, steps: Sequence[ErasureStep], *,
          dry_run: bool = False) -> list[tuple[str, int]]:
    """Every step in one transaction: all of the person's rows go, or (on error) none do."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            counts = [(step.table, step.remove(connection, person) if step.remove else 0)
                      for step in steps]
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    return counts


def format_report(service: str, person: Person, steps: Sequence[ErasureStep],
                  counts: Sequence[tuple[str, int]], *, dry_run: bool) -> str:
    verb = "would remove (dry run, nothing removed)" if dry_run else "removed"
    width = max(len("total"), *(len(table) for table, _ in counts))
    lines = [f"{service}: {verb} for {person}:"]
    reasons = {step.table: step.reason for step in steps}
    for table, count in counts:
        note = f"  ({reasons[table]})" if reasons.get(table) else ""
        lines.append(f"  {table:<{width}}  {count:>7}{note}")
    lines.append(f"  {'total':<{width}}  {sum(count for _, count in counts):>7}")
    return "\n".join(lines)


def add_erase_arguments(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--agent", help="qualified agent id, provider:account:user")
    who.add_argument("--customer",
                     help="qualified customer id (provider:account:id) or the bare pseudonym "
                          "ingest made of their address (p-...)")
    parser.add_argument("--dry-run", action="store_true",
                        help="count what would be removed, remove nothing")


def person_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Person:
    """The person named on the command line; ``parser.error`` (exit 2) on a malformed id."""
    if args.agent is not None:
        person = Person("agent", args.agent.strip())
        if not person.id:
            parser.error("--agent must not be empty")
        try:
            parse_agent_id(person.id)
        except ValueError as exc:
            parser.error(str(exc))
        return person
    person = Person("customer", (args.customer or "").strip())
    if not person.id:
        parser.error("--customer must not be empty")
    if not BARE_PSEUDONYM.match(person.id):
        try:
            parse_agent_id(person.id)
        except ValueError:
            parser.error(f"customer {person.id!r} is neither a qualified id "
                         "('<provider>:<account>:<id>') nor a pseudonym ('p-' and 24 hex digits)")
    return person


def erase_main(argv: Sequence[str], *, service: str, settings_class: Callable[[], S],
               steps: Callable[[Person], Sequence[ErasureStep]],
               out: TextIO | None = None) -> int:
    """``python -m services.<service> erase ...``: settings as the other tools read them
    (``shared.local_stack``: the environment over ``.run/stack.env``)."""
    parser = argparse.ArgumentParser(
        prog=f"python -m services.{service} erase",
        description=f"Remove one person's rows from every table of the {service} database, in "
                    "one transaction, and print how many each table held.")
    add_erase_arguments(parser)
    args = parser.parse_args(list(argv))
    person = person_from(args, parser)
    try:
        settings = _load_settings(service, settings_class)
        return run_erase(settings, service=service, person=person, steps=steps(person),
                         dry_run=args.dry_run, out=out or sys.stdout)
    except ErasureError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def run_erase(settings: ServiceSettings, *, service: str, person: Person,
              steps: Sequence[ErasureStep], dry_run: bool, out: TextIO) -> int:
    url, shown = settings.database.url, shown_url(settings.database.url)
    print(f"{service} database: {shown}", file=sys.stderr)
    if (missing := missing_database(url, service)) is not None:
        raise ErasureError(missing)
    engine = create_db_engine(url)
    try:
        _require_tables(engine, [step.table for step in steps], service, shown)
        counts = erase(engine, person, steps, dry_run=dry_run)
    except SQLAlchemyError as exc:
        raise ErasureError(f"erasing from {shown} failed, nothing was removed: "
                           f"{type(exc).__name__}: {str(exc).splitlines()[0]}") from None
    finally:
        engine.dispose()
    print(format_report(service, person, steps, counts, dry_run=dry_run), file=out)
    return 0


def _load_settings(service: str, settings_class: Callable[[], S]) -> S:
    environment = tool_environment(service)
    print(environment.describe(), file=sys.stderr)
    try:
        return environment.build(settings_class)
    except ValidationError as exc:
        raise ErasureError(f"the {service}'s settings are not valid:\n{exc}") from None


def _require_tables(engine: Engine, tables: Sequence[str], service: str, shown: str) -> None:
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        missing = [table for table in tables if not inspector.has_table(table)]
    if missing:
        raise ErasureError(f"{shown} has no {', '.join(missing)}: has the {service} (this "
                           "version) run against it? Point DATABASE_URL at its database.")
