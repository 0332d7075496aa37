"""``python -m bench.scorer.scheduler_only``: the model behind the inference scheduler, no broker.

What the end-to-end run measures minus Kafka and the database: the cost of one model call by
size, the stream rate alone, the stream rate and live latency with live requests arriving, and
live latency when idle. Pin it to the cores it should have (``taskset -c 0,1``) to compare
machines.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the service sets it

import argparse  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from bench.scorer.corpus import load_examples  # noqa: E402
from bench.scorer.end_to_end import percentile  # noqa: E402
from bench.scorer.loading import artifact_dir  # noqa: E402
from bench.scorer.machine import available_cores, cpu_line  # noqa: E402
from services.scorer.inference_scheduler import (  # noqa: E402
    BatchPolicy,
    InferenceScheduler,
    estimate_tokens,
)
from services.scorer.scoring_model import (  # noqa: E402
    BatchScorer,
    ScoreRequest,
    describe_model,
    load_model,
    set_intra_op_threads,
)


def call_costs_ms(scorer: BatchScorer, requests: list[ScoreRequest]) -> dict[int, float]:
    """Median milliseconds per ``score_batch`` call of n requests of about 145 tokens."""
    typical = [r for r in requests if 130 <= estimate_tokens(r) <= 160]
    costs = {}
    for n in (1, 2, 4, 8, 16):
        times = []
        for rep in range(5):
            started = time.perf_counter()
            scorer.score_batch(typical[rep * n:(rep + 1) * n])
            times.append(time.perf_counter() - started)
        costs[n] = statistics.median(times) * 1000
    return costs


def stream_run(scorer: BatchScorer, requests: list[ScoreRequest], policy: BatchPolicy,
               live_interval_s: float | None) -> tuple[float, list[float]]:
    """Stream rate (msg/s) for ``requests``, and live latencies (ms) when live requests run."""
    scheduler = InferenceScheduler(scorer, policy, set_threads=set_intra_op_threads)
    scheduler.start()
    latencies: list[float] = []
    done = threading.Event()

    def probe() -> None:
        index = 0
        while not done.is_set():
            started = time.perf_counter()
            scheduler.submit_live(requests[(index * 7) % len(requests)]).result(60)
            latencies.append((time.perf_counter() - started) * 1000)
            index += 1
            done.wait(live_interval_s or 0)

    prober = threading.Thread(target=probe, daemon=True)
    if live_interval_s is not None:
        prober.start()
    started = time.perf_counter()
    for future in scheduler.submit_stream(requests):
        future.result(600)
    rate = len(requests) / (time.perf_counter() - started)
    done.set()
    if live_interval_s is not None:
        prober.join()
    scheduler.stop()
    return rate, latencies


def idle_latencies(scorer: BatchScorer, requests: list[ScoreRequest], policy: BatchPolicy,
                   count: int = 40) -> list[float]:
    scheduler = InferenceScheduler(scorer, policy, set_threads=set_intra_op_threads)
    scheduler.start()
    latencies = []
    for index in range(count):
        started = time.perf_counter()
        scheduler.submit_live(requests[(index * 7) % len(requests)]).result(60)
        latencies.append((time.perf_counter() - started) * 1000)
    scheduler.stop()
    return latencies[5:]  # the first calls pick oneDNN kernels for new shapes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scorer.scheduler_only",
                                     description=__doc__)
    parser.add_argument("--dtype", default="bf16", choices=("auto", "fp32", "bf16"))
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--threads", type=int, default=available_cores())
    parser.add_argument("--stream", type=int, default=1500, help="stream requests per run")
    parser.add_argument("--live-interval-ms", type=float, default=100.0)
    parser.add_argument("--compile", default="auto", choices=("auto", "on", "off"),
                        help="compile the encoder (auto: bf16 on the CPU), as the service does")
    args = parser.parse_args(argv)

    print(cpu_line(), flush=True)
    # As the service loads it: warmed up for live batches on one thread and stream chunks.
    scorer: BatchScorer = load_model(artifact_dir=artifact_dir(), device=args.device,
                                     dtype=args.dtype, compile=args.compile,
                                     torch_threads=args.threads, team_sizes=(1, args.threads))
    requests = [example.request() for example in load_examples()]
    stream = [requests[i % len(requests)] for i in range(args.stream)]
    scorer.score_batch(requests[:16])
    print(describe_model(scorer, args.threads))
    costs = call_costs_ms(scorer, requests)
    print("ms per call of n ~145-token requests: "
          + ", ".join(f"n={n}: {ms:.1f}" for n, ms in costs.items()))
    policy = BatchPolicy(threads=args.threads)
    alone, _ = stream_run(scorer, stream, policy, None)
    print(f"stream alone: {alone:.0f} msg/s")
    busy_rate, busy = stream_run(scorer, stream, policy, args.live_interval_ms / 1000)
    print(f"stream with a live request every {args.live_interval_ms:.0f} ms: {busy_rate:.0f} "
          f"msg/s; live p50 {percentile(busy, 0.5):.1f} ms, p95 {percentile(busy, 0.95):.1f} ms "
          f"(n={len(busy)})")
    for wait_ms in (policy.max_batch_wait_s * 1000, 0.0):
        idle_policy = BatchPolicy(max_batch_wait_s=wait_ms / 1000, threads=args.threads)
        idle = idle_latencies(scorer, requests, idle_policy)
        print(f"idle live (batch wait {wait_ms:.0f} ms): p50 {percentile(idle, 0.5):.1f} ms, "
              f"p95 {percentile(idle, 0.95):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
