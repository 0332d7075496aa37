"""Code that more than one Rapport service needs: settings, events, Kafka, database and HTTP helpers."""
