"""The local broker launcher after a crash: ``start`` waits for the broker it started."""

from __future__ import annotations

import shutil
import signal

import pytest

from deploy.kafka.launcher import STARTED_LINE, LocalKafka, temporary_broker
from shared.kafka.admin import ensure_topics

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def test_a_restart_after_kill_9_waits_for_the_new_broker_not_the_old_log_line() -> None:
    # Once: the log is appended to, so the killed run's "Kafka Server started" made the next
    # start return in 0.1 s and creating topics failed.
    broker, data_dir = temporary_broker(partitions=1)
    restarted: LocalKafka | None = None
    try:
        broker.start()
        assert broker.process is not None
        broker.process.send_signal(signal.SIGKILL)
        broker.process.wait()
        restarted = LocalKafka(data_dir=data_dir, port=broker.port,
                               controller_port=broker.controller_port, partitions=1)
        bootstrap = restarted.start()
        assert restarted.log_path.read_text(errors="replace").count(STARTED_LINE) == 2
        # Usable the moment start() returns, as `make up` uses it.
        ensure_topics(bootstrap, partitions=1, topic_prefix="after-kill.")
    finally:
        (restarted or broker).stop()
        shutil.rmtree(data_dir, ignore_errors=True)
