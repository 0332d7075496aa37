"""One inference thread for the whole process, serving two queues: live first, then stream.

The model is fastest when one caller feeds it batches of similar length, and a practice reply
must not wait behind a stream backlog. So every model call goes through this scheduler:

- **live** requests (HTTP) jump ahead of stream work. A live request that finds the worker idle
  waits up to ``max_batch_wait_s`` for other live requests to share its batch (dynamic batching),
  but never while stream work is waiting: then the worker would idle for nothing.
- **stream** work arrives a poll at a time, sorted by length so that each chunk pads little, and
  is cut into chunks capped by count and by estimated tokens (a chunk of 1024 tokens takes
  ~30 ms on two AMX cores).
- a live request that arrives while a stream chunk runs does not wait for the chunk: the model
  pauses between encoder layers and between results (``services/scorer/model/layered.py``), and
  at each pause this thread scores the waiting live requests, then resumes the chunk. So a live
  request waits for at most one layer of stream work (a few milliseconds), and the stream keeps
  its big, efficient chunks while practice is on.

A failing batch is retried one request at a time, so one poisonous request fails alone. A job
whose future was cancelled while it queued (a live request that timed out) is dropped when its
batch starts. Nothing a batch does can end the thread; if it ever stops anyway, ``alive`` turns
false and the service's ``/healthz`` fails, so the orchestrator restarts the process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from services.scorer import metrics
from services.scorer.metrics import Queue
from services.scorer.scoring_model import BatchScorer, Pause, ScoreRequest, ScoreResult

log = logging.getLogger(__name__)

MAX_SEQUENCE_TOKENS = 320  # the model truncates the customer side beyond this
# WordPiece on English support text averages a little over four characters per token.
_CHARS_PER_TOKEN = 4


class SchedulerStopped(RuntimeError):
    """The scheduler is stopping; the request was not (and will not be) scored."""


class LiveQueueFull(RuntimeError):
    """Too many live requests waiting; refuse new ones instead of answering them all late."""


def estimate_tokens(request: ScoreRequest) -> int:
    """Cheap token estimate for batching decisions, before the real tokenizer runs."""
    chars = len(request.reply) + len(request.customer) + sum(len(t.text) for t in request.history)
    return min(MAX_SEQUENCE_TOKENS, 3 + chars // _CHARS_PER_TOKEN)


@dataclass(frozen=True)
class BatchPolicy:
    max_batch_size: int = 64
    max_batch_wait_s: float = 0.002
    stream_batch_size: int = 64
    stream_batch_tokens: int = 1024
    max_live_queue: int = 256
    # torch's intra-op threads for a live batch: one up to this many tokens, else ``threads``
    # (stream chunks always get ``threads``). Off the main thread, every parallel region wakes
    # the pool's other thread: one 160-token request took 13 ms on one thread and 20 ms on two
    # (16 and 23 ms in a pause of a stream chunk), break-even near 4 requests, 32 requests 1.5x
    # faster on two.
    single_thread_tokens: int = 512
    threads: int = 1


@dataclass
class Job:
    request: ScoreRequest
    tokens: int
    enqueued_at: float
    future: Future[ScoreResult] = field(default_factory=Future)


@dataclass(frozen=True)
class Batch:
    queue: Queue
    jobs: list[Job]

    @property
    def tokens(self) -> int:
        return sum(job.tokens for job in self.jobs)


class InferenceScheduler:
    def __init__(
        self,
        scorer: BatchScorer,
        policy: BatchPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        set_threads: Callable[[int], None] | None = None,
    ) -> None:
        self._scorer = scorer
        self.policy = policy or BatchPolicy()
        self._clock = clock
        self._set_threads = set_threads
        self._threads_now: int | None = None
        self._live: deque[Job] = deque()
        self._stream: deque[Job] = deque()
        self._changed = threading.Condition()
        self._stopping = False
        # Set while no live request is queued or being scored (see ``yield_to_live``).
        self._live_in_flight = 0
        self._no_live_work = threading.Event()
        self._no_live_work.set()
        self._thread = threading.Thread(target=self._run, name="inference", daemon=True)

    # -- submitting --------------------------------------------------------------------------

    def submit_live(self, request: ScoreRequest) -> Future[ScoreResult]:
        job = Job(request, estimate_tokens(request), self._clock())
        with self._changed:
            self._refuse_when_stopping()
            if len(self._live) >= self.policy.max_live_queue:
                raise LiveQueueFull(f"{len(self._live)} live requests already waiting")
            self._live.append(job)
            self._live_in_flight += 1
            self._no_live_work.clear()
            self._changed.notify_all()
        job.future.add_done_callback(self._live_job_done)
        return job.future

    def _live_job_done(self, _future: Future[ScoreResult]) -> None:
        with self._changed:
            self._live_in_flight -= 1
            if self._live_in_flight == 0:
                self._no_live_work.set()

    def yield_to_live(self, max_wait_s: float = 0.05) -> None:
        """For the stream's own Python work (database, events, publishing), between its steps:
        wait while a live request is queued or being scored, up to ``max_wait_s``.

        Why: torch releases the GIL around every operation, and each time the inference thread
        wants it back while another thread runs Python it waits for that thread's switch
        interval. A live reply scored while the stream's thread persists and publishes 500
        scores took 55-80 ms instead of ~22. Live requests are short and rare; the stream
        waits a few milliseconds now and then, and the cap keeps a flood of them from stopping
        it."""
        self._no_live_work.wait(max_wait_s)

    def submit_stream(self, requests: Sequence[ScoreRequest]) -> list[Future[ScoreResult]]:
        """Futures in request order; the work itself is queued shortest first."""
        now = self._clock()
        jobs = [Job(request, estimate_tokens(request), now) for request in requests]
        with self._changed:
            self._refuse_when_stopping()
            self._stream.extend(sorted(jobs, key=lambda job: job.tokens))
            self._changed.notify_all()
        return [job.future for job in jobs]

    def _refuse_when_stopping(self) -> None:
        if self._stopping:
            raise SchedulerStopped("the inference scheduler is stopping")

    # -- choosing the next batch -------------------------------------------------------------

    def take_batch(self) -> Batch | None:
        """The next batch to run, without waiting: live first, else a capped stream chunk."""
        with self._changed:
            return self._take_batch_locked()

    def _take_batch_locked(self) -> Batch | None:
        if self._live:
            return self._take_live_locked()
        if self._stream:
            return Batch("stream", self._take_stream_chunk())
        return None

    def _take_live_locked(self) -> Batch:
        jobs = [self._live.popleft()
                for _ in range(min(len(self._live), self.policy.max_batch_size))]
        return Batch("live", jobs)

    def _take_stream_chunk(self) -> list[Job]:
        token_cap = self.policy.stream_batch_tokens
        jobs = [self._stream.popleft()]  # one job always fits, however long
        tokens = jobs[0].tokens
        while (self._stream and len(jobs) < self.policy.stream_batch_size
               and tokens + self._stream[0].tokens <= token_cap):
            tokens += self._stream[0].tokens
            jobs.append(self._stream.popleft())
        return jobs

    def _wait_for_batch(self) -> Batch | None:
        """Block until there is work; let a lone live request wait briefly for company."""
        with self._changed:
            while not (self._live or self._stream or self._stopping):
                self._changed.wait()
            if self._stopping:
                return None
            if self._live and not self._stream:
                deadline = self._live[0].enqueued_at + self.policy.max_batch_wait_s
                while (len(self._live) < self.policy.max_batch_size and not self._stream
                       and not self._stopping and self._clock() < deadline):
                    self._changed.wait(deadline - self._clock())
            return self._take_batch_locked()

    # -- running -----------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Finish the batch in flight; fail everything still queued with ``SchedulerStopped``."""
        with self._changed:
            self._stopping = True
            pending = [*self._live, *self._stream]
            self._live.clear()
            self._stream.clear()
            self._changed.notify_all()
        for job in pending:
            _fail(job.future, SchedulerStopped("the inference scheduler stopped"))
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while (batch := self._wait_for_batch()) is not None:
            try:
                self.run_batch(batch)
            except Exception as exc:  # a bug here must fail its batch, not end the thread
                log.exception("a %s batch failed outside the model", batch.queue)
                for job in batch.jobs:
                    _fail(job.future, exc)

    def run_batch(self, batch: Batch) -> None:
        started = self._clock()
        for job in batch.jobs:
            metrics.QUEUE_WAIT.labels(batch.queue).observe(max(0.0, started - job.enqueued_at))
        # A cancelled future (its caller gave up while it queued) must not be scored: setting
        # its result would raise InvalidStateError. Once running, a future cannot be cancelled.
        running = [job for job in batch.jobs if job.future.set_running_or_notify_cancel()]
        if not running:
            return
        batch = Batch(batch.queue, running)
        metrics.BATCH_SIZE.labels(batch.queue).observe(len(batch.jobs))
        metrics.BATCH_TOKENS.labels(batch.queue).observe(batch.tokens)
        self._use_threads(self.threads_for(batch))
        pause = self._serve_waiting_live if batch.queue == "stream" else None
        try:
            self._score_into_futures(batch.jobs, pause)
        except Exception as exc:
            self._retry_one_by_one(batch, exc, pause)

    def threads_for(self, batch: Batch) -> int:
        """One thread for a small live batch, all of them for anything else."""
        small = batch.tokens <= self.policy.single_thread_tokens
        return 1 if small and batch.queue == "live" else self.policy.threads

    def _serve_waiting_live(self) -> None:
        """The model's pause inside a stream chunk: score the live requests waiting, if any."""
        # An unlocked peek: a request appended just after it is served at the next pause.
        if not self._live:
            return
        with self._changed:
            if not self._live:
                return
            batch = self._take_live_locked()
        self.run_batch(batch)
        self._use_threads(self.policy.threads)  # back to the stream chunk's team

    def _use_threads(self, count: int) -> None:
        if self._set_threads is not None and count != self._threads_now:
            self._set_threads(count)
            self._threads_now = count

    def _retry_one_by_one(self, batch: Batch, error: Exception, pause: Pause | None) -> None:
        if len(batch.jobs) == 1:
            _fail(batch.jobs[0].future, error)
            return
        log.warning("a %s batch of %d failed (%r); retrying one by one", batch.queue,
                    len(batch.jobs), error)
        for job in batch.jobs:
            self._score_alone(job, pause)

    def _score_alone(self, job: Job, pause: Pause | None) -> None:
        try:
            self._score_into_futures([job], pause)
        except Exception as exc:
            _fail(job.future, exc)

    def _score_into_futures(self, jobs: list[Job], pause: Pause | None) -> None:
        timings: dict[str, float] = {}
        results = self._scorer.score_batch([job.request for job in jobs], timings, pause=pause)
        if len(results) != len(jobs):
            raise RuntimeError(f"the model returned {len(results)} results for {len(jobs)}")
        for stage in ("tokenize", "inference", "postprocess"):
            if f"{stage}_s" in timings:
                metrics.observe_stage(stage, timings[f"{stage}_s"])
        for job, result in zip(jobs, results, strict=True):
            if not job.future.done():
                job.future.set_result(result)


def _fail(future: Future[ScoreResult], error: BaseException) -> None:
    """Fail a future unless it already has an outcome (cancelled, or set by a first attempt)."""
    if not future.done():
        future.set_exception(error)
