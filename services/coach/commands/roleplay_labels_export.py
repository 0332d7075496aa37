"""``python -m services.coach export-roleplay-labels --roleplay <id> --out FILE``: a role-play's
observer ratings as JSONL human labels (``roleplay_labels``), the format ``python -m
services.scorer train --human-labels`` reads. ``GET /v1/roleplays/{id}/labels`` serves the same
records to the team's lead. ``roleplay_link`` is what ``issue-link --agent ID --roleplay RP``
prints: the session's page with that participant's own token.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from services.coach.commands.database import command_connection
from services.coach.domain.scenario_library import UnknownScenarioError, load_library
from services.coach.settings import CoachSettings
from services.coach.store.roleplay_store import get_roleplay
from services.coach.workflows.label_export import write_jsonl
from services.coach.workflows.roleplay_labels import label_records

COMMAND = "export-roleplay-labels"


def roleplay_link(base_url: str, token: str, roleplay_id: str) -> str:
    """A participant's way in: the role-play page with their own sign-in token
    (``issue-link --agent ID --roleplay RP``)."""
    return (f"{base_url.rstrip('/')}/roleplay/{quote(roleplay_id, safe='')}"
            f"?token={quote(token, safe='')}")


def add_parser(commands: Any) -> None:
    """The subcommand, on ``cli.build_parser``'s subparsers."""
    export = commands.add_parser(
        COMMAND, help="write a role-play's observer ratings as human labels",
        description="Write the observers' ratings of a role-play's rounds as JSONL human labels "
                    "(lab/scorer/human_labels.py): one record per observer and round in which "
                    "the agent typed replies, on the round's last reply.")
    export.add_argument("--roleplay", required=True, help="the role-play session's id")
    export.add_argument("--out", type=Path, required=True, help="the JSONL file to write")


def export_roleplay_labels(args: argparse.Namespace, settings: CoachSettings) -> int:
    with command_connection(settings) as connection:
        record = get_roleplay(connection, args.roleplay)
        if record is None:
            print(f"error: no role-play {args.roleplay!r}", file=sys.stderr)
            return 1
        try:
            scenario = load_library(settings.scenarios_dir).get(record.scenario_id)
        except UnknownScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        records = label_records(connection, record, scenario)
    written = write_jsonl(records, args.out)
    print(f"{written} human label record(s) written to {args.out}", file=sys.stderr)
    return 0
