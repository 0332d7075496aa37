"""Assembling blind annotators' label files into the repository's annotation format.

Annotators write only ids and labels (``/tmp``-style working files); the committed files carry
the conversation too, so that ``train --human-labels`` and the agreement report need nothing
else: ``python -m lab.scorer.annotation_files TASKS_DIR LABELS_DIR OUT_DIR``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TEXT_FIELDS = ("channel", "history", "customer", "reply")


def assemble(tasks_dir: Path, labels_dir: Path, out_dir: Path) -> list[Path]:
    tasks = {}
    for path in sorted(tasks_dir.glob("*-tasks.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            task = json.loads(line)
            tasks[task["id"]] = task
    written = []
    by_annotator: dict[str, list[dict[str, object]]] = {}
    for path in sorted(labels_dir.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            label = json.loads(line)
            if label["id"] not in tasks:
                raise ValueError(f"{path}:{number}: no task with id {label['id']!r}")
            task = tasks[label["id"]]
            record = {"id": label["id"], "annotator": label["annotator"],
                      **{field: task[field] for field in TEXT_FIELDS},
                      "labels": label["labels"], "tone": label["tone"]}
            by_annotator.setdefault(str(label["annotator"]), []).append(record)
    out_dir.mkdir(parents=True, exist_ok=True)
    for annotator, records in sorted(by_annotator.items()):
        target = out_dir / f"{annotator}.jsonl"
        target.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"
                                  for r in records), encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    for path in assemble(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])):
        print(path)
