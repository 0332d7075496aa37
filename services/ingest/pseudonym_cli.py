"""``python -m services.ingest pseudonyms ADDRESS...``: what an address became in stored data.

For an access or erasure request about a customer known by an e-mail address (or a phone
handle): prints, one JSON line per address in the order given, its current keyed pseudonym and
the retired unkeyed form that records stored before the keyed one may still carry
(``services/ingest/pseudonyms.py``). Ids hold them as their last part
(``freshdesk:<account>:p-...``). The key is the ingest service's ``RAPPORT_INGEST_PSEUDONYM_KEY``,
read like the other tools read settings: the environment, then ``.run/stack.env`` from
``make up``, then ``deploy/local/dev.env`` in development.
"""

from __future__ import annotations

import argparse
import json
import sys

from pydantic import ValidationError

from services.ingest.pseudonyms import Pseudonyms
from services.ingest.settings import IngestSettings
from shared.local_stack import tool_environment


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.ingest pseudonyms",
        description="Print each address's keyed pseudonym and its retired unkeyed form.")
    parser.add_argument("addresses", nargs="+", metavar="ADDRESS",
                        help="an e-mail address or phone handle")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = tool_environment("ingest").build(IngestSettings)
    except ValidationError as exc:
        problems = "; ".join(str(error["msg"]) for error in exc.errors())
        print(f"error: the ingest settings are not valid: {problems}", file=sys.stderr)
        return 2
    pseudonyms = Pseudonyms.from_secret(settings.pseudonym_key.get_secret_value())
    for address in args.addresses:
        current, legacy = pseudonyms.forms(address)
        print(json.dumps({"address": address, "pseudonym": current, "legacy": legacy}))
    return 0
