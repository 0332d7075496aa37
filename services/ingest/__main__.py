"""``python -m services.ingest``: run the ingest service."""

from services.ingest.app import create_app
from services.ingest.settings import IngestSettings
from shared.logging_setup import configure_logging
from shared.runtime import serve


def main() -> None:
    settings = IngestSettings()
    configure_logging("ingest", settings.log_level)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
