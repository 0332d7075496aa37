"""ISO weeks across year boundaries, and timestamps back from SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.coach.domain.timeutil import as_utc, is_iso_week, iso_week, shift_week, week_index


def test_weeks_follow_the_iso_calendar_across_years() -> None:
    assert iso_week(datetime(2026, 11, 26, tzinfo=UTC)) == "2026-W48"
    assert iso_week(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"
    assert shift_week("2026-W53", 1) == "2027-W01"
    assert shift_week("2027-W02", -3) == "2026-W52"
    assert week_index("2027-W01") - week_index("2026-W48") == 6


def test_a_local_time_is_placed_in_its_utc_week() -> None:
    sunday_night_in_new_york = datetime(2026, 11, 29, 22, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert iso_week(sunday_night_in_new_york) == "2026-W49"  # Monday 03:00 UTC


@pytest.mark.parametrize("text", ["2026-48", "2026-W54", "26-W01", "2025-W53", ""])
def test_malformed_or_impossible_weeks_are_rejected(text: str) -> None:
    assert not is_iso_week(text)
    with pytest.raises(ValueError, match="week"):
        week_index(text)


def test_naive_datetimes_are_read_as_utc() -> None:
    assert as_utc(datetime(2026, 1, 1, 12)) == datetime(2026, 1, 1, 12, tzinfo=UTC)
