"""How far a live stream's reader has fallen behind the camera, and when to catch up."""

from __future__ import annotations

from dataclasses import dataclass

# Behind the camera by this much, a wall tile shows the past: decode key frames only until
# the reader is back near the live edge (operators judge "live" by a clock in the picture).
CATCH_UP_AFTER_S = 1.0
# Back to every frame once this close to live again; the gap to CATCH_UP_AFTER_S keeps a
# reader near the limit from flapping between the two modes.
CAUGHT_UP_BELOW_S = 0.3
# Camera clocks run slow or fast against ours by tens of ppm; forgiving up to 1,000 ppm keeps
# a day of drift from reading as lag.
DRIFT_ALLOWANCE = 0.001
# No backlog grows this far while catching up: a larger jump means the camera restarted its
# timestamps, so "live" is redefined from here rather than chased forever.
RESET_AFTER_S = 10.0


@dataclass
class LiveLag:
    """Tracks `arrival - media time` per packet; its smallest value so far is "live".

    A packet that arrives later than its media time says, relative to the earliest one, is
    behind by the difference. A start-up burst (an NVR sending its cached GOP at once) only
    lowers the smallest value, so it never reads as lag.
    """

    _live_offset: float | None = None
    _last_wall: float | None = None
    catching_up: bool = False

    def update(self, wall_s: float, media_s: float) -> float:
        """Record one packet (arrival on a monotonic clock, media time in seconds); returns
        how many seconds behind live it is, and updates `catching_up`."""
        offset = wall_s - media_s
        if self._live_offset is None or self._last_wall is None:
            self._live_offset, self._last_wall = offset, wall_s
            return 0.0
        allowance = max(0.0, wall_s - self._last_wall) * DRIFT_ALLOWANCE
        self._last_wall = wall_s
        self._live_offset = min(offset, self._live_offset + allowance)
        behind = offset - self._live_offset
        if behind > RESET_AFTER_S:
            self._live_offset, behind = offset, 0.0
        if self.catching_up:
            self.catching_up = behind >= CAUGHT_UP_BELOW_S
        else:
            self.catching_up = behind > CATCH_UP_AFTER_S
        return behind

    def reset(self) -> None:
        """Forget the stream (a new connection has its own clock)."""
        self._live_offset = self._last_wall = None
        self.catching_up = False


CATCH_UP_SHOWN_S = 3.0
"""A tile says it is catching up for this long after it last skipped a frame to stay live.

Catching up on key frames often takes a fraction of a second and comes back every few
seconds on a machine that cannot keep up: shown only while it lasts, an operator glancing
at a status line refreshed twice a second would rarely see it."""


class CatchUpNotice:
    """Whether a tile should say it is catching up, from its decoder's running counts."""

    def __init__(self, shown_s: float = CATCH_UP_SHOWN_S) -> None:
        self.shown_s = shown_s
        self._skipped = 0
        self._until = float("-inf")

    def update(self, skipped_late: int, catching_up: bool, now: float) -> bool:
        """`skipped_late`: the decoder's count of frames skipped to catch up (it starts
        again from zero when the camera is reopened)."""
        if skipped_late > self._skipped or catching_up:
            self._until = now + self.shown_s
        self._skipped = skipped_late
        return now < self._until
