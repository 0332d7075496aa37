"""Code more than one Rapport service needs: settings, events, Kafka, database, HTTP helpers."""
