"""The signalling server run inside the console (the demo's default), with a simulated caller."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from console.core.codes import DisputeCategory
from console.core.paths import data_dir
from console.core.tokens import load_or_create_secret
from console.services.demo_caller import run_demo_caller
from console.services.signalling_store import StoreQueue, StoreRoomSeats
from console.signalling.server import ServerConfig, SignallingServer
from console.store.store import Store

log = logging.getLogger(__name__)

DEMO_CALLER_WAIT_S = 1800.0
"""A simulated citizen waits this long in the queue before giving up, as a patient one would."""


class EmbeddedSignalling:
    def __init__(self, store: Store) -> None:
        secret = load_or_create_secret(data_dir() / "signalling.key")
        self.server = SignallingServer(
            ServerConfig(secret=secret), StoreQueue(store), StoreRoomSeats(store)
        )
        self.port: int | None = None
        self._callers: set[asyncio.Task[object]] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> int:
        self.port = await self.server.start()
        log.info("embedded signalling server on %s", self.base_url)
        return self.port

    def start_demo_caller(
        self, name: str = "演示来电人", category: DisputeCategory | None = None
    ) -> None:
        """A headless citizen joins the queue, so the intake screen has a live call to answer."""

        async def call() -> None:
            try:
                await run_demo_caller(
                    self.base_url,
                    name=name,
                    category=(category or DisputeCategory.NEIGHBOUR).code,
                    timeout=DEMO_CALLER_WAIT_S,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the demo goes on without its caller
                log.warning("demo caller stopped: %s", exc)

        task: asyncio.Task[object] = asyncio.ensure_future(call())
        self._callers.add(task)
        task.add_done_callback(self._callers.discard)

    async def stop(self) -> None:
        for task in list(self._callers):
            task.cancel()
        for task in list(self._callers):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.server.stop()
