"""The free-written corpus: big and varied enough, valid, and its test set independent.

What the issue asks of it: at least 3,000 training replies to at least 1,000 distinct customer
messages across at least 15 industries and every channel; an independent test set of at least
600 labelled replies and 300 contrast pairs, at least 40% of them with the shorter reply better,
sharing fewer than 5% of its reply sentences with any training data.
"""

from __future__ import annotations

import pytest

from lab.scorer.dataset import DATA_DIR, SPLIT_FILES, load_examples
from lab.scorer.written import (
    WrittenCorpus,
    conversation_of,
    load_written,
    reply_sentences,
    template_sample,
    written_files,
)
from services.scorer.data.written.check import check_file
from services.scorer.model.rubric import CHANNELS, VULNERABILITIES


@pytest.fixture(scope="module")
def corpus() -> WrittenCorpus:
    return load_written()


def test_every_written_file_is_valid() -> None:
    files = [path for part in ("train", "next", "test", "contrast", "annotations")
             for path in written_files(part)]
    assert len(files) >= 10
    problems = [problem for path in files for problem in check_file(path)]
    assert problems == []


def test_the_training_corpus_is_big_and_varied(corpus: WrittenCorpus) -> None:
    authored = corpus.train + corpus.validation
    assert len(authored) >= 3000
    assert len({conversation_of(e.id) for e in authored}) >= 1000
    industries = {e.situation.split(".")[0] for e in authored}
    assert len(industries) >= 15, sorted(industries)
    # Every named channel; "other" (in-game chat, a patient portal) is welcome but not required.
    assert {e.request.channel for e in authored} >= set(CHANNELS) - {"other"}
    disclosed = {e.vulnerability for e in authored if e.vulnerability}
    assert disclosed == set(VULNERABILITIES)
    assert sum(e.vulnerability is None for e in authored) > len(authored) / 2


def test_templates_are_at_most_a_third_of_training(corpus: WrittenCorpus) -> None:
    sample = template_sample(len(corpus.train), seed=1)
    assert 0 < len(sample) <= (len(sample) + len(corpus.train)) / 3


def test_the_independent_test_set_is_big_enough_and_shorter_better_is_common(
        corpus: WrittenCorpus) -> None:
    assert len(corpus.test) >= 600
    assert len(corpus.contrast) >= 300
    shorter = sum(len(p.better.request.reply) < len(p.worse.request.reply)
                  for p in corpus.contrast)
    assert shorter >= 0.4 * len(corpus.contrast)
    assert {p.dimension for p in corpus.contrast} >= {"acknowledgment", "boundaries", "tone"}


def test_test_authors_are_not_training_authors(corpus: WrittenCorpus) -> None:
    def author(example_id: str) -> str:
        return example_id.split("-")[1]

    training = {author(e.id) for e in corpus.train + corpus.validation}
    testing = {author(e.id) for e in corpus.test}
    assert training.isdisjoint(testing)


def test_fewer_than_5_percent_of_test_sentences_occur_in_training_data(
        corpus: WrittenCorpus) -> None:
    training = reply_sentences(e.request.reply for e in corpus.train + corpus.validation)
    training |= reply_sentences(e.request.reply
                                for e in load_examples(DATA_DIR / SPLIT_FILES["train"]))
    test = reply_sentences([e.request.reply for e in corpus.test]
                           + [r.request.reply for p in corpus.contrast
                              for r in (p.better, p.worse)])
    shared = test & training
    assert len(shared) < 0.05 * len(test), sorted(shared)[:40]
