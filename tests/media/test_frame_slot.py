"""The latest-frame slot: newest wins, drops are counted, nothing queues."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pytest

from console.media.frame_slot import Frame, LatestFrameSlot


def frame(seq: int) -> Frame:
    return Frame(np.zeros((2, 2, 4), np.uint8), 2, 2, seq / 25, 0.0, seq)


def test_take_returns_newest_once() -> None:
    slot = LatestFrameSlot()
    assert slot.take() is None
    slot.put(frame(1))
    slot.put(frame(2))
    taken = slot.take()
    assert taken is not None and taken.seq == 2
    assert slot.take() is None
    assert slot.peek() is taken
    assert (slot.produced, slot.consumed, slot.dropped) == (2, 1, 1)


def test_clear_counts_an_unread_frame_as_dropped() -> None:
    slot = LatestFrameSlot()
    slot.put(frame(1))
    slot.clear()
    assert slot.take() is None and slot.peek() is None
    assert slot.dropped == 1


def test_counters_balance_under_concurrency() -> None:
    slot = LatestFrameSlot()
    done = threading.Event()
    seen: list[int] = []

    def consume() -> None:
        while True:
            finished = done.is_set()
            got = slot.take()
            if got is not None:
                seen.append(got.seq)
            elif finished:
                return

    consumer = threading.Thread(target=consume, name="test-consumer")
    consumer.start()
    for seq in range(1, 20001):
        slot.put(frame(seq))
    done.set()
    consumer.join(5)
    assert not consumer.is_alive()
    assert slot.produced == 20000
    assert slot.produced == slot.consumed + slot.dropped
    assert seen[-1] == 20000
    assert seen == sorted(seen)  # the consumer never goes back in time


def test_frame_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        frame(1).seq = 2  # type: ignore[misc]
