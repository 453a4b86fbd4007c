"""What the benchmarks share: percentiles, progress lines, the JSON last line, a Qt loop runner."""

from __future__ import annotations

import asyncio
import json
import math
import os
import sys
from collections.abc import Callable, Coroutine, Iterable, Mapping, MutableMapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

STRICT_ENV = "CONSOLE_BENCH_STRICT"
"""Set to 1 to make a missed performance target exit with status 3 (for CI gates)."""
EXIT_TARGET_MISSED = 3


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100), interpolated linearly between ranks as numpy does."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100.0
    lo = math.floor(rank)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def latency_summary(
    prefix: str, seconds: Sequence[float], points: Iterable[int] = (50, 95, 99)
) -> dict[str, float]:
    """`{prefix}_p50_ms`, … and `{prefix}_max_ms` from latencies given in seconds."""
    out = {f"{prefix}_p{p}_ms": round(percentile(seconds, p) * 1000, 3) for p in points}
    out[f"{prefix}_max_ms"] = round(max(seconds) * 1000, 3)
    return out


def say(message: str) -> None:
    """A human-readable progress line; flushed so a watching parent sees it at once."""
    print(message, flush=True)


def finish(result: dict[str, Any], targets: Mapping[str, float]) -> int:
    """Add the targets and whether they were met, print the JSON last line, pick the exit code.

    A target is an upper bound on the result key of the same name. Missing one is reported,
    and fails the run only when CONSOLE_BENCH_STRICT=1: a slow shared CI machine should not
    turn a measurement into a failure unless asked to.
    """
    missed = [k for k, limit in targets.items() if not result[k] <= limit]
    result["targets"] = dict(targets)
    result["targets_met"] = not missed
    for key in missed:
        say(f"TARGET MISSED: {key} = {result[key]} (target ≤ {targets[key]})")
    print(json.dumps(result, ensure_ascii=False), flush=True)
    if missed and os.environ.get(STRICT_ENV) == "1":
        return EXIT_TARGET_MISSED
    return 0


def fail(result: dict[str, Any], reason: str) -> int:
    """Report a benchmark that could not measure what it should; exit status 1."""
    result["error"] = reason
    print(f"error: {reason}", file=sys.stderr, flush=True)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 1


def offscreen_env(env: MutableMapping[str, str]) -> MutableMapping[str, str]:
    """Use Qt's offscreen platform when there is no display to draw on; leave a real one be."""
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def run_qt(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `main()` on a qasync loop with a QApplication, as the console's GUI thread does.

    Tasks still pending when `main` returns are cancelled and awaited, and the loop is
    closed, so nothing of the run outlives it.
    """
    offscreen_env(os.environ)
    os.environ.setdefault("QT_API", "pyside6")
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(main())
    finally:
        try:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        finally:
            loop.close()
            asyncio.set_event_loop(None)


def dispose(*objects: Any) -> None:
    """Delete Qt objects the benchmark created, now rather than at interpreter exit."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for obj in objects:
        obj.deleteLater()
    # Deferred deletes are normally run by the event loop; run them here explicitly.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
