"""The free-written corpus (``services/scorer/data/written/``) and how training mixes it.

- ``train/``: replies written one by one by training authors; a validation split is carved from
  it by conversation (every reply to one customer message on the same side), for choosing
  hyper-parameters without looking at the test set.
- ``test/`` and ``contrast/``: written by other authors who never read the training files;
  the independent test set and its contrast pairs.
- ``annotations/``: blind labels of test replies by two annotators (human agreement), in the
  format ``train --human-labels`` reads.

The template generator's output (``train.jsonl.gz``) may add at most a third of the training
examples, chosen so that its special constructions (padded twins, history pairs, curt twins) stay
paired.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lab.scorer.dataset import (
    DATA_DIR,
    SPLIT_FILES,
    ContrastPair,
    LabelledExample,
    load_contrast,
    load_examples,
)
from services.scorer.model.rubric import DIMENSIONS

WRITTEN_DIR = DATA_DIR / "written"
VALIDATION_SHARE = 0.15
MAX_TEMPLATE_SHARE = 1 / 3
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class WrittenCorpus:
    train: list[LabelledExample]
    validation: list[LabelledExample]
    test: list[LabelledExample]
    contrast: list[ContrastPair]


@dataclass(frozen=True)
class EvaluationSplit:
    description: str
    baseline_train: list[LabelledExample]  # what the baselines are fitted on
    test: list[LabelledExample]
    contrast: list[ContrastPair]


SPLIT_TITLES = {
    "test": "independent free-written test set (authors who never saw the training data)",
    "validation": "validation split of the written training data (for choosing settings; pairs "
                  "are replies to one message a level apart on a dimension)",
    "generated": "template generator's held-out split (situations never used in training)",
}


def evaluation_split(name: str, data_dir: Path = DATA_DIR) -> EvaluationSplit:
    generated_contrast = load_contrast(data_dir / SPLIT_FILES["contrast"])
    if name == "generated":
        return EvaluationSplit(SPLIT_TITLES[name],
                               load_examples(data_dir / SPLIT_FILES["train"]),
                               load_examples(data_dir / SPLIT_FILES["test"]), generated_contrast)
    corpus = load_written(data_dir)
    if name == "validation":
        return EvaluationSplit(SPLIT_TITLES[name], corpus.train, corpus.validation,
                               conversation_pairs(corpus.validation))
    if name == "test":
        return EvaluationSplit(SPLIT_TITLES[name], corpus.train, corpus.test, corpus.contrast)
    raise ValueError(f"unknown split {name!r}; one of {', '.join(SPLIT_TITLES)}")


# Two replies to one message whose labels on a dimension differ by at least this much make a
# validation pair: about one level of the guide's coarse scales.
PAIR_MARGIN = 0.3


def conversation_pairs(examples: Sequence[LabelledExample]) -> list[ContrastPair]:
    """Contrast pairs for model selection, without the test authors' pairs: within each
    conversation of the validation split, every two replies whose labels on a dimension differ
    by ``PAIR_MARGIN`` or more (they usually differ on other dimensions too, so these are looser
    than the test set's minimal pairs)."""
    by_conversation: dict[str, list[LabelledExample]] = {}
    for example in examples:
        by_conversation.setdefault(conversation_of(example.id), []).append(example)
    pairs = []
    for conversation, replies in sorted(by_conversation.items()):
        for dim in DIMENSIONS:
            for better in replies:
                for worse in replies:
                    high, low = better.scores[dim], worse.scores[dim]
                    if high is not None and low is not None and high - low >= PAIR_MARGIN:
                        pairs.append(ContrastPair(
                            pair_id=f"{conversation}-{dim}-{better.id[-1]}{worse.id[-1]}",
                            dimension=dim, better=better, worse=worse))
    return pairs


def written_files(part: str, data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted((data_dir / "written" / part).glob("*.jsonl"))


def load_written(data_dir: Path = DATA_DIR) -> WrittenCorpus:
    authored = [e for path in written_files("train", data_dir) for e in load_examples(path)]
    train, validation = split_by_conversation(authored, VALIDATION_SHARE)
    return WrittenCorpus(
        train=train,
        validation=validation,
        test=[e for path in written_files("test", data_dir) for e in load_examples(path)],
        contrast=[p for path in written_files("contrast", data_dir) for p in load_contrast(path)],
    )


def conversation_of(example_id: str) -> str:
    """``w-t1-042-b`` -> ``w-t1-042``: the replies to one customer message."""
    return example_id.rsplit("-", 1)[0]


def split_by_conversation(examples: Sequence[LabelledExample], share: float
                          ) -> tuple[list[LabelledExample], list[LabelledExample]]:
    """A stable split: a conversation's side depends only on its id's hash, so adding files never
    moves an existing conversation between training and validation."""
    train: list[LabelledExample] = []
    validation: list[LabelledExample] = []
    for example in examples:
        digest = hashlib.sha256(conversation_of(example.id).encode()).digest()
        (validation if digest[0] < share * 256 else train).append(example)
    return train, validation


def template_sample(written_count: int, seed: int, data_dir: Path = DATA_DIR,
                    share: float = MAX_TEMPLATE_SHARE) -> list[LabelledExample]:
    """Template examples making up ``share`` of the total (at most a third), keeping the
    generator's twins together. The twins get a fixed part of the budget: they teach what free
    writing rarely shows (pleasantries add nothing, specifics from an earlier turn count, two
    curt lines to a formal complaint fit badly); the rest is drawn at random."""
    if not 0 <= share <= MAX_TEMPLATE_SHARE:
        raise ValueError(f"template share {share} is outside [0, {MAX_TEMPLATE_SHARE:.3f}]")
    budget = int(written_count * share / (1 - share))
    groups: dict[str, list[LabelledExample]] = {}
    for example in load_examples(data_dir / SPLIT_FILES["train"]):
        stem, _, kind = example.id.rpartition("-")
        groups.setdefault(stem if kind in _TWIN_KINDS else example.id, []).append(example)
    rng = random.Random(seed)
    chosen: list[LabelledExample] = []
    for family, share in _TWIN_SHARES:
        keys = sorted(key for key in groups if key.startswith(family))
        rng.shuffle(keys)
        chosen.extend(_fill(groups, keys, int(budget * share)))
    taken = {example.id for example in chosen}
    rest = sorted(key for key in groups if not any(e.id in taken for e in groups[key]))
    rng.shuffle(rest)
    return chosen + _fill(groups, rest, budget - len(chosen))


_TWIN_KINDS = frozenset({"plain", "padded", "grounded", "blind", "bare", "framed", "better",
                         "worse"})
_TWIN_SHARES = (("train-padded-", 0.35), ("train-history-", 0.10), ("train-curt-", 0.10))


def _fill(groups: dict[str, list[LabelledExample]], keys: Sequence[str], budget: int
          ) -> list[LabelledExample]:
    chosen: list[LabelledExample] = []
    for key in keys:
        if len(chosen) + len(groups[key]) <= budget:
            chosen.extend(groups[key])
    return chosen


def corpus_hashes(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """sha256 over each written part's files (name and bytes), for the artifact manifest."""
    hashes = {}
    for part in ("train", "test", "contrast", "annotations", "padding"):
        digest = hashlib.sha256()
        for path in written_files(part, data_dir):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        hashes[f"written/{part}"] = digest.hexdigest()
    return hashes


def reply_sentences(texts: Iterable[str]) -> set[str]:
    """Sentences as a reader would cut them (on ., ! and ? and line breaks), normalised for
    case and spacing; the unit of the test set's overlap check with training data. Salutations
    and sign-offs ("Kind regards,", "Dear Dana,") and fragments under four words are not
    sentences of note: every author writes them."""
    found = set()
    for text in texts:
        for line in text.splitlines():
            if line.rstrip().endswith(","):
                continue
            for sentence in _SENTENCE_END.split(line):
                normal = " ".join(sentence.lower().split())
                if len(normal.split()) >= _MIN_SENTENCE_WORDS:
                    found.add(normal)
    return found


_MIN_SENTENCE_WORDS = 4
