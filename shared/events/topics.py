"""Topic names. Each topic has a dead-letter twin ``<topic>.dlq``."""

INTERACTIONS = "support.interactions.v1"
SCORES = "support.scores.v1"
ASSIGNMENTS = "coach.assignments.v1"
TOPICS: tuple[str, ...] = (INTERACTIONS, SCORES, ASSIGNMENTS)


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


def all_topics() -> tuple[str, ...]:
    """Every topic the stack uses, dead-letter twins included."""
    return TOPICS + tuple(dlq_topic(topic) for topic in TOPICS)
