"""The coach's scenario library: one YAML file per scenario, validated as a whole on load.

``load_library()`` reads every ``*.yaml``/``*.yml`` file in ``services/coach/scenarios/`` (or a
given directory) and either returns a ``ScenarioLibrary`` or raises ``ScenarioLibraryError``
listing every problem found, one per line, as ``<file>: <field path>: <what is wrong>``. A broken
library should fail the deploy with a message an author can act on, not surface as a half-empty
deck at drill time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from services.coach.domain.scenario_models import Scenario
from shared.events.interactions import Channel
from shared.events.scores import DIMENSIONS, Dimension

DEFAULT_SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"
SCENARIO_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ScenarioIssue:
    """One problem in one file; ``location`` is a field path or a YAML line/column."""

    file: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.message}"


class ScenarioLibraryError(Exception):
    """The library cannot be loaded; ``issues`` holds every problem found, not just the first."""

    def __init__(self, issues: Sequence[ScenarioIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


class UnknownScenarioError(LookupError):
    """No scenario has the requested id (a stale assignment, a typo in a deck)."""

    def __init__(self, scenario_id: str, known_ids: Iterable[str]) -> None:
        self.scenario_id = scenario_id
        suggestions = get_close_matches(scenario_id, list(known_ids), n=3)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no scenario with id '{scenario_id}'{hint}")


class ScenarioLibrary:
    """An immutable set of validated scenarios, ordered by id."""

    def __init__(self, scenarios: Iterable[Scenario]) -> None:
        self._by_id: dict[str, Scenario] = {}
        for scenario in sorted(scenarios, key=lambda candidate: candidate.id):
            if scenario.id in self._by_id:
                raise ValueError(f"duplicate scenario id '{scenario.id}'")
            self._by_id[scenario.id] = scenario

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Scenario]:
        return iter(self._by_id.values())

    def __contains__(self, scenario_id: object) -> bool:
        return scenario_id in self._by_id

    def all(self) -> tuple[Scenario, ...]:
        return tuple(self._by_id.values())

    def get(self, scenario_id: str) -> Scenario:
        try:
            return self._by_id[scenario_id]
        except KeyError:
            raise UnknownScenarioError(scenario_id, self._by_id) from None

    def by_dimension(self, dimension: Dimension) -> tuple[Scenario, ...]:
        if dimension not in DIMENSIONS:
            # A silent empty deck would look like "nothing to practise"; a typo should be loud.
            raise ValueError(f"unknown dimension '{dimension}'; expected one of {DIMENSIONS}")
        return tuple(scenario for scenario in self if dimension in scenario.dimensions)

    def for_channels(self, channels: Channel | Iterable[Channel]) -> tuple[Scenario, ...]:
        # Channel is a str, so a lone channel would otherwise be iterated letter by letter.
        requested = (channels,) if isinstance(channels, str) else channels
        wanted = {Channel(channel) for channel in requested}
        return tuple(scenario for scenario in self if scenario.channel in wanted)


def load_library(directory: Path | None = None) -> ScenarioLibrary:
    """Load and validate every scenario file in ``directory`` (default: the shipped library)."""
    root = DEFAULT_SCENARIO_DIR if directory is None else directory
    files = _scenario_files(root)
    loaded: dict[Path, Scenario] = {}
    issues: list[ScenarioIssue] = []
    for path in files:
        try:
            loaded[path] = _load_scenario(path)
        except ScenarioLibraryError as error:
            issues.extend(error.issues)
    issues.extend(_identity_issues(loaded))
    if issues:
        raise ScenarioLibraryError(issues)
    return ScenarioLibrary(loaded.values())


def _scenario_files(root: Path) -> list[Path]:
    if not root.is_dir():
        raise ScenarioLibraryError([ScenarioIssue(str(root), "<directory>", "not a directory")])
    files = sorted(path for path in root.iterdir() if path.suffix in SCENARIO_SUFFIXES)
    if not files:
        raise ScenarioLibraryError([ScenarioIssue(str(root), "<directory>", "no scenario files")])
    return files


def _load_scenario(path: Path) -> Scenario:
    document = _read_yaml(path)
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise _file_error(path, "<top level>", f"expected a mapping of scenario fields, got {kind}")
    try:
        return Scenario.model_validate(document)
    except ValidationError as error:
        raise ScenarioLibraryError(
            [
                ScenarioIssue(path.name, _field_path(detail["loc"]), detail["msg"])
                for detail in error.errors()
            ]
        ) from None


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _file_error(path, "<file>", str(error)) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader: builds plain data only
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        location = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "<yaml>"
        raise _file_error(path, location, error.problem or str(error)) from None
    except yaml.YAMLError as error:
        raise _file_error(path, "<yaml>", str(error)) from None


def _identity_issues(loaded: dict[Path, Scenario]) -> list[ScenarioIssue]:
    issues = [
        ScenarioIssue(path.name, "id", f"'{scenario.id}' must equal the file stem '{path.stem}'")
        for path, scenario in loaded.items()
        if scenario.id != path.stem
    ]
    files_by_id: defaultdict[str, list[str]] = defaultdict(list)
    for path, scenario in loaded.items():
        files_by_id[scenario.id].append(path.name)
    for scenario_id, names in files_by_id.items():
        if len(names) < 2:
            continue
        for name in names:
            others = ", ".join(other for other in names if other != name)
            message = f"duplicate id '{scenario_id}', also in {others}"
            issues.append(ScenarioIssue(name, "id", message))
    return issues


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".") or "<top level>"


def _file_error(path: Path, location: str, message: str) -> ScenarioLibraryError:
    return ScenarioLibraryError([ScenarioIssue(path.name, location, message)])


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that rejects duplicate keys, which PyYAML would silently let the last win."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"duplicate key '{key}'",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
