"""``python -m services.coach issue-link --agent <agent id> [--ttl-hours 72] [--base-url URL]``;
``python -m services.coach issue-link --lead|--reviewer <user id> --team <provider:account>``;
``python -m services.coach export-labels --circle <id> | --disputes [--team T] --out FILE``;
``python -m services.coach export-roleplay-labels --roleplay <id> --out FILE``
(``services.coach.commands.roleplay_labels_export``);
``python -m services.coach experiment-csv --experiment <id> [--out FILE]``
(``services.coach.commands.experiment_csv``);
``python -m services.coach erase --agent <agent id> [--dry-run]``
(``services.coach.store.erasure``).

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

from services.coach.commands import experiment_csv, roleplay_labels_export
from services.coach.commands.database import command_connection
from services.coach.commands.errors import CliError
from services.coach.domain.timeutil import Clock, utc_now
from services.coach.settings import CoachSettings
from services.coach.store.erasure import erasure_steps
from services.coach.store.profile_store import agent_is_known, some_agent_ids
from services.coach.store.tables import dimension_profiles
from services.coach.web.links import (
    StaffRole,
    issue_staff_token,
    issue_token,
    parse_team_id,
    sign_in_link,
    staff_sign_in_link,
)
from services.coach.workflows.label_export import (
    LabelExportError,
    circle_label_records,
    dispute_label_records,
    write_jsonl,
)
from shared.db.engine import shown_url
from shared.erasure import ErasureError, add_erase_arguments, person_from, run_erase
from shared.events.ids import parse_agent_id
from shared.local_stack import tool_environment
from shared.settings import PLACEHOLDER_SECRETS

SHOWN_AGENTS = 5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.coach",
                                     description="Rapport coach: run the service (no arguments), "
                                                 "issue an agent's sign-in link or erase an "
                                                 "agent's data.")
    commands = parser.add_subparsers(dest="command", required=True)
    issue = commands.add_parser(
        "issue-link", help="print a signed, expiring sign-in link",
        description="Print a sign-in link for an agent the coach has scores for, signed with the "
                    "coach's RAPPORT_COACH_LINK_SECRET (environment, then .run/stack.env from "
                    "`make up`, then deploy/local/dev.env in development).")
    who = issue.add_mutually_exclusive_group(required=True)
    who.add_argument("--agent", help="qualified agent id, provider:account:user")
    who.add_argument("--lead", help="a team lead's helpdesk user id, provider:account:user "
                                    "(with --team): the team's circles, disputes and views")
    who.add_argument("--reviewer", help="a reviewer's helpdesk user id (with --team): rates "
                                        "the calibration circles they are asked to")
    issue.add_argument("--team", default=None,
                       help="the team (helpdesk account, provider:account) a lead or reviewer "
                            "acts for")
    issue.add_argument("--ttl-hours", type=float, default=None,
                       help="hours until the link expires "
                            "(default: RAPPORT_COACH_LINK_TTL_HOURS, 72)")
    issue.add_argument("--base-url", default=None,
                       help="public URL of the coach (default: RAPPORT_COACH_PUBLIC_BASE_URL)")
    issue.add_argument("--assignment", default=None, help="link straight to one drill")
    issue.add_argument("--roleplay", default=None,
                       help="link straight to a role-play session the agent takes part in")
    export = commands.add_parser(
        "export-labels", help="write agreed ratings as human labels for the scorer's training",
        description="Write a calibration circle's agreed ratings (or the corrections of "
                    "disputes) as JSONL human labels, the format `python -m services.scorer "
                    "train --human-labels` reads (lab/scorer/human_labels.py).")
    source = export.add_mutually_exclusive_group(required=True)
    source.add_argument("--circle", help="a calibration circle's id")
    source.add_argument("--disputes", action="store_true",
                        help="every corrected dispute (of --team, if given)")
    export.add_argument("--team", default=None, help="with --disputes: one team only")
    export.add_argument("--out", type=Path, required=True, help="the JSONL file to write")
    roleplay_labels_export.add_parser(commands)
    experiment_csv.add_parser(commands)
    erase = commands.add_parser(
        "erase", help="remove one agent's rows from every coach table",
        description="Remove every row about one agent from the coach's database in one "
                    "transaction and print how many each table held (shared/erasure.py).")
    add_erase_arguments(erase)
    return parser


def run_cli(argv: list[str], *, settings: CoachSettings | None = None,
            clock: Clock = utc_now, cwd: Path | None = None) -> int:
    """Run a command; without ``settings`` they are read as described above (from ``cwd``)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "erase":
        return _erase(args, parser, settings, cwd)
    if args.command == "export-labels":
        return _export_labels(args, settings, cwd)
    if args.command in (experiment_csv.COMMAND, roleplay_labels_export.COMMAND):
        export = (experiment_csv.export_experiment_csv if args.command == experiment_csv.COMMAND
                  else roleplay_labels_export.export_roleplay_labels)
        try:
            return export(args, settings or load_settings(cwd))
        except CliError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code
    if args.agent is None:
        return _issue_staff_link(args, parser, settings, clock, cwd)
    if args.team is not None:
        parser.error("--team goes with --lead or --reviewer; an agent's team is their account")
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
    base_url = args.base_url or settings.public_base_url
    print(roleplay_labels_export.roleplay_link(base_url, token, args.roleplay) if args.roleplay
          else sign_in_link(base_url, token, args.assignment))
    print(f"expires {expires_at.isoformat(timespec='seconds')}", file=sys.stderr)
    return 0


def _issue_staff_link(args: argparse.Namespace, parser: argparse.ArgumentParser,
                      settings: CoachSettings | None, clock: Clock, cwd: Path | None) -> int:
    role: StaffRole = "lead" if args.lead is not None else "reviewer"
    person = args.lead if args.lead is not None else args.reviewer
    if args.team is None:
        parser.error(f"--{role} needs --team provider:account")
    if args.assignment is not None or getattr(args, "roleplay", None) is not None:
        parser.error("--assignment and --roleplay are for an agent's link")
    try:
        parse_agent_id(person)
        parse_team_id(args.team)
    except ValueError as exc:
        parser.error(str(exc))
    if args.ttl_hours is not None and args.ttl_hours <= 0:
        parser.error("--ttl-hours must be positive")
    try:
        if settings is None:
            settings = load_settings(cwd)
        secret = link_secret(settings)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    expires_at = clock() + timedelta(hours=args.ttl_hours or settings.link_ttl_hours)
    token = issue_staff_token(person, role, args.team, secret, expires_at=expires_at)
    print(staff_sign_in_link(args.base_url or settings.public_base_url, token, role))
    print(f"expires {expires_at.isoformat(timespec='seconds')}", file=sys.stderr)
    return 0


def _export_labels(args: argparse.Namespace, settings: CoachSettings | None,
                   cwd: Path | None) -> int:
    try:
        if settings is None:
            settings = load_settings(cwd)
        with command_connection(settings) as connection:
            records = (circle_label_records(connection, args.circle)
                       if args.circle is not None
                       else dispute_label_records(connection, team_id=args.team))
    except (CliError, LabelExportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    written = write_jsonl(records, args.out)
    print(f"{written} human label record(s) written to {args.out}", file=sys.stderr)
    return 0


def _erase(args: argparse.Namespace, parser: argparse.ArgumentParser,
           settings: CoachSettings | None, cwd: Path | None) -> int:
    person = person_from(args, parser)
    try:
        if settings is None:
            settings = load_settings(cwd)
        return run_erase(settings, service="coach", person=person,
                         steps=erasure_steps(person), dry_run=args.dry_run, out=sys.stdout)
    except (CliError, ErasureError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


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
    with command_connection(settings) as connection:
        if not sa.inspect(connection).has_table(dimension_profiles.name):
            raise CliError(f"{shown_url(settings.database.url)} has no coach tables: has the "
                           "coach run against it?")
        if agent_is_known(connection, agent_id):
            return
        known, total = some_agent_ids(connection, like=agent_id, limit=SHOWN_AGENTS)
    if not known:
        hint = "it holds no agents yet (replay traffic first; `make up` does)"
    else:
        listed = ", ".join(known)
        hint = (f"known agents ({len(known)} of {total}): {listed}" if total > len(known)
                else f"known agents: {listed}")
    raise CliError(f"the coach has never seen agent {agent_id!r} (no scores for it in "
                   f"{shown_url(settings.database.url)}); {hint}", exit_code=2)
