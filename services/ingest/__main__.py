"""``python -m services.ingest``: run the ingest service; ``... backfill ...``: import history."""

from __future__ import annotations

import sys

from services.ingest.app import create_app
from services.ingest.settings import IngestSettings
from shared.logging_setup import configure_logging
from shared.runtime import serve

USAGE = "usage: python -m services.ingest [backfill {zendesk,intercom} ...]"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["backfill"]:
        from services.ingest.backfill.cli import main as backfill

        return backfill(args[1:])
    if args:
        print(USAGE, file=sys.stderr)
        return 2
    settings = IngestSettings()
    configure_logging("ingest", settings.log_level)
    serve(create_app(settings), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
