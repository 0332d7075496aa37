"""``python -m bench.scorer``: the scorer's speed, as ratios that mean the same on any machine.

First line: the CPU model and the matrix features found (``cpu: ... | matrix features: ...``).
Then, per variant (default ``auto``: what the service picks on this machine), in the same run:

- **bare encoder**: one forward pass of the scorer's own encoder (same precision, same compiled
  graphs, same stream chunks and threads) over the reply text alone, tokenizing included: the
  floor any scorer pays;
- **model only**: the scorer through the service's stream batching (``ServiceBatches``), no Kafka;
- **end to end**: ``python -m services.scorer`` in its own process, through a real broker;

and the ratios model only / bare encoder and end to end / model only (rates, msg/s).

``python -m bench.scorer cli-rate``: the batch CLI's marginal rate against the model-only rate.

Needs a running broker for the end-to-end part (or ``--skip-stream``), e.g.::

    python -m deploy.kafka.launcher start --background --data-dir /tmp/bench-scorer-kafka \
        --port 19292 --controller-port 19293
    python -m bench.scorer --bootstrap 127.0.0.1:19292
"""

from __future__ import annotations

import os

# As the service does (services/scorer/__main__.py), before torch loads OpenMP.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from bench.scorer.machine import available_cores, cpu_line  # noqa: E402
from bench.scorer.variants import DEFAULT_VARIANTS, split_variant  # noqa: E402

if TYPE_CHECKING:  # the modules themselves load torch: imported when measuring starts
    from bench.scorer.corpus import Example
    from bench.scorer.end_to_end import StreamRun
    from bench.scorer.model_throughput import ModelRun
    from services.scorer.scoring_model import ScoreRequest


@dataclass(frozen=True)
class VariantFigures:
    variant: str
    runs_as: str  # what the variant resolved to here, e.g. "bf16 compiled"
    bare: ModelRun
    model: ModelRun
    stream: StreamRun | None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["cli-rate"]:
        from bench.scorer.cli_rate import main as cli_rate

        return int(cli_rate(argv[1:]))
    args = _parser().parse_args(argv)
    if args.quick:
        args.model_requests, args.events, args.fp32_events, args.rounds = 96, 120, 120, 1
    variants = args.variants.split(",")
    for variant in variants:
        split_variant(variant)  # an unknown name fails now, not after minutes of measuring
    print(cpu_line(), flush=True)  # first, before anything can fail
    quick = " (quick: few messages, rough figures)" if args.quick else ""
    print(f"scorer benchmark{quick}: {args.threads} torch threads, {available_cores()} cores, "
          f"variants {', '.join(variants)}, load average {os.getloadavg()[0]:.1f} at start",
          flush=True)
    return _run(args, variants)


def _run(args: argparse.Namespace, variants: list[str]) -> int:
    from bench.scorer.calibration import CALIBRATION_TOKENS, encoder_ms_per_request
    from bench.scorer.corpus import load_examples

    print(f"machine speed: one {CALIBRATION_TOKENS}-token request through the eager bf16 encoder "
          f"on one thread takes {encoder_ms_per_request():.1f} ms (compare runs at similar values)",
          flush=True)
    examples = load_examples()
    requests = [examples[i % len(examples)].request() for i in range(args.model_requests)]
    measured = [_model_figures(variant, requests, args) for variant in variants]
    _print_model(measured)
    if not args.skip_stream:
        workdir = Path(tempfile.mkdtemp(prefix="bench-scorer-"))
        measured = [_with_stream(figures, examples, args, workdir) for figures in measured]
        _print_streams(measured)
        print(f"(scorer logs and databases in {workdir})")
    _print_ratios(measured)
    print(f"load average {os.getloadavg()[0]:.1f} at the end (above the core count means "
          "something else ran)")
    return 0


def _model_figures(variant: str, requests: list[ScoreRequest],
                   args: argparse.Namespace) -> VariantFigures:
    """Bare encoder and model only, alternated ``rounds`` times; the best of each is kept (the
    run least disturbed by whatever else the machine did)."""
    from bench.scorer.bare_encoder import BareEncoder
    from bench.scorer.loading import how_it_runs, load_variant
    from bench.scorer.model_throughput import service_path_rate

    scorer = load_variant(variant, args.threads)
    bare_runs, model_runs = [], []
    for _ in range(args.rounds):
        bare_runs.append(service_path_rate(BareEncoder(scorer), requests,
                                           torch_threads=args.threads))
        model_runs.append(service_path_rate(scorer, requests, torch_threads=args.threads))
    return VariantFigures(variant, how_it_runs(scorer),
                          max(bare_runs, key=lambda run: run.rate),
                          max(model_runs, key=lambda run: run.rate), None)


def _with_stream(figures: VariantFigures, examples: list[Example], args: argparse.Namespace,
                 workdir: Path) -> VariantFigures:
    from dataclasses import replace

    from bench.scorer.end_to_end import run_stream

    dtype, _ = split_variant(figures.variant)
    stream = run_stream(bootstrap=args.bootstrap, examples=examples, dtype=figures.variant,
                        events=args.fp32_events if dtype == "fp32" else args.events,
                        torch_threads=args.threads,
                        live_interval_s=args.live_interval_ms / 1000, workdir=workdir)
    return replace(figures, stream=stream)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.scorer", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:19292")
    parser.add_argument("--variants", "--dtypes", default=DEFAULT_VARIANTS,
                        help="comma-separated: auto (the service's own choice), fp32, bf16 "
                             "(eager), bf16-compiled")
    parser.add_argument("--threads", type=int, default=available_cores(),
                        help="torch threads, bench and scorer process alike (default: cores)")
    parser.add_argument("--events", type=int, default=3000, help="interaction events end to end")
    parser.add_argument("--fp32-events", type=int, default=800, help="events for fp32 (slower)")
    parser.add_argument("--live-interval-ms", type=float, default=100.0,
                        help="pause between live probes while the stream runs")
    parser.add_argument("--model-requests", type=int, default=1100,
                        help="messages for the bare-encoder and model-only runs")
    parser.add_argument("--rounds", type=int, default=2,
                        help="bare encoder and model only alternated this many times; best kept")
    parser.add_argument("--skip-stream", action="store_true", help="no end-to-end run")
    parser.add_argument("--quick", action="store_true",
                        help="few messages (a smoke test: shape of the output, not figures)")
    return parser


def _print_model(figures: list[VariantFigures]) -> None:
    print("\nbare encoder (reply alone, tokenizing included) and model only (the scorer), both "
          "through the service's stream batching, no Kafka; msg/s and the model's time per stage")
    print(f"{'variant':<14} {'runs as':<14} {'requests':>8} {'bare msg/s':>10} {'model msg/s':>11} "
          f"{'tokenize':>9} {'inference':>9} {'postproc':>9}")
    for row in figures:
        bare, model = row.bare, row.model
        print(f"{row.variant:<14} {row.runs_as:<14} {model.requests:>8} {bare.rate:>10.0f} "
              f"{model.rate:>11.0f} {model.share('tokenize_s'):>9.0%} "
              f"{model.share('inference_s'):>9.0%} {model.share('postprocess_s'):>9.0%}")


def _print_streams(figures: list[VariantFigures]) -> None:
    from bench.scorer.end_to_end import percentile

    print("\nend to end (produce -> broker -> scorer -> broker ack); msg/s over the first half "
          "of the backlog alone, then over the second half with live probes running")
    print(f"{'variant':<14} {'events':>6} {'scores':>6} {'msg/s':>6} {'w/ live':>7} "
          f"{'live p50':>9} {'live p95':>9} {'n':>4} {'idle p50':>9} {'idle p95':>9}")
    for row in figures:
        run = row.stream
        if run is None:
            continue
        print(f"{row.variant:<14} {run.events:>6} {run.scores:>6} {run.alone_rate:>6.0f} "
              f"{run.with_live_rate:>7.0f} {percentile(run.live_ms_busy, 0.5):>7.1f}ms "
              f"{percentile(run.live_ms_busy, 0.95):>7.1f}ms {len(run.live_ms_busy):>4} "
              f"{percentile(run.live_ms_idle, 0.5):>7.1f}ms "
              f"{percentile(run.live_ms_idle, 0.95):>7.1f}ms")


def _print_ratios(figures: list[VariantFigures]) -> None:
    """One line per variant; the issue's targets: model only >= 1.0x the bare encoder, end to
    end >= 0.9x model only."""
    print()
    for row in figures:
        bare, model = row.bare, row.model
        if row.stream is not None:
            end_to_end = f"{row.stream.alone_rate / model.rate:.3f}"
        else:
            end_to_end = "n/a (--skip-stream)"
        print(f"ratios {row.variant} ({row.runs_as}): model only / bare encoder = "
              f"{model.rate / bare.rate:.3f}, end to end / model only = {end_to_end}")


if __name__ == "__main__":
    sys.exit(main())
