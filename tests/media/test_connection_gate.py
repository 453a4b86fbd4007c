"""ConnectionGate: a cap, a record of the peak, and waiters that can give up."""

from __future__ import annotations

import threading

import pytest

from console.media.connection_gate import ConnectionGate, shared_gate
from tests.media.conftest import wait_until


def test_cap_and_peak_are_kept() -> None:
    gate = ConnectionGate(2)
    assert gate.acquire() and gate.acquire()
    assert gate.active == 2 and gate.max_active == 2
    gate.release()
    gate.release()
    assert gate.active == 0 and gate.max_active == 2 and gate.granted == 2
    with pytest.raises(RuntimeError):
        gate.release()


def test_a_waiter_leaves_when_stopped() -> None:
    gate = ConnectionGate(1)
    assert gate.acquire()
    stop = threading.Event()
    outcome: list[bool] = []
    waiter = threading.Thread(target=lambda: outcome.append(gate.acquire(stop)), name="waiter")
    waiter.start()
    assert wait_until(lambda: gate.waiting == 1, 2.0)
    stop.set()
    waiter.join(2.0)
    assert outcome == [False] and gate.active == 1 and gate.waiting == 0


def test_a_waiter_gets_the_released_slot() -> None:
    gate = ConnectionGate(1)
    first = gate.acquire()
    assert first
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(gate.acquire()), name="waiter")
    waiter.start()
    assert wait_until(lambda: gate.waiting == 1, 2.0)
    gate.release()
    waiter.join(2.0)
    assert got == [True] and gate.active == 1
    gate.release()


def test_shared_gate_is_one_object_and_limits_are_checked() -> None:
    assert shared_gate() is shared_gate()
    with pytest.raises(ValueError):
        ConnectionGate(0)


def test_try_acquire_never_waits_and_counts_like_acquire() -> None:
    gate = ConnectionGate(1)
    assert gate.try_acquire()
    assert not gate.try_acquire()  # full: says so at once
    assert gate.active == 1 and gate.granted == 1
    gate.release()
    assert gate.try_acquire() and gate.granted == 2
    gate.release()
