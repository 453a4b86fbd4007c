"""A last resort against a hung test: dump every thread's stack and end the run.

pytest-timeout's signal method fails a slow test gracefully, but its alarm fires once per
test: a teardown that then blocks in C (a thread join, a device read) hangs the suite
forever and CI learns nothing. This arms faulthandler's C-level watchdog — it needs no
GIL — for each test's own timeout plus a margin; when it fires, the stacks go to the real
stderr (not pytest's capture) and the process exits with a failure.
"""

from __future__ import annotations

import faulthandler
import os
from collections.abc import Iterator
from typing import IO

import pytest

MARGIN_S = 120
"""After pytest-timeout had its chance: teardown plus the graceful failure's reporting."""

EXIT_WITHIN_S = 120
"""From the end of the run to the end of the process: joining leftover threads at exit."""

WORKER_EXIT_WITHIN_S = 600
"""The same for a pytest-xdist worker, which stays until the other worker finishes too:
with 120 s an idle worker was ended (and counted a failure) while the other ran a long
test. The longest test bound is 330 s."""

_real_stderr: IO[str] | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _real_stderr
    _real_stderr = os.fdopen(os.dup(_uncaptured_stderr_fd(config)), "w")


def _uncaptured_stderr_fd(config: pytest.Config) -> int:
    """The run's own stderr: pytest's fd capture keeps a copy of it while fd 2 points to a
    temporary file (an attribute of its capture objects, read defensively)."""
    capman = config.pluginmanager.getplugin("capturemanager")
    capturing = getattr(capman, "_global_capturing", None)
    saved = getattr(getattr(capturing, "err", None), "targetfd_save", None)
    return saved if isinstance(saved, int) else 2


def pytest_unconfigure(config: pytest.Config) -> None:
    """The run is over: a worker that never ends must not keep the process (and CI) alive."""
    if _real_stderr is not None:
        worker = bool(os.environ.get("PYTEST_XDIST_WORKER"))
        within = WORKER_EXIT_WITHIN_S if worker else EXIT_WITHIN_S
        faulthandler.dump_traceback_later(within, exit=True, file=_real_stderr)


def _limit_s(item: pytest.Item) -> float:
    marker = item.get_closest_marker("timeout")
    if marker is not None and marker.args:
        return float(marker.args[0])
    return float(item.config.getini("timeout") or 300)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    if _real_stderr is not None:
        _real_stderr.write("")  # fail here, not in the watchdog, if the stream is gone
        faulthandler.dump_traceback_later(_limit_s(item) + MARGIN_S, exit=True, file=_real_stderr)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
