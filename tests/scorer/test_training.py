"""``train`` reproduces a loadable model from data, deterministically for a seed.

Runs the real pipeline (encoder, the top layer's fine-tuning, both precisions where the CPU has
AMX, heads) on a small slice of the training data so it takes seconds; the full run is what
`python -m services.scorer train` does and is measured in the model card.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from lab.scorer.dataset import DATA_DIR, SPLIT_FILES, read_jsonl_bytes, write_jsonl_bytes
from lab.scorer.encoding import encode_from_cache, encode_with_cache
from lab.scorer.training import TrainConfig, corpus_idf, train
from lab.scorer.written import load_written, written_files
from services.scorer.model import EmpathyScorer, ScoreRequest
from services.scorer.model.artifact import load_artifact
from services.scorer.model.encoder import load_encoder, load_tokenizer
from services.scorer.model.mail_parts import own_words
from services.scorer.model.tokenizing import RequestTokenizer

WRITTEN_SLICE = 64


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A slice of the written training split (every 20th reply, a spread over authors, channels
    and quality), the template split that supplies at most half as many again, and the
    evaluation files."""
    directory = tmp_path_factory.mktemp("data")
    written = b"".join(line for path in written_files("train")
                       for line in path.read_bytes().splitlines(keepends=True))
    (directory / "written" / "train").mkdir(parents=True)
    slice_lines = written.splitlines(keepends=True)[::20][:WRITTEN_SLICE]
    (directory / "written" / "train" / "slice.jsonl").write_bytes(b"".join(slice_lines))
    train_file = SPLIT_FILES["train"]
    lines = read_jsonl_bytes(DATA_DIR / train_file).splitlines(keepends=True)
    write_jsonl_bytes(directory / train_file, b"".join(lines[::25]))
    for name in ("test.jsonl", "contrast.jsonl"):
        shutil.copy(DATA_DIR / name, directory / name)
    return directory


def _train(data_dir: Path, artifact_dir: Path, seed: int) -> str:
    config = TrainConfig(seed=seed, epochs=2, batch_size=32, finetune_epochs=1)
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
    sources = manifest["train_examples_by_source"]
    assert sources["written"] == len(load_written(small_data).train)
    assert 0 < sources["template"] <= manifest["train_examples"] / 3
    assert manifest["ensemble_size"] == TrainConfig().ensemble_size == 2
    assert set(manifest["train_seconds"]) >= {"encode", "fit_heads", "finetune_top_layer"}
    assert scorer_layer_is_tuned(tmp_path / "a")

    scorer = EmpathyScorer.load(tmp_path / "a", dtype="fp32")
    weights = [member.score_out.weight for member in scorer.heads.members]
    assert len(weights) == 2
    # seeds 7 and 8: two members, not one twice
    assert not torch.equal(weights[0], weights[1])
    result = scorer.score_batch([ScoreRequest("chat", "My parcel is late.", "Sorry, I'll check.")])
    assert result[0].model_version == first
    assert 0.0 <= result[0].overall <= 1.0


def scorer_layer_is_tuned(artifact_dir: Path) -> bool:
    """The artifact carries a non-zero delta for the encoder's top layer: it was fine-tuned."""
    delta = load_artifact(artifact_dir).top_layer_delta
    return bool(delta) and any(bool(value.abs().sum() > 0) for value in delta.values())


def test_the_scorer_keeps_the_base_encoder_s_first_layers(
    small_data: Path, tmp_path: Path
) -> None:
    assert TrainConfig().encoder_layers == 3  # the committed model's
    config = TrainConfig(seed=7, epochs=2, batch_size=32, finetune_epochs=1, encoder_layers=2)
    version = train(config, small_data, tmp_path, progress=False).model_version
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["encoder_layers"] == 2
    assert scorer_layer_is_tuned(tmp_path)

    scorer = EmpathyScorer.load(tmp_path, dtype="fp32")
    assert len(scorer.encoder.layers) == 2
    result = scorer.score_batch([ScoreRequest("sms", "Still no refund??", "On it, today.")])
    assert result[0].model_version == version

    # Without the tuned delta the cut encoder is the base one to the bit, stopped after two layers.
    inputs = {"input_ids": torch.tensor([[101, 7592, 2026, 2767, 102]])}
    inputs["attention_mask"] = torch.ones_like(inputs["input_ids"])
    with torch.inference_mode():
        full = load_encoder("cpu", "fp32")(**inputs, output_hidden_states=True)
        cut = load_encoder("cpu", "fp32", layers=2)(**inputs, output_hidden_states=True)
    assert len(cut.hidden_states) == 3
    assert torch.equal(cut.last_hidden_state, full.hidden_states[2])
    with pytest.raises(ValueError, match="between 1 and 6"):
        load_encoder("cpu", "fp32", layers=7)


def test_features_from_the_cached_input_of_the_top_layer_match_a_full_pass(
    small_data: Path,
) -> None:
    """After fine-tuning, training runs only the top layer over its cached input; the features
    must be the ones the service's full pass gives (up to float rounding)."""
    examples = load_written(small_data).train[:24]
    tokenizer = RequestTokenizer(load_tokenizer(), corpus_idf(examples))
    tokenized = tokenizer.tokenize([own_words(e.request) for e in examples])
    encoder = load_encoder("cpu", "fp32", layers=3)
    full, below_top = encode_with_cache(encoder, tokenized, tokenizer.pad_id, "cpu", 8)
    again = encode_from_cache(encoder, tokenized, below_top, "cpu", 8)
    assert [state.shape[0] for state in below_top] == [e.length for e in tokenized]
    for name, value in full.as_dict().items():
        torch.testing.assert_close(getattr(again, name), value, atol=1e-5, rtol=1e-4,
                                   msg=lambda detail, name=name: f"{name}: {detail}")
