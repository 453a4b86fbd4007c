"""The intake queue's priority rule: urgency first, vulnerable callers moved up within it."""

from __future__ import annotations

from console.core.codes import Urgency

URGENCY_WEIGHT = {Urgency.NORMAL: 0, Urgency.URGENT: 10, Urgency.VERY_URGENT: 20}
VULNERABLE_BONUS = 5
"""Elderly, disabled or otherwise vulnerable callers (a duty officer's judgement or the form)."""


def call_priority(urgency: Urgency, vulnerable: bool) -> int:
    """Higher is answered first; equal priorities are answered longest-waiting first."""
    return URGENCY_WEIGHT[urgency] + (VULNERABLE_BONUS if vulnerable else 0)
