"""Minimal pairs: one conversation, two replies that differ in exactly one labelled dimension.

A pair is proposed by changing one dimension's move in a sampled plan (for personalization, by
adding or removing a sentence that only echoes a customer detail), rendering both replies with the
same choices everywhere else, and is kept only if the labels then differ in that dimension alone.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from services.scorer.data.conversation import Conversation, sample_channel, sample_conversation
from services.scorer.data.labels import applicable_dimensions, reply_labels
from services.scorer.data.plans import ALL_LEVELS, sample_plan
from services.scorer.data.render import ReplyPlan, render_reply
from services.scorer.data.situation import Situation
from services.scorer.model.rubric import DIMENSIONS

MIN_LABEL_GAP = 0.2
MAX_ATTEMPTS_PER_PAIR = 400
# At most this share of a dimension's pairs may have the better reply as the longer one, so that
# reply length cannot explain the pairs (a length-only scorer stays near chance).
MAX_BETTER_IS_LONGER_SHARE = 0.55
# No single combination of levels (e.g. "kind no" vs "waffle") may fill more than this share.
MAX_LEVEL_COMBINATION_SHARE = 0.3

ExampleBuilder = Callable[[Conversation, str, ReplyPlan], dict[str, Any]]


def contrast_pairs(
    situations: Sequence[Situation],
    pairs_per_dimension: int,
    rng: random.Random,
    build_example: ExampleBuilder,
) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = []
    for dimension in DIMENSIONS:
        eligible = [s for s in situations if _applies(s, dimension)]
        quota = _PairQuota(dimension, pairs_per_dimension)
        for _ in range(pairs_per_dimension * MAX_ATTEMPTS_PER_PAIR):
            if quota.made == pairs_per_dimension:
                break
            pair = _propose(rng.choice(eligible), dimension, rng, build_example)
            if pair is not None and quota.admit(pair):
                pair["pair_id"] = f"contrast-{dimension}-{quota.made - 1:03d}"
                pairs.append(pair)
        if quota.made < pairs_per_dimension:
            raise RuntimeError(f"only {quota.made} contrast pairs found for {dimension}")
    return pairs


class _PairQuota:
    """Keeps a dimension's pairs balanced in length and spread over level combinations."""

    def __init__(self, dimension: str, target: int) -> None:
        self.dimension = dimension
        self.made = 0
        self._better_longer = 0
        self._longer_quota = math.floor(target * MAX_BETTER_IS_LONGER_SHARE)
        # Personalization pairs are always "specific vs generic detail": one combination only.
        share = 1.0 if dimension == "personalization" else MAX_LEVEL_COMBINATION_SHARE
        self._combination_quota = math.ceil(target * share)
        self._combinations: Counter[tuple[str, str]] = Counter()

    def admit(self, pair: dict[str, Any]) -> bool:
        combination = _levels(pair, self.dimension)
        longer = _better_is_longer(pair)
        if self._combinations[combination] >= self._combination_quota:
            return False
        if longer and self._better_longer >= self._longer_quota:
            return False
        self._combinations[combination] += 1
        self._better_longer += int(longer)
        self.made += 1
        return True


def _levels(pair: dict[str, Any], dimension: str) -> tuple[str, str]:
    key = "detail_echo" if dimension == "personalization" else dimension
    return (str(pair["better"]["moves"][key]), str(pair["worse"]["moves"][key]))


def _better_is_longer(pair: dict[str, Any]) -> bool:
    return len(pair["better"]["reply"].split()) > len(pair["worse"]["reply"].split())


def _applies(situation: Situation, dimension: str) -> bool:
    probe = {"apology": situation.fault, "boundaries": situation.refuse,
             "exploration": situation.ambiguous}
    return probe.get(dimension, True)


def _propose(
    situation: Situation, dimension: str, rng: random.Random, build_example: ExampleBuilder
) -> dict[str, Any] | None:
    conversation = sample_conversation(situation, sample_channel(rng), rng)
    profile, plan = sample_plan(conversation, rng)
    if dimension == "personalization":
        first = replace(plan, detail_echo="specific")
        second = replace(plan, detail_echo="generic")
    else:
        level_a, level_b = rng.sample(ALL_LEVELS[dimension], 2)
        first, second = plan.with_level(dimension, level_a), plan.with_level(dimension, level_b)
    labels_a = _labels(conversation, first)
    labels_b = _labels(conversation, second)
    differing = [d for d in DIMENSIONS if labels_a[d] != labels_b[d]]
    if differing != [dimension] or not applicable_dimensions(conversation)[dimension]:
        return None
    gap = float(labels_a[dimension] or 0.0) - float(labels_b[dimension] or 0.0)
    if abs(gap) < MIN_LABEL_GAP:
        return None
    better, worse = (first, second) if gap > 0 else (second, first)
    return {
        "dimension": dimension,
        "better": build_example(conversation, profile, better),
        "worse": build_example(conversation, profile, worse),
    }


def _labels(conversation: Conversation, plan: ReplyPlan) -> dict[str, float | None]:
    scores, _ = reply_labels(conversation, plan, render_reply(conversation, plan))
    return scores
