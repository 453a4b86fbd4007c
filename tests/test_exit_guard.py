"""A console process that cannot finish closing is ended, naming the thread that held it."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_a_stuck_thread_cannot_keep_a_closed_console_alive() -> None:
    script = textwrap.dedent(
        """
        import logging, threading
        from console import exit_guard
        logging.basicConfig(level=logging.INFO)
        forever = threading.Event()
        def stuck_in_a_driver():
            forever.wait()
        threading.Thread(target=stuck_in_a_driver, name="decode-cam-stuck").start()
        exit_guard.arm(0.5)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "still not closed" in proc.stderr
    assert "--- decode-cam-stuck" in proc.stderr and "stuck_in_a_driver" in proc.stderr


def test_a_console_that_closes_is_not_touched() -> None:
    script = "from console import exit_guard\nexit_guard.arm(30)\nprint('closed')"
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "closed", proc.stderr
    assert "still not closed" not in proc.stderr
