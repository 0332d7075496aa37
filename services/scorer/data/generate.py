"""Regenerate the scorer's labelled corpus: ``python -m services.scorer.data.generate``.

Deterministic for a given seed. Situations are split into train and test *before* any example is
drawn, so no customer situation in ``test.jsonl`` or ``contrast.jsonl`` ever appears in training.

Each split draws from its own random stream, so the training-only additions below (minimal pairs
on training situations, and replies whose length runs against their quality) change
``train.jsonl.gz`` alone.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from lab.scorer.dataset import SPLIT_FILES, write_jsonl_bytes
from services.scorer.data.contrast import contrast_pairs
from services.scorer.data.conversation import Conversation, sample_channel, sample_conversation
from services.scorer.data.fragments import ALL_SITUATIONS
from services.scorer.data.fragments.channel import FORMAL_CHANNELS
from services.scorer.data.fragments.reply import TRAINING_FILLER
from services.scorer.data.labels import reply_labels
from services.scorer.data.plans import sample_plan
from services.scorer.data.render import ReplyPlan, render_reply
from services.scorer.data.situation import Situation

DATA_DIR = Path(__file__).resolve().parent
SEED = 20251126
TRAIN_EXAMPLES = 4400
TEST_EXAMPLES = 1100
CONTRAST_PAIRS_PER_DIMENSION = 40
# Minimal pairs drawn from *training* situations and added to the training split as examples: two
# near-identical replies with different labels teach exactly the one-move differences (a kind no vs
# a waffle, a partial plan vs none) that averaged examples blur.
TRAIN_PAIRS_PER_DIMENSION = 90
# Replies whose length runs against their quality: long canned ones and short excellent ones, so
# that length cannot stand in for quality in training.
LENGTH_COUNTEREXAMPLES_PER_KIND = 150
# Pairs of one reply with and without content-free pleasantries wrapped around it: the labels stay
# the same (only a conversational channel's fit drops), so padding teaches the model nothing.
PADDED_TWINS = 600
# Of those, the share with the pleasantries pasted around the whole reply (before "Dear ..." and
# after the signature) rather than inside its body.
FILLER_OUTSIDE_FRAME_SHARE = 0.5
# Pairs of one reply to a follow-up, with the earlier turn that gave the reply's specifics and
# without it: the same specifics out of nowhere are not listening, so personalization is lower
# (``BLIND_PERSONALIZATION_SHARE`` of the grounded label) and the model learns to read history.
HISTORY_TWINS = 300
BLIND_PERSONALIZATION_SHARE = 0.75
# Pairs of one short, unacknowledging answer to an upset customer on a formal channel (email, web
# form): once bare ("This should be resolved soon."), once with the channel's greeting and sign-off.
# Only the bare one is curt for the channel (fit ``CURT_FORMAL_FIT``); few ordinary samples are, so
# without these the model never learns that two curt words to a formal complaint fit badly.
CURT_FORMAL_TWINS = 150
CALM_EMOTIONS = ("neutral", "positive")
LONG_REPLY_WORDS = 60
SHORT_REPLY_WORDS = 45
TEST_SHARE_PER_INDUSTRY = 0.22


def split_situations(
    situations: Sequence[Situation], rng: random.Random
) -> tuple[list[Situation], list[Situation]]:
    """Hold out about a fifth of each industry's situations, covering every flag and emotion."""
    by_industry: dict[str, list[Situation]] = defaultdict(list)
    for situation in sorted(situations, key=lambda s: s.key):
        by_industry[situation.industry].append(situation)
    for _ in range(1000):
        test: list[Situation] = []
        for group in by_industry.values():
            held_out = max(1, round(len(group) * TEST_SHARE_PER_INDUSTRY))
            test.extend(rng.sample(group, held_out))
        if _covers_everything(test, situations):
            test_keys = {s.key for s in test}
            train = [s for s in situations if s.key not in test_keys]
            return train, sorted(test, key=lambda s: s.key)
    raise RuntimeError("no split covers every flag and emotion; add situations")


def _covers_everything(test: Sequence[Situation], everything: Sequence[Situation]) -> bool:
    emotions = {e for s in everything for e in s.emotions}
    return (
        {e for s in test for e in s.emotions} == emotions
        and any(s.fault for s in test)
        and any(s.refuse for s in test)
        and any(s.ambiguous for s in test)
        and any(s.positive for s in test)
    )


def example_record(conversation: Conversation, profile: str, plan: ReplyPlan) -> dict[str, Any]:
    reply = render_reply(conversation, plan)
    scores, tone = reply_labels(conversation, plan, reply)
    situation = conversation.situation
    return {
        "situation": situation.key,
        "industry": situation.industry,
        "channel": conversation.channel,
        "history": [{"role": role, "text": text} for role, text in conversation.history],
        "customer": conversation.customer,
        "reply": reply.text,
        "labels": scores,
        "tone": {"raw": tone["raw"], "channel_adjusted": tone["channel_adjusted"]},
        "customer_signals": {
            "emotion": conversation.emotion,
            "intensity": conversation.intensity,
            "vulnerability": conversation.vulnerability,
        },
        "moves": {
            "profile": profile,
            **plan.levels,
            "register": plan.register,
            "filler": plan.filler,
            "detail_echo": plan.detail_echo,
            "vulnerability_acknowledged": plan.vulnerability_acknowledged,
            "channel_fit": tone["channel_fit"],
        },
    }


def build_examples(
    situations: Sequence[Situation], count: int, rng: random.Random, prefix: str
) -> list[dict[str, Any]]:
    cycle: list[Situation] = []
    records = []
    for index in range(count):
        if not cycle:
            cycle = list(situations)
            rng.shuffle(cycle)
        conversation = sample_conversation(cycle.pop(), sample_channel(rng), rng)
        profile, plan = sample_plan(conversation, rng)
        record = example_record(conversation, profile, plan)
        records.append({"id": f"{prefix}-{index:05d}", **record})
    return records


def length_counterexamples(
    situations: Sequence[Situation], per_kind: int, rng: random.Random
) -> list[dict[str, Any]]:
    """Long canned replies and short strong replies.

    Long canned replies are common enough to rejection-sample from the ordinary sampler. Short
    strong ones are not (strong moves come with long sentences), so their plans are cut down to
    the moves that carry the most: a specific acknowledgment and a concrete next step, plainly put.
    """
    wanted: dict[str, list[dict[str, Any]]] = {"long_canned": [], "short_strong": []}
    attempts = 0
    while any(len(found) < per_kind for found in wanted.values()):
        attempts += 1
        if attempts > 400 * per_kind:
            raise RuntimeError("length counterexamples are too rare; check the plan odds")
        kind = "long_canned" if len(wanted["long_canned"]) < per_kind else "short_strong"
        if attempts % 2 and len(wanted["short_strong"]) < per_kind:
            kind = "short_strong"
        conversation = sample_conversation(rng.choice(situations), sample_channel(rng), rng)
        profile, plan = sample_plan(conversation, rng)
        if kind == "short_strong":
            profile, plan = "short_excellent", _cut_down(plan, rng)
        record = example_record(conversation, profile, plan)
        words, labels = len(record["reply"].split()), record["labels"]
        if kind == "long_canned":
            keep = labels["personalization"] <= 0.2 and words >= LONG_REPLY_WORDS
        else:
            keep = labels["acknowledgment"] >= 0.95 and words <= SHORT_REPLY_WORDS
        if keep:
            wanted[kind].append(record)
    return [
        {"id": f"train-{kind}-{index:04d}", **record}
        for kind, found in wanted.items()
        for index, record in enumerate(found)
    ]


def _cut_down(plan: ReplyPlan, rng: random.Random) -> ReplyPlan:
    levels = {
        **plan.levels,
        "acknowledgment": rng.choice(("specific", "factual")),
        "next_steps": "concrete",
        "ownership": "none",
        "exploration": "none",
        "tone": "unmarked",
    }
    if levels["apology"] != "none":
        levels["apology"] = "plain"
    if levels["boundaries"] != "ignore":
        levels["boundaries"] = "kind_alternative"
    return replace(
        plan, levels=levels, register="bare", filler=0, greeting_name=False, detail_echo="none",
        vulnerability_acknowledged=False,
    )


def padded_twins(
    situations: Sequence[Situation], count: int, rng: random.Random
) -> list[dict[str, Any]]:
    """Each reply twice: as planned without filler, and wrapped in two to four pleasantries."""
    records = []
    for index in range(count):
        conversation = sample_conversation(rng.choice(situations), sample_channel(rng), rng)
        profile, plan = sample_plan(conversation, rng)
        plain = replace(plan, filler=0)
        padded = replace(
            plan, filler=rng.randint(2, 4), filler_pool=TRAINING_FILLER,
            filler_outside_frame=rng.random() < FILLER_OUTSIDE_FRAME_SHARE,
        )
        for name, variant in (("plain", plain), ("padded", padded)):
            record = example_record(conversation, profile, variant)
            records.append({"id": f"train-padded-{index:04d}-{name}", **record})
    return records


def history_twins(
    situations: Sequence[Situation], count: int, rng: random.Random
) -> list[dict[str, Any]]:
    """Each reply to a follow-up twice: with the earlier turns holding its specifics, and blind."""
    records: list[dict[str, Any]] = []
    while len(records) < 2 * count:
        conversation = sample_conversation(rng.choice(situations), sample_channel(rng), rng)
        if not conversation.history:
            continue
        profile, plan = sample_plan(conversation, rng)
        grounded = example_record(conversation, profile, plan)
        if not grounded["labels"]["personalization"]:
            continue
        blind = {**grounded, "history": [], "labels": {
            **grounded["labels"],
            "personalization": round(
                grounded["labels"]["personalization"] * BLIND_PERSONALIZATION_SHARE, 4),
        }}
        index = len(records) // 2
        records.append({"id": f"train-history-{index:04d}-grounded", **grounded})
        records.append({"id": f"train-history-{index:04d}-blind", **blind})
    return records


def curt_formal_twins(
    situations: Sequence[Situation], count: int, rng: random.Random
) -> list[dict[str, Any]]:
    """Each short reply to an upset formal-channel customer twice: bare, and framed as a letter."""
    records: list[dict[str, Any]] = []
    while len(records) < 2 * count:
        channel = rng.choice(sorted(FORMAL_CHANNELS))
        conversation = sample_conversation(rng.choice(situations), channel, rng)
        if conversation.emotion in CALM_EMOTIONS:
            continue
        _, plan = sample_plan(conversation, rng)
        levels = {
            **plan.levels,
            "acknowledgment": rng.choice(("none", "stock")),
            "apology": rng.choice(("none", "stock")),
            "ownership": "none",
            "exploration": "none",
            "tone": "unmarked",
        }
        bare = replace(
            plan, levels=levels, register="bare", filler=0, greeting_name=False,
            detail_echo="none", vulnerability_acknowledged=False,
        )
        if not 1 <= render_reply(conversation, bare).content_sentences <= 2:
            continue  # says nothing at all, or is not curt any more, only short
        framed = replace(bare, register="letter", greeting_name=True)
        index = len(records) // 2
        for name, variant in (("bare", bare), ("framed", framed)):
            record = example_record(conversation, "curt", variant)
            records.append({"id": f"train-curt-{index:04d}-{name}", **record})
    return records


def training_pairs(
    situations: Sequence[Situation], per_dimension: int, rng: random.Random
) -> list[dict[str, Any]]:
    """Both replies of minimal pairs on training situations, as ordinary labelled examples."""
    records = []
    for pair in contrast_pairs(situations, per_dimension, rng, example_record):
        for side in ("better", "worse"):
            records.append({"id": f"train-{pair['pair_id']}-{side}", **pair[side]})
    return records


def write_jsonl(path: Path, records: Sequence[dict[str, Any]]) -> None:
    """One JSON object per line; gzipped when ``path`` ends in ``.gz``."""
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    write_jsonl_bytes(path, text.encode("utf-8"))


def generate(out_dir: Path, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    train_situations, test_situations = split_situations(ALL_SITUATIONS, rng)
    train = build_examples(train_situations, TRAIN_EXAMPLES, random.Random(seed + 1), "train")
    train += training_pairs(train_situations, TRAIN_PAIRS_PER_DIMENSION, random.Random(seed + 4))
    train += padded_twins(train_situations, PADDED_TWINS, random.Random(seed + 6))
    train += length_counterexamples(
        train_situations, LENGTH_COUNTEREXAMPLES_PER_KIND, random.Random(seed + 5)
    )
    train += history_twins(train_situations, HISTORY_TWINS, random.Random(seed + 7))
    train += curt_formal_twins(train_situations, CURT_FORMAL_TWINS, random.Random(seed + 8))
    test = build_examples(test_situations, TEST_EXAMPLES, random.Random(seed + 2), "test")
    pairs = contrast_pairs(
        test_situations, CONTRAST_PAIRS_PER_DIMENSION, random.Random(seed + 3), example_record
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    write_jsonl(out_dir / SPLIT_FILES["train"], train)
    write_jsonl(out_dir / SPLIT_FILES["test"], test)
    write_jsonl(out_dir / SPLIT_FILES["contrast"], pairs)
    return {
        "train": len(train),
        "test": len(test),
        "contrast_pairs": len(pairs),
        "train_situations": len(train_situations),
        "test_situations": len(test_situations),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.scorer.data.generate",
        description="Regenerate train.jsonl.gz, test.jsonl and contrast.jsonl deterministically.",
    )
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output directory")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    counts = generate(args.out, args.seed)
    print(json.dumps(counts), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
