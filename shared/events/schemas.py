"""JSON Schema files generated from the event models, checked in under ``shared/schemas/``.

Regenerate with ``python -m shared.events.schemas``; a test fails when the files drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shared.events.codec import EVENT_TYPES

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"


def schema_path(topic: str) -> Path:
    return SCHEMA_DIR / f"{topic}.schema.json"


def render_schema(topic: str) -> str:
    schema = EVENT_TYPES[topic].model_json_schema(mode="serialization")
    schema["$id"] = f"https://rapport.dev/schemas/{topic}.schema.json"
    schema["title"] = topic
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def example_paths(topic: str) -> list[Path]:
    return sorted((EXAMPLES_DIR / topic).glob("*.json"))


def write_schemas() -> list[Path]:
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for topic in EVENT_TYPES:
        path = schema_path(topic)
        path.write_text(render_schema(topic), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_schemas():
        print(f"wrote {written_path}", file=sys.stderr)
