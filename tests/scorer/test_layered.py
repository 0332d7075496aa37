"""The encoder run a layer at a time: the same numbers, and pausing to score other work is safe."""

from __future__ import annotations

import torch

from lab.scorer.comparison import max_abs_score_diff
from lab.scorer.dataset import LabelledExample
from services.scorer.model import EmpathyScorer
from services.scorer.model.features import batch_inputs
from services.scorer.model.layered import LayeredEncoder


def test_layer_by_layer_gives_the_whole_model_s_states_to_the_bit(
    fp32_scorer: EmpathyScorer, test_split: list[LabelledExample]
) -> None:
    examples = fp32_scorer.tokenizer.tokenize([e.request for e in test_split[:6]])
    inputs = batch_inputs(examples, fp32_scorer.tokenizer.pad_id, "cpu")
    assert int(inputs["attention_mask"].sum()) < inputs["attention_mask"].numel(), "some padding"
    model = fp32_scorer.encoder.model
    pauses: list[int] = []
    with torch.inference_mode():
        whole = model(**inputs).last_hidden_state
        layered = LayeredEncoder(model)(**inputs, pause=lambda: pauses.append(1))
    assert torch.equal(whole, layered)
    assert len(pauses) == model.config.num_hidden_layers


def test_scoring_other_requests_during_a_pause_changes_nothing(
    scorer: EmpathyScorer, test_split: list[LabelledExample]
) -> None:
    requests = [e.request for e in test_split[:12]]
    others = [e.request for e in test_split[40:43]]
    alone = scorer.score_batch(requests)
    cut_in: list[float] = []

    def score_others() -> None:
        cut_in.append(max_abs_score_diff(scorer.score_batch(others),
                                         scorer.score_batch(others)))

    interrupted = scorer.score_batch(requests, pause=score_others)
    assert max_abs_score_diff(alone, interrupted) == 0.0
    # One pause per encoder layer per length bucket and one per result; each scored the others.
    assert len(cut_in) >= 6 + len(requests)
    assert cut_in == [0.0] * len(cut_in)


def test_a_batch_without_padding_gets_the_same_states_with_its_all_true_mask(
    fp32_scorer: EmpathyScorer, test_split: list[LabelledExample]
) -> None:
    examples = fp32_scorer.tokenizer.tokenize([test_split[0].request])
    padded = batch_inputs(examples, fp32_scorer.tokenizer.pad_id, "cpu")
    inputs = {name: value[:, : examples[0].length] for name, value in padded.items()}
    assert bool(inputs["attention_mask"].all())
    model = fp32_scorer.encoder.model
    with torch.inference_mode():
        whole = model(**inputs).last_hidden_state
        layered = LayeredEncoder(model)(**inputs)
    torch.testing.assert_close(whole, layered, rtol=0, atol=1e-5)
