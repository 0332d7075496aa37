"""The settings a local stack gives its services, for the command-line tools that talk to them.

``make up`` (``python -m deploy.local.stack up``) writes the environment it starts ingest, scorer
and coach with to ``.run/stack.env`` and ``make down`` removes it. Tools that must agree with
those services on a secret or an address (the coach's ``issue-link``, the sample replay) read a
setting from, highest precedence first:

1. the process environment (what this shell exported);
2. ``.run/stack.env`` in the working directory, when a stack wrote one;
3. ``deploy/local/dev.env`` (the public placeholders ``make up`` itself starts from), only when
   there is no stack file and ``RAPPORT_<SVC>_ENVIRONMENT=development`` is exported: like the
   services, a tool defaults to production and never falls back to public placeholders unasked.

A setting found in none of them is missing: tools report it rather than invent a value.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
STACK_ENV = Path(".run") / "stack.env"
DEV_ENV = ROOT / "deploy" / "local" / "dev.env"

T = TypeVar("T")


def is_stack_key(name: str) -> bool:
    """The variables a stack passes on: Rapport's, Kafka's and the cluster-wide database URL."""
    return name.startswith(("RAPPORT_", "KAFKA_")) or name == "DATABASE_URL"


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines (blank lines and ``#`` comments skipped), values taken literally."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def write_env_file(path: Path, values: Mapping[str, str], *, header: str) -> None:
    """Write ``values`` readable by the owner only (they hold secrets), replacing ``path`` whole."""
    for key, value in values.items():
        if "\n" in value or "\r" in value or value != value.strip():
            raise ValueError(f"{key}: a value with line breaks or edge spaces cannot be written")
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += [f"{key}={values[key]}" for key in sorted(values)]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(partial, path)


@dataclass(frozen=True)
class ToolEnvironment:
    """Where a tool's settings come from: the process environment over one file (or none)."""

    file: Path | None
    file_values: Mapping[str, str] = field(default_factory=dict)
    from_stack: bool = False

    def describe(self) -> str:
        if self.file is None:
            return "settings: the environment only (no .run/stack.env, dev.env not used)"
        if self.from_stack:
            return f"settings: the running stack's {self.file} (exported variables win)"
        return (f"settings: development defaults from {_shown(self.file)} "
                f"(no {STACK_ENV} here: is `make up` running from this directory?)")

    def build(self, factory: Callable[[], T]) -> T:
        """Call a settings class (or anything that reads ``os.environ``) with the file's values
        beneath the process environment; ``os.environ`` is left as it was."""
        with _overlay(self.file_values):
            return factory()


def tool_environment(service: str, *, cwd: Path | None = None) -> ToolEnvironment:
    """The settings for a tool talking to ``service`` (``coach``, ``ingest``)."""
    stack_file = (cwd or Path.cwd()) / STACK_ENV
    if stack_file.is_file():
        return ToolEnvironment(stack_file, _stack_keys(read_env_file(stack_file)),
                               from_stack=True)
    environment = os.environ.get(f"RAPPORT_{service.upper()}_ENVIRONMENT") or "production"
    if environment == "development" and DEV_ENV.is_file():
        return ToolEnvironment(DEV_ENV, _stack_keys(read_env_file(DEV_ENV)))
    return ToolEnvironment(None)


def _stack_keys(values: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in values.items() if is_stack_key(key)}


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


@contextmanager
def _overlay(values: Mapping[str, str]) -> Iterator[None]:
    added = {key: value for key, value in values.items() if not os.environ.get(key)}
    saved = {key: os.environ.get(key) for key in added}
    os.environ.update(added)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
