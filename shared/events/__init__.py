"""Versioned event models, topic names and codecs for Rapport's Kafka topics."""

from shared.events.assignments import AssignmentEvent, AssignmentReason
from shared.events.codec import EventDecodeError, decode_event, encode_event
from shared.events.ids import agent_id, conversation_key, parse_agent_id
from shared.events.interactions import (
    AuthorRole,
    Channel,
    Conversation,
    InteractionEvent,
    Message,
    Satisfaction,
)
from shared.events.scores import (
    DIMENSIONS,
    CustomerSignals,
    DimensionResult,
    ScoreEvent,
    Suggestion,
    ToneResult,
)
from shared.events.topics import ASSIGNMENTS, INTERACTIONS, SCORES, TOPICS, dlq_topic

__all__ = [
    "ASSIGNMENTS",
    "DIMENSIONS",
    "INTERACTIONS",
    "SCORES",
    "TOPICS",
    "AssignmentEvent",
    "AssignmentReason",
    "AuthorRole",
    "Channel",
    "Conversation",
    "CustomerSignals",
    "DimensionResult",
    "EventDecodeError",
    "InteractionEvent",
    "Message",
    "Satisfaction",
    "ScoreEvent",
    "Suggestion",
    "ToneResult",
    "agent_id",
    "conversation_key",
    "decode_event",
    "dlq_topic",
    "encode_event",
    "parse_agent_id",
]
