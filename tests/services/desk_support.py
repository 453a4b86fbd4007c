"""Helpers for the officer-desk tests: an event recorder with awaitable waits, a headless caller."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from console.media.peer import set_ice_interfaces
from console.services.call_peer import CallStats, MediaLeg, request_ticket, run_caller, ws_url
from console.services.officer_desk import CallChanged, DeskEvent, OfficerDesk
from console.signalling.client import WebSocketSignallingClient

E = TypeVar("E")


class Recorder:
    """Subscribes to a desk; `wait` returns the first (past or future) event matching."""

    def __init__(self, desk: OfficerDesk) -> None:
        self.events: list[DeskEvent] = []
        self._changed = asyncio.Event()
        self.unsubscribe = desk.subscribe(self._on)

    def _on(self, event: DeskEvent) -> None:
        self.events.append(event)
        self._changed.set()

    async def wait(
        self,
        kind: type[E],
        pred: Callable[[E], bool] = lambda e: True,
        timeout: float = 15.0,
        since: int = 0,
    ) -> E:
        deadline = time.monotonic() + timeout
        seen = since
        while True:
            for event in self.events[seen:]:
                if isinstance(event, kind) and pred(event):
                    return event
            seen = len(self.events)
            self._changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                names = [type(e).__name__ for e in self.events[-15:]]
                raise TimeoutError(f"no {kind.__name__} matching; last events {names}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def call_state(self, state: str, timeout: float = 15.0, since: int = 0) -> CallChanged:
        return await self.wait(CallChanged, lambda e: e.call.state == state, timeout, since)

    def mark(self) -> int:
        return len(self.events)


async def until(pred: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:
    """Wait for a condition that nothing announces (e.g. a picture in a frame slot)."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition never held: {what}")
        await asyncio.sleep(0.02)


async def frames_from(desk: Any, pid: str, count: int, timeout: float = 30.0) -> int:
    """Wait until a room desk has decoded `count` more frames from that person; the total."""
    leg = await until(lambda: desk.leg(pid), timeout, f"{desk.name} receiving {pid}")
    await asyncio.wait_for(leg.got_video.wait(), timeout)
    assert leg.sink is not None
    return int(await leg.sink.wait_frames(leg.sink.frames_received + count, timeout))


@dataclass
class Caller:
    """A headless aiortc citizen (the demo caller's code) running as a task."""

    base_url: str
    name: str = "张三"
    category: str = "neighbour"
    seconds: float = 120.0
    ticket: str = ""
    legs: list[MediaLeg] = field(default_factory=list)
    stats: CallStats = field(default_factory=CallStats)
    client: WebSocketSignallingClient | None = None
    task: asyncio.Task[CallStats] | None = None

    async def start(self) -> Caller:
        self.ticket, token = await request_ticket(self.base_url, name=self.name)
        self.client = WebSocketSignallingClient(
            ws_url(self.base_url), lambda: token, client_name="test-caller"
        )
        await self.client.connect()
        self.stats.ticket = self.ticket
        self.task = asyncio.get_running_loop().create_task(
            run_caller(
                self.client,
                ticket=self.ticket,
                name=self.name,
                category=self.category,
                seconds=self.seconds,
                timeout=60.0,
                stats=self.stats,
                on_leg=self.legs.append,
            )
        )
        return self

    @property
    def leg(self) -> MediaLeg | None:
        return self.legs[-1] if self.legs else None

    async def finish(self, timeout: float = 15.0) -> CallStats:
        assert self.task is not None
        try:
            return await asyncio.wait_for(self.task, timeout)
        finally:
            assert self.client is not None
            await self.client.close()

    async def close(self) -> None:
        """Cleanup after a test, whatever state the caller is in."""
        if self.task is not None and not self.task.done():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
        if self.client is not None:
            await self.client.close()

    async def vanish(self) -> None:
        """The caller's machine drops off: no hangup, no bye; its media stops too."""
        assert self.task is not None and self.client is not None
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self.task
        self.client._closing = True  # no reconnect and no bye: this caller is gone
        await self.client.drop_connection()
        await self.client.close()


@contextlib.contextmanager
def loopback_ice() -> Iterator[None]:
    set_ice_interfaces(["lo"])
    try:
        yield
    finally:
        set_ice_interfaces(None)
