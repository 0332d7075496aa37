"""Padded twins of free-written replies: the same reply wrapped in content-free pleasantries.

The template generator's padded twins teach the heads that pleasantries add nothing, but their
filler is the generator's few stock lines, so the lesson stopped at those lines: wrapping a
written validation reply in two unseen pleasantries raised its acknowledgment by up to 0.51
(model 504e0de4). Here the filler comes from a hand-written pool of openings and closings
(every ``services/scorer/data/written/padding/*.jsonl``, each by its own author who never saw
the anti-gaming tests' phrases or another pool), placed where agents put such lines: after an
email's greeting and before its sign-off, around a chat message. A twin keeps its reply's
labels; the padding penalty (``training.padding_gain``) forbids any score the twin gets above
its plain reply.

These twins are augmentation: with the template sample they stay under a third of training.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from lab.scorer.dataset import DATA_DIR, LabelledExample
from services.scorer.model.schema import ScoreRequest

PADDED_SUFFIX = "~padded"
FILLER_DIR = Path("written") / "padding"
PLACES = ("opening", "closing")
# Channels whose replies are letters: paragraphs, a greeting line, a sign-off.
_LETTER_CHANNELS = frozenset({"email", "web_form"})
_GREETING_MAX_WORDS = 6


@dataclass(frozen=True)
class Filler:
    id: str
    place: str  # "opening" or "closing"
    text: str


def load_fillers(data_dir: Path = DATA_DIR) -> list[Filler]:
    """Every pool in the padding folder, in file-name order; empty when there is none (older
    checkouts train without written twins). An id used twice is refused: twins name no filler,
    but a repeated id means a pool was copied in twice."""
    fillers: list[Filler] = []
    for path in sorted((data_dir / FILLER_DIR).glob("*.jsonl")):
        fillers += _read_pool(path)
    seen: set[str] = set()
    for filler in fillers:
        if filler.id in seen:
            raise ValueError(f"{data_dir / FILLER_DIR}: filler id {filler.id!r} used twice")
        seen.add(filler.id)
    return fillers


def _read_pool(path: Path) -> list[Filler]:
    fillers = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        if record.get("place") not in PLACES or not str(record.get("text", "")).strip():
            raise ValueError(f"{path}:{number}: needs place opening|closing and a text")
        fillers.append(Filler(str(record["id"]), record["place"], record["text"].strip()))
    return fillers


def padded_twins(examples: Sequence[LabelledExample], fillers: Sequence[Filler], count: int,
                 seed: int) -> list[LabelledExample]:
    """``count`` padded copies of randomly chosen ``examples`` (ids ``<id>~padded``): a third
    get an opening, a third a closing, a third both."""
    openings = [f.text for f in fillers if f.place == "opening"]
    closings = [f.text for f in fillers if f.place == "closing"]
    if not openings or not closings or not examples:
        return []
    rng = random.Random(seed)
    chosen = rng.sample(list(examples), min(count, len(examples)))
    twins = []
    for index, example in enumerate(chosen):
        opening = rng.choice(openings) if index % 3 != 1 else None
        closing = rng.choice(closings) if index % 3 != 0 else None
        request = example.request
        reply = pad_reply(request.reply, request.channel, opening, closing)
        twins.append(replace(
            example, id=example.id + PADDED_SUFFIX,
            request=ScoreRequest(request.channel, request.customer, reply, request.history)))
    return twins


def pad_reply(reply: str, channel: str, opening: str | None, closing: str | None) -> str:
    """``reply`` with ``opening`` after its greeting and ``closing`` before its sign-off (letters)
    or simply around it (chat, SMS, social, voice)."""
    if channel not in _LETTER_CHANNELS:
        return " ".join(part for part in (opening, reply.strip(), closing) if part)
    paragraphs = [p for p in reply.strip().split("\n\n") if p.strip()]
    head = paragraphs[:1] if paragraphs and _is_greeting(paragraphs[0]) else []
    # The sign-off may be followed by a signature block or a legal footer: the closing goes
    # before the last sign-off, whatever follows it.
    sign_offs = [i for i in range(len(head) + 1, len(paragraphs)) if _is_sign_off(paragraphs[i])]
    tail = paragraphs[sign_offs[-1]:] if sign_offs else []
    body = paragraphs[len(head): len(paragraphs) - len(tail)]
    parts = [*head, *([opening] if opening else []), *body, *([closing] if closing else []),
             *tail]
    return "\n\n".join(parts)


def padded_pairs(examples: Sequence[LabelledExample]) -> list[tuple[int, int]]:
    """(plain, padded) index pairs of the written twins present in ``examples``."""
    index = {example.id: i for i, example in enumerate(examples)}
    return [(index[example.id.removesuffix(PADDED_SUFFIX)], i)
            for i, example in enumerate(examples)
            if example.id.endswith(PADDED_SUFFIX)
            and example.id.removesuffix(PADDED_SUFFIX) in index]


def _is_greeting(paragraph: str) -> bool:
    line = paragraph.strip()
    return "\n" not in line and len(line.split()) <= _GREETING_MAX_WORDS and not line.endswith(
        (".", "?", "!"))


def _is_sign_off(paragraph: str) -> bool:
    """A short closing block: "Kind regards,\\nNadia" or "Thanks,\\nThe Bloom team"."""
    lines = [line.strip() for line in paragraph.strip().splitlines()]
    return len(lines) <= 4 and lines[0].endswith(",") and all(
        len(line.split()) <= _GREETING_MAX_WORDS for line in lines)
