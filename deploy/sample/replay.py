"""Replay the bundled sample helpdesk traffic against a running ingest service.

    python -m deploy.sample.replay [--url http://127.0.0.1:8001] [--secrets-from-env]

Each delivery in ``deploy/sample/traffic/`` (file-name order) is signed exactly as its platform
signs it, with the secret ingest holds for it, ``RAPPORT_WEBHOOK_SECRET_<PROVIDER>``, and POSTed.
The secrets (and the default URL's port, ``RAPPORT_INGEST_PORT``) come from ingest's own
settings class, read from the environment over ``.run/stack.env`` when ``make up`` runs a stack
from this directory, else over ``deploy/local/dev.env`` in development (``shared.local_stack``):
what the local ingest service verifies with. With ``--secrets-from-env`` only the environment
counts. A secret found nowhere is an error, never a made-up one. Prints one line per provider and
exits non-zero if any delivery was not answered 2xx.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import httpx
from pydantic import ValidationError

from services.ingest.delivery_files import RecordedDelivery, load_deliveries
from services.ingest.settings import IngestSettings, secret_variable
from services.ingest.signing_clients import sign_recorded
from shared.local_stack import tool_environment

TRAFFIC = Path(__file__).resolve().parent / "traffic"
# A chat team with ten replies per agent, each agent with one habit that costs them (see each
# file's description): enough evidence for a weekly focus at the production minimum. ``make up``
# replays it after TRAFFIC (``--traffic deploy/sample/team``).
TEAM_TRAFFIC = Path(__file__).resolve().parent / "team"
# Satisfaction ratings (high, middling and low, with comments) and customers' follow-ups for
# the team's conversations: the gratitude spotlight's sample. Replayed after TEAM_TRAFFIC.
GRATITUDE_TRAFFIC = Path(__file__).resolve().parent / "gratitude"


def ingest_settings(*, from_env_only: bool) -> IngestSettings:
    """Ingest's settings as the local ingest service reads them (see above)."""
    try:
        if from_env_only:
            return IngestSettings()
        environment = tool_environment("ingest")
        print(environment.describe(), file=sys.stderr)
        return environment.build(IngestSettings)
    except ValidationError as exc:
        raise SystemExit(f"error: ingest's settings are not valid:\n{exc}") from None


def secret_for(provider: str, settings: IngestSettings) -> str:
    secret = settings.webhook_secret(provider)
    if not secret:
        raise SystemExit(f"error: {secret_variable(provider)} is not set; ingest refuses "
                         f"{provider} deliveries without it")
    return secret


def outcome_of(response: httpx.Response) -> str:
    """``accepted`` / ``duplicate`` / ``ignored`` from the JSON answer; a handshake echo or a
    SOAP acknowledgement says nothing more than ``acknowledged``."""
    if response.headers.get("content-type", "").startswith("application/json"):
        return str(response.json().get("status", "acknowledged"))
    return "acknowledged"


def replay(deliveries: list[RecordedDelivery], base_url: str, *,
           from_env_only: bool, settings: IngestSettings | None = None
           ) -> dict[str, Counter[str]]:
    """POST every delivery, signed with ``settings``' secrets (default: read as above)."""
    settings = settings or ingest_settings(from_env_only=from_env_only)
    summary: dict[str, Counter[str]] = {}
    with httpx.Client(timeout=30.0) as client:
        for recorded in deliveries:
            secret = secret_for(recorded.provider, settings)
            signed = sign_recorded(recorded, base_url, secret)
            response = client.post(signed.url, content=recorded.body, headers=signed.headers)
            counts = summary.setdefault(recorded.provider, Counter())
            if response.is_success:
                counts[outcome_of(response)] += 1
            else:
                counts["failed"] += 1
                detail = response.text[:300].replace("\n", " ")
                print(f"  {recorded.source}: HTTP {response.status_code} {detail}",
                      file=sys.stderr)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.sample.replay", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None,
                        help="ingest service base URL (default: http://127.0.0.1:"
                             "<RAPPORT_INGEST_PORT, 8001>)")
    parser.add_argument("--secrets-from-env", action="store_true",
                        help="require every RAPPORT_WEBHOOK_SECRET_<PROVIDER> to be set in the "
                             "environment (no .run/stack.env, no dev.env)")
    parser.add_argument("--traffic", type=Path, default=TRAFFIC, help="folder of deliveries")
    args = parser.parse_args(argv)
    deliveries = load_deliveries(args.traffic)
    settings = ingest_settings(from_env_only=args.secrets_from_env)
    url = args.url or f"http://127.0.0.1:{settings.port}"
    try:
        summary = replay(deliveries, url, from_env_only=args.secrets_from_env,
                         settings=settings)
    except httpx.TransportError as exc:
        print(f"error: cannot reach {url}: {exc}", file=sys.stderr)
        return 1
    for provider, counts in summary.items():
        details = ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items()))
        print(f"{provider:<10} {sum(counts.values()):>3} sent: {details}")
    return 1 if any(counts["failed"] for counts in summary.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
