"""Topic names. Each topic has a dead-letter twin ``<topic>.dlq``."""

INTERACTIONS = "support.interactions.v1"
SCORES = "support.scores.v1"
ASSIGNMENTS = "coach.assignments.v1"
TOPICS: tuple[str, ...] = (INTERACTIONS, SCORES, ASSIGNMENTS)


DLQ_SUFFIX = ".dlq"
# How long the broker keeps a record. Kafka cannot remove one person's records from a topic, so
# this bounds how long what ``erase`` removed from the databases can still be read from Kafka
# (docs/operations.md, "Retention and erasure"). A week covers a consumer outage and replays; a
# dead letter waits a month for someone to look at it.
RETENTION_MS = 7 * 24 * 3600 * 1000
DLQ_RETENTION_MS = 30 * 24 * 3600 * 1000


def dlq_topic(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"


def retention_ms(topic: str) -> int:
    """The ``retention.ms`` a topic is created with (prefixed names included)."""
    return DLQ_RETENTION_MS if topic.endswith(DLQ_SUFFIX) else RETENTION_MS


def all_topics() -> tuple[str, ...]:
    """Every topic the stack uses, dead-letter twins included."""
    return TOPICS + tuple(dlq_topic(topic) for topic in TOPICS)
