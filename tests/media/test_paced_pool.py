"""PacedPool: steps run when due, on a few named threads, and wake, fail and end cleanly."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.media.connection_gate import ConnectionGate
from console.media.decoder import CameraDecoder
from console.media.paced_pool import RUN_EARLY_S, PacedPool, Wait
from tests.media.conftest import decode_threads, wait_until


class Recorder:
    """Steps that note when and where they ran, then wait `waits` in turn."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.runs: list[tuple[str, float, float, str]] = []  # name, due, ran at, thread
        self.ended: list[str] = []

    def job(self, name: str, waits: list[Wait]) -> Iterator[Wait]:
        due = time.monotonic()
        for wait in [*waits, None]:
            with self.lock:
                self.runs.append((name, due, time.monotonic(), threading.current_thread().name))
            if wait is None:
                return
            due = wait[0]
            yield wait

    def on_end(self, name: str) -> object:
        def ended() -> None:
            with self.lock:
                self.ended.append(name)

        return ended

    def ran(self, name: str) -> int:
        with self.lock:
            return sum(1 for run in self.runs if run[0] == name)


def test_steps_run_when_due_on_at_most_the_pool_s_threads() -> None:
    pool = PacedPool(2, name="decode-pool-t")
    record = Recorder()
    start = time.monotonic()
    for i in range(6):
        # Six jobs, four steps each, 30-70 ms apart and interleaved across the jobs.
        step = 0.03 + 0.008 * i
        waits = [(start + step * n, True) for n in range(1, 4)]
        pool.add(record.job(f"j{i}", waits), record.on_end(f"j{i}"), f"j{i}")
    assert wait_until(lambda: len(record.ended) == 6, 5.0), record.ended
    assert pool.join(2.0)
    assert pool.thread_names() == []  # no job left: no worker left
    assert len(record.runs) == 24
    assert {run[3] for run in record.runs} <= {"decode-pool-t-0", "decode-pool-t-1"}
    for name, due, ran_at, _ in record.runs:
        assert ran_at >= due - RUN_EARLY_S - 1e-4, (name, due, ran_at)
        # Generous: a loaded CI machine may be late, but never by whole seconds.
        assert ran_at - due < 1.0, (name, due, ran_at)
    # Each job's own steps keep their order.
    for i in range(6):
        times = [run[2] for run in record.runs if run[0] == f"j{i}"]
        assert times == sorted(times)


def test_wake_cuts_a_wakeable_wait_short_but_not_a_backoff() -> None:
    pool = PacedPool(1, name="decode-pool-w")
    record = Recorder()
    far = time.monotonic() + 3600
    pacing = pool.add(record.job("pacing", [(far, True)]), record.on_end("pacing"), "pacing")
    backoff = pool.add(record.job("backoff", [(far, False)]), record.on_end("backoff"), "backoff")
    assert wait_until(lambda: record.ran("pacing") == 1 and record.ran("backoff") == 1, 2.0)
    # One worker runs whatever is due first: by the time the pacing job has been woken and
    # has run, a wrongly woken backoff (queued before it) would have run too.
    pool.wake(backoff)
    pool.wake(pacing)
    assert wait_until(lambda: record.ended == ["pacing"], 2.0), record.ended
    assert record.ran("backoff") == 1
    # Stopping wakes any wait.
    pool.wake(backoff, always=True)
    assert wait_until(lambda: "backoff" in record.ended, 2.0)
    assert pool.join(2.0)


def test_a_failing_job_ends_alone_and_the_workers_serve_on() -> None:
    pool = PacedPool(1, name="decode-pool-f")
    record = Recorder()
    ended: list[str] = []

    def broken() -> Iterator[Wait]:
        yield (0.0, True)
        raise RuntimeError("a bug in one decoder")

    pool.add(broken(), lambda: ended.append("broken"), "broken")
    start = time.monotonic()
    waits = [(start + 0.02 * n, True) for n in range(1, 6)]
    pool.add(record.job("healthy", waits), record.on_end("healthy"), "healthy")
    assert wait_until(lambda: record.ended == ["healthy"], 3.0)
    assert ended == ["broken"]
    assert record.ran("healthy") == 6
    assert pool.join(2.0)


def test_workers_come_back_for_a_job_added_after_they_ended() -> None:
    pool = PacedPool(2, name="decode-pool-r")
    record = Recorder()
    for round_ in range(3):
        pool.add(record.job(f"r{round_}", []), record.on_end(f"r{round_}"), f"r{round_}")
        assert wait_until(lambda r=round_: f"r{r}" in record.ended, 2.0)
        assert pool.join(2.0)
        assert pool.thread_names() == []


def test_the_first_worker_runs_the_steps_while_it_keeps_up() -> None:
    # Light work: the other worker only helps with steps left late, so (nearly) every step
    # runs on the first one. "Nearly": a loaded machine may hold a thread back for a while.
    pool = PacedPool(2, name="decode-pool-first")
    record = Recorder()
    start = time.monotonic()
    for i in range(4):
        waits = [(start + 0.02 * n + 0.005 * i, True) for n in range(1, 21)]
        pool.add(record.job(f"f{i}", waits), record.on_end(f"f{i}"), f"f{i}")
    assert wait_until(lambda: len(record.ended) == 4, 10.0), record.ended
    assert pool.join(2.0)
    threads = [run[3] for run in record.runs]
    assert len(threads) == 84
    assert threads.count("decode-pool-first-0") >= 0.8 * len(threads), threads


def test_another_worker_takes_over_while_a_step_takes_long() -> None:
    # One job's step blocks its worker for 0.5 s: the other job's steps meanwhile run on
    # the helping worker, a few ms late at most, instead of waiting behind it.
    pool = PacedPool(2, name="decode-pool-h")
    record = Recorder()
    slow_started, slow_done = threading.Event(), threading.Event()
    slow_thread: list[str] = []

    def slow() -> Iterator[Wait]:
        slow_thread.append(threading.current_thread().name)
        slow_started.set()
        time.sleep(0.5)  # a long step (an open, a read), holding its worker
        slow_done.set()
        return
        yield

    pool.add(slow(), lambda: None, "slow")
    assert slow_started.wait(2.0)
    start = time.monotonic()
    waits = [(start + 0.03 * n, True) for n in range(1, 6)]
    pool.add(record.job("steady", waits), record.on_end("steady"), "steady")
    assert wait_until(lambda: record.ended == ["steady"], 5.0)
    assert pool.join(2.0)
    runs = [run for run in record.runs if run[0] == "steady"]
    assert len(runs) == 6
    # All six steps ran within the slow step's 0.5 s (the last is due at 0.15 s), so on
    # the other worker.
    assert all(run[3] != slow_thread[0] for run in runs), (slow_thread, runs)
    for _, due, ran_at, _ in runs:
        assert ran_at - due < 0.25, (due, ran_at)


def test_a_pool_needs_a_worker() -> None:
    with pytest.raises(ValueError):
        PacedPool(0)


def test_a_wall_of_pooled_decoders_plays_in_real_time_on_two_threads(
    clip_dir: Path, scene_clip: Path
) -> None:
    pool = PacedPool(2, name="decode-pool-wall")
    gate = ConnectionGate(4)
    decoders = [
        CameraDecoder(f"w{i}", str(scene_clip), target_size=(160, 90), gate=gate, pool=pool)
        for i in range(8)
    ]
    cpu_began = time.process_time()
    for decoder in decoders:
        decoder.start()
    try:
        assert all(d.pooled for d in decoders)
        assert wait_until(lambda: all(d.stats().frames_delivered >= 5 for d in decoders), 5.0)
        first = [d.stats().frames_delivered for d in decoders]
        began = time.monotonic()

        def gained() -> list[int]:
            return [d.stats().frames_delivered - f for d, f in zip(decoders, first, strict=True)]

        assert wait_until(lambda: min(gained()) >= 25, 10.0), gained()
        took = time.monotonic() - began
        # Paced at the clip's 25 fps, not as fast as the threads can decode: 25 more
        # frames each took about a second (half of that is generous for early frames).
        assert took >= 0.5, (gained(), took)
        threads = decode_threads()
        assert set(threads) <= {"decode-pool-wall-0", "decode-pool-wall-1"}, threads
        frames = [d.slot.take() for d in decoders]
        assert all(f is not None and f.image.shape == (90, 160, 4) for f in frames)
    finally:
        for decoder in decoders:
            decoder.stop()
        assert all(d.join(3.0) for d in decoders)
    assert pool.join(3.0)
    # Each decoder is charged the CPU its own steps took on the shared threads.
    spent = [d.stats().cpu_s for d in decoders]
    assert all(s > 0 for s in spent)
    assert sum(spent) <= (time.process_time() - cpu_began) * 1.05 + 0.05
    assert all(not d.stats().running for d in decoders)


def test_a_job_may_wait_for_ever_until_stopped() -> None:
    pool = PacedPool(1, name="decode-pool-inf")
    record = Recorder()
    stuck = pool.add(record.job("stuck", [(math.inf, False)]), record.on_end("stuck"), "stuck")
    # Another job still runs meanwhile, and ends; the waiting one does not.
    pool.add(record.job("other", [(time.monotonic() + 0.05, True)]), record.on_end("other"), "o")
    assert wait_until(lambda: record.ended == ["other"], 2.0), record.ended
    assert pool.jobs == 1 and len(pool.thread_names()) == 1
    pool.wake(stuck, always=True)
    assert wait_until(lambda: "stuck" in record.ended, 2.0)
    assert pool.join(2.0)


def test_join_retired_never_waits_for_a_serving_worker() -> None:
    pool = PacedPool(1, name="decode-pool-j")
    record = Recorder()
    far = time.monotonic() + 3600
    job = pool.add(record.job("long", [(far, True)]), record.on_end("long"), "long")
    # Woken before its first step, a job would only have that step come sooner.
    assert wait_until(lambda: record.ran("long") == 1, 2.0)
    began = time.monotonic()
    assert pool.join_retired(5.0)  # nothing retired: returns at once
    assert time.monotonic() - began < 1.0
    pool.wake(job, always=True)
    assert wait_until(lambda: record.ended == ["long"], 2.0)
    # The job's end is announced after its workers retired: joining them now leaves none.
    assert pool.join_retired(2.0)
    assert not [t for t in threading.enumerate() if t.name.startswith("decode-pool-j")]


def test_broken_files_on_the_pool_never_stall_the_good_ones(
    tmp_path: Path, scene_clip: Path
) -> None:
    """Garbage, a truncated clip and a missing file share the pool's one thread with a good
    clip: each says what is wrong and keeps retrying, and the good one plays on in time."""
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(bytes(range(256)) * 400)
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(scene_clip.read_bytes()[: scene_clip.stat().st_size // 3])
    pool = PacedPool(1, name="decode-pool-bad")
    gate = ConnectionGate(4)
    fast = {"backoff_base_s": 0.01, "backoff_cap_s": 0.05, "pool": pool, "gate": gate}
    good = CameraDecoder("good", str(scene_clip), target_size=(160, 90), **fast)
    bad = [
        CameraDecoder(name, str(path), target_size=(160, 90), **fast)
        for name, path in (
            ("garbage", garbage),
            ("truncated", truncated),
            ("missing", tmp_path / "nowhere.mp4"),
        )
    ]
    for decoder in (good, *bad):
        decoder.start()
    try:
        # Each says what is wrong in words, and keeps trying (a file may yet be copied in).
        assert wait_until(lambda: all(d.stats().connects >= 2 for d in bad), 5.0)
        errors = [d.stats().last_error or "" for d in bad]
        assert "did not send a playable video stream" in errors[0], errors
        assert "did not send a playable video stream" in errors[1], errors  # no moov atom
        assert errors[2] == f"File not found: {tmp_path / 'nowhere.mp4'}.", errors
        began, first = time.monotonic(), good.stats().frames_delivered
        assert wait_until(lambda: good.stats().frames_delivered >= first + 25, 5.0)
        assert time.monotonic() - began < 3.0
        assert all(d.is_alive() and d.stats().running for d in (good, *bad))
    finally:
        for decoder in (good, *bad):
            decoder.stop()
        assert all(d.join(3.0) for d in (good, *bad))
    assert not [t for t in threading.enumerate() if t.name.startswith("decode-pool-bad")]
