"""``python -m bench.scorer.padding_probe``: how far pleasantries alone move the scores.

`tests/scorer/test_anti_gaming.py` pads 60 held-out replies with one pair of unseen pleasantries
and fails if any score gains more than 0.05. This probe asks the wider question the test samples:
the same filler and a second unseen pair, on more held-out replies, printing how many scores gain
more than the test's tolerance, the largest gains and the mean change. Neither pair appears in
the training data (checked here, as the test's pair is in tests/scorer/test_dataset.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lab.scorer.comparison import score_gains
from lab.scorer.dataset import DATA_DIR, LabelledExample, load_examples
from services.scorer.data.fragments.reply import FILLER, TRAINING_FILLER
from services.scorer.model import EmpathyScorer, ScoreRequest
from tests.scorer.test_anti_gaming import TOLERANCE, UNSEEN_FILLER_HEAD, UNSEEN_FILLER_TAIL

# Written for this probe: warmer than the test's pair, and its tail invites the customer back,
# which is close kin to offering a next step.
SECOND_HEAD = (
    "Thanks so much for reaching out to our support team. Your satisfaction means everything to us."
)
SECOND_TAIL = (
    "We truly value you as a member of our community. Wishing you a wonderful day ahead, and "
    "please don't hesitate to get in touch if there is anything else at all."
)
FILLER_PAIRS = {
    "test's pair": (UNSEEN_FILLER_HEAD, UNSEEN_FILLER_TAIL),
    "second pair": (SECOND_HEAD, SECOND_TAIL),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--replies", type=int, nargs="+", default=[60, 240],
                        help="held-out sample sizes, spread evenly over test.jsonl (60 = the test)")
    parser.add_argument("--artifact-dir", type=Path, default=None)
    parser.add_argument("--show", type=int, default=3, help="largest gains to print per run")
    args = parser.parse_args(argv)
    _refuse_filler_seen_in_training()
    scorer = EmpathyScorer.load(args.artifact_dir)
    held_out = load_examples(DATA_DIR / "test.jsonl")
    print(f"model {scorer.model_version}; a gain counts above {TOLERANCE}", flush=True)
    for size in args.replies:
        sample = held_out[:: max(1, len(held_out) // size)][:size]
        plain = scorer.score_batch([e.request for e in sample])
        for name, (head, tail) in FILLER_PAIRS.items():
            padded = scorer.score_batch([_padded(e, head, tail) for e in sample])
            gains = score_gains(plain, padded)
            over = sum(gain > TOLERANCE for gain, _, _ in gains)
            mean = sum(gain for gain, _, _ in gains) / len(gains)
            print(f"{len(sample)} replies, {name}: {over} of {len(gains)} scores gain more than "
                  f"{TOLERANCE}; mean change {mean:+.3f}", flush=True)
            for gain, what, index in gains[: args.show]:
                print(f"  {gain:+.3f} {what} ({sample[index].request.channel} reply "
                      f"{sample[index].id})", flush=True)
    return 0


def _padded(example: LabelledExample, head: str, tail: str) -> ScoreRequest:
    request = example.request
    return ScoreRequest(request.channel, request.customer, f"{head} {request.reply} {tail}",
                        request.history)


def _refuse_filler_seen_in_training() -> None:
    known = " ".join(FILLER + TRAINING_FILLER).lower()
    for head, tail in FILLER_PAIRS.values():
        for sentence in f"{head} {tail}".split(". "):
            if sentence.lower().rstrip(".") in known:
                raise SystemExit(f"probe filler is in the training pool: {sentence!r}")


if __name__ == "__main__":
    sys.exit(main())
