"""``python -m services.ingest``: run the ingest service; ``... backfill ...``: import history;
``... pseudonyms ADDRESS...``: an address's pseudonyms, to find a customer's records;
``... erase --agent ID | --customer ID``: what ingest holds about a person (nothing)."""

from __future__ import annotations

import sys

from services.ingest.app import create_app
from services.ingest.settings import IngestSettings
from shared.logging_setup import configure_logging
from shared.runtime import serve

USAGE = ("usage: python -m services.ingest [backfill {zendesk,intercom} ... | "
         "pseudonyms ADDRESS... | erase {--agent ID,--customer ID} [--dry-run]]")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["backfill"]:
        from services.ingest.backfill.cli import main as backfill

        return backfill(args[1:])
    if args[:1] == ["erase"]:
        from services.ingest.erasure import erasure_steps
        from shared.erasure import erase_main

        return erase_main(args[1:], service="ingest", settings_class=IngestSettings,
                          steps=erasure_steps)
    if args[:1] == ["pseudonyms"]:
        from services.ingest.pseudonym_cli import main as pseudonyms

        return pseudonyms(args[1:])
    if args:
        print(USAGE, file=sys.stderr)
        return 2
    settings = IngestSettings()
    configure_logging("ingest", settings.log_level)
    serve(create_app(settings), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
