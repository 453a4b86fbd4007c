"""Times: stored as naive UTC, shown in China Standard Time (UTC+8, no daylight saving)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

CENTRE_TZ = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    """Now as the store keeps it: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(stored: datetime) -> datetime:
    return stored.replace(tzinfo=UTC).astimezone(CENTRE_TZ)


def from_local(shown: datetime) -> datetime:
    """A time the operator entered in the centre's time zone, as the store keeps it."""
    return shown.replace(tzinfo=CENTRE_TZ).astimezone(UTC).replace(tzinfo=None)


def local_midnight_utc(now: datetime | None = None) -> datetime:
    """The start of today in the centre's time zone, as naive UTC for queries."""
    local = to_local(now or utcnow())
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC).replace(tzinfo=None)
