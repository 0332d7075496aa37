"""The coach's layers import downwards only, so a reader can trust what each package promises.

``domain`` is pure (no database, HTTP or Kafka); ``schemas`` are the API's bodies; ``store`` holds
tables and queries; ``clients`` call out; ``workflows`` combine those; ``streams`` (Kafka
consumers), ``web`` (routes and pages) and ``commands`` (the CLI) sit on top. The service's
wiring (``app``, ``settings``, ``context``, ``metrics``) is outside the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

COACH = Path(__file__).resolve().parents[2] / "services" / "coach"
MAY_IMPORT: dict[str, set[str]] = {
    "domain": set(),
    "schemas": {"domain"},
    "store": {"domain"},
    "clients": {"domain", "schemas"},
    "workflows": {"domain", "schemas", "store", "clients"},
    "streams": {"domain", "store", "clients", "workflows"},
    "web": {"domain", "schemas", "store", "clients", "workflows"},
    "commands": {"domain", "schemas", "store", "clients", "workflows", "web"},
}
# Third-party packages that would mean I/O in the pure layer.
IMPURE = ("sqlalchemy", "fastapi", "starlette", "confluent_kafka", "httpx")


def imported_modules(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def layer_modules(layer: str) -> list[Path]:
    return sorted((COACH / layer).rglob("*.py"))


def test_every_module_but_the_wiring_sits_in_a_layer() -> None:
    loose = {path.stem for path in COACH.glob("*.py")}
    assert loose == {"__init__", "__main__", "app", "settings", "context", "metrics"}
    assert {path.name for path in COACH.iterdir() if path.is_dir()} - {"__pycache__"} == \
        set(MAY_IMPORT) | {"migrations", "scenarios"}


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_a_layer_imports_only_the_layers_below_it(layer: str) -> None:
    wrong = []
    for path in layer_modules(layer):
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[:2] != ["services", "coach"] or len(parts) < 3:
                continue
            target = parts[2]
            if target in MAY_IMPORT and target != layer and target not in MAY_IMPORT[layer]:
                wrong.append(f"{path.relative_to(COACH)} imports {module}")
            if target == "app":
                wrong.append(f"{path.relative_to(COACH)} imports the app")
    assert wrong == []


def test_the_domain_does_no_io() -> None:
    impure = [f"{path.relative_to(COACH)} imports {module}"
              for path in layer_modules("domain") for module in imported_modules(path)
              if module.split(".")[0] in IMPURE]
    assert impure == []
