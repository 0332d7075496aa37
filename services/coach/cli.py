"""``python -m services.coach issue-link --agent <agent id> [--ttl-hours 72] [--base-url URL]``.

Prints the sign-in link on stdout (and when it expires on stderr). The link's token is also a
bearer token for the API, limited to that agent's own data.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from services.coach.links import issue_token, sign_in_link
from services.coach.settings import CoachSettings
from services.coach.timeutil import Clock, utc_now
from shared.events.ids import parse_agent_id


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.coach",
                                     description="Rapport coach: run the service (no arguments) "
                                                 "or issue an agent's sign-in link.")
    commands = parser.add_subparsers(dest="command", required=True)
    issue = commands.add_parser("issue-link", help="print a signed, expiring sign-in link")
    issue.add_argument("--agent", required=True, help="qualified agent id, provider:account:user")
    issue.add_argument("--ttl-hours", type=float, default=None,
                       help="hours until the link expires "
                            "(default: RAPPORT_COACH_LINK_TTL_HOURS, 72)")
    issue.add_argument("--base-url", default=None,
                       help="public URL of the coach (default: RAPPORT_COACH_PUBLIC_BASE_URL)")
    issue.add_argument("--assignment", default=None, help="link straight to one drill")
    return parser


def run_cli(argv: list[str], *, settings: CoachSettings | None = None,
            clock: Clock = utc_now) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = settings or CoachSettings()
    try:
        parse_agent_id(args.agent)
    except ValueError as exc:
        parser.error(str(exc))
    ttl_hours = args.ttl_hours if args.ttl_hours is not None else settings.link_ttl_hours
    if ttl_hours <= 0:
        parser.error("--ttl-hours must be positive")
    expires_at = clock() + timedelta(hours=ttl_hours)
    token = issue_token(args.agent, settings.link_secret.get_secret_value(), expires_at=expires_at)
    print(sign_in_link(args.base_url or settings.public_base_url, token, args.assignment))
    print(f"expires {expires_at.isoformat(timespec='seconds')}", file=sys.stderr)
    return 0
