"""Ingest throughput and latency against a real broker with acks=all.

    python -m deploy.kafka.launcher start --background --data-dir /tmp/bench-kafka \\
        --port 19092 --controller-port 19093
    python -m bench.ingest [--workers 2] [--duration-s 20] [--rates 100,500]
    python -m deploy.kafka.launcher stop --data-dir /tmp/bench-kafka

Starts the ingest service with uvicorn (``--workers``) on a fresh SQLite ledger and its own
topics, then: (1) open-loop fixed rates (default 100 and 500 signed webhooks/s) from this
process, reporting p50/p99 measured from each request's scheduled time; (2) a saturating run
with ``wrk`` (every request a distinct, signed delivery), reporting requests/s and the events
the broker acknowledged per second (end offsets), i.e. webhooks sustained with acks=all.
``--profile FILE`` runs one worker under pyinstrument (``pip install pyinstrument``) and writes
its text report to FILE. Every run prints the machine's load average at its start and end, and
the CPU ``wrk`` itself took: on a shared 2-core machine the requests/s mean little without them.

Where the CPU per webhook went (one worker under ``wrk -c32``, per-thread CPU from ``/proc``,
py-spy samples for the split; 828-byte generic deliveries, one with an e-mail address to redact):

- Before: 647 us (event-loop thread 451, ledger writer 133, producer I/O 62; broker 53).
  After: 414 us (loop 314, writer 53, producer I/O 48; broker 33), measured back to back at a
  load average of ~4 (model training beside it); with 2 workers 691 -> 411 us.
- Before, on the loop thread: the Starlette/FastAPI stack ~35 us, redaction ~55 us (eight
  regular-expression scans per text), parsing ~45 us (a third of it ``html.parser``), the
  producer's ``send`` ~45 us (a wake-up of its I/O thread per record); uvloop/httptools the
  rest. On the writer thread the multi-row ``INSERT ... VALUES`` was compiled anew per batch
  (88 us per claim at 32 per batch) and claims and marks alternating in a batch ran one
  statement each.
- What changed: redaction skips a detector whose necessary digits or ``@`` are absent (same
  result, checked against the old code on 600k random texts); the ledger claim is one cached
  statement executed with the rows (insertmanyvalues), a batch runs marks, releases, claims as
  three statements on a kept connection, and settles its callers with one wake-up per loop;
  ``POST /webhooks/{provider}`` goes straight from the metrics middleware to its endpoint
  (``WebhookFastPath``); producer acks come back through one coalescing inbox, and the sends of
  one loop turn are made together so records share producer batches (fewer I/O-thread
  wake-ups); metric children are cached.
- Not done, and why: moving ``producer.send`` to its own thread - under the GIL it cannot run
  beside the loop, so it would only add a hand-off per record; ``orjson`` - not a dependency,
  and pydantic already serialises the event in Rust; the producer's ``linger_ms`` (2 ms, in
  ``shared/kafka/producer.py``) - a longer linger would fill producer batches further.
- ``--workers 2`` is the bench's way to use both cores, not production's (``python -m
  services.ingest``, one process per pod): each uvicorn worker has its own Prometheus registry,
  so ``/metrics`` would answer with whichever worker took the scrape (counters jumping between
  processes) unless ``prometheus_client``'s multiprocess mode were set up.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from bench.ingest.cpu import children_cpu_seconds, cpu_seconds, tree_cpu_seconds
from bench.ingest.loadgen import SECRET, RunResult, fixed_rate, signed_deliveries
from services.ingest.app import MIGRATIONS
from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations
from shared.events import INTERACTIONS
from shared.kafka.admin import broker_reachable, ensure_topics

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:19092")
    parser.add_argument("--port", type=int, default=18001)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration-s", type=float, default=20.0)
    parser.add_argument("--rates", default="100,500", help="fixed rates for the latency runs")
    parser.add_argument("--connections", type=int, default=64, help="for the saturating run")
    parser.add_argument("--max-rate", type=int, default=4000,
                        help="distinct deliveries prepared per second of the saturating run")
    parser.add_argument("--profile", type=Path, help="pyinstrument report of one worker")
    return parser.parse_args(argv)


def _server(args: argparse.Namespace, prefix: str, database_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ,
           "RAPPORT_INGEST_KAFKA__BOOTSTRAP_SERVERS": args.bootstrap,
           "RAPPORT_INGEST_KAFKA__TOPIC_PREFIX": prefix,
           "RAPPORT_INGEST_DATABASE__URL": database_url,
           "RAPPORT_WEBHOOK_SECRET_GENERIC": SECRET,
           # Measured as deployed: the production environment, which wants a real key.
           "RAPPORT_INGEST_PSEUDONYM_KEY": secrets.token_hex(16),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    uvicorn = ["-m", "uvicorn", "services.ingest.app:create_app", "--factory", "--host",
               "127.0.0.1", "--port", str(args.port), "--no-access-log", "--log-level",
               "warning"]
    if args.profile:
        command = [sys.executable, "-m", "pyinstrument", "--renderer", "text", "--show-all", "-o",
                   str(args.profile), *uvicorn]
    else:
        command = [sys.executable, *uvicorn, "--workers", str(args.workers)]
    return subprocess.Popen(command, env=env, cwd=REPO, start_new_session=True)


def _wait_ready(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the ingest service exited during start-up")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)  # polling another process's readiness; nothing to block on
    raise SystemExit("the ingest service did not become ready in 90 s")


def _published(bootstrap: str, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def _latency_runs(args: argparse.Namespace, prepared: list[bytes]) -> list[tuple[int, RunResult]]:
    results = []
    cursor = 0
    for rate in (int(r) for r in args.rates.split(",") if r):
        count = int(rate * args.duration_s)
        batch, cursor = prepared[cursor:cursor + count], cursor + count
        result = asyncio.run(fixed_rate("127.0.0.1", args.port, batch, rate=rate,
                                        connections=max(8, rate // 20)))
        results.append((rate, result))
        print(f"fixed {rate:>5}/s: {len(batch)} sent in {result.elapsed_s:.1f}s, "
              f"p50 {result.percentile_ms(0.5):.1f} ms, p99 {result.percentile_ms(0.99):.1f} ms, "
              f"max {result.percentile_ms(1.0):.0f} ms, statuses {dict(result.statuses)}",
              flush=True)
    return results


def _load() -> str:
    """Figures from a shared machine mean little without what else ran on it."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def _broker_pid(bootstrap: str) -> int | None:
    """The launcher's broker, when the bench uses the one from the documented command."""
    pid_file = Path(os.environ.get("BENCH_KAFKA_DATA_DIR", "/tmp/bench-kafka")) / "kafka.pid"
    return int(pid_file.read_text()) if pid_file.exists() else None


def _saturate(args: argparse.Namespace, lines: list[str], topic: str, server_pid: int) -> None:
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): skipping the saturating run")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as requests_file:
        requests_file.write("\n".join(lines) + "\n")
    before = _published(args.bootstrap, topic)
    broker_pid = _broker_pid(args.bootstrap)
    cpu_before = (tree_cpu_seconds(server_pid), cpu_seconds(broker_pid) if broker_pid else 0.0)
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{int(args.duration_s)}s", "--latency",
               "-s", str(HERE / "requests.lua"), f"http://127.0.0.1:{args.port}", "--",
               requests_file.name, "2"]
    started = time.monotonic()
    wrk_before = children_cpu_seconds()
    output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    wrk_cpu = children_cpu_seconds() - wrk_before
    elapsed = time.monotonic() - started
    published = _published(args.bootstrap, topic) - before
    ingest_cpu = tree_cpu_seconds(server_pid) - cpu_before[0]
    broker_cpu = (cpu_seconds(broker_pid) - cpu_before[1]) if broker_pid else float("nan")
    os.unlink(requests_file.name)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    percentiles = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", output))
    print(f"saturating ({args.connections} connections, {int(args.duration_s)}s): "
          f"{rate.group(1) if rate else '?'} req/s, p50 {percentiles.get('50', '?')}, "
          f"p99 {percentiles.get('99', '?')}, non-2xx {non_2xx.group(1) if non_2xx else 0}; "
          f"{published} events acknowledged by the broker = {published / elapsed:.0f} "
          "webhooks/s sustained (acks=all)", flush=True)
    if published:
        per_ingest = ingest_cpu / published * 1000
        wrk_note = f"wrk not counted; it took {wrk_cpu / published * 1000:.2f} ms"
        if broker_pid is None:  # a broker this bench did not find (another data dir or host)
            print(f"CPU per webhook: ingest {per_ingest:.2f} ms, broker not measured ({wrk_note})",
                  flush=True)
        else:
            per_broker = broker_cpu / published * 1000
            print(f"CPU per webhook: ingest {per_ingest:.2f} ms, broker {per_broker:.2f} ms "
                  f"({wrk_note}) -> 2 dedicated cores would sustain about "
                  f"{2000 / (per_ingest + per_broker):.0f} webhooks/s", flush=True)
    if len(lines) < published:
        print("warning: deliveries were re-sent (prepare more with --max-rate)")


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if not broker_reachable(args.bootstrap):
        print(f"no broker at {args.bootstrap}; start one with:\n  python -m deploy.kafka.launcher "
              "start --background --data-dir /tmp/bench-kafka --port 19092 --controller-port "
              "19093", file=sys.stderr)
        return 2
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    ensure_topics(args.bootstrap, partitions=6, topic_prefix=prefix)
    workdir = Path(tempfile.mkdtemp(prefix="rapport-bench-ingest-"))
    database_url = f"sqlite:///{workdir / 'ledger.db'}"
    # Migrate once, before the workers start, so they do not race to create the tables.
    apply_migrations(create_db_engine(database_url), MIGRATIONS,
                     version_table="alembic_version_ingest")
    rates = [int(r) for r in args.rates.split(",") if r]
    latency_count = int(sum(rates) * args.duration_s)
    saturate_count = int(args.max_rate * args.duration_s)
    print(f"preparing {latency_count + saturate_count} signed deliveries...", flush=True)
    deliveries = signed_deliveries(latency_count + saturate_count)
    host = f"127.0.0.1:{args.port}"
    server = _server(args, prefix, database_url)
    try:
        _wait_ready(args.port, server)
        workers = 1 if args.profile else args.workers
        print(f"ingest: uvicorn, {workers} worker(s), {os.cpu_count()} CPUs; broker "
              f"{args.bootstrap}; {len(deliveries[0].body)}-byte generic deliveries; "
              f"{_load()}", flush=True)
        _latency_runs(args, [d.http_request(host) for d in deliveries[:latency_count]])
        _saturate(args, [d.wrk_line() for d in deliveries[latency_count:]],
                  f"{prefix}{INTERACTIONS}", server.pid)
        print(f"done; {_load()}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGINT)  # graceful: pyinstrument writes its report
        server.wait(60)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0
