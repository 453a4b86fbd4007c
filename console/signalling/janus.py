"""Janus gateway client over WebSocket: session, keepalive, reclaim, and the VideoRoom plugin.

Signalling only: JSON and SDP strings. The media side (peer connections) lives in
`console.services.janus_room`, using `console.media` helpers.

Janus answers a request in one of two ways: a synchronous `success` (or `error`), or an
`ack` followed later by an `event` with the same transaction (VideoRoom's join, publish,
start, leave). Events without a transaction are news (a publisher came or went, media is
up, a peer connection hung up): they become typed events for the session's listeners.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

PROTOCOL = "janus-protocol"
VIDEOROOM = "janus.plugin.videoroom"

CONNECTION_LOST = 0
"""JanusError.code when the WebSocket dropped before Janus answered."""
SESSION_NOT_FOUND = 458
ROOM_FULL = 432  # JANUS_VIDEOROOM_ERROR_PUBLISHERS_FULL
NO_SUCH_ROOM = 426
ROOM_EXISTS = 427
NO_SUCH_FEED = 428

_FULL = re.compile(r"\((\d+)\)")


class JanusError(Exception):
    """Janus refused a request (its numeric error code and a readable reason)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"Janus error {code}: {reason}")
        self.code = code
        self.reason = reason


def _readable(code: int, reason: str) -> str:
    if code == ROOM_FULL:
        # Janus says "Maximum number of publishers (6) already reached".
        found = _FULL.search(reason)
        return f"the room already has {found.group(1)} publishers" if found else reason
    if code == NO_SUCH_ROOM:
        return f"no such room ({reason})"
    if code == SESSION_NOT_FOUND:
        return f"the Janus session is gone ({reason})"
    return reason


# --- typed events --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Publisher:
    """A participant who publishes media in a room; `feed` is its Janus id."""

    feed: int
    display: str


@dataclass(frozen=True, slots=True)
class Joined:
    """The reply to joining a room as a publisher: our feed id and who already publishes."""

    room: int
    feed: int
    private_id: int
    publishers: tuple[Publisher, ...]


@dataclass(frozen=True, slots=True)
class PublishersAnnounced:
    handle: int
    room: int
    publishers: tuple[Publisher, ...]


@dataclass(frozen=True, slots=True)
class PublisherUnpublished:
    handle: int
    room: int
    feed: int


@dataclass(frozen=True, slots=True)
class PublisherLeft:
    handle: int
    room: int
    feed: int


@dataclass(frozen=True, slots=True)
class MediaStarted:
    """Janus's peer connection on this handle is up (ICE and DTLS done)."""

    handle: int


@dataclass(frozen=True, slots=True)
class HandleHungUp:
    """Janus closed the peer connection on this handle (ICE failed, DTLS alert, …)."""

    handle: int
    reason: str


@dataclass(frozen=True, slots=True)
class MediaReceivingChanged:
    handle: int
    kind: str
    receiving: bool


@dataclass(frozen=True, slots=True)
class ConnectionLost:
    """The WebSocket dropped; the session reconnects and reclaims in the background."""

    session: int


@dataclass(frozen=True, slots=True)
class SessionReclaimed:
    """A new WebSocket took over the same session; its handles and peer connections live on."""

    session: int
    outage_s: float


@dataclass(frozen=True, slots=True)
class SessionLost:
    """The session is gone for good (reclaim failed or Janus timed it out)."""

    session: int
    reason: str


JanusEvent = (
    PublishersAnnounced
    | PublisherUnpublished
    | PublisherLeft
    | MediaStarted
    | HandleHungUp
    | MediaReceivingChanged
    | ConnectionLost
    | SessionReclaimed
    | SessionLost
)


def _publishers(items: Any) -> tuple[Publisher, ...]:
    out: list[Publisher] = []
    for item in items or ():
        with contextlib.suppress(KeyError, TypeError, ValueError):
            out.append(Publisher(int(item["id"]), str(item.get("display", ""))))
    return tuple(out)


# --- the session ---------------------------------------------------------------------------


class JanusSession:
    """One Janus session over one WebSocket at a time.

    A keepalive goes out every `keepalive_s` (Janus drops a silent session after its
    `session_timeout`, 60 s by default). When the WebSocket drops, requests in flight fail
    with CONNECTION_LOST, listeners get ConnectionLost, and the session reconnects and sends
    `claim` until `reclaim_within_s` has passed (Janus keeps the session, its handles and
    their peer connections for its `reclaim_session_timeout`); then SessionReclaimed or
    SessionLost. Requests made while reconnecting wait for it.
    """

    def __init__(
        self,
        url: str,
        *,
        keepalive_s: float = 25.0,
        reclaim_within_s: float = 25.0,
        request_timeout_s: float = 20.0,
    ) -> None:
        self.url = url
        self.keepalive_s = keepalive_s
        self.reclaim_within_s = reclaim_within_s
        self.request_timeout_s = request_timeout_s
        self.session_id = 0
        self.reclaims = 0
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._pending: dict[str, tuple[asyncio.Future[dict[str, Any]], bool]] = {}
        self._listeners: tuple[Callable[[JanusEvent], None], ...] = ()
        self._connected = asyncio.Event()
        self._closing = False
        self._lost: str | None = None
        self._reader: asyncio.Task[None] | None = None
        self._keepalive: asyncio.Task[None] | None = None
        self._reclaimer: asyncio.Task[None] | None = None

    # listeners

    def subscribe(self, listener: Callable[[JanusEvent], None]) -> None:
        """`listener` runs on the loop for each event; it must be cheap and not block."""
        self._listeners = (*self._listeners, listener)

    def unsubscribe(self, listener: Callable[[JanusEvent], None]) -> None:
        self._listeners = tuple(x for x in self._listeners if x != listener)

    def _emit(self, event: JanusEvent) -> None:
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception("janus listener failed on %s", type(event).__name__)

    # lifecycle

    async def connect(self) -> None:
        """Open the WebSocket and create the session."""
        self._http = aiohttp.ClientSession()
        try:
            await self._open()
            reply = await self.request({"janus": "create"}, before_ready=True)
        except (OSError, aiohttp.ClientError) as exc:
            await self.close()
            raise JanusError(CONNECTION_LOST, f"cannot reach Janus at {self.url} ({exc})") from None
        except BaseException:
            await self.close()
            raise
        self.session_id = int(reply["data"]["id"])
        self._connected.set()
        self._keepalive = asyncio.get_running_loop().create_task(
            self._keepalive_loop(), name=f"janus-keepalive-{self.session_id}"
        )

    async def _open(self) -> None:
        assert self._http is not None
        self._ws = await self._http.ws_connect(
            self.url, protocols=(PROTOCOL,), max_msg_size=0, autoping=True
        )
        self._reader = asyncio.get_running_loop().create_task(
            self._read(self._ws), name="janus-reader"
        )

    async def close(self) -> None:
        """Destroy the session (best effort) and close the WebSocket; cancels every task."""
        # Keepalives and reclaims stop first: neither may race the session's destruction.
        self._closing = True
        for task in (self._keepalive, self._reclaimer):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._keepalive = self._reclaimer = None
        if self.session_id and self._connected.is_set() and self._lost is None:
            with contextlib.suppress(JanusError, TimeoutError, ConnectionError):
                await self.request({"janus": "destroy"}, timeout=5.0)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
        if self._ws is not None:
            await self._ws.close()
        if self._http is not None:
            await self._http.close()
        self._connected.clear()
        self._fail_pending("session closed")

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    # requests

    async def request(
        self,
        payload: dict[str, Any],
        *,
        wait_event: bool = False,
        timeout: float | None = None,
        before_ready: bool = False,
    ) -> dict[str, Any]:
        """Send one Janus API request and return its final answer; JanusError if refused.

        With `wait_event`, an `ack` is only a receipt and the answer is the `event` with the
        same transaction (asynchronous plugin requests). Requests wait while the session
        reconnects; only `create` and `claim` go out `before_ready`.
        """
        timeout = timeout if timeout is not None else self.request_timeout_s
        if self._lost is not None:
            raise JanusError(SESSION_NOT_FOUND, self._lost)
        if not before_ready:
            try:
                await asyncio.wait_for(self._connected.wait(), timeout)
            except TimeoutError:
                raise JanusError(CONNECTION_LOST, "no connection to Janus") from None
        ws = self._ws
        if ws is None or ws.closed:
            raise JanusError(CONNECTION_LOST, "no connection to Janus")
        tx = secrets.token_hex(8)
        msg = {**payload, "transaction": tx}
        if self.session_id and "session_id" not in msg and payload["janus"] != "create":
            msg["session_id"] = self.session_id
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[tx] = (fut, wait_event)
        try:
            await ws.send_json(msg)
            reply = await asyncio.wait_for(fut, timeout)
        except (ConnectionError, aiohttp.ClientError) as exc:
            raise JanusError(CONNECTION_LOST, f"connection to Janus lost ({exc})") from None
        except TimeoutError:
            raise JanusError(
                CONNECTION_LOST, f"Janus did not answer {payload.get('janus')} in {timeout:.0f} s"
            ) from None
        finally:
            self._pending.pop(tx, None)
        return reply

    async def attach(self, plugin: str) -> int:
        """Attach a plugin handle; returns its id."""
        reply = await self.request({"janus": "attach", "plugin": plugin})
        return int(reply["data"]["id"])

    async def message(
        self,
        handle: int,
        body: dict[str, Any],
        *,
        jsep: dict[str, Any] | None = None,
        wait_event: bool = False,
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """Send a plugin message; returns (plugin data, jsep or None). Plugin errors raise."""
        payload: dict[str, Any] = {"janus": "message", "handle_id": handle, "body": body}
        if jsep is not None:
            payload["jsep"] = jsep
        reply = await self.request(payload, wait_event=wait_event)
        data = dict(reply.get("plugindata", {}).get("data", {}))
        if "error_code" in data:
            code = int(data["error_code"])
            raise JanusError(code, _readable(code, str(data.get("error", ""))))
        return data, reply.get("jsep")

    async def detach(self, handle: int) -> None:
        await self.request({"janus": "detach", "handle_id": handle})

    # background

    async def _keepalive_loop(self) -> None:
        while True:
            await asyncio.sleep(self.keepalive_s)
            if not self._connected.is_set():
                continue
            try:
                await self.request({"janus": "keepalive"}, timeout=10.0)
            except JanusError as exc:
                log.warning("janus keepalive failed: %s", exc)
                if exc.code == SESSION_NOT_FOUND:
                    self._give_up(exc.reason)
                    return

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        try:
            async for frame in ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    msg = frame.json()
                except ValueError:
                    log.warning("janus sent invalid JSON: %.200s", frame.data)
                    continue
                self._on_message(msg)
        finally:
            if ws is self._ws:
                self._connected.clear()
            if not self._closing and ws is self._ws:
                self._fail_pending("connection to Janus lost")
                if self.session_id and self._lost is None and self._reclaimer is None:
                    self._emit(ConnectionLost(self.session_id))
                    self._reclaimer = asyncio.get_running_loop().create_task(
                        self._reclaim(), name="janus-reclaim"
                    )

    def _fail_pending(self, reason: str) -> None:
        for fut, _ in self._pending.values():
            if not fut.done():
                fut.set_exception(JanusError(CONNECTION_LOST, reason))
        self._pending.clear()

    async def _reclaim(self) -> None:
        try:
            await self._reclaim_attempts()
        finally:
            self._reclaimer = None

    async def _reclaim_attempts(self) -> None:
        started = time.monotonic()
        delay = 0.1
        while not self._closing:
            if self._ws is not None:
                await self._ws.close()
            try:
                await self._open()
                await self.request({"janus": "claim"}, timeout=5.0, before_ready=True)
            except JanusError as exc:
                if exc.code != CONNECTION_LOST:
                    self._give_up(exc.reason)
                    return
            except (OSError, aiohttp.ClientError) as exc:
                log.info("janus reconnect failed: %s", exc)
            else:
                self.reclaims += 1
                self._connected.set()
                self._emit(SessionReclaimed(self.session_id, time.monotonic() - started))
                return
            if time.monotonic() - started > self.reclaim_within_s:
                self._give_up("could not reconnect to Janus in time")
                return
            await asyncio.sleep(delay)  # back off between reconnect attempts
            delay = min(2.0, delay * 2)

    def _give_up(self, reason: str) -> None:
        if self._lost is None:
            self._lost = reason
            log.warning("janus session %s lost: %s", self.session_id, reason)
            self._emit(SessionLost(self.session_id, reason))

    def _on_message(self, msg: dict[str, Any]) -> None:
        kind = msg.get("janus")
        tx = msg.get("transaction")
        entry = self._pending.get(tx) if isinstance(tx, str) else None
        if entry is not None:
            fut, wait_event = entry
            if kind == "ack" and wait_event:
                return
            if not fut.done():
                if kind == "error":
                    err = msg.get("error", {})
                    code = int(err.get("code", -1))
                    fut.set_exception(JanusError(code, _readable(code, str(err.get("reason")))))
                else:
                    fut.set_result(msg)
            return
        handle = int(msg.get("sender", 0) or 0)
        if kind == "event":
            self._on_plugin_event(handle, msg.get("plugindata", {}).get("data", {}))
        elif kind == "webrtcup":
            self._emit(MediaStarted(handle))
        elif kind == "hangup":
            self._emit(HandleHungUp(handle, str(msg.get("reason", ""))))
        elif kind == "media":
            self._emit(
                MediaReceivingChanged(handle, str(msg.get("type", "")), bool(msg.get("receiving")))
            )
        elif kind == "timeout":
            self._give_up("Janus timed the session out")

    def _on_plugin_event(self, handle: int, data: dict[str, Any]) -> None:
        if data.get("videoroom") != "event":
            return
        room = int(data.get("room", 0) or 0)
        if data.get("publishers"):
            self._emit(PublishersAnnounced(handle, room, _publishers(data["publishers"])))
        # "ok" is the answer to our own unpublish/leave, a number is someone else's.
        unpublished, leaving = data.get("unpublished"), data.get("leaving")
        if isinstance(unpublished, int):
            self._emit(PublisherUnpublished(handle, room, unpublished))
        if isinstance(leaving, int):
            self._emit(PublisherLeft(handle, room, leaving))


# --- the VideoRoom plugin ------------------------------------------------------------------


def offer_jsep(sdp: str) -> dict[str, Any]:
    # aiortc's SDP already holds every candidate; without "trickle": false Janus waits
    # for trickled candidates that never come.
    return {"type": "offer", "sdp": sdp, "trickle": False}


def answer_jsep(sdp: str) -> dict[str, Any]:
    return {"type": "answer", "sdp": sdp, "trickle": False}


class VideoRoomHandle:
    """One attached `janus.plugin.videoroom` handle: a publisher, a subscriber, or admin."""

    def __init__(self, session: JanusSession, handle: int) -> None:
        self.session = session
        self.handle = handle

    @classmethod
    async def attach(cls, session: JanusSession) -> VideoRoomHandle:
        return cls(session, await session.attach(VIDEOROOM))

    async def create_room(
        self,
        room: int,
        *,
        publishers: int,
        bitrate: int = 512_000,
        description: str = "",
        videocodec: str = "vp8",
        audiocodec: str = "opus",
        pin: str = "",
        secret: str = "",
    ) -> int:
        """Create a room with an explicit publisher limit and codecs (Janus defaults: 3, VP8).

        `pin` is needed to join (publisher or subscriber); `secret` to destroy or edit it.
        """
        extra: dict[str, Any] = {}
        if pin:
            extra["pin"] = pin
        if secret:
            extra["secret"] = secret
        data, _ = await self.session.message(
            self.handle,
            {
                **extra,
                "request": "create",
                "room": room,
                "permanent": False,
                "description": description or f"room {room}",
                "publishers": publishers,
                "bitrate": bitrate,
                "videocodec": videocodec,
                "audiocodec": audiocodec,
                "fir_freq": 10,
                "notify_joining": False,
            },
        )
        return int(data["room"])

    async def destroy_room(self, room: int, secret: str = "") -> None:
        body: dict[str, Any] = {"request": "destroy", "room": room}
        if secret:
            body["secret"] = secret
        await self.session.message(self.handle, body)

    async def list_publishers(self, room: int) -> tuple[Publisher, ...]:
        """Who publishes in the room now (e.g. to catch up after a reclaim)."""
        data, _ = await self.session.message(
            self.handle, {"request": "listparticipants", "room": room}
        )
        return _publishers(p for p in data.get("participants", ()) if p.get("publisher"))

    async def join_as_publisher(
        self, room: int, display: str, feed: int = 0, pin: str = ""
    ) -> Joined:
        """Join a room; `feed` asks for that publisher id (a seat held before), else Janus picks."""
        body: dict[str, Any] = {
            "request": "join",
            "ptype": "publisher",
            "room": room,
            "display": display,
        }
        if feed:
            body["id"] = feed
        if pin:
            body["pin"] = pin
        data, _ = await self.session.message(self.handle, body, wait_event=True)
        return Joined(
            room=room,
            feed=int(data["id"]),
            private_id=int(data.get("private_id", 0) or 0),
            publishers=_publishers(data.get("publishers")),
        )

    async def publish(self, offer_sdp: str) -> str:
        """Publish our media (aiortc's complete offer); returns Janus's answer SDP.

        Janus refuses with ROOM_FULL when the room's publisher limit is reached.
        """
        _, jsep = await self.session.message(
            self.handle,
            {"request": "publish", "audio": True, "video": True},
            jsep=offer_jsep(offer_sdp),
            wait_event=True,
        )
        if not jsep or jsep.get("type") != "answer":
            raise JanusError(499, "Janus accepted the publish without an SDP answer")
        return str(jsep["sdp"])

    async def join_as_subscriber(
        self, room: int, feed: int, private_id: int = 0, pin: str = ""
    ) -> str:
        """Subscribe to one publisher's feed; returns Janus's offer SDP (answer with `start`)."""
        body: dict[str, Any] = {
            "request": "join",
            "ptype": "subscriber",
            "room": room,
            "streams": [{"feed": feed}],
        }
        if private_id:
            body["private_id"] = private_id
        if pin:
            body["pin"] = pin
        _, jsep = await self.session.message(self.handle, body, wait_event=True)
        if not jsep or jsep.get("type") != "offer":
            raise JanusError(499, "Janus attached the subscriber without an SDP offer")
        return str(jsep["sdp"])

    async def start(self, answer_sdp: str) -> None:
        await self.session.message(
            self.handle, {"request": "start"}, jsep=answer_jsep(answer_sdp), wait_event=True
        )

    async def leave(self) -> None:
        await self.session.message(self.handle, {"request": "leave"}, wait_event=True)

    async def detach(self) -> None:
        await self.session.detach(self.handle)
