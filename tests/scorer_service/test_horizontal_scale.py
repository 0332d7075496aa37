"""Two scorer processes in one group share the partitions; stopping one loses and repeats nothing.

At least once delivery means a rebalance may hand a record to the other scorer again; the score
table both share (one database) keeps that from becoming a second score event.
"""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import pytest

from deploy.kafka.launcher import free_port
from shared.settings import KafkaSettings
from tests.scorer_service.processes import ScorerProcess, assigned_members
from tests.scorer_service.streaming import (
    Said,
    group_caught_up,
    interaction,
    message_id,
    produce,
    read_all,
    read_scores,
    wait_until,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

CUSTOMER = "My card was charged twice for order {n} and rent is due Friday."
REPLY = ("I'm sorry about the double charge on order {n}, especially with rent due. I've "
         "refunded the duplicate now and I'll e-mail you the confirmation within the hour.")


def conversations(first: int, count: int) -> list:  # type: ignore[type-arg]
    return [interaction(f"s{n}", [Said("customer", CUSTOMER.format(n=n)),
                                  Said("agent", REPLY.format(n=n))])
            for n in range(first, first + count)]


def test_two_scorers_share_the_work_and_a_sigterm_mid_stream_loses_and_repeats_nothing(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str
) -> None:
    group = f"scale-{unique_name}"

    def scores_so_far() -> int:
        return len(read_all(kafka_settings, kafka_settings.topic("support.scores.v1")))

    database_url = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = (
        ScorerProcess(kafka=kafka_settings, database_url=database_url, group_id=group,
                      port=free_port(), log_path=tmp_path / f"scorer-{name}.log")
        for name in ("a", "b")
    )
    try:
        first.launch()
        second.launch()
        first.wait_ready()
        second.wait_ready()
        wait_until(lambda: assigned_members(kafka_settings.bootstrap_servers, group) == 2,
                   what="both scorers to hold partitions")

        produce(kafka_settings, conversations(0, 40))
        wait_until(lambda: group_caught_up(kafka_settings, group), what="the first wave")
        assert first.scored() > 0
        assert second.scored() > 0

        first_wave = first.scored()
        produce(kafka_settings, conversations(40, 400))
        wait_until(lambda: first.scored() >= first_wave + 10,
                   what="the first scorer to be busy with the second wave")
        assert first.terminate() in (0, -signal.SIGTERM)
        assert first.stopped_gracefully, first.log_tail()
        survivor_before = second.scored()
        assert scores_so_far() < 440, "the stop should land mid-stream"
        wait_until(lambda: group_caught_up(kafka_settings, group), what="the survivor")
        assert second.scored() > survivor_before
    finally:
        first.terminate()
        second.terminate()

    event_ids = Counter(event.event_id for _, event in read_scores(kafka_settings))
    assert [event_id for event_id, seen in event_ids.items() if seen > 1] == []
    assert {event_id.split("@")[0] for event_id in event_ids} == {
        message_id(f"s{n}", 1) for n in range(440)
    }
