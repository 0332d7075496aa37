"""Sentence spans of a message, as character offsets into the original text.

Evidence must quote the reply exactly, so sentences are kept as ``(start, end)`` spans rather than
re-joined strings. The splitter is deliberately simple: support messages are short and informal,
and a wrong split only moves an evidence boundary, never a score.
"""

from __future__ import annotations

import re

# A sentence ends at ., ! or ? (plus closing quotes/brackets) followed by whitespace, or at a line
# break. Common abbreviations would otherwise split "Mr. Patel" into two sentences.
_BOUNDARY = re.compile(r"[.!?…]+[\"')\]]*(?=\s)|\n+")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "e.g", "i.e", "etc", "vs", "approx"})


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Non-empty sentence spans, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        before = text[start : match.start()]
        if match.group().startswith(".") and _ends_with_abbreviation(before):
            continue
        _append_trimmed(text, start, end, spans)
        start = end
    _append_trimmed(text, start, len(text), spans)
    return spans


def _ends_with_abbreviation(prefix: str) -> bool:
    words = prefix.rsplit(None, 1)
    return bool(words) and words[-1].lower().rstrip(".") in _ABBREVIATIONS


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    segment = text[start:end]
    stripped = segment.strip()
    if not stripped:
        return
    left = start + (len(segment) - len(segment.lstrip()))
    spans.append((left, left + len(stripped)))
