"""Kafka helpers on kafka-python: a durable producer, topic admin and a DLQ-aware consumer loop."""
