"""The signalling server (aiohttp): authenticated WebSocket sessions, the intake queue, relay."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import ssl
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import WSMsgType, web
from pydantic import BaseModel, ValidationError

from console.core import tokens
from console.core.codes import CallState, DisputeCategory, Role
from console.core.queue_records import QueuedCall
from console.signalling import protocol as p
from console.signalling.janus_rooms import JanusLink, JanusRoomPlan, JanusRooms, JanusUnavailable
from console.signalling.limits import AddressBuckets, ConnectionCounter, TokenBucket
from console.signalling.ports import QueueStore, RoomSeats
from console.signalling.rooms import Room, RoomBook, RoomRefused

log = logging.getLogger("console.signalling")
_T = TypeVar("_T")

WEB_ROOT = Path(__file__).resolve().parents[2] / "resources" / "web"
STAFF_ROLES = frozenset(Role.codes())
STAFF_ONLY = frozenset(
    {
        "presence.set",
        "call.accept",
        "call.decline",
        "call.hold",
        "call.transfer",
        "call.callback",
        "call.recording",
        "store.changed",
        "room.admit",
        "room.remove",
        "room.mute",
        "room.caucus",
        "room.spotlight",
        "room.recording",
        "room.agreement",
        "room.share",
    }
)
RELAY_TYPES = frozenset({"sdp.offer", "sdp.answer", "ice.candidate"})
HOST_ROLES = frozenset({Role.MEDIATOR.code, Role.SUPERVISOR.code})
"""Staff who host a room when they join it; other staff wait in the lobby like anyone."""
INVITE_TTL_S = 7 * 24 * 3600.0
"""An invitation link is sent days before the session; it names one room only."""
STOP_WITHIN_S = 10.0
"""Closing every connection takes well under a second; past this the rest are left."""
SEEN_IDS = 1024
"""Message ids remembered per connection to refuse replays; older ids fall out."""
FRAME_LIMIT = 4 * 1024 * 1024
"""aiohttp closes on frames above this; below it we answer `too_large` and carry on."""


@dataclass
class Limits:
    max_message_bytes: int = p.MAX_MESSAGE_BYTES
    rate_per_s: float = 50.0
    burst: float = 100.0
    max_strikes: int = 200
    """Frames refused for rate in a row before the connection is closed."""
    max_connections_per_address: int = 20
    ticket_rate_per_s: float = 0.5
    ticket_burst: float = 20.0


@dataclass
class ServerConfig:
    secret: bytes
    host: str = "127.0.0.1"
    port: int = 0
    cert_path: Path | None = None
    key_path: Path | None = None
    limits: Limits = field(default_factory=Limits)
    heartbeat_s: float = 15.0
    ring_timeout_s: float = 20.0
    """An officer who lets a call ring this long is skipped: it rings the next (RONA)."""
    grace_s: float = 30.0
    hello_timeout_s: float = 10.0
    avg_handle_s: float = 300.0
    """Average handle time of a call, for the citizen's estimated wait."""
    ticket_ttl_s: float = tokens.TICKET_TTL_S
    web_root: Path | None = WEB_ROOT
    janus: JanusLink | None = None
    """The media server for rooms scheduled with the Janus backend; None: such rooms refuse."""

    def ssl_context(self) -> ssl.SSLContext | None:
        if self.cert_path is None:
            return None
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(self.cert_path), str(self.key_path) if self.key_path else None)
        return ctx


def _event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """One JSON line per event. Callers never pass tokens or SDP."""
    if log.isEnabledFor(level):
        log.log(level, json.dumps({"event": event, "t": time.time(), **fields}, default=str))


class BadInput(Exception):
    def __init__(self, code: p.ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Conn:
    """One WebSocket connection; a session outlives it for the grace period."""

    __slots__ = ("address", "bucket", "last_seen", "seen", "session", "strikes", "ws")

    def __init__(self, ws: web.WebSocketResponse, address: str, limits: Limits) -> None:
        self.ws = ws
        self.address = address
        self.bucket = TokenBucket(limits.rate_per_s, limits.burst)
        self.strikes = 0
        self.seen: OrderedDict[str, None] = OrderedDict()
        self.session: Session | None = None
        self.last_seen = time.monotonic()

    def remember(self, msg_id: str) -> bool:
        """False if this id was already used on this connection."""
        if msg_id in self.seen:
            self.seen.move_to_end(msg_id)  # a replayed id stays remembered while it is replayed
            return False
        self.seen[msg_id] = None
        if len(self.seen) > SEEN_IDS:
            self.seen.popitem(last=False)
        return True


@dataclass(eq=False)
class Session:
    id: str
    claims: tokens.Claims
    conn: Conn | None
    staff: bool
    state: p.StaffState = p.StaffState.AVAILABLE
    idle_since: float = field(default_factory=time.monotonic)
    call: str | None = None
    """Staff: the ticket they are talking to."""
    ringing: str | None = None
    ringing_since: float = 0.0
    declined: set[str] = field(default_factory=set)
    wrap_up: bool = False
    """Staff: after a call, stay in wrap-up (not rung) until presence.set available."""
    away_after_call: bool = False
    """Staff: chose away during a call; applied when the call ends."""
    last_position: int | None = None
    detached_at: float | None = None

    @property
    def ticket(self) -> str | None:
        return self.claims.ticket if self.claims.kind == "ticket" else None

    @property
    def name(self) -> str:
        c = self.claims
        return (c.name or f"{c.role}:{c.subject}")[:100]

    @property
    def officer_id(self) -> int | None:
        s = self.claims.subject
        return int(s) if self.staff and s.isdigit() and len(s) < 10 else None


class Hub:
    """All live state of one server: connections, sessions, the cached queue, live calls."""

    def __init__(
        self, config: ServerConfig, queue: QueueStore, seats: RoomSeats | None = None
    ) -> None:
        self.config = config
        self.queue = queue
        self.seats = seats
        """Room seats in the store; None: rooms live in memory only (some tests)."""
        self.conns: set[Conn] = set()
        self.per_address = ConnectionCounter(config.limits.max_connections_per_address)
        self.ticket_buckets = AddressBuckets(
            config.limits.ticket_rate_per_s, config.limits.ticket_burst
        )
        self.sessions: dict[str, Session] = {}
        self.by_ticket: dict[str, Session] = {}
        self.calls: dict[str, QueuedCall] = {}
        """Active calls by ticket: a cache of the store's rows, loaded at start."""
        self.talks: dict[str, tuple[str, str]] = {}
        """Answered calls: ticket -> (citizen session, staff session)."""
        self.details: dict[str, tuple[str, bool]] = {}
        """Active tickets: (phone, recording consent) as the citizen's call.request said.

        Kept in memory only: after a server restart the citizen's page and the demo caller
        send call.request again, which restores it; until then consent counts as refused."""
        self.recording: set[str] = set()
        """Answered calls whose recording is on."""
        self.lock = asyncio.Lock()
        self.rooms = RoomBook()
        self.janus = JanusRooms(config.janus) if config.janus is not None else None
        self.janus_plans: dict[str, dict[str, tuple[JanusRoomPlan, set[str]]]] = {}
        """Room id → Janus group ("main", "caucus") → (its Janus room, everyone told its pin)."""
        self._seq = 0
        self._reaper: asyncio.Task[None] | None = None
        self._started = time.monotonic()
        self._orphans_swept = False
        self._closing: set[asyncio.Task[Any]] = set()

    def close_later(self, conn: Conn, code: int, message: bytes) -> None:
        """Close without waiting here for the peer's reply (it may never come)."""
        task = asyncio.create_task(conn.ws.close(code=code, message=message))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    # --- lifecycle

    async def startup(self, _app: web.Application) -> None:
        self.calls = {c.ticket: c for c in await self.queue.active()}
        self._started = time.monotonic()
        self._reaper = asyncio.create_task(self._reap(), name="signalling-reaper")
        _event("server.started", waiting=len(self.calls))

    async def shutdown(self, _app: web.Application) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
            self._reaper = None
        # Going away is not leaving: sessions keep their tickets in the store for a restart.
        for conn in list(self.conns):
            conn.session = None
            with contextlib.suppress(Exception):
                await conn.ws.close(code=1001, message=b"server stopping")
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
        if self.janus is not None:
            # Janus keeps a room until told: after a restart the rooms get new ones anyway.
            plans = [plan for held in self.janus_plans.values() for plan, _ in held.values()]
            self.janus_plans.clear()
            await asyncio.gather(*(self.janus.destroy(plan) for plan in plans))
        _event("server.stopped")

    # --- sending

    def _next_id(self) -> str:
        self._seq += 1
        return f"s{self._seq}"

    async def _send(self, conn: Conn | None, msg: BaseModel) -> None:
        if conn is None or conn.ws.closed:
            return
        # A failed send means the peer went away: the receive loop sees the close and detaches.
        with contextlib.suppress(ConnectionError, RuntimeError):
            await conn.ws.send_str(msg.model_dump_json(by_alias=True))

    async def _to(self, session: Session | None, msg: BaseModel) -> None:
        if session is not None:
            await self._send(session.conn, msg)

    async def _error(
        self, conn: Conn, code: p.ErrorCode, message: str, ref: str | None = None
    ) -> None:
        await self._send(
            conn, p.Error(id=self._next_id(), ref=ref, code=code, message=message[:500])
        )

    # --- the receive path

    async def on_text(self, conn: Conn, data: str) -> None:
        conn.last_seen = time.monotonic()
        if not conn.bucket.take():
            conn.strikes += 1
            await self._error(conn, p.ErrorCode.RATE_LIMITED, "too many messages")
            if conn.strikes >= self.config.limits.max_strikes:
                _event("conn.closed_for_rate", logging.WARNING, address=conn.address)
                self.close_later(conn, 1008, b"rate limit")
            return
        conn.strikes = 0
        ref: str | None = None
        try:
            raw = self._parse(data)
            rid = raw.get("id")
            if isinstance(rid, str) and 1 <= len(rid) <= 64:
                ref = rid
            msg = self._validate(conn, raw, ref)
            await self._dispatch(conn, msg)
        except BadInput as exc:
            _event("frame.refused", logging.DEBUG, code=exc.code.value, address=conn.address)
            await self._error(conn, exc.code, exc.message, ref)
        except Exception:
            log.exception("internal error handling a frame")
            await self._error(conn, p.ErrorCode.INTERNAL, "internal error", ref)

    def _parse(self, data: str) -> dict[str, Any]:
        limit = self.config.limits.max_message_bytes
        if len(data) > limit or (len(data) * 4 > limit and len(data.encode("utf-8")) > limit):
            raise BadInput(p.ErrorCode.TOO_LARGE, f"messages are limited to {limit} bytes")
        try:
            raw = json.loads(data)
        except (ValueError, RecursionError):
            raise BadInput(p.ErrorCode.BAD_JSON, "not valid JSON") from None
        if not isinstance(raw, dict):
            raise BadInput(p.ErrorCode.BAD_MESSAGE, "a message is a JSON object")
        return raw

    def _validate(self, conn: Conn, raw: dict[str, Any], ref: str | None) -> Any:
        v = raw.get("v", p.VERSION)
        if type(v) is not int or v != p.VERSION:
            raise BadInput(p.ErrorCode.UNSUPPORTED_VERSION, f"protocol version {p.VERSION} only")
        kind = raw.get("type")
        if not isinstance(kind, str):
            raise BadInput(p.ErrorCode.BAD_MESSAGE, "missing message type")
        if kind not in p.CLIENT_TYPES:
            raise BadInput(p.ErrorCode.UNKNOWN_TYPE, f"unknown message type {kind[:40]!r}")
        if ref is not None and not conn.remember(ref):
            raise BadInput(p.ErrorCode.CONFLICT, "message id already used on this connection")
        try:
            return p.client_message.validate_python(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first.get("loc", ())[1:]) or kind
            raise BadInput(p.ErrorCode.BAD_MESSAGE, f"{where}: {first.get('msg', '')}") from None

    async def _dispatch(self, conn: Conn, msg: Any) -> None:
        session = conn.session
        if session is None:
            if not isinstance(msg, p.Hello):
                raise BadInput(p.ErrorCode.NOT_AUTHENTICATED, "send hello with a token first")
            async with self.lock:
                await self._hello(conn, msg)
            return
        if isinstance(msg, p.Hello):
            raise BadInput(p.ErrorCode.OUT_OF_ORDER, "already authenticated")
        if isinstance(msg, p.Ping):
            await self._send(conn, p.Pong(id=self._next_id(), ref=msg.id))
            return
        kind = msg.type
        if kind in STAFF_ONLY and not session.staff:
            raise BadInput(p.ErrorCode.FORBIDDEN, f"{kind} is for staff only")
        if kind == "call.request" and session.ticket is None:
            raise BadInput(p.ErrorCode.FORBIDDEN, "call.request needs a queue ticket token")
        if kind in RELAY_TYPES:
            await self._relay(session, msg)
            return
        if kind == "store.changed":
            await self._store_changed(session, msg)
            return
        async with self.lock:
            handler = getattr(self, "_on_" + kind.replace(".", "_"))
            await handler(session, msg)

    # --- hello, resume, leave

    async def _hello(self, conn: Conn, msg: p.Hello) -> None:
        try:
            claims = tokens.verify(self.config.secret, msg.token)
        except tokens.TokenError as exc:
            code = p.ErrorCode.TOKEN_EXPIRED if exc.code == "expired" else p.ErrorCode.BAD_TOKEN
            _event("hello.refused", logging.INFO, reason=exc.code, address=conn.address)
            raise BadInput(code, exc.message) from None
        staff = claims.kind == "staff"
        if staff and claims.role not in STAFF_ROLES:
            raise BadInput(p.ErrorCode.BAD_TOKEN, "unknown staff role")
        if claims.kind == "ticket" and not claims.ticket:
            raise BadInput(p.ErrorCode.BAD_TOKEN, "ticket token without a ticket")
        if claims.kind == "invite" and not claims.room:
            raise BadInput(p.ErrorCode.BAD_TOKEN, "invitation token without a room")
        old: Session | None = None
        if msg.resume is not None:
            cand = self.sessions.get(msg.resume)
            if (
                cand is not None
                and cand.claims.kind == claims.kind
                and cand.claims.subject == claims.subject
            ):
                old = cand
        if old is None and claims.kind == "ticket":
            # A citizen reconnecting without its session id still owns its ticket.
            old = self.by_ticket.get(claims.ticket or "")
        if old is not None:
            if old.conn is not None and old.conn is not conn:
                stale = old.conn
                stale.session = None
                self.close_later(stale, 1000, b"resumed elsewhere")
            old.conn, old.detached_at, old.claims = conn, None, claims
            session, resumed = old, True
            # Its media connections died with the network: everyone rebuilds theirs to it.
            self.rooms.reconnected(session.id)
        else:
            session = Session(id=secrets.token_urlsafe(16), claims=claims, conn=conn, staff=staff)
            self.sessions[session.id] = session
            resumed = False
            if session.ticket is not None:
                self.by_ticket[session.ticket] = session
        conn.session = session
        _event(
            "session.hello",
            session=session.id,
            kind=claims.kind,
            role=claims.role,
            resumed=resumed,
            address=conn.address,
        )
        await self._send(
            conn,
            p.Welcome(
                id=self._next_id(),
                ref=msg.id,
                session=session.id,
                role=claims.role,
                resumed=resumed,
                heartbeat_s=self.config.heartbeat_s,
                server_time=time.time(),
                user=claims.subject[:64],
            ),
        )
        await self._restore(session)

    async def _restore(self, session: Session) -> None:
        """Tell a (re)connected session where it stands."""
        room = self.rooms.room_of(session.id)
        if room is not None:
            await self._room_changed(room)
        if session.staff:
            await self._to(session, self._snapshot())
            for other in self._staff():
                if other is not session:
                    await self._to(session, self._presence(other))
                    await self._to(other, self._presence(session))
            if session.call is not None and session.call in self.talks:
                await self._to(session, self._accepted(session.call, for_staff=True))
                await self._held_again(session, session.call)
            await self._ring()
            return
        ticket = session.ticket
        if ticket is None:
            return
        if ticket in self.talks:
            await self._to(session, self._accepted(ticket, for_staff=False))
            await self._held_again(session, ticket)
            return
        call = self.calls.get(ticket)
        if call is None:
            return
        if not call.waiting:
            # Answered before a server restart: the officer's end is gone, so back to the
            # queue with the original queued_at, which puts the citizen near the front.
            await self._set(ticket, CallState.QUEUED, outcome="requeued after server restart")
            session.last_position = None
            await self._publish()
            await self._ring()
            return
        session.last_position = None
        await self._publish(snapshot=False)
        await self._ring()  # a waiting citizen is back: an idle officer may take the call

    async def _held_again(self, session: Session, ticket: str) -> None:
        """A session back mid-call learns the call is still on hold (accepted implies not)."""
        call = self.calls.get(ticket)
        if call is not None and call.state is CallState.ON_HOLD:
            await self._to(session, p.CallHeld(id=self._next_id(), ticket=ticket, on=True))

    async def _on_bye(self, session: Session, msg: p.Bye) -> None:
        await self._leave(session, "left")
        conn = session.conn
        session.conn = None
        if conn is not None:
            conn.session = None
            self.close_later(conn, 1000, b"bye")

    async def detach(self, conn: Conn) -> None:
        """The connection closed without bye: keep the session for the grace period."""
        session = conn.session
        conn.session = None
        if session is None or session.conn is not conn:
            return
        async with self.lock:
            session.conn = None
            session.detached_at = time.monotonic()
            _event("session.detached", session=session.id)
            if session.staff and session.ringing is not None:
                session.ringing = None
                await self._ring()

    async def _leave(self, session: Session, reason: str) -> None:
        """The session is gone for good: end or abandon what it held, forget it."""
        self.sessions.pop(session.id, None)
        ticket = session.ticket
        if ticket is not None and self.by_ticket.get(ticket) is session:
            del self.by_ticket[ticket]
        _event("session.left", session=session.id, reason=reason)
        if session.staff:
            if session.call is not None:
                await self._end(session.call, f"officer {reason}")
            elif session.ringing is not None:
                session.ringing = None
                await self._ring()
            for other in self._staff():
                await self._to(
                    other,
                    p.Presence(
                        id=self._next_id(),
                        user=session.claims.subject[:64],
                        name=session.name,
                        state=p.StaffState.AWAY,
                    ),
                )
        elif ticket is not None and ticket in self.calls:
            await self._end(ticket, f"caller {reason}")
        room = self.rooms.room_of(session.id)
        if room is not None:
            await self._record_seat(room, session, "left")
            self.rooms.leave(session.id)
            await self._room_changed(room)

    # --- mediation rooms

    def _room_call(self, action: Callable[[], _T]) -> _T:
        try:
            return action()
        except RoomRefused as exc:
            raise BadInput(p.ErrorCode(exc.code), exc.reason) from None

    @staticmethod
    def _seat_key(session: Session) -> str:
        c = session.claims
        return f"user:{c.subject}" if session.staff else c.subject

    async def _record_seat(self, room: Room, session: Session | None, state: str) -> None:
        """Keep the seat in the store (rooms named by a store id only)."""
        if self.seats is None or session is None or not room.id.isdigit():
            return
        await self.seats.record(
            room.id,
            self._seat_key(session),
            name=room.name_of(session.id),
            role=room.roles.get(session.id, "party"),
            state=state,
            consent=session.id in room.consent,
            host=session.id in room.hosts,
        )

    def _state_for(self, room: Room, sid: str) -> p.RoomState:
        waiting = sid in room.lobby
        people = [
            p.RoomPerson(
                id=other,
                name=room.label(other),
                role=room.roles.get(other, "party")[:32],
                host=other in room.hosts,
                admitted=other in room.admitted,
                consent=other in room.consent,
                epoch=room.epoch.get(other, 0),
            )
            for other in [*room.admitted, *room.lobby]
            if not waiting or other == sid
        ]
        return p.RoomState(
            id=self._next_id(),
            room=room.id,
            admitted=[] if waiting else list(room.admitted),
            lobby=[sid] if waiting else list(room.lobby),
            caucus=[] if waiting else sorted(room.caucus),
            you=sid,
            peers=[] if waiting else room.peers_of(sid),
            people=people,
            spotlight=None if waiting else room.spotlight,
            sharing=None if waiting else self._sharing_for(room, sid),
            recording=room.recording,
            media=None if waiting else self._media_for(room, sid),
        )

    def _media_for(self, room: Room, sid: str) -> p.RoomMedia | None:
        if room.backend != "janus" or self.janus is None or sid not in room.admitted:
            return None
        held = self.janus_plans.get(room.id, {}).get(room.janus_group(sid))
        if held is None or sid not in held[1]:
            return None
        plan = held[0]
        return p.RoomMedia(
            url=self.janus.link.for_clients, room=plan.number, pin=plan.pin, display=sid
        )

    async def _sync_janus(self, room: Room) -> list[JanusRoomPlan]:
        """Give each group of a Janus room a Janus room of its own; returns the ones to
        destroy once everyone has been told where to go now.

        A Janus room is replaced as soon as anyone told its pin is no longer in its group
        (removed, gone, or on the other side of a caucus): Janus keeps a subscription's
        media flowing whatever happens to its publisher, so only a new room with a new pin
        shuts someone out for certain."""
        if room.backend != "janus" or self.janus is None:
            return []
        plans = self.janus_plans.setdefault(room.id, {})
        groups = room.janus_groups() if room.id in self.rooms.rooms else {}
        retired = []
        for key in list(plans):
            plan, told = plans[key]
            if key not in groups or told - groups[key]:
                retired.append(plan)
                del plans[key]
        for key, members in groups.items():
            if key in plans:
                plans[key][1].update(members)
                continue
            try:
                plan = await self.janus.create(room.publishers or 8, f"mediation {room.id} {key}")
            except JanusUnavailable as exc:
                _event("room.janus_failed", logging.WARNING, room=room.id, error=str(exc))
                refusal = p.Error(id=self._next_id(), code=p.ErrorCode.INTERNAL, message=str(exc))
                for host in room.hosts:
                    await self._to(self.sessions.get(host), refusal)
                continue
            plans[key] = (plan, set(members))
            _event("room.janus_room", room=room.id, group=key, janus_room=plan.number)
        if not plans:
            self.janus_plans.pop(room.id, None)
        return retired

    async def _room_changed(self, room: Room, *, also: Session | None = None) -> None:
        """Everyone seated learns the room as they see it (whom to exchange media with);
        `also` (someone just removed or gone) learns that they are out."""
        retired = await self._sync_janus(room)
        for sid in room.members():
            await self._to(self.sessions.get(sid), self._state_for(room, sid))
        if also is not None and also.id not in room.members():
            await self._to(
                also,
                p.RoomState(
                    id=self._next_id(), room=room.id, admitted=[], lobby=[], caucus=[], you=also.id
                ),
            )
        if self.janus is not None:
            for plan in retired:
                await self.janus.destroy(plan)

    async def _recording_changed(self, room: Room, reason: str = "") -> None:
        msg = p.RoomRecording(id=self._next_id(), room=room.id, on=room.recording, reason=reason)
        for sid in room.admitted:
            await self._to(self.sessions.get(sid), msg)
        if reason:
            _event("room.recording_paused", room=room.id, reason=reason)

    async def _on_room_join(self, session: Session, msg: p.RoomJoin) -> None:
        invited = session.claims.room if session.claims.kind == "invite" else None
        if not session.staff and invited is None:
            raise BadInput(p.ErrorCode.FORBIDDEN, "joining a room needs an invitation")
        if invited is not None and msg.room not in (None, invited):
            raise BadInput(p.ErrorCode.FORBIDDEN, "the invitation is for another room")
        room_id = invited or msg.room
        if room_id is None:
            raise BadInput(p.ErrorCode.BAD_MESSAGE, "name the room to join")
        host = session.staff and session.claims.role in HOST_ROLES
        restored = False
        backend, publishers = "mesh", 0
        if self.seats is not None and room_id.isdigit():
            refused = await self.seats.joinable(room_id)
            if refused is not None:
                raise BadInput(p.ErrorCode.CONFLICT, refused)
            backend, publishers = await self.seats.media_of(room_id)
            if backend == "janus" and self.janus is None:
                raise BadInput(
                    p.ErrorCode.CONFLICT,
                    "this room's media go through a media server (Janus), "
                    "and this signalling server has none configured",
                )
            seat = await self.seats.seated(room_id, self._seat_key(session))
            # Admitted before a server restart: back into the room, not the lobby.
            restored = seat is not None and seat.admitted
        # Other staff (a duty officer looking in) sit as observers; citizens as parties.
        role = "mediator" if host else "observer" if session.staff else "party"
        room, paused = self._room_call(
            lambda: self.rooms.join(
                room_id,
                session.id,
                msg.name,
                host=host,
                role=role,
                consent=msg.recording_consent,
                admit=restored,
            )
        )
        if backend == "janus":
            room.backend, room.publishers = backend, publishers
        admitted = session.id in room.admitted
        await self._record_seat(room, session, "admitted" if admitted else "lobby")
        if admitted:
            await self._admitted(room, session)
        else:
            for host_sid in room.hosts:
                await self._to(
                    self.sessions.get(host_sid),
                    p.RoomLobby(
                        id=self._next_id(), room=room.id, participant=session.id, name=msg.name
                    ),
                )
        await self._room_changed(room)
        if paused:
            await self._recording_changed(room, paused)

    async def _admitted(self, room: Room, session: Session | None) -> None:
        if session is not None:
            await self._to(
                session,
                p.RoomAdmitted(
                    id=self._next_id(),
                    room=room.id,
                    participant=session.id,
                    peers=room.peers_of(session.id),
                ),
            )

    async def _on_room_admit(self, session: Session, msg: p.RoomAdmit) -> None:
        room, paused = self._room_call(
            lambda: self.rooms.admit(session.id, msg.room, msg.participant)
        )
        admitted = self.sessions.get(msg.participant)
        await self._record_seat(room, admitted, "admitted")
        await self._admitted(room, admitted)
        await self._room_changed(room)
        if paused:
            await self._recording_changed(room, paused)

    async def _on_room_leave(self, session: Session, msg: p.RoomLeave) -> None:
        room = self.rooms.room_of(session.id)
        if room is None or room.id != msg.room:
            raise BadInput(p.ErrorCode.NOT_FOUND, "you are not in that room")
        await self._record_seat(room, session, "left")
        self.rooms.leave(session.id)
        await self._room_changed(room, also=session)

    async def _on_room_remove(self, session: Session, msg: p.RoomRemove) -> None:
        removed = self.sessions.get(msg.participant)
        room = self.rooms.rooms.get(msg.room)
        if room is not None and session.id in room.hosts and msg.participant in room.members():
            await self._record_seat(room, removed, "removed")
        room = self._room_call(lambda: self.rooms.remove(session.id, msg.room, msg.participant))
        await self._room_changed(room, also=removed)

    async def _on_room_mute(self, session: Session, msg: p.RoomMute) -> None:
        self._room_call(lambda: self.rooms.check_host(session.id, msg.room, msg.participant))
        await self._to(
            self.sessions.get(msg.participant), msg.model_copy(update={"id": self._next_id()})
        )

    async def _on_room_caucus(self, session: Session, msg: p.RoomCaucus) -> None:
        room = self._room_call(
            lambda: self.rooms.set_caucus(session.id, msg.room, list(msg.participants))
        )
        # Everyone's peers change: each learns whom to talk to now.
        for sid in list(room.admitted):
            await self._admitted(room, self.sessions.get(sid))
        await self._room_changed(room)

    async def _on_room_consent(self, session: Session, msg: p.RoomConsent) -> None:
        room, stopped = self._room_call(
            lambda: self.rooms.set_consent(session.id, msg.room, msg.on)
        )
        await self._record_seat(
            room, session, "admitted" if session.id in room.admitted else "lobby"
        )
        await self._room_changed(room)
        if stopped:
            await self._recording_changed(room, stopped)

    async def _on_room_recording(self, session: Session, msg: p.RoomRecording) -> None:
        room = self._room_call(lambda: self.rooms.set_recording(session.id, msg.room, msg.on))
        _event("room.recording", room=room.id, on=room.recording, by=session.id)
        await self._recording_changed(room)
        await self._room_changed(room)

    async def _on_room_spotlight(self, session: Session, msg: p.RoomSpotlight) -> None:
        room = self._room_call(
            lambda: self.rooms.set_spotlight(session.id, msg.room, msg.participant)
        )
        await self._room_changed(room)

    @staticmethod
    def _sharing_for(room: Room, sid: str) -> p.RoomSharing | None:
        share = room.sharing_for(sid)
        if share is None:
            return None
        kind: p.ShareKind = "document" if share.kind == "document" else "screen"
        return p.RoomSharing(participant=share.sid, kind=kind, title=share.title)

    async def _on_room_share(self, session: Session, msg: p.RoomShare) -> None:
        room = self._room_call(
            lambda: self.rooms.set_sharing(session.id, msg.room, msg.on, msg.kind, msg.title)
        )
        _event("room.share", room=room.id, on=msg.on, kind=msg.kind, by=session.id)
        await self._room_changed(room)

    def _admitted_to(self, session: Session, room_id: str) -> Room:
        room = self.rooms.room_of(session.id)
        if room is None or room.id != room_id or session.id not in room.admitted:
            raise BadInput(p.ErrorCode.NOT_FOUND, "you are not admitted to that room")
        return room

    async def _on_room_chat(self, session: Session, msg: p.RoomChat) -> None:
        room = self._admitted_to(session, msg.room)
        readers = self._room_call(lambda: self.rooms.group_members(session.id))
        posted = p.RoomChatPosted(
            id=self._next_id(),
            room=room.id,
            from_=session.id,
            name=room.label(session.id),
            text=msg.text,
            at=time.time(),
        )
        for sid in readers:
            await self._to(self.sessions.get(sid), posted)

    async def _on_room_agreement(self, session: Session, msg: p.RoomAgreement) -> None:
        room = self.rooms.rooms.get(msg.room)
        if room is None or session.id not in room.hosts:
            raise BadInput(p.ErrorCode.FORBIDDEN, "only the room's mediator may do that")
        out = msg.model_copy(update={"id": self._next_id()})
        for sid in room.admitted:
            if sid not in room.hosts:
                await self._to(self.sessions.get(sid), out)

    async def _on_room_sign(self, session: Session, msg: p.RoomSign) -> None:
        room = self._admitted_to(session, msg.room)
        signed = p.RoomSigned(
            id=self._next_id(),
            room=room.id,
            from_=session.id,
            name=room.label(session.id),
            agreement=msg.agreement,
            content_sha256=msg.content_sha256,
            image_png_b64=msg.image_png_b64,
        )
        for sid in room.hosts:
            await self._to(self.sessions.get(sid), signed)

    # --- the intake queue

    def _staff(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.staff and s.conn is not None]

    def _presence(self, s: Session) -> p.Presence:
        return p.Presence(
            id=self._next_id(), user=s.claims.subject[:64], name=s.name, state=s.state
        )

    def _ordered(self) -> list[QueuedCall]:
        return sorted(self.calls.values(), key=lambda c: c.sort_key)

    def _snapshot(self) -> p.QueueSnapshot:
        now = datetime.now(UTC).replace(tzinfo=None)
        return p.QueueSnapshot(
            id=self._next_id(),
            entries=[
                p.QueueEntry(
                    ticket=c.ticket,
                    name=c.name,
                    category=c.category,
                    priority=c.priority,
                    waited_s=max(0.0, (now - c.queued_at).total_seconds()),
                    state=c.state.code,
                )
                for c in self._ordered()
            ],
        )

    async def _publish(self, *, snapshot: bool = True) -> None:
        """Send each waiting citizen its position if it changed, and staff the new queue."""
        staff = self._staff()
        per_officer = self.config.avg_handle_s / max(1, len(staff))
        position = 0
        for call in self._ordered():
            if not call.waiting:
                continue
            position += 1
            s = self.by_ticket.get(call.ticket)
            if s is None or s.conn is None or s.last_position == position:
                continue
            s.last_position = position
            await self._send(
                s.conn,
                p.QueuePosition(
                    id=self._next_id(),
                    ticket=call.ticket,
                    position=position,
                    estimated_wait_s=position * per_officer,
                ),
            )
        if snapshot:
            for officer in staff:
                await self._to(officer, self._snapshot())

    async def _ring(self) -> None:
        """Offer each unrung waiting call to the longest-idle available officer."""
        free = sorted(
            (
                s
                for s in self._staff()
                if s.state is p.StaffState.AVAILABLE and s.call is None and s.ringing is None
            ),
            key=lambda s: s.idle_since,
        )
        if not free:
            return
        rung = {s.ringing for s in self._staff() if s.ringing is not None}
        for call in self._ordered():
            if not free:
                break
            if not call.waiting or call.ticket in rung:
                continue
            citizen = self.by_ticket.get(call.ticket)
            if citizen is None or citizen.conn is None:
                # Kept in the queue for a citizen who may come back (server restart, lost
                # network); ringing an officer for nobody would only end in "not connected".
                continue
            officer = next((s for s in free if call.ticket not in s.declined), None)
            if officer is None:
                continue
            free.remove(officer)
            officer.ringing = call.ticket
            officer.ringing_since = time.monotonic()
            await self._to(officer, self._ring_msg(call))

    def _accepted(self, ticket: str, *, for_staff: bool) -> p.CallAccepted:
        citizen_sid, staff_sid = self.talks[ticket]
        officer = self.sessions.get(staff_sid)
        return p.CallAccepted(
            id=self._next_id(),
            ticket=ticket,
            officer=officer.name if officer else "officer",
            peer=citizen_sid if for_staff else staff_sid,
            recording=ticket in self.recording,
        )

    def _ring_msg(self, call: QueuedCall) -> p.CallRing:
        phone, consent = self.details.get(call.ticket, ("", False))
        return p.CallRing(
            id=self._next_id(),
            ticket=call.ticket,
            name=call.name,
            category=call.category,
            phone=phone,
            vulnerable=call.vulnerable,
            recording_consent=consent,
        )

    async def _tell_presence(self, session: Session) -> None:
        """Every connected officer, the session itself included, hears its new state."""
        for other in self._staff():
            await self._to(other, self._presence(session))

    async def _set(
        self,
        ticket: str,
        state: CallState,
        *,
        officer: int | None = None,
        outcome: str | None = None,
    ) -> QueuedCall:
        row = await self.queue.set_state(ticket, state, officer_id=officer, outcome=outcome)
        if row is None:
            self.calls.pop(ticket, None)
            raise BadInput(p.ErrorCode.NOT_FOUND, "no such ticket")
        if row.state in (CallState.IN_CALL, CallState.ON_HOLD) or row.waiting:
            self.calls[ticket] = row
        else:
            self.calls.pop(ticket, None)
        _event("call.state", ticket=ticket, state=state.code)
        return row

    async def _on_call_request(self, session: Session, msg: p.CallRequest) -> None:
        ticket = session.ticket or ""
        if msg.category not in DisputeCategory.codes():
            raise BadInput(p.ErrorCode.BAD_MESSAGE, "category: unknown dispute category")
        self.details[ticket] = (msg.phone, msg.recording_consent)
        current = self.calls.get(ticket)
        if current is not None:
            if not current.waiting:
                raise BadInput(p.ErrorCode.CONFLICT, "this ticket's call is already answered")
            session.last_position = None  # already queued: just say where
            await self._publish(snapshot=False)
            return
        row, created = await self.queue.enqueue(
            ticket,
            name=msg.name,
            phone=msg.phone,
            category=msg.category,
            vulnerable=msg.vulnerable,
            consent=msg.recording_consent,
        )
        if not created:
            raise BadInput(p.ErrorCode.CONFLICT, "this ticket has already been used")
        self.calls[ticket] = row
        _event("call.queued", ticket=ticket, session=session.id)
        await self._publish()
        await self._ring()

    def _waiting_call(self, ticket: str) -> QueuedCall:
        call = self.calls.get(ticket)
        if call is None:
            raise BadInput(p.ErrorCode.NOT_FOUND, "no such call in the queue")
        if not call.waiting:
            raise BadInput(p.ErrorCode.CONFLICT, "this call is already answered")
        return call

    def _own_call(self, session: Session, ticket: str) -> tuple[Session | None, Session | None]:
        """The two ends of `session`'s answered call `ticket`; FORBIDDEN for anyone else."""
        if ticket not in self.talks:
            if ticket not in self.calls:
                raise BadInput(p.ErrorCode.NOT_FOUND, "no such call")
            raise BadInput(p.ErrorCode.FORBIDDEN, "not your call")
        citizen_sid, staff_sid = self.talks[ticket]
        if session.id not in (citizen_sid, staff_sid):
            raise BadInput(p.ErrorCode.FORBIDDEN, "not your call")
        return self.sessions.get(citizen_sid), self.sessions.get(staff_sid)

    async def _on_call_accept(self, session: Session, msg: p.CallAccept) -> None:
        self._waiting_call(msg.ticket)
        if session.call is not None:
            raise BadInput(p.ErrorCode.CONFLICT, "finish your current call first")
        citizen = self.by_ticket.get(msg.ticket)
        if citizen is None:
            raise BadInput(p.ErrorCode.CONFLICT, "the caller is not connected")
        await self._set(msg.ticket, CallState.IN_CALL, officer=session.officer_id)
        self.talks[msg.ticket] = (citizen.id, session.id)
        citizen.last_position = None
        for officer in self._staff():
            if officer.ringing == msg.ticket:
                officer.ringing = None
        session.call, session.ringing, session.state = msg.ticket, None, p.StaffState.ON_CALL
        session.away_after_call = False
        _event("call.accepted", ticket=msg.ticket, staff=session.id, citizen=citizen.id)
        await self._to(citizen, self._accepted(msg.ticket, for_staff=False))
        await self._to(session, self._accepted(msg.ticket, for_staff=True))
        await self._tell_presence(session)
        await self._publish()
        await self._ring()

    async def _on_call_decline(self, session: Session, msg: p.CallDecline) -> None:
        self._waiting_call(msg.ticket)
        session.declined.add(msg.ticket)
        if session.ringing == msg.ticket:
            session.ringing = None
        await self._ring()

    async def _on_call_hold(self, session: Session, msg: p.CallHold) -> None:
        citizen, _ = self._own_call(session, msg.ticket)
        await self._set(msg.ticket, CallState.ON_HOLD if msg.on else CallState.IN_CALL)
        held = p.CallHeld(id=self._next_id(), ticket=msg.ticket, on=msg.on)
        await self._to(citizen, held)
        await self._to(session, held)
        await self._publish()

    async def _on_call_transfer(self, session: Session, msg: p.CallTransfer) -> None:
        citizen, _ = self._own_call(session, msg.ticket)
        if (msg.to_user is None) == (msg.to_room is None):
            raise BadInput(p.ErrorCode.BAD_MESSAGE, "name exactly one of to_user and to_room")
        if msg.to_room is not None:
            call = self.calls[msg.ticket]
            invite = tokens.issue(
                self.config.secret,
                kind="invite",
                subject=f"ticket:{msg.ticket}",
                role="citizen",
                ttl_s=tokens.TICKET_TTL_S,
                room=msg.to_room,
                name=call.name,
            )
            # Stored first: the citizen leaves this session as soon as it hears of the room.
            await self._end(
                msg.ticket,
                "transferred to a mediation room",
                state=CallState.TRANSFERRED,
                outcome=f"room:{msg.to_room}",
                tell_citizen=False,
            )
            await self._to(
                citizen,
                p.CallMoved(id=self._next_id(), ticket=msg.ticket, room=msg.to_room, invite=invite),
            )
            return
        target = next(
            (s for s in self._staff() if s.claims.subject == msg.to_user and s is not session),
            None,
        )
        if target is None:
            raise BadInput(p.ErrorCode.NOT_FOUND, "that officer is not connected")
        # Back to waiting (keeping queued_at), offered to the named officer first.
        await self._set(msg.ticket, CallState.RINGING, outcome=f"transfer:user:{msg.to_user}")
        del self.talks[msg.ticket]
        await self._release(session)
        await self._to(
            session, p.CallEnded(id=self._next_id(), ticket=msg.ticket, reason="transferred")
        )
        await self._to(citizen, p.CallHeld(id=self._next_id(), ticket=msg.ticket, on=True))
        if msg.ticket in self.recording:
            # A new officer asks again: recording never carries over a transfer silently.
            self.recording.discard(msg.ticket)
            await self._to(
                citizen, p.CallRecording(id=self._next_id(), ticket=msg.ticket, on=False)
            )
        call = self.calls[msg.ticket]
        target.ringing = msg.ticket
        target.ringing_since = time.monotonic()
        await self._to(target, self._ring_msg(call))
        await self._publish()
        await self._ring()

    async def _on_call_hangup(self, session: Session, msg: p.CallHangup) -> None:
        if not session.staff:
            if msg.ticket != session.ticket:
                raise BadInput(p.ErrorCode.FORBIDDEN, "not your ticket")
            if msg.ticket not in self.calls:
                raise BadInput(p.ErrorCode.NOT_FOUND, "this ticket has no active call")
        else:
            self._own_call(session, msg.ticket)
        await self._end(msg.ticket, msg.reason or "hung up")

    async def _on_call_callback(self, session: Session, msg: p.CallCallback) -> None:
        row = await self.queue.get(msg.ticket)
        if row is None:
            raise BadInput(p.ErrorCode.NOT_FOUND, "no such ticket")
        if msg.ticket in self.calls:
            raise BadInput(p.ErrorCode.CONFLICT, "this call is still active")
        await self._set(msg.ticket, CallState.CALLED_BACK, officer=session.officer_id)
        await self._to(session, self._snapshot())

    async def _on_call_recording(self, session: Session, msg: p.CallRecording) -> None:
        if msg.ticket not in self.talks:
            raise BadInput(p.ErrorCode.CONFLICT, "recording needs an answered call")
        citizen, _ = self._own_call(session, msg.ticket)
        if msg.on and not self.details.get(msg.ticket, ("", False))[1]:
            raise BadInput(p.ErrorCode.FORBIDDEN, "the caller did not consent to recording")
        if msg.on:
            self.recording.add(msg.ticket)
        else:
            self.recording.discard(msg.ticket)
        _event("call.recording", ticket=msg.ticket, on=msg.on, staff=session.id)
        echo = p.CallRecording(id=self._next_id(), ticket=msg.ticket, on=msg.on)
        await self._to(citizen, echo)
        await self._to(session, echo)

    async def _on_presence_set(self, session: Session, msg: p.PresenceSet) -> None:
        if msg.wrap_up is not None:
            session.wrap_up = msg.wrap_up
        if session.call is not None:
            # On a call the state stays on_call; "away" is remembered for when it ends.
            session.away_after_call = msg.state is p.StaffState.AWAY
            await self._tell_presence(session)
            return
        if msg.state is p.StaffState.ON_CALL:
            raise BadInput(p.ErrorCode.CONFLICT, "on_call is set by accepting a call")
        if msg.state is p.StaffState.AVAILABLE and session.state is not p.StaffState.AVAILABLE:
            session.idle_since = time.monotonic()
        session.state = msg.state
        if msg.state is not p.StaffState.AVAILABLE and session.ringing is not None:
            session.ringing = None
        await self._tell_presence(session)
        await self._ring()

    async def _release(self, officer: Session | None) -> None:
        """The officer's call ended: wrap-up, away or available, as the officer chose."""
        if officer is None:
            return
        officer.call = None
        if officer.away_after_call:
            officer.state = p.StaffState.AWAY
        elif officer.wrap_up:
            officer.state = p.StaffState.WRAP_UP
        else:
            officer.state = p.StaffState.AVAILABLE
        officer.away_after_call = False
        officer.idle_since = time.monotonic()
        await self._tell_presence(officer)

    async def _end(
        self,
        ticket: str,
        reason: str,
        *,
        state: CallState | None = None,
        outcome: str | None = None,
        tell_citizen: bool = True,
    ) -> None:
        """End `ticket`'s call: completed if it was answered, abandoned if it never was.

        `tell_citizen=False`: the citizen goes on elsewhere (moved into a room)."""
        call = self.calls.get(ticket)
        if call is None:
            return
        if state is None:
            state = CallState.COMPLETED if call.answered_at is not None else CallState.ABANDONED
        await self._set(ticket, state, outcome=outcome or reason)
        ends = self.talks.pop(ticket, None)
        self.recording.discard(ticket)
        self.details.pop(ticket, None)
        citizen = self.by_ticket.get(ticket)
        officer = self.sessions.get(ends[1]) if ends else None
        await self._release(officer)
        for s in self._staff():
            if s.ringing == ticket:
                s.ringing = None
        ended = p.CallEnded(id=self._next_id(), ticket=ticket, reason=reason[:500])
        if tell_citizen:
            await self._to(citizen, ended)
        await self._to(officer, ended)
        _event("call.ended", ticket=ticket, state=state.code)
        await self._publish()
        await self._ring()

    # --- relay

    async def _relay(
        self, session: Session, msg: p.SdpOffer | p.SdpAnswer | p.IceCandidate
    ) -> None:
        pair = (
            self.talks.get(session.call)
            if session.staff and session.call
            else self.talks.get(session.ticket or "")
        )
        room = self.rooms.room_of(session.id)
        in_call = pair is not None and msg.to in pair and msg.to != session.id
        if not in_call and not (room is not None and room.may_relay(session.id, msg.to)):
            raise BadInput(
                p.ErrorCode.FORBIDDEN, "relay only to the other end of your call or room"
            )
        target = self.sessions.get(msg.to)
        if target is None or target.conn is None:
            raise BadInput(p.ErrorCode.NOT_FOUND, "the other end is not connected")
        if isinstance(msg, p.IceCandidate):
            out = p.Relayed(
                id=self._next_id(),
                from_=session.id,
                kind="ice.candidate",
                candidate=msg.candidate,
                sdp_mid=msg.sdp_mid,
                sdp_mline_index=msg.sdp_mline_index,
            )
        else:
            out = p.Relayed(id=self._next_id(), from_=session.id, kind=msg.type, sdp=msg.sdp)
        await self._to(target, out)

    async def _store_changed(self, session: Session, msg: p.StoreChanged) -> None:
        for other in self._staff():
            if other is not session:
                await self._to(other, p.StoreChanged(id=self._next_id(), change_set=msg.change_set))

    # --- housekeeping: silent connections, expired sessions, orphaned tickets

    async def _reap(self) -> None:
        cfg = self.config
        interval = max(0.05, min(1.0, cfg.heartbeat_s / 2, cfg.grace_s / 4))
        while True:
            await asyncio.sleep(interval)
            try:
                await self._reap_once()
            except Exception:
                log.exception("reaper pass failed")

    async def _reap_once(self) -> None:
        now = time.monotonic()
        cfg = self.config
        for conn in list(self.conns):
            if conn.session is not None and now - conn.last_seen > 2 * cfg.heartbeat_s:
                _event("conn.silent", session=conn.session.id)
                conn.session.conn = None
                conn.session.detached_at = now
                conn.session = None
                self.close_later(conn, 1001, b"heartbeat missed")
        async with self.lock:
            for s in list(self.sessions.values()):
                if s.staff and s.ringing is not None and now - s.ringing_since > cfg.ring_timeout_s:
                    # Redirect on no answer: treat it as declined by this officer only.
                    ticket, s.ringing = s.ringing, None
                    s.declined.add(ticket)
                    _event("call.ring_timeout", session=s.id, ticket=ticket)
                    await self._to(
                        s,
                        p.CallEnded(id=self._next_id(), ticket=ticket, reason="ring timeout"),
                    )
                    await self._ring()
            for s in list(self.sessions.values()):
                if (
                    s.conn is None
                    and s.detached_at is not None
                    and now - s.detached_at > cfg.grace_s
                ):
                    await self._leave(s, "gone")
            if not self._orphans_swept and now - self._started > cfg.grace_s:
                # Tickets nobody reclaimed after a restart: their citizens are not coming back.
                self._orphans_swept = True
                for ticket in [t for t in self.calls if t not in self.by_ticket]:
                    if ticket not in self.talks:
                        await self._end(ticket, "caller did not reconnect")


HUB = web.AppKey("signalling_hub", Hub)


async def _ws(request: web.Request) -> web.StreamResponse:
    hub = request.app[HUB]
    address = request.remote or "?"
    ws = web.WebSocketResponse(max_msg_size=FRAME_LIMIT, autoping=True, timeout=2.0)
    await ws.prepare(request)
    if not hub.per_address.acquire(address):
        _event("conn.refused", logging.WARNING, address=address)
        await ws.send_str(
            p.Error(
                id="s0", code=p.ErrorCode.TOO_MANY_CONNECTIONS, message="too many connections"
            ).model_dump_json()
        )
        await ws.close(code=1008, message=b"too many connections")
        return ws
    conn = Conn(ws, address, hub.config.limits)
    hub.conns.add(conn)
    deadline = time.monotonic() + hub.config.hello_timeout_s
    try:
        while True:
            timeout = None if conn.session is not None else deadline - time.monotonic()
            if timeout is not None and timeout <= 0:
                await hub._error(conn, p.ErrorCode.NOT_AUTHENTICATED, "no hello in time")
                await ws.close(code=1008, message=b"no hello")
                break
            try:
                msg = await ws.receive(timeout=timeout)
            except TimeoutError:
                continue
            if msg.type is WSMsgType.TEXT:
                await hub.on_text(conn, msg.data)
            elif msg.type is WSMsgType.BINARY:
                conn.last_seen = time.monotonic()
                await hub._error(conn, p.ErrorCode.BAD_MESSAGE, "binary frames are not accepted")
            else:
                break
    finally:
        hub.conns.discard(conn)
        hub.per_address.release(address)
        await hub.detach(conn)
    return ws


async def _ticket(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    if not hub.ticket_buckets.take(request.remote or "?"):
        return web.json_response({"error": p.ErrorCode.RATE_LIMITED.value}, status=429)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    ticket = f"T{stamp}-{secrets.token_hex(5).upper()}"
    token = tokens.issue(
        hub.config.secret,
        kind="ticket",
        subject=ticket,
        role=tokens.CITIZEN_ROLE,
        ttl_s=hub.config.ticket_ttl_s,
        ticket=ticket,
    )
    _event("ticket.issued", ticket=ticket, address=request.remote)
    return web.json_response(
        {"ticket": ticket, "token": token, "expires_in_s": hub.config.ticket_ttl_s, "ws": "/ws"}
    )


async def _healthz(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    waiting = sum(1 for c in hub.calls.values() if c.waiting)
    return web.json_response(
        {
            "ok": True,
            "connections": len(hub.conns),
            "sessions": len(hub.sessions),
            "waiting": waiting,
        }
    )


def make_app(
    config: ServerConfig, queue_store: QueueStore, seats: RoomSeats | None = None
) -> web.Application:
    """The aiohttp application: /ws, /api/ticket, /healthz and the citizen page at /."""
    app = web.Application(client_max_size=64 * 1024)
    hub = Hub(config, queue_store, seats)
    app[HUB] = hub
    app.on_startup.append(hub.startup)
    app.on_shutdown.append(hub.shutdown)
    app.router.add_get("/ws", _ws)
    app.router.add_post("/api/ticket", _ticket)
    app.router.add_get("/healthz", _healthz)
    root = config.web_root
    if root is not None and root.is_dir():
        index = root / "index.html"

        async def _index(_request: web.Request) -> web.StreamResponse:
            if not index.is_file():
                raise web.HTTPNotFound()
            return web.FileResponse(index)

        app.router.add_get("/", _index)
        app.router.add_static("/", root, follow_symlinks=False)
    return app


class SignallingServer:
    """The server as an object: start on the running loop (the GUI's, or its own), stop."""

    def __init__(
        self, config: ServerConfig, queue_store: QueueStore, seats: RoomSeats | None = None
    ) -> None:
        self.config = config
        self.app = make_app(config, queue_store, seats)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    @property
    def hub(self) -> Hub:
        return self.app[HUB]

    async def start(self, host: str | None = None, port: int | None = None) -> int:
        """Bind and serve; returns the bound port (useful with port 0)."""
        host = self.config.host if host is None else host
        port = self.config.port if port is None else port
        self._runner = web.AppRunner(
            self.app, handle_signals=False, access_log=None, shutdown_timeout=2.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, ssl_context=self.config.ssl_context())
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        _event("server.listening", host=host, port=self.port, tls=self.config.cert_path is not None)
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            try:
                # Bounded: one connection's handler that never ends must not keep the
                # console (or console-signal) from stopping.
                await asyncio.wait_for(runner.cleanup(), STOP_WITHIN_S)
            except TimeoutError:
                log.warning("signalling: connections still closing after %.0f s", STOP_WITHIN_S)

    def invite_token(self, room: str, subject: str, name: str, ttl_s: float = INVITE_TTL_S) -> str:
        """A citizen's invitation into `room` (its link is `/?invite=<token>`)."""
        return tokens.issue(
            self.config.secret,
            kind="invite",
            subject=subject,
            role=tokens.CITIZEN_ROLE,
            ttl_s=ttl_s,
            room=room,
            name=name,
        )

    def staff_token(self, user_id: int | str, role: Role, name: str = "") -> str:
        return tokens.issue(
            self.config.secret,
            kind="staff",
            subject=str(user_id),
            role=role.code,
            ttl_s=tokens.STAFF_TTL_S,
            name=name,
        )


async def run_server(
    config: ServerConfig, queue_store: QueueStore, seats: RoomSeats | None = None
) -> None:
    """Serve until cancelled (the standalone `console-signal`)."""
    server = SignallingServer(config, queue_store, seats)
    await server.start()
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()
