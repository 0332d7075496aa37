"""Event timestamps the whole pipeline can do arithmetic on.

A timestamp a producer cannot see the harm in can stop a consumer: ``9999-12-31T23:59:59-01:00``
overflows when converted to UTC, and a date in 2150 overflows the coach's recency weights. Every
event timestamp is therefore checked at decode time, so such a record is refused by the schema
(and dead-lettered with that reason) instead of crashing whoever handles it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_OUT_OF_RANGE = "timestamp must lie between 1970 and 2099 (UTC)"


def in_supported_range(moment: datetime) -> datetime:
    """``moment`` unchanged if it lies in [1970, 2100) UTC; ValueError naming the range if not.

    A naive timestamp is read as UTC, as every store of the pipeline does.
    """
    try:
        utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (OverflowError, ValueError):
        raise ValueError(_OUT_OF_RANGE) from None
    if not EARLIEST <= utc < LATEST:
        raise ValueError(_OUT_OF_RANGE)
    return moment


EventTime = Annotated[
    datetime,
    AfterValidator(in_supported_range),
    Field(description="RFC 3339 date-time with an offset, between 1970 and 2099 in UTC."),
]
