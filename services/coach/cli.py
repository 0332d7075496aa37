"""``python -m services.coach issue-link --agent <agent id> [--ttl-hours 72] [--base-url URL]``.

Prints the sign-in link on stdout (and when it expires on stderr). The link's token is also a
bearer token for the API, limited to that agent's own data.

The command signs with the secret the running coach verifies with: it reads the coach's settings
from the environment over ``.run/stack.env`` (written by ``make up``), or over
``deploy/local/dev.env`` in development when no stack file exists (``shared.local_stack``). It
refuses (exit 2) an agent the coach's database has never seen, so a typo does not turn into a
link to an empty page.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from services.coach.links import issue_token, sign_in_link
from services.coach.profile_store import agent_is_known, some_agent_ids
from services.coach.settings import CoachSettings
from services.coach.tables import dimension_profiles
from services.coach.timeutil import Clock, utc_now
from shared.db.engine import create_db_engine, normalise_url
from shared.events.ids import parse_agent_id
from shared.local_stack import tool_environment
from shared.settings import PLACEHOLDER_SECRETS

SHOWN_AGENTS = 5


class CliError(Exception):
    """A problem reported on stderr with an exit code, no traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.coach",
                                     description="Rapport coach: run the service (no arguments) "
                                                 "or issue an agent's sign-in link.")
    commands = parser.add_subparsers(dest="command", required=True)
    issue = commands.add_parser(
        "issue-link", help="print a signed, expiring sign-in link",
        description="Print a sign-in link for an agent the coach has scores for, signed with the "
                    "coach's RAPPORT_COACH_LINK_SECRET (environment, then .run/stack.env from "
                    "`make up`, then deploy/local/dev.env in development).")
    issue.add_argument("--agent", required=True, help="qualified agent id, provider:account:user")
    issue.add_argument("--ttl-hours", type=float, default=None,
                       help="hours until the link expires "
                            "(default: RAPPORT_COACH_LINK_TTL_HOURS, 72)")
    issue.add_argument("--base-url", default=None,
                       help="public URL of the coach (default: RAPPORT_COACH_PUBLIC_BASE_URL)")
    issue.add_argument("--assignment", default=None, help="link straight to one drill")
    return parser


def run_cli(argv: list[str], *, settings: CoachSettings | None = None,
            clock: Clock = utc_now, cwd: Path | None = None) -> int:
    """Run a command; without ``settings`` they are read as described above (from ``cwd``)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        parse_agent_id(args.agent)
    except ValueError as exc:
        parser.error(str(exc))
    ttl_hours = args.ttl_hours
    if ttl_hours is not None and ttl_hours <= 0:
        parser.error("--ttl-hours must be positive")
    try:
        if settings is None:
            settings = load_settings(cwd)
        secret = link_secret(settings)
        require_known_agent(settings, args.agent)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    expires_at = clock() + timedelta(hours=ttl_hours or settings.link_ttl_hours)
    token = issue_token(args.agent, secret, expires_at=expires_at)
    print(sign_in_link(args.base_url or settings.public_base_url, token, args.assignment))
    print(f"expires {expires_at.isoformat(timespec='seconds')}", file=sys.stderr)
    return 0


def load_settings(cwd: Path | None = None) -> CoachSettings:
    environment = tool_environment("coach", cwd=cwd)
    print(environment.describe(), file=sys.stderr)
    try:
        return environment.build(CoachSettings)
    except ValidationError as exc:
        raise CliError(f"the coach's settings are not valid:\n{exc}") from None


def link_secret(settings: CoachSettings) -> str:
    secret = settings.link_secret.get_secret_value()
    if secret.strip().lower() in PLACEHOLDER_SECRETS:
        raise CliError("RAPPORT_COACH_LINK_SECRET is not set (not in the environment, "
                       "nor in .run/stack.env or deploy/local/dev.env): set it to the secret "
                       "the coach runs with")
    return secret


def require_known_agent(settings: CoachSettings, agent_id: str) -> None:
    url = normalise_url(settings.database.url)
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    database = parsed.database
    if (parsed.get_backend_name() == "sqlite" and database and database != ":memory:"
            and not Path(database).is_file()):
        raise CliError(f"no coach database at {shown} (relative to {Path.cwd()}): run this from "
                       "the directory `make up` runs in, or set DATABASE_URL")
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table(dimension_profiles.name):
                raise CliError(f"{shown} has no coach tables: has the coach run against it?")
            if agent_is_known(connection, agent_id):
                return
            known, total = some_agent_ids(connection, like=agent_id, limit=SHOWN_AGENTS)
    except SQLAlchemyError as exc:
        raise CliError(f"cannot read the coach's database {shown}: "
                       f"{type(exc).__name__}: {str(exc).splitlines()[0]}") from None
    finally:
        engine.dispose()
    if not known:
        hint = "it holds no agents yet (replay traffic first; `make up` does)"
    else:
        listed = ", ".join(known)
        hint = (f"known agents ({len(known)} of {total}): {listed}" if total > len(known)
                else f"known agents: {listed}")
    raise CliError(f"the coach has never seen agent {agent_id!r} (no scores for it in "
                   f"{shown}); {hint}", exit_code=2)
