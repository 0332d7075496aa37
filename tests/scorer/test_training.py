"""``train`` reproduces a loadable model from data, deterministically for a seed.

Runs the real pipeline (encoder, both precisions where the CPU has AMX, heads) on a small slice
of the training split so it takes seconds; the full run is what `python -m services.scorer train`
does and is measured in the model card.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from lab.scorer.dataset import DATA_DIR, SPLIT_FILES, read_jsonl_bytes, write_jsonl_bytes
from lab.scorer.training import TrainConfig, train
from services.scorer.model import EmpathyScorer, ScoreRequest

SLICE = 96


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("data")
    train_file = SPLIT_FILES["train"]
    lines = read_jsonl_bytes(DATA_DIR / train_file).splitlines(keepends=True)
    # Every 50th line: a spread over situations, channels and quality profiles.
    write_jsonl_bytes(directory / train_file, b"".join(lines[::50][:SLICE]))
    for name in ("test.jsonl", "contrast.jsonl"):
        shutil.copy(DATA_DIR / name, directory / name)
    return directory


def test_fine_tuning_an_ensemble_is_refused(small_data: Path, tmp_path: Path) -> None:
    config = TrainConfig(epochs=1, finetune_epochs=1, ensemble_size=2)
    with pytest.raises(ValueError, match="ensemble_size=1"):
        train(config, small_data, tmp_path, progress=False)


def _train(data_dir: Path, artifact_dir: Path, seed: int) -> str:
    config = TrainConfig(seed=seed, epochs=2, batch_size=32)
    return train(config, data_dir, artifact_dir, progress=False).model_version


def test_training_is_deterministic_and_the_artifact_scores(
    small_data: Path, tmp_path: Path
) -> None:
    first = _train(small_data, tmp_path / "a", seed=7)
    again = _train(small_data, tmp_path / "b", seed=7)
    other = _train(small_data, tmp_path / "c", seed=8)
    assert first == again, "same data and seed must give the same weights"
    assert other != first, "the seed must matter"

    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model_version"] == first
    assert manifest["train_examples"] == SLICE
    assert manifest["ensemble_size"] == TrainConfig().ensemble_size == 3
    assert set(manifest["train_seconds"]) >= {"encode", "fit_heads"}

    scorer = EmpathyScorer.load(tmp_path / "a", dtype="fp32")
    weights = [member.score_out.weight for member in scorer.heads.members]
    assert len(weights) == 3
    for i, j in ((0, 1), (0, 2), (1, 2)):  # seeds 7, 8, 9: three members, not one thrice
        assert not torch.equal(weights[i], weights[j]), (i, j)
    result = scorer.score_batch([ScoreRequest("chat", "My parcel is late.", "Sorry, I'll check.")])
    assert result[0].model_version == first
    assert 0.0 <= result[0].overall <= 1.0
