"""The encoder run a layer at a time, so a caller can do other work between two layers.

Why: the scorer serves a stream (large batches, fast per message) and practice replies that must
come back within 50 ms. A batch of stream work takes tens of milliseconds; a live request that
arrives just after it started would wait all of that. Running the six layers one by one and calling
``pause`` before each lets the service score a waiting live request there and then, and resume the
stream batch where it stopped: a live request waits for at most one layer of stream work.

Same numbers as the whole model's forward (tested to the bit, eager); with ``compile_parts`` each
part is compiled on its own (measured on this 2-core VM: a batch of 32 x 160 tokens ~5-10 % slower
than one graph for the whole model, one request within a millisecond).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import torch
from transformers.masking_utils import create_bidirectional_mask

# Called by the model where it can stop for a while (between layers, examples and results).
Pause = Callable[[], None]


class LayeredEncoder:
    """``last_hidden_state`` of a BERT-style encoder (embeddings, then its layers), pausable."""

    def __init__(self, encoder: torch.nn.Module) -> None:
        model = cast(Any, encoder)
        self.model = encoder
        self.config = model.config
        self.embeddings: Callable[..., torch.Tensor] = model.embeddings
        self.layers: list[Callable[..., Any]] = list(model.encoder.layer)

    def compile_parts(self, compile_part: Callable[[torch.nn.Module], Any]) -> LayeredEncoder:
        """A twin whose embeddings and layers went through ``compile_part`` (lazily compiled)."""
        twin = LayeredEncoder(self.model)
        twin.embeddings = compile_part(cast(Any, self.model).embeddings)
        twin.layers = [compile_part(layer) for layer in cast(Any, self.model).encoder.layer]
        return twin

    def __call__(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor,
                 attention_mask: torch.Tensor, pause: Pause | None = None) -> torch.Tensor:
        hidden = self.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
        mask = create_bidirectional_mask(config=self.config, inputs_embeds=hidden,
                                         attention_mask=attention_mask)
        if mask is None:
            # transformers drops the mask of a batch without padding. A compiled layer is
            # specialised on whether it gets one; always passing one halves its variants.
            width = input_ids.shape[1]
            mask = torch.ones((input_ids.shape[0], 1, width, width), dtype=torch.bool,
                              device=input_ids.device)
        for layer in self.layers:
            if pause is not None:
                pause()
            output = layer(hidden, attention_mask=mask)
            hidden = output[0] if isinstance(output, tuple) else output
        return hidden
