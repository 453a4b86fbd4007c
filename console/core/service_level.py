"""The intake service level: the share of answered calls answered within the threshold."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

ANSWER_WITHIN_S = 60.0
"""A call answered within this many seconds of joining the queue counts as in time."""
TARGET = 0.8
"""The centre's goal: 80 % of answered calls in time (the contact-centre 80/60 habit)."""


def service_level(
    calls: Iterable[tuple[datetime, datetime | None]], within_s: float = ANSWER_WITHIN_S
) -> float:
    """Answered within `within_s` ÷ answered, over (queued_at, answered_at) pairs; 1.0 when
    nothing was answered (no call was answered late)."""
    answered = [(q, a) for q, a in calls if a is not None]
    if not answered:
        return 1.0
    in_time = sum(1 for q, a in answered if (a - q).total_seconds() <= within_s)
    return in_time / len(answered)
