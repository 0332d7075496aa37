"""Ingest settings: env prefix ``RAPPORT_INGEST_`` (nested: ``RAPPORT_INGEST_KAFKA__...``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class IngestSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RAPPORT_INGEST_", env_nested_delimiter="__",
                                      extra="ignore")

    port: int = 8001
