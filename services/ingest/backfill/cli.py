"""``python -m services.ingest backfill zendesk|intercom ...``: import helpdesk history.

    python -m services.ingest backfill zendesk --base-url https://acme.zendesk.com \\
        --account 10000001 --email ops@acme.example --api-token ... [--since 2026-01-01]
    python -m services.ingest backfill intercom --account ecahpwf5 --access-token ... \\
        [--since 2026-01-01]

Credentials may come from the environment instead (``RAPPORT_BACKFILL_ZENDESK_API_TOKEN``...).
Kafka, the database and redaction use the ingest service's settings (``RAPPORT_INGEST_*``).
Every page is published through the webhook pipeline (normalise, redact, dedupe) and the cursor
is saved after it, so an interrupted run continues where it stopped; run it again to resume.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from datetime import UTC, datetime

import httpx
from tqdm import tqdm

from services.ingest.app import open_ingest_clients, open_pipeline
from services.ingest.backfill.cursors import CursorStore
from services.ingest.backfill.http_client import BackfillHttpError, RateLimitedClient
from services.ingest.backfill.intercom import IntercomBackfill
from services.ingest.backfill.source import BackfillSource, run_backfill
from services.ingest.backfill.zendesk import ZendeskBackfill
from services.ingest.pipeline import BrokerUnavailable
from services.ingest.settings import IngestSettings
from shared.logging_setup import configure_logging

INTERCOM_API = "https://api.intercom.io"
INTERCOM_VERSION = "2.11"


def _env(name: str) -> str | None:
    return os.environ.get(f"RAPPORT_BACKFILL_{name}") or None


def _since(value: str) -> int:
    """Unix seconds, or an ISO date / date-time (UTC when no zone is given)."""
    if value.isdigit():
        return int(value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is neither unix seconds nor ISO-8601") \
            from None
    return int((parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.ingest backfill",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sources = parser.add_subparsers(dest="provider", required=True)
    zendesk = sources.add_parser("zendesk", help="incremental ticket export + comments")
    zendesk.add_argument("--base-url", default=_env("ZENDESK_BASE_URL"),
                         help="https://<subdomain>.zendesk.com")
    zendesk.add_argument("--account", default=_env("ZENDESK_ACCOUNT"),
                         help="Zendesk account id (the webhooks' account_id)")
    zendesk.add_argument("--email", default=_env("ZENDESK_EMAIL"))
    zendesk.add_argument("--api-token", default=_env("ZENDESK_API_TOKEN"))
    zendesk.add_argument("--oauth-token", default=_env("ZENDESK_OAUTH_TOKEN"))
    intercom = sources.add_parser("intercom", help="conversation search + conversations")
    intercom.add_argument("--base-url", default=_env("INTERCOM_BASE_URL") or INTERCOM_API)
    intercom.add_argument("--account", default=_env("INTERCOM_ACCOUNT"),
                          help="Intercom workspace (app) id, as in webhooks' app_id")
    intercom.add_argument("--access-token", default=_env("INTERCOM_ACCESS_TOKEN"))
    intercom.add_argument("--page-size", type=int, default=50)
    for command in (zendesk, intercom):
        command.add_argument("--since", type=_since, default=0,
                             help="start of history (unix seconds or ISO date; default: all)")
        command.add_argument("--max-attempts", type=int, default=5,
                             help="tries per API call before stopping (resumable)")
        command.add_argument("--max-wait-s", type=float, default=60.0,
                             help="cap on one rate-limit wait (Retry-After)")
        command.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _missing(args: argparse.Namespace) -> list[str]:
    required = {"base_url": "--base-url", "account": "--account"}
    missing = [flag for field, flag in required.items() if not getattr(args, field)]
    if args.provider == "zendesk" and not (args.oauth_token or (args.email and args.api_token)):
        missing.append("--email and --api-token (or --oauth-token)")
    if args.provider == "intercom" and not args.access_token:
        missing.append("--access-token")
    return missing


def _api_client(args: argparse.Namespace) -> httpx.AsyncClient:
    headers = {"Accept": "application/json"}
    auth: tuple[str, str] | None = None
    if args.provider == "intercom":
        headers.update(Authorization=f"Bearer {args.access_token}",
                       **{"Intercom-Version": INTERCOM_VERSION})
    elif args.oauth_token:
        headers["Authorization"] = f"Bearer {args.oauth_token}"
    else:
        auth = (f"{args.email}/token", args.api_token)
    return httpx.AsyncClient(headers=headers, auth=auth, timeout=30.0)


def _source(args: argparse.Namespace, http: RateLimitedClient) -> BackfillSource:
    if args.provider == "zendesk":
        return ZendeskBackfill(http=http, base_url=args.base_url, account=args.account,
                               start_time=args.since)
    return IntercomBackfill(http=http, base_url=args.base_url, account=args.account,
                            updated_since=args.since, page_size=args.page_size)


async def _run(args: argparse.Namespace, settings: IngestSettings) -> int:
    clients = open_ingest_clients(settings)
    publish_path = open_pipeline(settings, clients)
    try:
        async with _api_client(args) as api:
            http = RateLimitedClient(api, max_attempts=args.max_attempts,
                                     max_wait_s=args.max_wait_s)
            with tqdm(desc=f"{args.provider} backfill", unit=" conversations", file=sys.stderr,
                      disable=args.no_progress) as progress:
                result = await run_backfill(_source(args, http), publish_path.pipeline,
                                            CursorStore(clients.engine), progress=progress)
        print(f"{args.provider} backfill done: {result.pages} pages, {result.published} events "
              f"published, {result.duplicates} already there", file=sys.stderr)
        return 0
    except (BackfillHttpError, BrokerUnavailable) as exc:
        print(f"{args.provider} backfill stopped: {exc}. Progress is saved; run the same "
              "command again to resume.", file=sys.stderr)
        return 1
    finally:
        await publish_path.aclose()
        clients.close()


def main(argv: list[str] | None = None, *, settings: IngestSettings | None = None) -> int:
    args = build_parser().parse_args(argv)
    if missing := _missing(args):
        print(f"error: missing {', '.join(missing)} (flags or RAPPORT_BACKFILL_* variables)",
              file=sys.stderr)
        return 2
    settings = settings or IngestSettings()
    configure_logging("ingest-backfill", settings.log_level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per call drowns the bar
    return asyncio.run(_run(args, settings))
