"""The signalling server run inside the console (the demo's default), with simulated citizens."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from console.core.codes import DisputeCategory
from console.core.paths import data_dir
from console.core.tokens import load_or_create_secret
from console.services.demo_caller import run_demo_caller
from console.services.room_desk import RoomDesk
from console.services.signalling_store import StoreQueue, StoreRoomSeats
from console.signalling.janus_rooms import JanusLink
from console.signalling.server import ServerConfig, SignallingServer
from console.store.store import Store

log = logging.getLogger(__name__)

DEMO_PARTIES = ("演示当事人甲", "演示当事人乙")
DEMO_CALLER_WAIT_S = 1800.0
CALLER_STOP_S = 5.0
"""A simulated citizen waits this long in the queue before giving up, as a patient one would."""


class EmbeddedSignalling:
    def __init__(self, store: Store, *, janus_url: str | None = None) -> None:
        """`janus_url`: a Janus WebSocket (ws://host:8188/) for rooms scheduled with it."""
        secret = load_or_create_secret(data_dir() / "signalling.key")
        janus = JanusLink(janus_url) if janus_url else None
        self.server = SignallingServer(
            ServerConfig(secret=secret, janus=janus), StoreQueue(store), StoreRoomSeats(store)
        )
        self.port: int | None = None
        self._callers: set[asyncio.Task[object]] = set()
        self._parties: list[RoomDesk] = []
        self._party_rooms: set[str] = set()

    @property
    def has_janus(self) -> bool:
        """Rooms scheduled with the media server (Janus) can be entered."""
        return self.server.config.janus is not None

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

    def start_demo_parties(self, room: str, names: tuple[str, ...] = DEMO_PARTIES) -> None:
        """Simulated parties knock at `room`'s lobby (once per room), so a mediator who
        enters the demo's room has people to admit, see and hear."""
        if room in self._party_rooms:
            return
        self._party_rooms.add(room)
        for i, name in enumerate(names):
            token = self.server.invite_token(room, f"demo-party:{room}:{i}", name)
            desk = RoomDesk(
                base_url=self.base_url,
                token_provider=lambda t=token: t,
                name=name,
                consent=True,
                preview=False,
                sink_size=(160, 90),
            )
            self._parties.append(desk)

            async def join(d: RoomDesk = desk) -> None:
                try:
                    await d.join(room)
                except Exception as exc:  # the demo goes on without this party
                    log.warning("demo party could not join: %s", exc)

            task: asyncio.Task[object] = asyncio.ensure_future(join())
            self._callers.add(task)
            task.add_done_callback(self._callers.discard)

    async def stop(self) -> None:
        for desk in self._parties:
            with contextlib.suppress(Exception):
                await desk.leave()
        callers = list(self._callers)
        for task in callers:
            task.cancel()
        if callers:
            # Bounded: a simulated caller stuck closing its peer connection once kept the
            # console from exiting after its window closed (seen under load).
            _, stuck = await asyncio.wait(callers, timeout=CALLER_STOP_S)
            if stuck:
                log.warning("demo callers still closing after %.0f s: left behind", CALLER_STOP_S)
        await self.server.stop()
