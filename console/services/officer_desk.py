"""The duty officer's desk for video petition calls: queue, ring, answer, hold, mute, wrap-up.

`OfficerDesk` is the async use case the intake screen drives. It owns one signalling
client (reconnecting, resuming its session) and, during a call, one media leg. The
screen reads plain immutable records (`DeskCall`, queue entries) and subscribes to typed
events; callbacks run on the asyncio loop. Nothing here knows Qt.

Contact-centre behaviour, after FreeSWITCH mod_callcenter: the server rings the
longest-idle *available* officer only; when a call ends the server puts this officer in
wrap-up (never rung) and the desk returns to available after `wrap_up_s`, unless the
officer chose away in the meantime. Hold and mute keep the media tracks (no renegotiation)
and replace what is sent: a holding card and silence, or black and silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from console.media.audio_out import AudioPlayer, PlaybackProblem
from console.media.frame_slot import LatestFrameSlot
from console.media.local_sources import GENERATED
from console.services.call_peer import MediaLeg, ws_url
from console.services.capture_devices import open_sources
from console.signalling import protocol as p
from console.signalling.client import (
    ClientState,
    StateChanged,
    TokenProvider,
    WebSocketSignallingClient,
)
from console.signalling.protocol import ErrorCode, QueueEntry, StaffState

log = logging.getLogger(__name__)

__all__ = [
    "ERROR_TEXT_ZH",
    "CallChanged",
    "ConnectionChanged",
    "DeskCall",
    "DeskError",
    "DeskEvent",
    "OfficerDesk",
    "PresenceChanged",
    "QueueChanged",
    "RecordingHook",
    "Ringing",
    "error_text",
]

CallPhase = Literal["ringing", "connecting", "in_call", "on_hold", "ended"]

# Desk-side codes (not sent by the server) next to the protocol's stable ErrorCodes.
NOT_CONNECTED = "not_connected"
NO_CALL = "no_call"
MEDIA_FAILED = "media_failed"
SESSION_LOST = "session_lost"
RECORDING_FAILED = "recording_failed"

ERROR_TEXT_ZH: dict[str, str] = {
    ErrorCode.BAD_JSON.value: "消息格式错误",
    ErrorCode.TOO_LARGE.value: "消息过大",
    ErrorCode.BAD_MESSAGE.value: "请求内容不正确",
    ErrorCode.UNKNOWN_TYPE.value: "服务器不支持该操作",
    ErrorCode.UNSUPPORTED_VERSION.value: "信令协议版本不兼容，请升级客户端",
    ErrorCode.NOT_AUTHENTICATED.value: "尚未登录信令服务",
    ErrorCode.BAD_TOKEN.value: "登录凭证无效，请重新登录",
    ErrorCode.TOKEN_EXPIRED.value: "登录已过期，请重新登录",
    ErrorCode.FORBIDDEN.value: "无权执行该操作",
    ErrorCode.OUT_OF_ORDER.value: "操作顺序不正确",
    ErrorCode.RATE_LIMITED.value: "操作过于频繁，请稍后再试",
    ErrorCode.TOO_MANY_CONNECTIONS.value: "本机连接数过多",
    ErrorCode.NOT_FOUND.value: "来电不存在或已结束",
    ErrorCode.CONFLICT.value: "来电状态已变化（可能已被其他人接听）",
    ErrorCode.INTERNAL.value: "信令服务内部错误",
    NOT_CONNECTED: "信令未连接，请稍候重试",
    NO_CALL: "当前没有通话",
    MEDIA_FAILED: "音视频连接失败",
    SESSION_LOST: "信令会话已丢失，通话已中断",
    RECORDING_FAILED: "录音录像启动或停止失败",
}
"""Operator-facing text for every error code: the one table the intake screen shows."""

# Refusals of `call.recording` read better with their own words.
_RECORDING_TEXT_ZH = {
    ErrorCode.FORBIDDEN.value: "来访人未同意录音录像，不能录制",
    ErrorCode.CONFLICT.value: "未在通话中，不能录制",
}


_WAITING = frozenset({"queued", "ringing", "transferred"})


def error_text(code: str) -> str:
    return ERROR_TEXT_ZH.get(code, "操作失败")


# --- records and events ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeskCall:
    """The desk's current (or last) call, as the screen shows it."""

    ticket: str
    caller_name: str
    category: str
    phone: str = ""
    vulnerable: bool = False
    consent: bool = False
    state: CallPhase = "ringing"
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    audio_muted: bool = False
    video_muted: bool = False
    recording: bool = False
    ended_reason: str = ""

    @property
    def active(self) -> bool:
        return self.state in ("connecting", "in_call", "on_hold")


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    state: ClientState
    error: str = ""


@dataclass(frozen=True, slots=True)
class QueueChanged:
    entries: tuple[QueueEntry, ...]


@dataclass(frozen=True, slots=True)
class Ringing:
    ticket: str
    name: str
    category: str


@dataclass(frozen=True, slots=True)
class CallChanged:
    call: DeskCall


@dataclass(frozen=True, slots=True)
class PresenceChanged:
    user: str
    name: str
    state: StaffState


@dataclass(frozen=True, slots=True)
class DeskError:
    code: str
    message: str


DeskEvent = ConnectionChanged | QueueChanged | Ringing | CallChanged | PresenceChanged | DeskError


class RecordingHook(Protocol):
    """What the desk needs from a call recorder (`CallRecordingService` fits)."""

    async def start(self, ticket: str, leg: MediaLeg, operator_id: int | None) -> Any: ...

    async def stop(self, handle: Any) -> Any: ...


def _now() -> datetime:
    return datetime.now(UTC)


class OfficerDesk:
    """One officer's desk: a signalling session, the shared queue, at most one call."""

    def __init__(
        self,
        *,
        base_url: str,
        token_provider: TokenProvider,
        officer_name: str,
        ice_servers: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (),
        video_source: str | None = None,
        audio_source: str | None = None,
        wrap_up_s: float = 30.0,
        recording: RecordingHook | None = None,
        audio_output: str | None = None,
        ssl: Any = None,
    ) -> None:
        self.base_url = base_url
        self.officer_name = officer_name
        self.ice_servers = [dict(s) for s in ice_servers]
        self.video_source = video_source or GENERATED
        self.audio_source = audio_source or GENERATED
        self.wrap_up_s = wrap_up_s
        self.recording_service = recording
        self.audio_output = audio_output
        """ALSA device for the caller's voice ("default"); None plays nothing (tests)."""
        self._player: AudioPlayer | None = None
        self._client_args = (ws_url(base_url), token_provider, ssl)
        self._client = self._make_client()
        self._client_used = False
        self.presence = StaffState.AVAILABLE
        self.queue: list[QueueEntry] = []
        self.officers: dict[str, tuple[str, StaffState]] = {}
        self.call: DeskCall | None = None
        self.user: str = ""
        self.local_slot: LatestFrameSlot | None = None
        self._leg: MediaLeg | None = None
        self._peer: str | None = None
        self._listeners: list[Callable[[DeskEvent], None]] = []
        self._pump: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._wrap_timer: asyncio.Task[None] | None = None
        self._choice = StaffState.AVAILABLE
        """What the officer wants between calls: available or away."""
        self._pending: dict[str, str] = {}
        """Sent message id -> what it was, to explain the server's refusals."""
        self._unsent_hangup: str | None = None
        self._recording_handle: Any = None
        self._started = False
        self._stopped = False
        self._skip_welcome = False

    def _make_client(self) -> WebSocketSignallingClient:
        url, token_provider, ssl = self._client_args
        return WebSocketSignallingClient(url, token_provider, ssl=ssl, client_name="officer-desk")

    # --- observing

    def subscribe(self, callback: Callable[[DeskEvent], None]) -> Callable[[], None]:
        """Call `callback` with every event (on the loop); returns the unsubscribe function."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(callback)

        return unsubscribe

    def _emit(self, event: DeskEvent) -> None:
        for callback in list(self._listeners):
            try:
                callback(event)
            except Exception:
                log.exception("desk event listener failed on %s", type(event).__name__)

    def _error(self, code: str, message: str | None = None) -> None:
        self._emit(DeskError(code, message or error_text(code)))

    @property
    def connection(self) -> ClientState:
        return self._client.state

    @property
    def leg(self) -> MediaLeg | None:
        """The current call's media leg (tests and benches read its counters)."""
        return self._leg

    @property
    def audio_frames_played(self) -> int:
        """Frames of the caller's voice played on this call (0 without an output)."""
        return self._player.frames_played if self._player is not None else 0

    @property
    def remote_slot(self) -> LatestFrameSlot | None:
        """The caller's latest video frame; None before the first frame, on hold, after the call.

        On hold the officer neither sends nor shows the caller: the screen shows its holding
        state instead of a picture that keeps moving."""
        leg, call = self._leg, self.call
        if leg is None or leg.sink is None or (call is not None and call.state == "on_hold"):
            return None
        return leg.sink.slot

    # --- lifecycle

    async def start(self) -> None:
        """Connect and authenticate (raises if the first attempt fails), then go available."""
        if self._started:
            return
        if self._client_used:  # a closed client's event stream has ended: start afresh
            self._client = self._make_client()
        self._client_used = True
        self._stopped = False
        try:
            welcome = await self._client.connect()
        except Exception as exc:
            self._emit(ConnectionChanged(ClientState.CLOSED, str(exc)))
            raise
        self._started = True
        self._skip_welcome = True  # the pump sees this welcome again
        self.user = welcome.user
        self._pump = asyncio.get_running_loop().create_task(self._run(), name="officer-desk")
        await self._announce()

    async def stop(self) -> None:
        """Hang up any call, close the media leg and the signalling client. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        call = self.call
        if call is not None and call.active and self._client.state is ClientState.CONNECTED:
            with contextlib.suppress(Exception):
                await self._client.send(
                    p.CallHangup(
                        id=self._client.new_id(), ticket=call.ticket, reason="officer left"
                    )
                )
        self._cancel_wrap_up()
        await self._finish_call("officer left", emit=False)
        await self._client.close()
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._pump
            self._pump = None
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._started = False

    async def _announce(self) -> None:
        """Tell the server our state and that we take wrap-up after calls."""
        state = self.presence if self.presence is not StaffState.ON_CALL else self._choice
        await self._send(p.PresenceSet(id=self._client.new_id(), state=state, wrap_up=True))

    # --- sending

    async def _send(self, msg: p.ClientMessage, what: str = "") -> bool:
        try:
            await self._client.send(msg)
        except (ConnectionError, RuntimeError) as exc:
            log.info("desk could not send %s: %s", msg.type, exc)
            self._error(NOT_CONNECTED)
            return False
        if what:
            self._pending[msg.id] = what
            if len(self._pending) > 256:
                self._pending.pop(next(iter(self._pending)))
        return True

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("desk task %s failed", task.get_name(), exc_info=task.exception())
            self._error(MEDIA_FAILED, f"{error_text(MEDIA_FAILED)}：{task.exception()}")

    # --- presence

    async def set_presence(self, state: StaffState) -> None:
        """Available or away (wrap-up and on-call are the server's and the desk's to set)."""
        if state not in (StaffState.AVAILABLE, StaffState.AWAY):
            if state is StaffState.WRAP_UP and self.presence is StaffState.AVAILABLE:
                self._cancel_wrap_up()
                await self._send(p.PresenceSet(id=self._client.new_id(), state=state), "presence")
                return
            self._error(ErrorCode.BAD_MESSAGE.value, "只能设置为空闲、整理或离开")
            return
        self._choice = state
        if not self._started:
            self.presence = state  # announced on start
            return
        if self.call is not None and self.call.active:
            # The server remembers "away" and applies it when the call ends.
            await self._send(p.PresenceSet(id=self._client.new_id(), state=state), "presence")
            return
        self._cancel_wrap_up()
        call = self.call
        if state is StaffState.AWAY and call is not None and call.state == "ringing":
            # The server stops ringing an officer who goes away (and rings the next one).
            self._set_call(replace(call, state="ended", ended_reason="away"))
        await self._send(p.PresenceSet(id=self._client.new_id(), state=state), "presence")

    async def finish_wrap_up(self) -> None:
        """End wrap-up now: back to available (or away, if the officer chose that)."""
        self._cancel_wrap_up()
        if self.presence is StaffState.WRAP_UP:
            await self._send(
                p.PresenceSet(id=self._client.new_id(), state=self._choice), "presence"
            )

    def _cancel_wrap_up(self) -> None:
        if self._wrap_timer is not None:
            self._wrap_timer.cancel()
            self._wrap_timer = None

    def _start_wrap_up(self) -> None:
        self._cancel_wrap_up()
        self._wrap_timer = asyncio.get_running_loop().create_task(
            self._wrap_up_later(), name="officer-desk-wrap-up"
        )

    async def _wrap_up_later(self) -> None:
        await asyncio.sleep(max(0.0, self.wrap_up_s))
        self._wrap_timer = None
        if self.presence is StaffState.WRAP_UP and (self.call is None or not self.call.active):
            await self._send(
                p.PresenceSet(id=self._client.new_id(), state=self._choice), "presence"
            )

    # --- call control

    async def accept(self, ticket: str) -> None:
        if self.call is not None and self.call.active:
            self._error(ErrorCode.CONFLICT.value, "请先结束当前通话")
            return
        call = self.call if self.call is not None and self.call.ticket == ticket else None
        if call is None or call.state == "ended":
            entry = next((e for e in self.queue if e.ticket == ticket), None)
            call = DeskCall(
                ticket=ticket,
                caller_name=entry.name if entry else "",
                category=entry.category if entry else "",
            )
        self._cancel_wrap_up()
        # Connecting before sending: the server's answer may arrive before `_send` returns.
        self._set_call(replace(call, state="connecting"))
        if not await self._send(p.CallAccept(id=self._client.new_id(), ticket=ticket), "accept"):
            self._set_call(replace(call, state="ended", ended_reason="not connected"))

    async def decline(self, ticket: str, reason: str = "") -> None:
        if await self._send(
            p.CallDecline(id=self._client.new_id(), ticket=ticket, reason=reason), "decline"
        ):
            call = self.call
            if call is not None and call.ticket == ticket and call.state == "ringing":
                self._set_call(replace(call, state="ended", ended_reason=reason or "declined"))

    async def hold(self, on: bool) -> None:
        call = self._active_call()
        if call is not None:
            await self._send(
                p.CallHold(id=self._client.new_id(), ticket=call.ticket, on=on), "hold"
            )

    async def mute(self, audio: bool, video: bool) -> None:
        """Mute what is sent (silence, a black picture); the tracks stay, nothing renegotiates."""
        call = self._active_call()
        if call is None:
            return
        if self._leg is not None:
            self._leg.set_mute(audio=audio, video=video)
        self._set_call(replace(call, audio_muted=audio, video_muted=video))

    async def hangup(self, reason: str = "") -> None:
        call = self._active_call()
        if call is None:
            return
        msg = p.CallHangup(id=self._client.new_id(), ticket=call.ticket, reason=reason)
        if not await self._send(msg, "hangup"):
            # Signalling is down: end the media now, tell the server once we are back.
            self._unsent_hangup = call.ticket
            await self._finish_call(reason or "hung up")

    async def transfer_to_officer(self, user_id: str) -> None:
        call = self._active_call()
        if call is not None:
            await self._send(
                p.CallTransfer(id=self._client.new_id(), ticket=call.ticket, to_user=user_id),
                "transfer",
            )

    async def transfer_to_room(self, room_id: str) -> None:
        """Move the caller into a mediation room's lobby; the caller does not hang up."""
        call = self._active_call()
        if call is not None:
            await self._send(
                p.CallTransfer(id=self._client.new_id(), ticket=call.ticket, to_room=room_id),
                "transfer",
            )

    async def callback(self, ticket: str) -> None:
        """Mark an abandoned caller as called back by this officer (the call row records it)."""
        await self._send(p.CallCallback(id=self._client.new_id(), ticket=ticket), "callback")

    async def set_recording(self, on: bool) -> None:
        """Ask the server to start/stop recording; `DeskCall.recording` follows its answer."""
        call = self._active_call()
        if call is None:
            return
        await self._send(
            p.CallRecording(id=self._client.new_id(), ticket=call.ticket, on=on), "recording"
        )

    async def snapshot(self) -> Any:
        """The caller's picture now, stored as a media asset of the call (needs consent).

        Raises when there is no call, no recorder service or no consent (with the reason)."""
        call, leg, service = self._active_call(), self._leg, self.recording_service
        if call is None or leg is None:
            raise RuntimeError(error_text(NO_CALL))
        if service is None or not hasattr(service, "snapshot"):
            raise RuntimeError("本机未配置证据存储，不能截图")
        return await service.snapshot(call.ticket, leg, self._operator_id())

    def _active_call(self) -> DeskCall | None:
        call = self.call
        if call is None or not call.active:
            self._error(NO_CALL)
            return None
        return call

    def _set_call(self, call: DeskCall) -> None:
        self.call = call
        self._emit(CallChanged(call))

    # --- the event pump

    async def _run(self) -> None:
        async for event in self._client.events():
            try:
                await self._on_event(event)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("desk failed handling %s", getattr(event, "type", event))
                self._error(ErrorCode.INTERNAL.value, f"{error_text('internal')}：{exc}")

    async def _on_event(self, event: Any) -> None:
        if isinstance(event, StateChanged):
            self._emit(ConnectionChanged(event.state, event.error))
        elif isinstance(event, p.Welcome):
            await self._on_welcome(event)
        elif isinstance(event, p.QueueSnapshot):
            self._on_snapshot(event)
        elif isinstance(event, p.Presence):
            self._on_presence(event)
        elif isinstance(event, p.CallRing):
            self._on_ring(event)
        elif isinstance(event, p.CallAccepted):
            await self._on_accepted(event)
        elif isinstance(event, p.Relayed):
            if self._leg is not None:
                await self._leg.handle(event)
        elif isinstance(event, p.CallHeld):
            self._on_held(event)
        elif isinstance(event, p.CallRecording):
            await self._on_recording(event)
        elif isinstance(event, p.CallEnded):
            await self._on_ended(event)
        elif isinstance(event, p.Error):
            await self._on_refused(event)

    async def _on_welcome(self, welcome: p.Welcome) -> None:
        self.user = welcome.user or self.user
        if self._skip_welcome:
            self._skip_welcome = False
            return  # the first welcome: start() announces
        if not welcome.resumed:
            # A new session (server restarted or forgot us): our call is gone from its view.
            if self.call is not None and self.call.active:
                await self._finish_call("signalling session lost")
                self._error(SESSION_LOST)
            self._unsent_hangup = None  # the new session holds no call to hang up
            await self._announce()
        if self._unsent_hangup is not None:
            ticket, self._unsent_hangup = self._unsent_hangup, None
            await self._send(p.CallHangup(id=self._client.new_id(), ticket=ticket), "hangup")
        if self.presence is StaffState.WRAP_UP and self._wrap_timer is None:
            # Wrap-up ran out while we were cut off: the server still has us in wrap-up.
            await self._send(
                p.PresenceSet(id=self._client.new_id(), state=self._choice), "presence"
            )

    def _on_snapshot(self, msg: p.QueueSnapshot) -> None:
        self.queue = list(msg.entries)
        self._emit(QueueChanged(tuple(msg.entries)))
        call = self.call
        if (
            call is not None
            and call.state == "ringing"
            and not any(e.ticket == call.ticket and e.state in _WAITING for e in msg.entries)
        ):
            self._set_call(replace(call, state="ended", ended_reason="taken or gone"))

    def _on_presence(self, msg: p.Presence) -> None:
        self.officers[msg.user] = (msg.name, msg.state)
        if msg.user == self.user:
            self.presence = msg.state
            if msg.state is StaffState.WRAP_UP and self._wrap_timer is None:
                self._start_wrap_up()
            elif msg.state is not StaffState.WRAP_UP:
                self._cancel_wrap_up()
        self._emit(PresenceChanged(msg.user, msg.name, msg.state))

    def _on_ring(self, msg: p.CallRing) -> None:
        if self.call is not None and self.call.active:
            return  # the server does not ring a busy officer; a stale ring is ignored
        self._set_call(
            DeskCall(
                ticket=msg.ticket,
                caller_name=msg.name,
                category=msg.category,
                phone=msg.phone,
                vulnerable=msg.vulnerable,
                consent=msg.recording_consent,
                state="ringing",
            )
        )
        self._emit(Ringing(msg.ticket, msg.name, msg.category))

    async def _on_accepted(self, msg: p.CallAccepted) -> None:
        call = self.call
        if self._leg is not None and call is not None and call.ticket == msg.ticket:
            if msg.peer == self._peer:
                return  # told again after we resumed: the media leg never stopped
            await self._close_leg()  # the caller came back as a new session: start over
        if call is None or call.ticket != msg.ticket:
            entry = next((e for e in self.queue if e.ticket == msg.ticket), None)
            call = DeskCall(
                ticket=msg.ticket,
                caller_name=entry.name if entry else "",
                category=entry.category if entry else "",
            )
        self.local_slot = LatestFrameSlot()
        video, audio = self._open_sources()
        self._peer = msg.peer
        self._leg = MediaLeg(
            self._client,
            msg.peer,
            ice_servers=self.ice_servers,
            video_source=video,
            audio_source=audio,
            preview=self.local_slot,
        )
        self._leg.pc.on("connectionstatechange", self._on_media_state)
        self._start_playback(self._leg)
        self._set_call(
            replace(
                call,
                state="connecting",
                answered_at=call.answered_at or _now(),
                recording=msg.recording,
                audio_muted=False,
                video_muted=False,
            )
        )
        self._spawn(self._leg.offer(), "officer-desk-offer")

    def _open_sources(self) -> tuple[Any, Any]:
        """The chosen camera and microphone; the generated ones (and an error) if they fail."""
        return open_sources(
            self.video_source, self.audio_source, lambda text: self._error(MEDIA_FAILED, text)
        )

    def _on_media_state(self) -> None:
        leg, call = self._leg, self.call
        if leg is None or call is None:
            return
        state = leg.pc.connectionState
        if state == "connected" and call.state == "connecting":
            self._set_call(replace(call, state="in_call"))
        elif state == "failed" and call.active:
            self._error(MEDIA_FAILED)

    def _on_held(self, msg: p.CallHeld) -> None:
        call = self.call
        if call is None or call.ticket != msg.ticket or not call.active:
            return
        if self._leg is not None:
            self._leg.set_hold(msg.on)
        if self._player is not None:
            self._player.muted = msg.on  # on hold neither side hears the other
        state: CallPhase = "on_hold" if msg.on else "in_call"
        self._set_call(replace(call, state=state))

    async def _on_recording(self, msg: p.CallRecording) -> None:
        call = self.call
        if call is None or call.ticket != msg.ticket or not call.active:
            return
        if msg.on:
            # The record says "recording" once the recorder runs (or there is none to run).
            if await self._recorder(True):
                call = self.call or call
                self._set_call(replace(call, recording=True))
        else:
            self._set_call(replace(call, recording=False))
            await self._recorder(False)

    def _operator_id(self) -> int | None:
        """This officer's user id in the store, when the token's subject is one."""
        return int(self.user) if self.user.isdigit() and len(self.user) < 10 else None

    async def _recorder(self, on: bool) -> bool:
        """Start/stop the recording service's segment (`start(ticket, leg, operator_id)`).

        False when starting failed (the server is then told recording is off again)."""
        service, leg, call = self.recording_service, self._leg, self.call
        if service is None:
            return True
        try:
            if on and self._recording_handle is None and leg is not None and call is not None:
                self._recording_handle = await service.start(call.ticket, leg, self._operator_id())
            elif not on and self._recording_handle is not None:
                handle, self._recording_handle = self._recording_handle, None
                await service.stop(handle)
        except Exception as exc:
            log.exception("recording %s failed", "start" if on else "stop")
            self._error(RECORDING_FAILED, f"{error_text(RECORDING_FAILED)}：{exc}")
            if on and call is not None and call.active:
                # Nothing records: the caller's indicator must not say otherwise.
                await self._send(
                    p.CallRecording(id=self._client.new_id(), ticket=call.ticket, on=False)
                )
            return False
        return True

    async def _on_ended(self, msg: p.CallEnded) -> None:
        call = self.call
        if call is None or call.ticket != msg.ticket:
            return
        if call.state == "ringing":
            self._set_call(replace(call, state="ended", ended_reason=msg.reason))
            return
        if call.active:
            await self._finish_call(msg.reason)

    async def _finish_call(self, reason: str, *, emit: bool = True) -> None:
        """The call is over: stop recording, close media, keep the record, start wrap-up."""
        call = self.call
        if call is not None and call.recording:
            await self._recorder(False)
        await self._close_leg()
        if call is None or not call.active:
            return
        ended = replace(call, state="ended", ended_at=_now(), ended_reason=reason, recording=False)
        if emit:
            self._set_call(ended)
        else:
            self.call = ended
        if self.presence is StaffState.WRAP_UP and self._wrap_timer is None and not self._stopped:
            self._start_wrap_up()

    async def _close_leg(self) -> None:
        leg, self._leg, self._peer = self._leg, None, None
        player, self._player = self._player, None
        self.local_slot = None
        if leg is not None and player is not None:
            leg.audio_tap.remove(player.push)
        if player is not None:
            await asyncio.to_thread(player.stop)
        if leg is not None:
            await leg.close()

    def _start_playback(self, leg: MediaLeg) -> None:
        """The caller's voice on this workstation's speaker, when one is configured."""
        if self.audio_output is None:
            return
        loop = asyncio.get_running_loop()

        def problem(kind: PlaybackProblem) -> None:  # on the player's thread
            text = (
                "没有可用的放音设备，听不到来访人声音"
                if kind is PlaybackProblem.NO_DEVICE
                else "放音设备出错，来访人声音中断"
            )
            loop.call_soon_threadsafe(self._error, MEDIA_FAILED, text)

        self._player = AudioPlayer(self.audio_output, on_problem=problem, name="call-audio-out")
        self._player.start()
        leg.audio_tap.add(self._player.push)

    async def _on_refused(self, err: p.Error) -> None:
        what = self._pending.pop(err.ref, "") if err.ref else ""
        code = err.code.value
        text = _RECORDING_TEXT_ZH.get(code) if what == "recording" else None
        self._error(code, text or error_text(code))
        call = self.call
        if what == "accept" and call is not None and call.state == "connecting" and not self._leg:
            # Someone else took it, or the caller left: nothing to talk to.
            self._set_call(replace(call, state="ended", ended_reason=err.message))
