"""``python -m services.coach``: run the coach; ``python -m services.coach issue-link ...``."""

import sys

from services.coach.app import create_app
from services.coach.commands.cli import run_cli
from services.coach.settings import CoachSettings
from shared.logging_setup import configure_logging
from shared.runtime import serve


def main(argv: list[str]) -> int:
    if argv:
        return run_cli(argv)
    settings = CoachSettings()
    configure_logging("coach", settings.log_level)
    serve(create_app(settings), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
