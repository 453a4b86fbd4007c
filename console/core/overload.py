"""Measured overload: caps the wall's decode budget while decoders fall behind, and lifts it
again slowly once they keep up (multiplicative decrease, additive increase)."""

from __future__ import annotations

from dataclasses import dataclass

# Overloaded when more than this share of the frames decoded since the last look came too
# late to show (a paced file frame over 0.2 s late, a live frame skipped to catch up).
LATE_SHARE_LIMIT = 0.1
# ... or when at least this many decoders, and this share of them, are catching up on key
# frames. One camera alone is more likely a network burst than a busy workstation.
CATCHING_UP_MIN = 2
CATCHING_UP_SHARE = 0.1
# Overload must be seen on this many looks in a row (the wall looks once a second): a
# starting wall is late for a second or so, and a cap set then held the bench back 20 s.
OVERLOADED_LOOKS = 2
# On overload the cap becomes this share of what the last plan expected to spend.
SHRINK = 0.8
# After this many calm looks in a row, the cap grows by GROW_SHARE of the budget per look:
# a cap that rose as fast as it fell would flap (3 looks and a tenth changed 40-80 tile
# plans in 20 s of a struggling 36-tile bench wall).
CALM_LOOKS_BEFORE_GROWING = 5
GROW_SHARE = 0.05
# Never below this share of what the wall spent when the overload began: a busy
# workstation (a starting console, another program) also makes frames late, and cutting
# the wall to key frames everywhere for it was seen to leave a 9-tile demo wall at 1 fps
# for half a minute.
MIN_CAP_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class LoadSample:
    """What the decoders did since the previous look."""

    frames: int  # frames the decoders went through, shown or not
    late: int  # of those, frames skipped because they came too late to show
    decoders: int  # decoders running and not paused
    catching_up: int  # of those, how many are skipping to key frames to stay live

    @property
    def overloaded(self) -> bool:
        if self.frames > 0 and self.late > LATE_SHARE_LIMIT * self.frames:
            return True
        return self.catching_up >= max(CATCHING_UP_MIN, CATCHING_UP_SHARE * self.decoders)


class OverloadGovernor:
    """Turns looks at the decoders into a cap on the decode budget (None: no cap).

    The planner only knows what frames cost when the machine keeps up; under load the
    same frames cost more (threads wait for each other and for the CPU), and the decoders
    start to skip late frames on their own, on whichever tiles happen to be late. The cap
    makes that overload planned instead: the budget shrinks below what the last plan
    expected to spend, so background tiles step down first, as the budget orders.
    """

    def __init__(self) -> None:
        self.cap: float | None = None
        self._floor = 0.0  # the lowest cap for this overload
        self.calm_looks = 0
        self.overloaded_looks = 0  # in a row
        self.overloads = 0  # looks that found the decoders overloaded, for logs and tests

    def update(self, sample: LoadSample, budget_cores: float, planned_cores: float) -> float:
        """Record one look; returns the budget to plan with now. `planned_cores`: what the
        plan in force costs, by the costs known now."""
        if sample.overloaded:
            self.overloads += 1
            self.overloaded_looks += 1
            self.calm_looks = 0
            if self.overloaded_looks < OVERLOADED_LOOKS:
                return self.effective(budget_cores)
            spent = min(budget_cores, planned_cores if planned_cores > 0 else budget_cores)
            if self.cap is None:
                self._floor = MIN_CAP_SHARE * spent
            base = spent if self.cap is None else min(self.cap, spent)
            self.cap = max(self._floor, base * SHRINK)
            return self.effective(budget_cores)
        self.overloaded_looks = 0
        if self.cap is not None:
            self.calm_looks += 1
            if self.calm_looks >= CALM_LOOKS_BEFORE_GROWING:
                self.cap += GROW_SHARE * budget_cores
                if self.cap >= budget_cores:
                    self.cap, self.calm_looks = None, 0
        return self.effective(budget_cores)

    def effective(self, budget_cores: float) -> float:
        return budget_cores if self.cap is None else min(budget_cores, self.cap)
