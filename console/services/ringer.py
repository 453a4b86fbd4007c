"""Rings the workstation while a call is offered to this officer, and stops when it is not."""

from __future__ import annotations

from collections.abc import Callable

from console.media.ring_tone import RingProblem, RingTone

__all__ = ["RingProblem", "Ringer"]


class Ringer:
    """One ring at a time; `set_ringing` is idempotent so screens can call it on every change."""

    def __init__(
        self, device: str = "default", on_problem: Callable[[RingProblem], None] | None = None
    ) -> None:
        self._tone = RingTone(device, on_error=on_problem)

    @property
    def ringing(self) -> bool:
        return self._tone.ringing

    def set_ringing(self, on: bool) -> None:
        if on:
            self._tone.start()
        else:
            self._tone.stop()

    def close(self) -> None:
        self._tone.stop()
