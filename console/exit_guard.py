"""A last resort at exit: a console that cannot finish closing says why, then ends anyway."""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback

log = logging.getLogger("console")

EXIT_WITHIN_S = 30.0
"""Closing normally takes about a second, the store's last writes included."""


def arm(timeout_s: float = EXIT_WITHIN_S) -> threading.Timer:
    """From now on, if the process is still alive after `timeout_s`, log every thread's stack
    (the team needs to know which one would not stop) and end the process.

    Armed once the window is gone and the calls and rooms are left: an operator who closes
    the console must not be left with a window-less process holding the camera. The store's
    writes finish long before the timeout.
    """
    timer = threading.Timer(timeout_s, _give_up, args=(timeout_s,))
    timer.name = "exit-guard"
    timer.daemon = True  # must not itself keep the process alive
    timer.start()
    return timer


def _give_up(timeout_s: float) -> None:
    names = {t.ident: t.name for t in threading.enumerate()}
    stacks = []
    for ident, frame in sys._current_frames().items():
        if ident == threading.get_ident():
            continue
        stacks.append(f"--- {names.get(ident, ident)}\n{''.join(traceback.format_stack(frame))}")
    log.warning(
        "console: still not closed %.0f s after its window; ending it. Threads still running:\n%s",
        timeout_s,
        "\n".join(stacks),
    )
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stderr.flush()
    os._exit(0)
