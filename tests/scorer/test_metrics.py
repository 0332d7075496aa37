from __future__ import annotations

import pytest

from lab.scorer.metrics import average_ranks, macro_f1, pair_accuracy, spearman


def test_average_ranks_share_ties() -> None:
    assert average_ranks([10.0, 20.0, 20.0, 30.0]) == [1.0, 2.5, 2.5, 4.0]


def test_spearman_is_rank_based_and_signed() -> None:
    assert spearman([1, 2, 3, 4], [10, 100, 1000, 10000]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1, 1], [1, 2, 3, 4]) == 0.0


def test_macro_f1_weights_classes_equally() -> None:
    truth = ["a"] * 9 + ["b"]
    assert macro_f1(truth, ["a"] * 10) == pytest.approx((2 * 9 / (2 * 9 + 1) + 0.0) / 2)


def test_pair_accuracy_counts_ties_as_half() -> None:
    assert pair_accuracy([1.0, 0.5, 0.2], [0.0, 0.5, 0.9]) == pytest.approx(0.5)
