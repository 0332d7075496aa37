"""What a backfill source yields, and the loop that publishes it page by page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

from services.ingest.backfill.cursors import CursorStore
from services.ingest.metrics import BACKFILL_RECORDS
from services.ingest.pipeline import IngestPipeline
from services.ingest.providers.base import Normalised
from shared.events import InteractionEvent


@dataclass(frozen=True)
class Page:
    """One page of history; ``cursor`` is where a later run resumes once it is published."""

    events: list[InteractionEvent]
    records: int  # conversations read (some carry no text and give no event)
    cursor: dict[str, Any]
    done: bool
    total: int | None = None  # conversations in the whole import, when the API says


class BackfillSource(Protocol):
    provider: str

    @property
    def source_key(self) -> str:
        """Names the import in the cursor table: ``{provider}:{account}``."""

    def pages(self, resume: dict[str, Any] | None) -> AsyncIterator[Page]:
        """Pages from ``resume`` (a saved cursor) or from the configured start."""


class Progress(Protocol):
    """The part of a tqdm bar the loop uses."""

    total: float | None

    def update(self, n: float = 1) -> bool | None: ...


@dataclass
class BackfillResult:
    pages: int = 0
    published: int = 0
    duplicates: int = 0


async def run_backfill(source: BackfillSource, pipeline: IngestPipeline, store: CursorStore, *,
                       progress: Progress) -> BackfillResult:
    """Publish every page through the webhook pipeline, saving the cursor after each.

    The cursor moves only after the page's events were acknowledged, so an interrupted run
    resumes at the first unpublished page; re-published events are duplicates the ledger drops.
    """
    saved = store.load(source.source_key)
    imported = saved.records_imported if saved else 0
    result = BackfillResult()
    async for page in source.pages(saved.cursor if saved else None):
        if page.total is not None and progress.total is None:
            progress.total = page.total
        report = await pipeline.deliver(source.provider,
                                        [Normalised(event) for event in page.events])
        imported += len(report.accepted)
        store.save(source.source_key, provider=source.provider, cursor=page.cursor,
                   records_imported=imported)
        BACKFILL_RECORDS.labels(source.provider).inc(len(report.accepted))
        result.pages += 1
        result.published += len(report.accepted)
        result.duplicates += len(report.duplicates)
        progress.update(page.records)
        if page.done:
            break
    return result
