"""Clocks and ISO weeks: the coach plans in weeks ("2026-W48") and compares them as numbers."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

Clock = Callable[[], datetime]

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_week(moment: datetime) -> str:
    year, week, _ = as_utc(moment).isocalendar()
    return f"{year:04d}-W{week:02d}"


def week_monday(week: str) -> date:
    match = _WEEK.match(week)
    if match is None:
        raise ValueError(f"week {week!r} is not an ISO week like 2026-W48")
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise ValueError(f"week {week!r} does not exist") from None


def week_index(week: str) -> int:
    """Consecutive weeks get consecutive numbers, across year boundaries."""
    return week_monday(week).toordinal() // 7


def shift_week(week: str, weeks: int) -> str:
    monday = week_monday(week) + timedelta(weeks=weeks)
    return iso_week(datetime.combine(monday, datetime.min.time(), tzinfo=UTC))


def is_iso_week(week: str) -> bool:
    try:
        week_monday(week)
    except ValueError:
        return False
    return True
