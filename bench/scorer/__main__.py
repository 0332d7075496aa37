"""``python -m bench.scorer``: scorer throughput (model-only and end to end) and live latency.

Needs a running broker, e.g.::

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
from pathlib import Path  # noqa: E402

from bench.scorer.calibration import CALIBRATION_TOKENS, encoder_ms_per_request  # noqa: E402
from bench.scorer.corpus import load_examples  # noqa: E402
from bench.scorer.end_to_end import StreamRun, percentile, run_stream  # noqa: E402
from bench.scorer.model_throughput import ModelRun, run_model  # noqa: E402
from bench.scorer.variants import DEFAULT_VARIANTS  # noqa: E402
from services.scorer.settings import ScorerSettings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    examples = load_examples()
    dtypes = args.dtypes.split(",")
    print(f"scorer benchmark: {args.threads} torch threads, {os.cpu_count()} CPUs, "
          f"dtypes {', '.join(dtypes)}, load average {os.getloadavg()[0]:.1f} at start",
          flush=True)
    print(f"machine speed: one {CALIBRATION_TOKENS}-token request through the eager bf16 encoder "
          f"on one thread takes {encoder_ms_per_request():.1f} ms (compare runs at similar values)",
          flush=True)
    if not args.skip_model:
        runs = [run for dtype in dtypes
                for run in run_model(examples, dtype=dtype, torch_threads=args.threads,
                                     batch_size=args.batch_size, count=args.model_requests)]
        _print_model(runs)
    if not args.skip_stream:
        workdir = Path(tempfile.mkdtemp(prefix="bench-scorer-"))
        streams = [run_stream(bootstrap=args.bootstrap, examples=examples, dtype=dtype,
                              events=args.fp32_events if dtype == "fp32" else args.events,
                              torch_threads=args.threads,
                              live_interval_s=args.live_interval_ms / 1000, workdir=workdir)
                   for dtype in dtypes]
        _print_streams(streams)
        print(f"(scorer logs and databases in {workdir})")
    print(f"load average {os.getloadavg()[0]:.1f} at the end (2 cores: above ~2 means "
          "something else ran)")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.scorer", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:19292")
    parser.add_argument("--dtypes", default=DEFAULT_VARIANTS,
                        help="variants to compare: fp32, bf16 (eager), bf16-compiled")
    parser.add_argument("--threads", type=int, default=ScorerSettings().torch_threads)
    parser.add_argument("--events", type=int, default=3000, help="interaction events (bf16)")
    parser.add_argument("--fp32-events", type=int, default=800, help="events for fp32 (slower)")
    parser.add_argument("--live-interval-ms", type=float, default=100.0,
                        help="pause between live probes while the stream runs")
    parser.add_argument("--model-requests", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--skip-model", action="store_true")
    parser.add_argument("--skip-stream", action="store_true")
    return parser


def _print_model(runs: list[ModelRun]) -> None:
    print("\nmodel only (score_batch, batches of up to --batch-size)")
    print(f"{'variant':<13} {'order':<10} {'requests':>8} {'msg/s':>8} "
          f"{'tokenize':>9} {'inference':>9} {'postproc':>9}")
    for run in runs:
        share = {k: v / run.seconds for k, v in run.stages_s.items()}
        print(f"{run.dtype:<13} {run.order:<10} {run.requests:>8} {run.rate:>8.0f} "
              f"{share['tokenize_s']:>9.0%} {share['inference_s']:>9.0%} "
              f"{share['postprocess_s']:>9.0%}")


def _print_streams(runs: list[StreamRun]) -> None:
    print("\nend to end (produce -> broker -> scorer -> broker ack); msg/s over the first half "
          "of the backlog alone, then over the second half with live probes running")
    print(f"{'variant':<13} {'events':>6} {'scores':>6} {'msg/s':>6} {'w/ live':>7} "
          f"{'live p50':>9} {'live p95':>9} {'n':>4} {'idle p50':>9} {'idle p95':>9}")
    for run in runs:
        print(f"{run.dtype:<13} {run.events:>6} {run.scores:>6} {run.alone_rate:>6.0f} "
              f"{run.with_live_rate:>7.0f} {percentile(run.live_ms_busy, 0.5):>7.1f}ms "
              f"{percentile(run.live_ms_busy, 0.95):>7.1f}ms {len(run.live_ms_busy):>4} "
              f"{percentile(run.live_ms_idle, 0.5):>7.1f}ms "
              f"{percentile(run.live_ms_idle, 0.95):>7.1f}ms")


if __name__ == "__main__":
    sys.exit(main())
