"""Kafka consumers: scored messages into profiles and drills, conversations into the gratitude
spotlight."""
