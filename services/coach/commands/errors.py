"""How a coach command fails: a message on stderr and an exit code, no traceback."""

from __future__ import annotations


class CliError(Exception):
    """A problem reported on stderr with an exit code, no traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
