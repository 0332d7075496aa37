"""The inference scheduler: live before stream, capped stream chunks, dynamic live batches."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future

import pytest

from services.scorer.inference_scheduler import (
    BatchPolicy,
    InferenceScheduler,
    LiveQueueFull,
    SchedulerStopped,
    estimate_tokens,
)
from services.scorer.scoring_model import ScoreRequest, ScoreResult
from services.scorer.service_state import ScorerState
from tests.scorer_service.fakes import FakeScorer

WAIT_S = 30  # generous: only a broken scheduler ever reaches it


def request(reply: str, customer: str = "My parcel never arrived.") -> ScoreRequest:
    return ScoreRequest(channel="chat", customer=customer, reply=reply)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_live_request_submitted_while_a_stream_batch_runs_goes_before_the_next_one() -> None:
    first_batch_running = threading.Event()
    release = threading.Event()

    def hold_first_batch(_requests: Sequence[ScoreRequest]) -> None:
        if not first_batch_running.is_set():
            first_batch_running.set()
            assert release.wait(WAIT_S)

    scorer = FakeScorer(before_batch=hold_first_batch)
    scheduler = InferenceScheduler(scorer, BatchPolicy(stream_batch_size=2, max_batch_wait_s=0))
    scheduler.start()
    try:
        stream = scheduler.submit_stream([request(f"stream reply {i}") for i in range(6)])
        assert first_batch_running.wait(WAIT_S)
        live = scheduler.submit_live(request("live reply"))
        release.set()
        assert live.result(WAIT_S).model_version == "fake-1"
        for future in stream:
            future.result(WAIT_S)
    finally:
        scheduler.stop()
    replies = [[r.reply for r in batch] for batch in scorer.batches]
    assert len(replies) == 4
    assert replies[1] == ["live reply"]
    assert all(len(batch) == 2 and "live reply" not in batch for i, batch in enumerate(replies)
               if i != 1)


def test_live_requests_waiting_together_share_one_batch_capped_by_the_batch_size() -> None:
    scheduler = InferenceScheduler(FakeScorer(), BatchPolicy(max_batch_size=3))
    for index in range(5):
        scheduler.submit_live(request(f"reply {index}"))
    scheduler.submit_stream([request("stream reply")])
    first, second, third = (scheduler.take_batch() for _ in range(3))
    assert first is not None
    assert first.queue == "live"
    assert len(first.jobs) == 3
    assert second is not None
    assert second.queue == "live"
    assert len(second.jobs) == 2
    assert third is not None
    assert third.queue == "stream"
    assert scheduler.take_batch() is None


class LiveArrivesDuring:
    """A ``FakeScorer`` hook: whenever a batch led by ``trigger`` runs, a live request arrives."""

    def __init__(self, trigger: str, live: ScoreRequest) -> None:
        self.trigger, self.live = trigger, live
        self.scheduler: InferenceScheduler | None = None
        self.futures: list[Future[ScoreResult]] = []

    def __call__(self, requests: Sequence[ScoreRequest]) -> None:
        if requests[0].reply == self.trigger and self.scheduler is not None:
            self.futures.append(self.scheduler.submit_live(self.live))


def run_one_stream_chunk(scheduler: InferenceScheduler) -> None:
    chunk = scheduler.take_batch()
    assert chunk is not None
    assert chunk.queue == "stream"
    scheduler.run_batch(chunk)


def test_a_live_request_is_scored_inside_the_stream_chunk_that_was_running() -> None:
    arrival = LiveArrivesDuring("stream reply 0", request("live reply"))
    scorer = FakeScorer(before_batch=arrival)
    scheduler = arrival.scheduler = InferenceScheduler(
        scorer, BatchPolicy(stream_batch_size=4, max_batch_wait_s=0))
    stream = scheduler.submit_stream([request(f"stream reply {i}") for i in range(4)])
    run_one_stream_chunk(scheduler)
    # Served at the chunk's first pause, before the chunk finished: no batch of its own later.
    assert arrival.futures[0].result(0).model_version == "fake-1"
    assert [f.result(0).evidence["tone"][0] for f in stream] == [
        f"stream reply {i}" for i in range(4)]
    assert [[r.reply for r in batch] for batch in scorer.batches] == [
        [f"stream reply {i}" for i in range(4)], ["live reply"]]
    assert scheduler.take_batch() is None


def test_a_live_batch_that_fails_inside_a_stream_chunk_does_not_fail_the_chunk() -> None:
    arrival = LiveArrivesDuring("stream reply", request("poison"))
    scheduler = arrival.scheduler = InferenceScheduler(
        FakeScorer(before_batch=arrival, fail_on="poison"))
    stream = scheduler.submit_stream([request("stream reply")])
    run_one_stream_chunk(scheduler)
    with pytest.raises(RuntimeError, match="cannot read"):
        arrival.futures[0].result(0)
    assert stream[0].result(0).model_version == "fake-1"


def test_stream_work_runs_shortest_first_and_results_come_back_in_request_order() -> None:
    scorer = FakeScorer()
    scheduler = InferenceScheduler(scorer, BatchPolicy(stream_batch_size=2))
    replies = ["a much longer reply than the others " * 5, "short", "medium length reply"]
    futures = scheduler.submit_stream([request(reply) for reply in replies])
    while (batch := scheduler.take_batch()) is not None:
        scheduler.run_batch(batch)
    assert scorer.scored_replies == sorted(replies, key=len)
    assert [f.result(0).evidence["tone"][0] for f in futures] == [r[:40] for r in replies]


def test_a_lone_live_request_waits_for_company_until_the_batch_is_full() -> None:
    scorer = FakeScorer()
    # A deadline far away: only a full batch can end the wait.
    scheduler = InferenceScheduler(scorer, BatchPolicy(max_batch_size=3, max_batch_wait_s=WAIT_S))
    scheduler.start()
    try:
        futures = [scheduler.submit_live(request(f"reply {i}")) for i in range(3)]
        for future in futures:
            future.result(WAIT_S)
    finally:
        scheduler.stop()
    assert [len(batch) for batch in scorer.batches] == [3]


def test_stream_work_ends_a_live_request_s_wait_for_company() -> None:
    scorer = FakeScorer()
    scheduler = InferenceScheduler(scorer, BatchPolicy(max_batch_size=8, max_batch_wait_s=600))
    scheduler.start()
    try:
        live = scheduler.submit_live(request("live reply"))
        stream = scheduler.submit_stream([request("stream reply")])
        assert live.result(WAIT_S) is not None
        assert stream[0].result(WAIT_S) is not None
    finally:
        scheduler.stop()
    assert scorer.scored_replies == ["live reply", "stream reply"]


def test_a_request_that_breaks_the_model_fails_alone() -> None:
    scheduler = InferenceScheduler(FakeScorer(fail_on="poison"))
    futures = scheduler.submit_stream([request("fine one"), request("poison"),
                                       request("fine two")])
    batch = scheduler.take_batch()
    assert batch is not None
    assert len(batch.jobs) == 3
    scheduler.run_batch(batch)
    with pytest.raises(RuntimeError, match="cannot read"):
        futures[1].result(0)
    assert futures[0].result(0) is not None
    assert futures[2].result(0) is not None


def test_stopping_fails_queued_work_and_refuses_new_work() -> None:
    scheduler = InferenceScheduler(FakeScorer())
    queued = scheduler.submit_stream([request("never scored")])
    scheduler.stop()
    with pytest.raises(SchedulerStopped):
        queued[0].result(0)
    with pytest.raises(SchedulerStopped):
        scheduler.submit_live(request("too late"))


def test_a_full_live_queue_refuses_instead_of_answering_late() -> None:
    scheduler = InferenceScheduler(FakeScorer(), BatchPolicy(max_live_queue=2))
    scheduler.submit_live(request("one"))
    scheduler.submit_live(request("two"))
    with pytest.raises(LiveQueueFull):
        scheduler.submit_live(request("three"))


def test_token_estimates_stay_within_the_model_s_sequence_length() -> None:
    # The scheduler keeps its own copy of the window (it must not import the model package);
    # this pins the copy to the tokenizer's.
    from services.scorer.model.tokenizing import MAX_SEQUENCE_TOKENS

    assert estimate_tokens(request("ok")) < 20
    assert estimate_tokens(request("word " * 2000)) == MAX_SEQUENCE_TOKENS == 320


def test_small_live_batches_run_on_one_thread_and_everything_else_on_all() -> None:
    calls: list[int] = []
    policy = BatchPolicy(single_thread_tokens=100, threads=2, max_batch_wait_s=0)
    short, long = request("Sorry, I'll check."), request("I'm so sorry. " * 40)
    assert estimate_tokens(short) <= 100 < estimate_tokens(long)
    arrival = LiveArrivesDuring("mid-chunk", short)
    scheduler = arrival.scheduler = InferenceScheduler(
        FakeScorer(before_batch=arrival), policy, set_threads=calls.append)

    def run(queue: str, item: ScoreRequest) -> None:
        if queue == "live":
            scheduler.submit_live(item)
        else:
            scheduler.submit_stream([item])
        batch = scheduler.take_batch()
        assert batch is not None
        assert batch.queue == queue
        scheduler.run_batch(batch)

    run("stream", short)  # a stream chunk: all threads, however small
    run("live", short)
    run("live", long)
    run("stream", request("mid-chunk"))  # a short live request served inside it: 1, then back
    assert len(arrival.futures) == 1
    assert calls == [2, 1, 2, 1, 2], "set when the count changes, not on every batch"


def test_stream_work_yields_to_a_live_request_until_it_is_scored() -> None:
    scoring_live, release = threading.Event(), threading.Event()

    def hold(_requests: Sequence[ScoreRequest]) -> None:
        scoring_live.set()
        assert release.wait(WAIT_S)

    scheduler = InferenceScheduler(FakeScorer(before_batch=hold), BatchPolicy(max_batch_wait_s=0))
    scheduler.start()
    try:
        live = scheduler.submit_live(request("live reply"))
        assert scoring_live.wait(WAIT_S)
        order: list[str] = []
        stream_step = threading.Thread(
            target=lambda: (scheduler.yield_to_live(max_wait_s=WAIT_S), order.append("stream")))
        stream_step.start()
        stream_step.join(0.2)
        assert stream_step.is_alive(), "the stream's step went ahead while live was scored"
        order.append("live released")
        release.set()
        stream_step.join(WAIT_S)
        assert live.result(WAIT_S) is not None
        assert order == ["live released", "stream"]
        scheduler.yield_to_live(max_wait_s=WAIT_S)  # nothing live: no wait at all
    finally:
        scheduler.stop()


def test_yielding_to_live_work_is_capped() -> None:
    scheduler = InferenceScheduler(FakeScorer())  # not started: the live request stays queued
    scheduler.submit_live(request("live reply"))
    finished = threading.Event()
    step = threading.Thread(target=lambda: (scheduler.yield_to_live(max_wait_s=0.01),
                                            finished.set()))
    step.start()
    assert finished.wait(WAIT_S)


def test_a_live_request_cancelled_while_queued_is_skipped_and_the_thread_lives_on() -> None:
    # Once: the cancelled future's set_result raised InvalidStateError, the retry's
    # set_exception raised again, uncaught, and the only inference thread ended.
    scheduler = InferenceScheduler(FakeScorer(), BatchPolicy(max_batch_wait_s=0.0))
    given_up = scheduler.submit_live(request("the caller timed out waiting"))
    kept = scheduler.submit_live(request("still wanted"))
    assert given_up.cancel()
    scheduler.start()
    try:
        assert kept.result(WAIT_S) is not None
        assert given_up.cancelled()
        assert scheduler.alive
        after = scheduler.submit_live(request("the next one is scored too"))
        assert after.result(WAIT_S) is not None
    finally:
        scheduler.stop()
    assert not scheduler.alive


def test_a_batch_of_only_cancelled_requests_scores_nothing() -> None:
    scorer = FakeScorer()
    scheduler = InferenceScheduler(scorer)
    future = scheduler.submit_live(request("nobody waits for this"))
    future.cancel()
    batch = scheduler.take_batch()
    assert batch is not None
    scheduler.run_batch(batch)
    assert scorer.batches == []


def test_a_model_answering_the_wrong_number_of_results_fails_the_request_not_the_thread(
) -> None:
    class BrokenMetrics(FakeScorer):
        def score_batch(self, *args: object, **kwargs: object) -> list[ScoreResult]:
            return []  # too few results: a bug, not a bad request

    scheduler = InferenceScheduler(BrokenMetrics())
    scheduler.start()
    try:
        failed = scheduler.submit_live(request("one"))
        with pytest.raises(RuntimeError, match="returned 0 results"):
            failed.result(WAIT_S)
        assert scheduler.alive
    finally:
        scheduler.stop()


def test_the_service_is_not_live_once_its_inference_thread_has_ended() -> None:
    state = ScorerState()
    (check,) = state.liveness_checks().values()
    assert check()  # no scheduler yet: starting, not broken
    state.scheduler = InferenceScheduler(FakeScorer())
    state.scheduler.start()
    assert check()
    state.scheduler.stop()  # the thread ends, as a crash would end it
    assert not check()
