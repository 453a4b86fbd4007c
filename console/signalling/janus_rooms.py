"""The server's Janus VideoRooms behind its mediation rooms: created, rotated and destroyed.

A mediation room served by Janus has one Janus room for the main room and, during a
caucus (背靠背), a second one for the caucus side. Each Janus room has its own random pin,
and the server tells a pin only to the people of that group (`RoomState.media`), so the
waiting side of a caucus cannot join the caucus room nor subscribe to its feeds. Removing
someone rotates their Janus room: everyone else moves to a new one with a new pin and the
old one is destroyed, which also ends every subscription the removed person held (Janus
keeps a subscriber's media flowing even after its publisher is kicked).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass, field

from console.signalling.janus import NO_SUCH_ROOM, JanusError, JanusSession, VideoRoomHandle

log = logging.getLogger(__name__)

JANUS_REQUEST_S = 10.0
"""A Janus that takes longer than this to create or destroy a room counts as unreachable."""
JANUS_RETRY_AFTER_S = 15.0
"""After a failure, Janus is not asked again for this long: the server handles room changes
one at a time, and a Janus that swallows requests must not stall every one of them."""
ROOM_BITRATE = 512_000
"""Per publisher: 640×360 VP8 at 25 fps looks right at this rate."""


@dataclass(frozen=True, slots=True)
class JanusLink:
    """Where the server reaches Janus, and where clients are told to reach it.

    They differ when Janus sits behind a reverse proxy or on another host of the video
    network; both default to the same URL."""

    admin_url: str
    client_url: str = ""

    @property
    def for_clients(self) -> str:
        return self.client_url or self.admin_url


@dataclass(frozen=True, slots=True)
class JanusRoomPlan:
    """One Janus room as the server made it."""

    number: int
    pin: str
    secret: str = field(repr=False)


class JanusUnavailable(Exception):
    """Janus refused or did not answer; the text says so in an operator's words."""


class JanusRooms:
    """Creates and destroys Janus rooms on a short-lived admin session per request."""

    def __init__(
        self,
        link: JanusLink,
        *,
        request_s: float = JANUS_REQUEST_S,
        retry_after_s: float = JANUS_RETRY_AFTER_S,
    ) -> None:
        self.link = link
        self.request_s = request_s
        self.retry_after_s = retry_after_s
        self.created = 0
        self.destroyed = 0
        self._down_until = 0.0
        self._down_reason = ""
        self._undestroyed: list[JanusRoomPlan] = []
        """Rooms Janus did not destroy when asked: tried again with the next request."""

    async def create(self, publishers: int, description: str) -> JanusRoomPlan:
        plan = JanusRoomPlan(
            number=secrets.randbelow(2**31 - 2) + 1,
            pin=secrets.token_urlsafe(16),
            secret=secrets.token_urlsafe(24),
        )
        if time.monotonic() < self._down_until:
            raise JanusUnavailable(self._down_reason)
        try:
            await asyncio.wait_for(self._create(plan, publishers, description), self.request_s)
        except (JanusError, OSError, TimeoutError) as exc:
            problem = str(exc) or f"no answer within {self.request_s:.0f} s"
            self._down_reason = f"the media server (Janus) did not open the room: {problem}"
            self._down_until = time.monotonic() + self.retry_after_s
            raise JanusUnavailable(self._down_reason) from exc
        self.created += 1
        return plan

    async def _create(self, plan: JanusRoomPlan, publishers: int, description: str) -> None:
        admin = JanusSession(self.link.admin_url, request_timeout_s=self.request_s)
        await admin.connect()
        try:
            handle = await VideoRoomHandle.attach(admin)
            await handle.create_room(
                plan.number,
                publishers=publishers,
                bitrate=ROOM_BITRATE,
                description=description[:100],
                pin=plan.pin,
                secret=plan.secret,
            )
        finally:
            await admin.close()

    async def destroy(self, plan: JanusRoomPlan) -> None:
        """Destroy the room (its participants are dropped). A failure is logged and the
        room is tried again with the next destroy: a room left open would still carry the
        media of whoever it was taken from."""
        if time.monotonic() < self._down_until:
            self._undestroyed.append(plan)
            return
        retry, self._undestroyed = self._undestroyed, []
        for held in [*retry, plan]:
            if time.monotonic() < self._down_until:
                self._undestroyed.append(held)
                continue
            try:
                await asyncio.wait_for(self._destroy(held), self.request_s)
                self.destroyed += 1
            except JanusError as exc:
                if exc.code == NO_SUCH_ROOM:
                    continue  # gone already (Janus restarted)
                log.warning("janus room %s not destroyed: %s", held.number, exc)
                self._undestroyed.append(held)
            except (OSError, TimeoutError) as exc:
                log.warning("janus room %s not destroyed: %s", held.number, exc)
                self._undestroyed.append(held)
                self._down_until = time.monotonic() + self.retry_after_s
                self._down_reason = f"the media server (Janus) did not answer: {exc}"

    async def _destroy(self, plan: JanusRoomPlan) -> None:
        admin = JanusSession(self.link.admin_url, request_timeout_s=self.request_s)
        await admin.connect()
        try:
            handle = await VideoRoomHandle.attach(admin)
            await handle.destroy_room(plan.number, plan.secret)
        finally:
            await admin.close()
