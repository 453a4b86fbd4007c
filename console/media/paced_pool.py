"""A few named threads that run the steps of every paced (file) decoder, earliest due first."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator

from console.media.decode_turns import default_limit

log = logging.getLogger(__name__)

# What a job's step yields: resume at this time.monotonic() (or at once when it is past),
# and whether a wake() may cut the wait short (stop always does).
Wait = tuple[float, bool]
Steps = Iterator[Wait]

# A step due this close is run now rather than slept for: the frame is shown up to 2 ms
# early, and a 36-tile wall (a frame due every 1.1 ms on average) wakes half as often.
RUN_EARLY_S = 0.002

# Only the first worker runs steps on time; the others run a step once it is this late, so
# the work stays on one core while that core keeps up. Measured 2026-12-03 on the 36-tile
# bench wall, 2 pairs side by side: 1.07-1.10 ms of CPU per frame shown instead of
# 1.31-1.41 with both workers taking steps as they came due, and 24-35 tiles planned at
# full rate instead of 18-19. Steps spread over two cores paid for it in GIL hand-offs and
# in pictures and decoder state moving between the cores' caches (the same conversion
# measured 250 us on one worker and 325 us on two).
HELP_AFTER_S = 0.004
# A worker re-reads the queue at least this often, whatever the first job waits for.
LONGEST_WAIT_S = 60.0

# Why a pool: measured 2026-12-03 on these 2-core VMs, a bare loop decoding and converting
# 36 clips at 25 fps took 0.82-0.95 cores on a thread per clip and 0.64-0.70 on two
# threads; dozens of threads each sleeping and waking 25 times a second cost a VM more than
# the decoding they wait for. On the 36-tile bench wall, 3 pairs side by side, the wall's
# CPU per frame shown was 1.13-1.18 ms with the pool against 1.11-1.45 ms without, and the
# budget put 28-36 tiles at full rate instead of 13-28: the costs stopped swinging.


class Job:
    """A registered generator of steps; opaque to callers except for wake()."""

    __slots__ = ("ended", "name", "on_end", "running", "steps", "token", "wakeable", "woken")

    def __init__(self, steps: Steps, on_end: Callable[[], None], name: str) -> None:
        self.steps = steps
        self.on_end = on_end
        self.name = name
        self.token = 0  # heap entries with an older token are stale
        self.running = False
        self.woken = False  # woken while running: requeue at once
        self.wakeable = False
        self.ended = False


class PacedPool:
    """Runs jobs' steps on `workers` threads named `{name}-N`, always the step due first.

    A job is a generator that yields when it has nothing to do until a time; each step
    (from one yield to the next) must be short and must not block for long, since it holds
    one of the few threads. The first worker runs every step when due; the others help
    only with steps it has left late (HELP_AFTER_S), when one core no longer keeps up or a
    step takes long. Workers start with the first job and end when the last job has ended,
    so an idle console holds no pool threads.
    """

    def __init__(self, workers: int, name: str = "decode-pool") -> None:
        if workers < 1:
            raise ValueError("a paced pool needs at least one worker")
        self.workers = workers
        self.name = name
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Job, int]] = []
        self._seq = itertools.count()
        self._jobs = 0
        self._threads: list[threading.Thread] = []  # workers serving jobs
        self._started: list[threading.Thread] = []  # every worker not yet known to have ended
        self._numbers = itertools.count()

    @property
    def jobs(self) -> int:
        with self._cond:
            return self._jobs

    def thread_names(self) -> list[str]:
        with self._cond:
            return [t.name for t in self._threads]

    def add(self, steps: Steps, on_end: Callable[[], None], name: str) -> Job:
        """Run `steps` from now on; `on_end` is called on a worker once it has ended."""
        job = Job(steps, on_end, name)
        with self._cond:
            self._jobs += 1
            self._push(job, time.monotonic())
            while len(self._threads) < self.workers:
                thread = threading.Thread(
                    target=self._work, name=f"{self.name}-{next(self._numbers)}", daemon=False
                )
                self._threads.append(thread)
                self._started = [t for t in self._started if t.is_alive()]
                self._started.append(thread)
                thread.start()
            self._cond.notify_all()
        return job

    def wake(self, job: Job, *, always: bool = False) -> None:
        """Run the job's next step now if its wait is wakeable (or `always`, for stop).

        A wake is not a message: it only brings the next step forward, so a job reads what
        changed (its stop flag, its size) in that step. One that comes while the next step
        is already due changes nothing."""
        with self._cond:
            if job.ended:
                return
            if job.running:
                job.woken = job.woken or always or job.wakeable
                return
            if always or job.wakeable:
                self._push(job, time.monotonic())
                self._cond.notify_all()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the workers to end (they do once no job is left); True when they have."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            threads = list(self._started)
        for thread in threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in threads)

    def join_retired(self, timeout: float | None = None) -> bool:
        """Wait for workers that no longer serve (they retire with the last job); True when
        they have ended. Never waits for a worker that still serves jobs."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            retired = [t for t in self._started if t not in self._threads]
        for thread in retired:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in retired)

    # --- workers ---------------------------------------------------------------------------

    def _push(self, job: Job, due: float) -> None:
        job.token += 1
        heapq.heappush(self._heap, (due, next(self._seq), job, job.token))

    def _next_job(self) -> Job | None:
        """The job to step now, waiting until one is due; None when no job is left."""
        with self._cond:
            while True:
                me = threading.current_thread()
                if self._jobs == 0 or me not in self._threads:
                    # Retired (see _step): add() has started or will start new workers
                    # rather than count on one that is on its way out.
                    if me in self._threads:
                        self._threads.remove(me)
                    return None
                heap = self._heap
                while heap and heap[0][3] != heap[0][2].token:
                    heapq.heappop(heap)
                if not heap:
                    self._cond.wait()  # every job is running on another worker
                    continue
                delay = heap[0][0] - time.monotonic()
                if me is not self._threads[0]:
                    # A helper: only steps that the first worker left late.
                    delay += HELP_AFTER_S
                if delay > RUN_EARLY_S:
                    # Capped: a job may wait for ever (until stopped), which no timeout takes.
                    self._cond.wait(min(delay, LONGEST_WAIT_S))
                    continue
                job = heapq.heappop(heap)[2]
                job.running, job.woken = True, False
                return job

    def _work(self) -> None:
        try:
            while (job := self._next_job()) is not None:
                self._step(job)
        finally:
            with self._cond:
                self._cond.notify_all()

    def _step(self, job: Job) -> None:
        wait: Wait | None = None
        try:
            wait = next(job.steps)
        except StopIteration:
            pass
        except Exception:  # a job's bug ends that job, never the worker serving the others
            log.exception("paced job %s failed", job.name)
        if wait is None:
            with self._cond:
                job.running, job.ended = False, True
                self._jobs -= 1
                if self._jobs == 0:
                    # Every worker retires now, before the job's end is announced, so
                    # that whoever waits for that end can also join them (join_retired).
                    self._threads.clear()
                    self._cond.notify_all()
            try:
                job.on_end()
            except Exception:
                log.exception("paced job %s: end callback failed", job.name)
            return
        due, wakeable = wait
        with self._cond:
            job.running, job.wakeable = False, wakeable
            now = time.monotonic()
            due = now if job.woken else max(due, now)
            job.woken = False
            self._push(job, due)
            first = self._threads[0] if self._threads else None
            if self._heap[0][2] is job and threading.current_thread() is not first:
                # The first worker may be waiting for a later step than this one.
                self._cond.notify_all()


def default_workers() -> int:
    """One per core: as many as there are decode turns, so pool threads never queue for
    one another's turns."""
    return default_limit()


_shared: PacedPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> PacedPool:
    """The pool every paced file decoder uses unless given its own: one thread per core."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = PacedPool(default_workers())
        return _shared
