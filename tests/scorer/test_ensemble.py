"""The head ensemble averages its members' probabilities, and round-trips through the artifact."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from services.scorer.model.artifact import STORED_WEIGHT_DTYPE, load_artifact, save_artifact
from services.scorer.model.ensemble import HeadEnsemble
from services.scorer.model.heads import EmpathyHeads
from tests.scorer.head_inputs import random_features as _features


def _members(count: int) -> list[EmpathyHeads]:
    members = []
    for seed in range(count):
        torch.manual_seed(seed)
        members.append(EmpathyHeads().eval())
    return members


@torch.inference_mode()
def test_an_ensemble_of_one_is_its_member() -> None:
    (member,) = _members(1)
    features = _features()
    alone, wrapped = member(features), HeadEnsemble([member])(features)
    assert torch.equal(alone.score_logits, wrapped.score_logits)
    assert torch.equal(alone.reply_attention, wrapped.reply_attention)


@torch.inference_mode()
def test_scores_and_distributions_are_the_means_of_the_members() -> None:
    first, second = _members(2)
    features = _features()
    a, b = first(features), second(features)
    both = HeadEnsemble([first, second])(features)
    assert not torch.allclose(a.score_logits, b.score_logits), "members must differ"
    expected = (torch.sigmoid(a.score_logits) + torch.sigmoid(b.score_logits)) / 2
    torch.testing.assert_close(torch.sigmoid(both.score_logits), expected)
    expected_fit = (torch.sigmoid(a.channel_fit_logit) + torch.sigmoid(b.channel_fit_logit)) / 2
    torch.testing.assert_close(torch.sigmoid(both.channel_fit_logit), expected_fit)
    emotions = (torch.softmax(a.emotion_logits, -1) + torch.softmax(b.emotion_logits, -1)) / 2
    torch.testing.assert_close(torch.softmax(both.emotion_logits, -1), emotions)
    attention = both.reply_attention
    torch.testing.assert_close(attention, (a.reply_attention + b.reply_attention) / 2)
    torch.testing.assert_close(attention.sum(-1), torch.ones_like(attention.sum(-1)))


@torch.inference_mode()
def test_a_score_no_member_raises_is_not_raised_by_the_ensemble() -> None:
    """Averaging probabilities keeps the members' guarantees: the padding test's premise."""
    first, second = _members(2)
    plain, padded = _features(0), _features(1)
    ensemble = HeadEnsemble([first, second])
    member_gains = torch.stack(
        [torch.sigmoid(m(padded).score_logits) - torch.sigmoid(m(plain).score_logits)
         for m in (first, second)]
    )
    gain = torch.sigmoid(ensemble(padded).score_logits) - torch.sigmoid(
        ensemble(plain).score_logits
    )
    assert (gain <= member_gains.max(0).values + 1e-6).all()


def test_an_empty_ensemble_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        HeadEnsemble([])


@torch.inference_mode()
def test_the_artifact_keeps_every_member(tmp_path: Path) -> None:
    ensemble = HeadEnsemble(_members(2)).eval()
    version = save_artifact(tmp_path, ensemble, torch.ones(8), {"seed": 1})
    loaded = load_artifact(tmp_path)
    assert loaded.model_version == version
    assert loaded.manifest["ensemble_size"] == 2
    assert len(loaded.heads) == 2
    # Weights are stored in half precision and widened on load: exactly the rounded members,
    # and scores within a hair of the float32 ones.
    for name, value in ensemble.state_dict().items():
        restored = loaded.heads.state_dict()[name]
        assert restored.dtype == torch.float32
        assert torch.equal(restored, value.to(STORED_WEIGHT_DTYPE).float()), name
    assert loaded.idf.dtype == torch.float32
    features = _features()
    before = torch.sigmoid(ensemble(features).score_logits)
    after = torch.sigmoid(loaded.heads(features).score_logits)
    assert not torch.equal(before, after), "weights must have been rounded"
    assert torch.allclose(before, after, atol=2e-3)
