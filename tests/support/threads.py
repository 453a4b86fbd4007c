"""Helper that fails when threads started during a test are still running after it."""

from __future__ import annotations

import sys
import threading
import time
import traceback


def thread_idents() -> set[int]:
    """Idents of the threads alive now; take this before the test as `before`."""
    return {t.ident for t in threading.enumerate() if t.ident is not None}


def _leftovers(before: set[int]) -> list[threading.Thread]:
    main = threading.main_thread()
    return [
        t
        for t in threading.enumerate()
        if t is not main and t.ident is not None and t.ident not in before and t.is_alive()
    ]


def assert_no_leftover_threads(before: set[int], timeout: float = 5.0) -> None:
    """Wait up to `timeout` s for threads not in `before` to end; fail naming those still alive.

    Daemon threads count too: the design requires every thread to be named, stopped and
    joined, and a daemon that outlives its test is exactly the leak this catches. Note
    that the OS may reuse the ident of a thread that ended before `before` was taken.
    """
    deadline = time.monotonic() + timeout
    leftovers = _leftovers(before)
    while leftovers and time.monotonic() < deadline:
        time.sleep(0.02)
        leftovers = _leftovers(before)
    if leftovers:
        names = ", ".join(
            f"{t.name!r}{' (daemon)' if t.daemon else ''}"
            for t in sorted(leftovers, key=lambda t: t.name)
        )
        raise AssertionError(
            f"{len(leftovers)} thread(s) started during the test still alive after "
            f"{timeout:.1f} s: {names}\n{thread_stacks(leftovers)}"
        )


def thread_stacks(threads: list[threading.Thread], depth: int = 8) -> str:
    """Where each thread is now (its innermost `depth` frames): the why of a stuck thread."""
    frames = sys._current_frames()
    parts = []
    for t in threads:
        frame = frames.get(t.ident) if t.ident is not None else None
        stack = "".join(traceback.format_stack(frame)[-depth:]) if frame else "  (ended)\n"
        parts.append(f"--- {t.name}\n{stack}")
    return "".join(parts)
