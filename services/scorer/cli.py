"""``python -m services.scorer {train,evaluate,score}``: the scorer's offline commands.

- ``train``    reproduce the committed heads from the repo's data (fixed seed), then evaluate them
               on the held-out split and record the figures in the artifact manifest.
- ``evaluate`` print the held-out evaluation table: model vs. length and lexicon baselines.
- ``score``    JSONL in on stdin, JSONL out on stdout, same order; a bad line gets an error object.

All three load the model as the service does (``services.scorer.scoring_model.load_model``: the
same precision and compile choice), and ``score`` batches as the service's stream does
(``services.scorer.service_batches``): so the CLI scores exactly as fast, and the same, as the
service's model.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

# Lines read before scoring: the service sorts each poll (up to 500 records) by length so that
# its chunks pad little; a window of this size gives the CLI the same benefit.
DEFAULT_WINDOW = 1024
SPLITS = ("test", "validation", "generated")
# Spelled out here rather than imported so `--help` does not wait for torch to load.
DATA_DIR = Path(__file__).resolve().parent / "data"
ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"


def main(argv: list[str]) -> int:
    # As the service does before torch loads OpenMP (services/scorer/__main__.py says why), so
    # the model runs here as it runs there.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args))
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.scorer",
        description="Rapport empathy scorer: train, evaluate, or score JSONL replies.",
    )
    commands = parser.add_subparsers(dest="command", metavar="{train,evaluate,score}")

    train = commands.add_parser("train", help="reproduce the model from the repo's data")
    train.add_argument("--epochs", type=int, default=None,
                       help="override the epochs of stage one (heads on frozen features)")
    train.add_argument("--finetune-epochs", type=int, default=None,
                       help="override the epochs of stage two (top layer); 0 skips it")
    train.add_argument("--seed", type=int, default=None, help="override the fixed seed")
    train.add_argument("--ensemble-size", type=_positive_int, default=None,
                       help="override how many head sets (seeds seed, seed+1, ...) to train and "
                       "average when scoring")
    train.add_argument("--encoder-layers", type=_encoder_layer_count, default=None, metavar="N",
                       help="keep only the base encoder's first N of its 6 layers (the last "
                            "one kept is fine-tuned); default 3, as the committed model")
    train.add_argument("--no-evaluate", action="store_true",
                       help="skip the validation-split evaluation after training")
    train.add_argument("--human-labels", type=Path, action="append", default=[],
                       metavar="FILE",
                       help="JSONL of human ratings (blind annotations, calibration circles, "
                            "disputes; see lab/scorer/human_labels.py) added to the training "
                            "data; repeatable")
    _add_paths(train)
    _add_runtime(train)
    train.set_defaults(handler=_train)

    evaluate = commands.add_parser("evaluate", help="held-out metrics vs. both baselines")
    evaluate.add_argument(
        "--split", choices=SPLITS, default="test",
        help="test: the independent free-written test set and its contrast pairs (written by "
             "authors who never saw the training data; look at it rarely); validation: the "
             "part of the written training data held out for choosing settings, with the "
             "generator's held-out contrast pairs; generated: the template generator's held-out "
             "split (the figures of earlier models)")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument("--compare-dtypes", action="store_true",
                          help="also score the test split in fp32 and bf16 and print the gap")
    _add_paths(evaluate)
    _add_runtime(evaluate)
    evaluate.set_defaults(handler=_evaluate)

    score = commands.add_parser(
        "score",
        help="score JSONL from stdin",
        description="Reads one JSON object per line on stdin ({channel, customer, reply, "
                    "history?}) and writes one result object per line on stdout, in order. A "
                    'line that cannot be scored yields {"error": reason, "line": N}. Lines are '
                    "read in windows, each sorted by length and cut into the service's stream "
                    f"chunks (up to {_stream_chunk()}), so the CLI runs as fast per message as "
                    "the service's model.",
    )
    score.add_argument("--window", type=_positive_int, default=DEFAULT_WINDOW,
                       help=f"lines read, sorted by length and scored before their results are "
                            f"written (default {DEFAULT_WINDOW})")
    score.add_argument("--artifact-dir", type=Path, default=None,
                       help="trained heads (default: the committed artifact)")
    _add_runtime(score)
    score.set_defaults(handler=_score)
    return parser


def _stream_chunk() -> str:
    from services.scorer.settings import ScorerSettings  # pydantic only: --help stays quick

    fields = ScorerSettings.model_fields
    return (f"{fields['stream_batch_size'].default} messages, "
            f"{fields['stream_batch_tokens'].default} tokens")


def _encoder_layer_count(text: str) -> int:
    """Checked while parsing, so a wrong count fails at once, not after the corpus is loaded."""
    from services.scorer.model.encoder import BASE_LAYERS

    value = int(text)
    if not 1 <= value <= BASE_LAYERS:
        raise argparse.ArgumentTypeError(
            f"must be between 1 and {BASE_LAYERS} (the base encoder's layers), not {value}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="train/test/contrast JSONL")
    parser.add_argument("--artifact-dir", type=Path, default=ARTIFACT_DIR, help="heads + manifest")


def _add_runtime(parser: argparse.ArgumentParser) -> None:
    """The service's RAPPORT_SCORER_DEVICE, _DTYPE, _COMPILE and _TORCH_THREADS, same defaults."""
    parser.add_argument("--device", choices=("cpu", "cuda"), default=None,
                        help="default: cuda if available, else cpu")
    parser.add_argument("--dtype", choices=("auto", "fp32", "bf16"), default="auto",
                        help="encoder precision. auto (the default, as the service) picks bf16 "
                             "on a CPU with AMX (amx_bf16 in /proc/cpuinfo) and fp32 everywhere "
                             "else, CUDA included (bf16 gained no speed there and moved scores "
                             "more). The choice is printed on stderr at start")
    parser.add_argument("--compile", choices=("auto", "on", "off"), default="auto",
                        help="compile the encoder with TorchInductor before scoring. auto (the "
                             "default, as the service) compiles bf16 on the CPU only; compiling "
                             "takes 15-40 s at start on two cores, less with a warm cache. "
                             "Falls back to the eager encoder, with a warning, if it fails")
    parser.add_argument("--threads", type=_positive_int, default=_available_cores(),
                        help="torch threads (default: the cores this process may use, "
                             f"here {_available_cores()})")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def _available_cores() -> int:
    # The cores this process may run on (a container's cpuset), as the service counts them.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _load(args: argparse.Namespace, dtype: str | None = None) -> Any:
    """The model as the service loads it, from the command line's choices; says what it loaded."""
    from services.scorer.scoring_model import describe_model, load_model

    scorer = load_model(artifact_dir=args.artifact_dir, device=args.device,
                        dtype=dtype or args.dtype, compile=args.compile,
                        torch_threads=args.threads)
    print(f"{describe_model(scorer, args.threads)} (asked: dtype {dtype or args.dtype}, "
          f"compile {args.compile})", file=sys.stderr)
    return scorer


def _train(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from lab.scorer.training import TrainConfig, train

    config = TrainConfig()
    if args.epochs is not None:
        config = replace(config, epochs=args.epochs)
    if args.finetune_epochs is not None:
        config = replace(config, finetune_epochs=args.finetune_epochs)
    if args.seed is not None:
        config = replace(config, seed=args.seed)
    if args.ensemble_size is not None:
        config = replace(config, ensemble_size=args.ensemble_size)
    if args.encoder_layers is not None:
        config = replace(config, encoder_layers=args.encoder_layers)
    started = time.perf_counter()
    for path in args.human_labels:
        if not path.is_file():
            raise FileNotFoundError(f"--human-labels {path}: no such file")
    summary = train(config, args.data_dir, args.artifact_dir, not args.quiet, args.device,
                    args.human_labels)
    print(f"trained {summary.model_version} on {summary.examples} examples: encode "
          f"{summary.encode_s:.0f}s, heads {summary.fit_s:.0f}s, top layer "
          f"{summary.finetune_s:.0f}s", file=sys.stderr)
    if not args.no_evaluate:
        # Training reports on the validation split: the independent test set is looked at
        # only by an explicit `evaluate`, so that choosing settings never sees it.
        args.split = "validation"
        report = _run_evaluation(args, _load(args))
        _record_metrics(args.artifact_dir, report)
        print(_format(report, args.split))
    print(f"train wall time: {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    scorer = _load(args)
    report = _run_evaluation(args, scorer)
    if args.json:
        print(json.dumps(_report_json(report), indent=2))
    else:
        print(_format(report, args.split))
        if args.split == "test":
            _print_agreement(args, scorer)
    if args.compare_dtypes:
        _print_dtype_gap(args)
    return 0


def _run_evaluation(args: argparse.Namespace, scorer: Any) -> Any:
    from lab.scorer.evaluation import evaluate
    from lab.scorer.written import evaluation_split

    split = evaluation_split(args.split, args.data_dir)
    print(f"evaluating {scorer.model_version} ({scorer.device_name}, {scorer.dtype_name}) on "
          f"{split.description}", file=sys.stderr)
    return evaluate(scorer.score_batch, scorer.model_version, split.baseline_train, split.test,
                    split.contrast, progress=not args.quiet)


def _print_agreement(args: argparse.Namespace, scorer: Any) -> None:
    """The model against the blind annotators of the test set (``lab.scorer.agreement``)."""
    from lab.scorer.agreement import agreement, format_agreement, load_annotated
    from lab.scorer.written import written_files

    replies = load_annotated(written_files("annotations", args.data_dir))
    if not replies:
        print("\n(no annotated replies: no human agreement to report)")
        return
    results = scorer.score_batch([reply.request for reply in replies])
    annotators = sorted({name for reply in replies for name in reply.by_annotator})
    print(f"\nHuman agreement: {len(replies)} test replies labelled blind by two annotators "
          f"each ({', '.join(annotators)}); Krippendorff's alpha (interval):\n")
    print(format_agreement(agreement(replies, results)))


def _format(report: Any, split: str = "test") -> str:
    from lab.scorer.report import format_report
    from lab.scorer.written import SPLIT_TITLES

    return str(format_report(report, SPLIT_TITLES[split]))


def _report_json(report: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return dict(asdict(report))


def _record_metrics(artifact_dir: Path, report: Any) -> None:
    from services.scorer.model.artifact import MANIFEST_FILE, write_manifest

    manifest = json.loads((artifact_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    manifest["metrics"] = {
        "test_examples": report.test_n,
        "contrast_pairs": report.pairs_n,
        "beats_both_baselines": report.beats_baselines(),
        "dimensions": {
            dim: {"spearman": _rounded(m.spearman), "pair_accuracy": _rounded(m.pairs),
                  "applicability_accuracy": _rounded(m.applicability)}
            for dim, m in report.dimensions.items()
        },
        "signals": {k: round(v, 4) for k, v in report.signals.items()},
    }
    write_manifest(artifact_dir, manifest)


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in values.items()}


def _print_dtype_gap(args: argparse.Namespace) -> None:
    from lab.scorer.comparison import applicability_disagreements, max_abs_score_diff
    from lab.scorer.written import evaluation_split

    requests = [e.request for e in evaluation_split(args.split, args.data_dir).test]
    runs = {}
    for dtype in ("fp32", "bf16"):
        scorer = _load(args, dtype)
        started = time.perf_counter()
        runs[dtype] = scorer.score_batch(requests)
        rate = len(requests) / (time.perf_counter() - started)
        print(f"{dtype}: {rate:.0f} messages/s over the test split", file=sys.stderr)
    gap = max_abs_score_diff(runs["fp32"], runs["bf16"])
    flips = applicability_disagreements(runs["fp32"], runs["bf16"])
    print(f"fp32 vs bf16: max |score diff| = {gap:.4f}, applicability flips = {flips}")


def _score(args: argparse.Namespace) -> int:
    from services.scorer.service_batches import ServiceBatches

    scorer = _load(args)
    count = 0
    with ServiceBatches(scorer, args.threads) as batches:
        for output in score_lines(batches, sys.stdin, args.window):
            _write(sys.stdout, output)
            count += 1
    if not args.quiet:
        print(f"scored {count} lines with {scorer.model_version}", file=sys.stderr)
    return 0


def score_lines(batches: Any, lines: Iterable[str], window: int) -> Iterator[dict[str, Any]]:
    """One output object per input line, in input order. Valid lines go to ``batches``
    (``ServiceBatches``) a window at a time, which scores them shortest first."""
    from services.scorer.model.jsonl import parse_request_line

    numbered = enumerate(lines, start=1)
    while chunk := list(islice(numbered, window)):
        parsed: list[tuple[int, Any]] = []  # (line number, request or error message)
        for number, line in chunk:
            try:
                parsed.append((number, parse_request_line(line)))
            except ValueError as error:
                parsed.append((number, str(error)))
        futures = iter(batches.submit([item for _, item in parsed if not isinstance(item, str)]))
        for number, item in parsed:
            if isinstance(item, str):
                yield {"error": item, "line": number}
                continue
            future = next(futures)
            failure = future.exception()  # waits; the scheduler retried the line alone
            if failure is not None:
                yield {"error": f"scoring failed: {failure}", "line": number}
            else:
                yield future.result().to_dict()


def _write(stream: TextIO, payload: dict[str, Any]) -> None:
    stream.write(json.dumps(payload, ensure_ascii=False) + "\n")
    stream.flush()
