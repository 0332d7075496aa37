"""Replay the bundled sample helpdesk traffic against a running ingest service.

    python -m deploy.sample.replay --url http://127.0.0.1:8001 [--secrets-from-env]

Each delivery in ``deploy/sample/traffic/`` (file-name order) is signed exactly as its platform
signs it, with the secret from ``RAPPORT_WEBHOOK_SECRET_<PROVIDER>``, and POSTed. Without
``--secrets-from-env`` a provider whose variable is unset falls back to the development secret
``dev-<provider>-webhook-secret`` (what a local stack uses); with it, an unset variable is an
error. Prints one line per provider and exits non-zero if any delivery was not answered 2xx.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

import httpx

from services.ingest.delivery_files import RecordedDelivery, load_deliveries
from services.ingest.settings import secret_variable
from services.ingest.signing_clients import sign_recorded

TRAFFIC = Path(__file__).resolve().parent / "traffic"


def development_secret(provider: str) -> str:
    return f"dev-{provider}-webhook-secret"


def secret_for(provider: str, *, from_env_only: bool) -> str:
    value = os.environ.get(secret_variable(provider))
    if value:
        return value
    if from_env_only:
        raise SystemExit(f"error: {secret_variable(provider)} is not set")
    return development_secret(provider)


def outcome_of(response: httpx.Response) -> str:
    """``accepted`` / ``duplicate`` / ``ignored`` from the JSON answer; a handshake echo or a
    SOAP acknowledgement says nothing more than ``acknowledged``."""
    if response.headers.get("content-type", "").startswith("application/json"):
        return str(response.json().get("status", "acknowledged"))
    return "acknowledged"


def replay(deliveries: list[RecordedDelivery], base_url: str, *,
           from_env_only: bool) -> dict[str, Counter[str]]:
    summary: dict[str, Counter[str]] = {}
    with httpx.Client(timeout=30.0) as client:
        for recorded in deliveries:
            secret = secret_for(recorded.provider, from_env_only=from_env_only)
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
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="ingest service base URL")
    parser.add_argument("--secrets-from-env", action="store_true",
                        help="require every RAPPORT_WEBHOOK_SECRET_<PROVIDER> to be set")
    parser.add_argument("--traffic", type=Path, default=TRAFFIC, help="folder of deliveries")
    args = parser.parse_args(argv)
    deliveries = load_deliveries(args.traffic)
    try:
        summary = replay(deliveries, args.url, from_env_only=args.secrets_from_env)
    except httpx.TransportError as exc:
        print(f"error: cannot reach {args.url}: {exc}", file=sys.stderr)
        return 1
    for provider, counts in summary.items():
        details = ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items()))
        print(f"{provider:<10} {sum(counts.values()):>3} sent: {details}")
    return 1 if any(counts["failed"] for counts in summary.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
