"""``python -m bench.scorer cli-rate``: the batch CLI's marginal rate against the model-only rate.

The CLI (``python -m services.scorer score``) is timed on many lines and on a few; the difference
takes loading and compiling out: marginal rate = (many - few) / (time(many) - time(few)). The
same requests then go through ``ServiceBatches`` in this process (the model-only figure of
``python -m bench.scorer``), with the same variant and threads. One fast path everywhere means
the ratio is near 1 (the issue asks for within 10 %).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the service and the CLI set it

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from bench.scorer.machine import available_cores, cpu_line  # noqa: E402
from bench.scorer.variants import DEFAULT_VARIANTS, split_variant  # noqa: E402

if TYPE_CHECKING:
    from bench.scorer.corpus import Example

REPO = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.quick:
        args.lines, args.few, args.warm_up = 400, 100, False
    if not 0 < args.few < args.lines:
        raise SystemExit("--few must be at least 1 and fewer than --lines")
    dtype, compile_choice = split_variant(args.variant)
    print(cpu_line(), flush=True)
    print(f"cli rate: variant {args.variant}, {args.threads} torch threads, "
          f"{available_cores()} cores, load average {os.getloadavg()[0]:.1f} at start",
          flush=True)

    from bench.scorer.corpus import load_examples

    examples = load_examples()
    bodies = [examples[i % len(examples)].body() for i in range(args.lines)]
    cli_args = ["--dtype", dtype, "--compile", compile_choice, "--threads", str(args.threads)]
    with tempfile.TemporaryDirectory(prefix="bench-cli-rate-") as workdir:
        many = _write_jsonl(Path(workdir) / "many.jsonl", bodies)
        few = _write_jsonl(Path(workdir) / "few.jsonl", bodies[:args.few])
        if args.warm_up:  # fills the compile cache on disk, which both timed runs then share
            _time_cli(few, cli_args)
        few_s, many_s = _time_cli(few, cli_args), _time_cli(many, cli_args)
    extra = args.lines - args.few
    cli_rate = extra / (many_s - few_s) if many_s > few_s else float("nan")
    print(f"cli marginal rate: {cli_rate:.1f} msg/s ({args.lines} lines in {many_s:.1f} s, "
          f"{args.few} lines in {few_s:.1f} s)", flush=True)

    model_rate, runs_as = _model_only_rate(args.variant, examples, args)
    print(f"service model-only rate: {model_rate:.1f} msg/s ({extra} messages, {runs_as})")
    print(f"cli marginal / model only = {cli_rate / model_rate:.3f}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.scorer cli-rate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variant", default=DEFAULT_VARIANTS,
                        help="auto (the service's own choice), fp32, bf16, bf16-compiled")
    parser.add_argument("--threads", type=int, default=available_cores())
    parser.add_argument("--lines", type=int, default=2200, help="lines of the long CLI run")
    parser.add_argument("--few", type=int, default=200, help="lines of the short CLI run")
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false",
                        help="skip the untimed first CLI run")
    parser.add_argument("--quick", action="store_true",
                        help="400 vs 100 lines, no warm-up run (a smoke test, rough figures)")
    return parser


def _write_jsonl(path: Path, bodies: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(body) + "\n" for body in bodies), encoding="utf-8")
    return path


def _time_cli(input_path: Path, cli_args: list[str]) -> float:
    """Wall seconds of one ``python -m services.scorer score`` run, start-up included."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    with input_path.open("rb") as stdin:
        completed = subprocess.run(
            [sys.executable, "-m", "services.scorer", "score", "--quiet", *cli_args],
            stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO, env=env,
            check=False)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"the CLI failed: {completed.stderr.decode(errors='replace')[-2000:]}")
    return seconds


def _model_only_rate(variant: str, examples: list[Example],
                     args: argparse.Namespace) -> tuple[float, str]:
    """The marginal lines' requests through the service's batching, in this process."""
    from bench.scorer.loading import how_it_runs, load_variant
    from bench.scorer.model_throughput import service_path_rate

    scorer = load_variant(variant, args.threads)
    requests = [examples[i % len(examples)].request() for i in range(args.few, args.lines)]
    run = service_path_rate(scorer, requests, torch_threads=args.threads)
    return run.rate, how_it_runs(scorer)
