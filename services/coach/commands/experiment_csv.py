"""``python -m services.coach experiment-csv --experiment <id> [--out FILE]``: an experiment's
figures as CSV (the same rows as ``GET /v1/teams/{team}/experiments/{id}.csv``), on stdout or
in a file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from services.coach.commands.database import command_connection
from services.coach.settings import CoachSettings
from services.coach.store.experiment_store import get_experiment
from services.coach.workflows.experiments import measure, to_csv

COMMAND = "experiment-csv"


def add_parser(commands: Any) -> None:
    """The subcommand, on ``cli.build_parser``'s subparsers."""
    export = commands.add_parser(
        COMMAND, help="print a before/after experiment's figures as CSV",
        description="Measure an experiment (both groups' change on the skill with bootstrap "
                    "intervals, the difference-in-differences, the helpdesk outcomes known) and "
                    "write it as CSV, as the team page's download does.")
    export.add_argument("--experiment", required=True, help="the experiment's id (exp_...)")
    export.add_argument("--out", type=Path, default=None,
                        help="the CSV file to write (default: standard output)")


def export_experiment_csv(args: argparse.Namespace, settings: CoachSettings) -> int:
    with command_connection(settings) as connection:
        record = get_experiment(connection, args.experiment)
        if record is None:
            print(f"error: no experiment {args.experiment!r}", file=sys.stderr)
            return 1
        text = to_csv(measure(connection, record))
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8", newline="")
        print(f"experiment {record.experiment_id} written to {args.out}", file=sys.stderr)
    return 0
