"""`console bench startup`: seconds from spawning the console to its main window being shown."""

from __future__ import annotations

import argparse
import os
import selectors
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import IO, Any

from console.bench import common
from console.bench.common import say

DEFAULT_ROUNDS = 3
TIMEOUT_S = 60.0
SHOWN = "console: window shown"
STDERR_TAIL_LINES = 15


class StartupFailed(RuntimeError):
    """The console did not show its window and exit cleanly in time."""


@dataclass(frozen=True, slots=True)
class Launch:
    shown_s: float
    """Spawn to the "window shown" line arriving on our end of its stdout."""
    reported_s: float | None
    """The console's own figure on that line (from its first line of Python)."""
    exited_s: float


def run(args: argparse.Namespace) -> int:
    rounds = args.rounds or DEFAULT_ROUNDS
    cmd = [sys.executable, "-m", "console", "--demo", "--quit-after-shown"]
    if args.db_url:
        cmd += ["--db", args.db_url]
    env = dict(os.environ)
    common.offscreen_env(env)
    env.setdefault("QT_API", "pyside6")
    result: dict[str, Any] = {"bench": "startup", "rounds": rounds}
    say(f"startup: {' '.join(cmd[1:])}  (QT_QPA_PLATFORM={env.get('QT_QPA_PLATFORM', '')})")
    try:
        # The first run may seed the demo database and generate its clips: report it apart.
        first = launch(cmd, env)
        say(f"  warm-up run: window shown after {first.shown_s:.2f} s")
        runs = []
        for i in range(rounds):
            runs.append(launch(cmd, env))
            say(f"  run {i + 1}/{rounds}: window shown after {runs[-1].shown_s:.2f} s")
    except StartupFailed as exc:
        return common.fail(result, str(exc))
    shown = [r.shown_s for r in runs]
    reported = [r.reported_s for r in runs if r.reported_s is not None]
    result.update(
        startup_s=round(common.median(shown), 3),
        startup_max_s=round(max(shown), 3),
        startup_min_s=round(min(shown), 3),
        first_run_s=round(first.shown_s, 3),
        exit_s=round(common.median([r.exited_s for r in runs]), 3),
    )
    if reported:
        result["reported_shown_s"] = round(common.median(reported), 3)
    say(f"startup: median {result['startup_s']:.2f} s, max {result['startup_max_s']:.2f} s")
    return common.finish(result, {})


def launch(cmd: list[str], env: dict[str, str], timeout_s: float = TIMEOUT_S) -> Launch:
    """Run the console once; time the "window shown" line and the exit. Kill it after timeout."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        # stderr to a file: a pipe nobody reads could fill up and stall the console.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env)
        assert proc.stdout is not None
        failure: str | None = None
        try:
            shown_s, reported_s = _watch(proc, proc.stdout, started, timeout_s)
            exited_s = time.perf_counter() - started
        except StartupFailed as exc:
            failure = str(exc)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        if failure is None and proc.returncode != 0:
            failure = f"the console exited with status {proc.returncode}"
        if failure is None and shown_s is None:
            failure = f"the console exited without printing “{SHOWN}”"
        if failure is not None or shown_s is None:
            raise StartupFailed(f"{failure}{_tail(err)}")
        return Launch(shown_s, reported_s, exited_s)


def _watch(
    proc: subprocess.Popen[bytes], stdout: IO[bytes], started: float, timeout_s: float
) -> tuple[float | None, float | None]:
    shown_s: float | None = None
    reported_s: float | None = None
    buffered = b""
    fd = stdout.fileno()
    deadline = started + timeout_s
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        eof = False
        while not eof:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise StartupFailed(f"the console did not exit within {timeout_s:.0f} s; killed")
            if not sel.select(remaining):
                continue
            chunk = os.read(fd, 65536)
            now = time.perf_counter()
            eof = not chunk
            buffered += chunk
            *lines, buffered = buffered.split(b"\n")
            for raw in lines:
                line = raw.decode(errors="replace")
                if shown_s is None and line.startswith(SHOWN):
                    shown_s = now - started
                    reported_s = _number_after(line, SHOWN)
    try:
        proc.wait(max(0.1, deadline - time.perf_counter()))
    except subprocess.TimeoutExpired:
        raise StartupFailed(
            f"the console closed its output but did not exit within {timeout_s:.0f} s; killed"
        ) from None
    return shown_s, reported_s


def _number_after(line: str, prefix: str) -> float | None:
    try:
        return float(line[len(prefix) :].split()[0])
    except (IndexError, ValueError):
        return None


def _tail(err: IO[bytes]) -> str:
    err.seek(0)
    lines = err.read().decode(errors="replace").splitlines()[-STDERR_TAIL_LINES:]
    return ("\n--- its stderr, last lines ---\n" + "\n".join(lines)) if lines else ""
