"""Turning requests into one encoder sequence each, with the span bookkeeping the heads need.

Layout: ``[CLS] customer side [SEP] reply [SEP]``. The customer side is the earlier turns plus the
latest customer message, each prefixed by its role; when the pair is too long the customer side is
cut from the left (the oldest words go first), because the latest message matters most and the
reply itself must be seen whole to be scored. Every token remembers which sentence it belongs to,
so the encoder runs once per message and sentence vectors come from pooling its states.
"""

from __future__ import annotations

import bisect
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from services.scorer.model.cues import sentence_cues
from services.scorer.model.echo import sentence_echo
from services.scorer.model.layered import Pause
from services.scorer.model.rubric import CHANNELS
from services.scorer.model.schema import ScoreRequest
from services.scorer.model.sentences import sentence_spans

MAX_SEQUENCE_TOKENS = 320
MAX_REPLY_TOKENS = 240
MAX_REPLY_SENTENCES = 20
MAX_CUSTOMER_SENTENCES = 10
_ROLE_PREFIX = {"customer": "Customer", "agent": "Agent", "bot": "Bot", "system": "System"}


@dataclass(frozen=True)
class CustomerSide:
    """The customer-side text and, per sentence, its span and kind (latest message / agent turn)."""

    text: str
    spans: list[tuple[int, int]]
    is_latest: list[bool]
    is_agent: list[bool]


@dataclass(frozen=True)
class TokenizedExample:
    input_ids: list[int]
    token_type_ids: list[int]
    reply_sentence_of_token: list[int]
    customer_sentence_of_token: list[int]
    reply_spans: list[tuple[int, int]]
    customer: CustomerSide
    customer_sentence_kept: list[int]
    reply_echo: list[tuple[float, float]]
    reply_cues: list[tuple[float, ...]]  # per kept reply sentence, see ``cues``
    reply_token_count: int
    channel_index: int

    @property
    def length(self) -> int:
        return len(self.input_ids)


def build_customer_side(request: ScoreRequest) -> CustomerSide:
    parts: list[tuple[str, str, bool]] = [
        (turn.role, turn.text, False) for turn in request.history if turn.text.strip()
    ]
    if request.customer.strip():
        parts.append(("customer", request.customer, True))
    text = ""
    spans: list[tuple[int, int]] = []
    is_latest: list[bool] = []
    is_agent: list[bool] = []
    for role, body, latest in parts:
        prefix = f"{_ROLE_PREFIX[role]}: "
        offset = len(text) + len(prefix)
        text += prefix + body + "\n"
        for start, end in sentence_spans(body):
            spans.append((offset + start, offset + end))
            is_latest.append(latest)
            is_agent.append(role != "customer")
    return CustomerSide(text=text.rstrip("\n"), spans=spans, is_latest=is_latest, is_agent=is_agent)


class RequestTokenizer:
    """Tokenises batches of requests; holds the IDF table used for the echo features."""

    def __init__(self, tokenizer: Any, idf: torch.Tensor) -> None:
        self._tokenizer = tokenizer
        self._idf = idf
        self.cls_id: int = tokenizer.cls_token_id
        self.sep_id: int = tokenizer.sep_token_id
        self.pad_id: int = tokenizer.pad_token_id
        self.ignored_ids = _punctuation_and_special_ids(tokenizer)

    @property
    def vocab_size(self) -> int:
        return int(self._tokenizer.vocab_size)

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        encoded = self._tokenizer(list(texts), add_special_tokens=False)
        return [list(ids) for ids in encoded["input_ids"]]

    def tokenize(
        self, requests: Sequence[ScoreRequest], pause: Pause | None = None
    ) -> list[TokenizedExample]:
        """``pause`` is called before each example's bookkeeping (about a millisecond each)."""
        sides = [build_customer_side(request) for request in requests]
        customer_enc = self._encode([side.text for side in sides])
        reply_enc = self._encode([request.reply for request in requests])
        examples = []
        for request, side, customer, reply in zip(
            requests, sides, customer_enc, reply_enc, strict=True
        ):
            if pause is not None:
                pause()
            examples.append(self._assemble(request, side, customer, reply))
        return examples

    def _encode(self, texts: list[str]) -> list[tuple[list[int], list[tuple[int, int]]]]:
        encoded = self._tokenizer(texts, add_special_tokens=False, return_offsets_mapping=True)
        return [
            (list(ids), [tuple(pair) for pair in offsets])
            for ids, offsets in zip(encoded["input_ids"], encoded["offset_mapping"], strict=True)
        ]

    def _assemble(
        self,
        request: ScoreRequest,
        side: CustomerSide,
        customer: tuple[list[int], list[tuple[int, int]]],
        reply: tuple[list[int], list[tuple[int, int]]],
    ) -> TokenizedExample:
        reply_spans = sentence_spans(request.reply)
        reply_ids, reply_offsets = reply[0][:MAX_REPLY_TOKENS], reply[1][:MAX_REPLY_TOKENS]
        reply_sentences = _sentence_of_tokens(reply_offsets, reply_spans, MAX_REPLY_SENTENCES)
        kept_reply_spans = reply_spans[: max(reply_sentences, default=-1) + 1]

        # Explicit start index: a slice like ids[-0:] would keep everything.
        first_kept = max(0, len(customer[0]) - (MAX_SEQUENCE_TOKENS - 3 - len(reply_ids)))
        customer_ids, customer_offsets = customer[0][first_kept:], customer[1][first_kept:]
        all_customer_sentences = _sentence_of_tokens(customer_offsets, side.spans, None)
        kept = sorted({s for s in all_customer_sentences if s >= 0})[-MAX_CUSTOMER_SENTENCES:]
        remap = {old: new for new, old in enumerate(kept)}
        customer_sentences = [remap.get(s, -1) for s in all_customer_sentences]

        echo = sentence_echo(
            reply_ids,
            reply_sentences,
            len(kept_reply_spans),
            customer[0],
            self._idf,
            self.ignored_ids,
        )
        input_ids = [self.cls_id, *customer_ids, self.sep_id, *reply_ids, self.sep_id]
        type_ids = [0] * (len(customer_ids) + 2) + [1] * (len(reply_ids) + 1)
        return TokenizedExample(
            input_ids=input_ids,
            token_type_ids=type_ids,
            reply_sentence_of_token=[-1] * (len(customer_ids) + 2) + reply_sentences + [-1],
            customer_sentence_of_token=[-1, *customer_sentences] + [-1] * (len(reply_ids) + 2),
            reply_spans=kept_reply_spans,
            customer=side,
            customer_sentence_kept=kept,
            reply_echo=echo,
            reply_cues=[sentence_cues(request.reply[a:b]) for a, b in kept_reply_spans],
            reply_token_count=len(reply[0]),
            channel_index=CHANNELS.index(request.channel),
        )


def _sentence_of_tokens(
    offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]], limit: int | None
) -> list[int]:
    """Index of the sentence span holding each token's first character; -1 outside or over limit."""
    starts = [start for start, _ in spans]
    result: list[int] = []
    for token_start, token_end in offsets:
        index = bisect.bisect_right(starts, token_start) - 1
        inside = index >= 0 and token_start < spans[index][1] and token_end > token_start
        if not inside or (limit is not None and index >= limit):
            result.append(-1)
        else:
            result.append(index)
    return result


def _punctuation_and_special_ids(tokenizer: Any) -> frozenset[int]:
    vocabulary: dict[str, int] = tokenizer.get_vocab()
    punctuation = set(string.punctuation) | {"’", "‘", "“", "”", "—", "–", "…"}
    ids = {
        index
        for token, index in vocabulary.items()
        if (piece := token.removeprefix("##")) and all(char in punctuation for char in piece)
    }
    ids.update(int(i) for i in tokenizer.all_special_ids)
    return frozenset(ids)
