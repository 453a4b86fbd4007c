"""The mediator's console in a mediation room: its seat, the lobby, mesh media, the controls.

`RoomDesk` is the async use case the mediation screen drives, as `OfficerDesk` is for
intake. It owns one signalling client (reconnecting, resuming its seat) and one media leg
per person it shares media with. The server's `room.state` says whom that is (`peers`);
the desk keeps exactly those legs, rebuilding one when that person reconnected (their
`epoch` changed: aiortc has no ICE restart, so a new peer connection it is). During a
caucus the server lists only the caucus side as peers, so legs to the waiting side are
closed and none of the caucus media reaches them. The camera and microphone are opened
once and fanned out to every leg; the mediator's screen or a document page replaces the
camera's picture in that same track while shared. Nothing here knows Qt.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from console.core.room_rules import MESH_MAX_PEOPLE, missing_consent, offers_to
from console.media.audio_out import AudioPlayer
from console.media.frame_slot import Frame, LatestFrameSlot
from console.media.local_sources import GENERATED
from console.media.peer import FrameSink
from console.media.share_source import ShareableVideoTrack
from console.media.track_fanout import TrackFanOut
from console.services.call_peer import MediaLeg, ws_url
from console.services.capture_devices import open_sources
from console.services.janus_room import (
    JanusRoomParticipant,
    RemoteFeed,
    RemoteFeedDropped,
    RemoteFeedSubscribed,
)
from console.services.janus_room import RoomEvent as JanusRoomEvent
from console.services.officer_desk import MEDIA_FAILED, NOT_CONNECTED, error_text
from console.signalling import protocol as p
from console.signalling.client import (
    ClientState,
    StateChanged,
    TokenProvider,
    WebSocketSignallingClient,
)
from console.signalling.janus import JanusError, Publisher

log = logging.getLogger(__name__)

PUMP_STOP_S = 5.0
"""Leaving waits this long for the event in hand to finish before cutting it short."""

ROOM_TEXT_ZH = {
    p.ErrorCode.NOT_FOUND.value: "该参与人已不在调解室",
    p.ErrorCode.CONFLICT.value: "调解室已结束或不存在",
}
"""Room refusals read better in their own words; everything else uses the desk's table."""
SHARE_REFUSED_ZH = "只有主持调解的人员可以共享屏幕或文档"


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoomConnectionChanged:
    state: ClientState
    error: str = ""


@dataclass(frozen=True, slots=True)
class RoomChanged:
    """The room as the server sees it now (after every admit, leave, caucus, consent…)."""

    room: str
    people: tuple[p.RoomPerson, ...]
    caucus: tuple[str, ...]
    spotlight: str | None
    recording: bool
    sharing: p.RoomSharing | None = None


@dataclass(frozen=True, slots=True)
class ShareSwitched:
    """This desk's own share started, changed page, or stopped (`reason`: the server refused)."""

    on: bool
    kind: str = ""
    title: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class LobbyKnocked:
    participant: str
    name: str


@dataclass(frozen=True, slots=True)
class ChatPosted:
    sender: str
    name: str
    text: str
    at: float
    mine: bool


@dataclass(frozen=True, slots=True)
class RecordingSwitched:
    on: bool
    reason: str = ""
    """Why it stopped by itself (someone without consent arrived), in the server's words."""


@dataclass(frozen=True, slots=True)
class SignatureArrived:
    participant: str
    name: str
    agreement: str
    content_sha256: str
    image_png: bytes


@dataclass(frozen=True, slots=True)
class AgreementShown:
    """A participant's client: the mediator put the agreement on screen to read and sign."""

    agreement: str
    title: str
    text: str
    content_sha256: str
    signed_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MediaChanged:
    """A person's media connection changed: connecting, connected, failed, closed."""

    participant: str
    state: str


@dataclass(frozen=True, slots=True)
class MutedByMediator:
    """This seat's microphone/camera was muted (or unmuted) by the room's mediator."""

    audio: bool
    video: bool


@dataclass(frozen=True, slots=True)
class RoomError:
    code: str
    text: str


RoomEvent = (
    RoomConnectionChanged
    | RoomChanged
    | LobbyKnocked
    | ChatPosted
    | RecordingSwitched
    | SignatureArrived
    | AgreementShown
    | MediaChanged
    | MutedByMediator
    | ShareSwitched
    | RoomError
)


PersonMedia = MediaLeg | RemoteFeed
"""What we receive from one person: a mesh leg, or their feed from the Janus room."""

JANUS_JOIN_S = 20.0
"""Joining a Janus room (session, publish, first subscriptions) gives up after this long."""


@dataclass
class _Leg:
    leg: MediaLeg
    epochs: tuple[int, int]
    """(their epoch, mine) when it was built: either changing means rebuild."""
    player: AudioPlayer | None = None


@dataclass
class _Seat:
    room: str = ""
    me: str = ""
    people: dict[str, p.RoomPerson] = field(default_factory=dict)
    peers: list[str] = field(default_factory=list)
    caucus: tuple[str, ...] = ()
    spotlight: str | None = None
    sharing: p.RoomSharing | None = None
    """Whose share the server says this seat sees (this desk's own included)."""
    recording: bool = False
    media: p.RoomMedia | None = None
    """Set in a room served by Janus: which Janus room our media go through now."""


@dataclass
class _JanusSeat:
    """Our place in a Janus room (a feed's display is its person's session id)."""

    media: p.RoomMedia
    participant: JanusRoomParticipant
    peers: tuple[str, ...] = ()
    """Whom we subscribed for, as last applied: a change means refreshing subscriptions."""
    players: dict[str, AudioPlayer] = field(default_factory=dict)


class RoomDesk:
    """One seat in one room: a signalling session, the lobby, one leg per peer.

    With a mediator's staff token it hosts (admits, mutes, caucus…); with an invitation
    token it is a participant's client (the demo's and the tests' simulated parties), whose
    host controls the server refuses."""

    def __init__(
        self,
        *,
        base_url: str,
        token_provider: TokenProvider,
        name: str,
        ice_servers: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (),
        video_source: str | None = None,
        audio_source: str | None = None,
        audio_output: str | None = None,
        backend: str = "mesh",
        consent: bool = True,
        preview: bool = True,
        video_size: tuple[int, int] = (640, 480),
        video_fps: int = 30,
        sink_size: tuple[int, int] = (640, 360),
        on_frame: Callable[[str, Frame], None] | None = None,
        ssl: Any = None,
    ) -> None:
        self.name = name
        self.ice_servers = [dict(s) for s in ice_servers]
        self.video_source = video_source or GENERATED
        self.audio_source = audio_source or GENERATED
        self.audio_output = audio_output
        """ALSA device for the participants' voices ("default"); None plays nothing (tests)."""
        self.backend = backend
        self.consent = consent
        """Consent to the room's recording, given on joining (the mediator's always is)."""
        self.preview = preview
        """Show this seat's own picture (`local_slot`); simulated parties need none."""
        self.sink_size = sink_size
        self.video_size = video_size
        self.video_fps = video_fps
        self.on_frame = on_frame
        """Called on a sink's worker thread with (participant, converted frame): benches."""
        self._client = WebSocketSignallingClient(
            ws_url(base_url), token_provider, ssl=ssl, client_name="room-desk"
        )
        self.seat = _Seat()
        self.local_slot: LatestFrameSlot | None = None
        self._legs: dict[str, _Leg] = {}
        self._janus: _JanusSeat | None = None
        self._janus_lock = asyncio.Lock()
        self._video: TrackFanOut | None = None
        self._audio: TrackFanOut | None = None
        self._share: ShareableVideoTrack | None = None
        self.sharing: tuple[str, str] | None = None
        """(kind, title) of what this desk shares now; None: its camera."""
        self._preview: FrameSink | None = None
        self._muted = (False, False)
        self._listeners: list[Callable[[RoomEvent], None]] = []
        self._pump: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._pending: dict[str, str] = {}
        self._joined = False
        self.before_leave: list[Callable[[], Awaitable[Any]]] = []
        """Run on leaving, while every leg still runs (a recording finishes its files)."""

    # --- observing

    def subscribe(self, callback: Callable[[RoomEvent], None]) -> Callable[[], None]:
        """Call `callback` with every event (on the loop); returns the unsubscribe function."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(callback)

        return unsubscribe

    def _emit(self, event: RoomEvent) -> None:
        for callback in list(self._listeners):
            try:
                callback(event)
            except Exception:
                log.exception("room event listener failed on %s", type(event).__name__)

    def _error(self, code: str, text: str | None = None) -> None:
        self._emit(RoomError(code, text or ROOM_TEXT_ZH.get(code) or error_text(code)))

    @property
    def connection(self) -> ClientState:
        return self._client.state

    def people(self) -> list[p.RoomPerson]:
        return list(self.seat.people.values())

    def lobby(self) -> list[p.RoomPerson]:
        return [x for x in self.seat.people.values() if not x.admitted]

    def missing_consent(self) -> list[str]:
        """Who must still consent before recording may start (the server's rule, explained)."""
        return missing_consent((x.name, x.admitted, x.consent) for x in self.seat.people.values())

    @property
    def video_track(self) -> Any:
        """The camera track every leg sends (a generated one carries `sent_at` per frame)."""
        return self._share.camera if self._share is not None else None

    @property
    def share_track(self) -> ShareableVideoTrack | None:
        """What every leg's video comes from: the camera, or the shared picture."""
        return self._share

    def leg(self, participant: str) -> PersonMedia | None:
        """What we receive from that person: a mesh leg, or their Janus feed."""
        return self.legs().get(participant)

    def legs(self) -> dict[str, PersonMedia]:
        if self._janus is not None:
            feeds = self._janus.participant.feeds.values()
            return {remote.publisher.display: remote for remote in feeds}
        return {pid: held.leg for pid, held in self._legs.items()}

    @property
    def janus(self) -> JanusRoomParticipant | None:
        """Our participant in the room's Janus room, in a room served by Janus."""
        return self._janus.participant if self._janus is not None else None

    def slot(self, participant: str) -> LatestFrameSlot | None:
        """That person's latest video frame, or None before their first frame."""
        leg = self.leg(participant)
        return leg.sink.slot if leg is not None and leg.sink is not None else None

    # --- lifecycle

    async def join(self, room: str) -> None:
        """Connect (raises if the first attempt fails), take the seat, open camera and mic."""
        if self._joined:
            return
        welcome = await self._client.connect()
        self._joined = True
        self.seat = _Seat(room=room, me=welcome.session)
        self._open_sources()
        self._pump = asyncio.get_running_loop().create_task(self._run(), name="room-desk-pump")
        await self._send_join()

    async def _send_join(self) -> None:
        await self._send(
            p.RoomJoin(
                id=self._client.new_id(),
                name=self.name,
                room=self.seat.room,
                recording_consent=self.consent,
            ),
            "join",
        )

    async def give_consent(self, on: bool = True) -> None:
        self.consent = on
        await self._send(
            p.RoomConsent(id=self._client.new_id(), room=self.seat.room, on=on), "consent"
        )

    async def leave(self) -> None:
        """Leave the room (others carry on), close every leg and the connection."""
        if not self._joined:
            return
        self._joined = False
        for hook in self.before_leave:
            try:
                await hook()
            except Exception:
                log.exception("leaving the room: a hook failed")
        with contextlib.suppress(ConnectionError):
            await self._client.send(p.RoomLeave(id=self._client.new_id(), room=self.seat.room))
        # Closing the client ends its event stream, so the pump finishes the event in hand
        # and stops by itself. Cancelling it instead could land inside a leg's close, whose
        # clean-up swallows the cancellation, and the pump would wait for events forever.
        await self._client.close()
        if self._pump is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._pump), PUMP_STOP_S)
            except TimeoutError:
                self._pump.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._pump
            self._pump = None
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for pid in list(self._legs):
            await self._close_leg(pid)
        await self._leave_janus()
        if self._preview is not None:
            await self._preview.stop()
            self._preview = None
        for fan in (self._video, self._audio):
            if fan is not None:
                fan.stop()
        self._video = self._audio = None
        self._share = None
        self.sharing = None
        self.local_slot = None

    def _open_sources(self) -> None:
        video, audio = open_sources(
            self.video_source,
            self.audio_source,
            lambda text: self._error(MEDIA_FAILED, text),
            self.video_size,
            self.video_fps,
        )
        # The fan-out's source can show a shared screen or page instead of the camera, so
        # every leg (and the preview) switches at once with no renegotiation.
        self._share = ShareableVideoTrack(video)
        self._video, self._audio = TrackFanOut(self._share), TrackFanOut(audio)
        if self.preview:
            # The mediator's own picture, from its own proxy: it shows even when nobody is in.
            self._preview = FrameSink(self._video.proxy(), (320, 180), name="room-preview")
            self._preview.start()
            self.local_slot = self._preview.slot

    # --- the mediator's controls (each refused by the server when not allowed)

    async def admit(self, participant: str) -> None:
        admitted = sum(1 for x in self.seat.people.values() if x.admitted)
        # A room served by Janus has its own limit, which the server enforces.
        if self.backend == "mesh" and self.seat.media is None and admitted >= MESH_MAX_PEOPLE:
            self._error(
                "room_full",
                f"点对点调解室最多 {MESH_MAX_PEOPLE} 人；人数更多请改用媒体服务器（Janus）",
            )
            return
        await self._send(
            p.RoomAdmit(id=self._client.new_id(), room=self.seat.room, participant=participant),
            "admit",
        )

    async def remove(self, participant: str) -> None:
        await self._send(
            p.RoomRemove(id=self._client.new_id(), room=self.seat.room, participant=participant),
            "remove",
        )

    async def mute(self, participant: str, *, audio: bool, video: bool) -> None:
        """Ask that participant's page to mute (it shows them that the mediator did)."""
        await self._send(
            p.RoomMute(
                id=self._client.new_id(),
                room=self.seat.room,
                participant=participant,
                audio=audio,
                video=video,
            ),
            "mute",
        )

    def mute_self(self, *, audio: bool, video: bool) -> None:
        """The mediator's own microphone/camera: silence/black on every leg, no renegotiation."""
        self._muted = (audio, video)
        for held in self._legs.values():
            held.leg.set_mute(audio=audio, video=video)
        if self._janus is not None:
            self._janus.participant.set_mute(audio=audio, video=video)

    async def spotlight(self, participant: str | None) -> None:
        await self._send(
            p.RoomSpotlight(id=self._client.new_id(), room=self.seat.room, participant=participant),
            "spotlight",
        )

    async def start_share(self, kind: str, title: str = "") -> None:
        """Send the screen or a document page instead of the camera, as the pictures given to
        `push_share_frame` arrive; called again with a new title when the page changes.
        Refused by the server unless this seat hosts the room (the camera then returns)."""
        if kind not in ("screen", "document"):
            raise ValueError(f"unknown share kind {kind!r}")
        if self._share is None:
            return
        title = title.strip()[: p.SHARE_TITLE_MAX]
        if not self._share.sharing:
            self._share.share()
        self.sharing = (kind, title)
        self._emit(ShareSwitched(True, kind, title))
        await self._send_share()

    def push_share_frame(self, image: Any, pixel_format: str = "rgb24") -> None:
        """The picture to share now (any thread, cheap): H×W×3 uint8 RGB by default; see
        `ShareableVideoTrack.push` for the others. Scaled on the media side, latest wins."""
        if self._share is not None:
            self._share.push(image, pixel_format)

    async def stop_share(self) -> None:
        """Send the camera again."""
        if self._share is not None:
            self._share.show_camera()
        if self.sharing is None:
            return
        self.sharing = None
        self._emit(ShareSwitched(False))
        await self._send_share()

    async def _send_share(self) -> None:
        kind, title = self.sharing or ("screen", "")
        await self._send(
            p.RoomShare(
                id=self._client.new_id(),
                room=self.seat.room,
                on=self.sharing is not None,
                kind="document" if kind == "document" else "screen",
                title=title,
            ),
            "share",
        )

    def _share_refused(self, message: str) -> None:
        # Whatever the server refused, nobody may see a share they were not told about.
        if self._share is not None:
            self._share.show_camera()
        if self.sharing is not None:
            self.sharing = None
            self._emit(ShareSwitched(False, reason=message))

    async def caucus(self, participants: list[str]) -> None:
        """背靠背: talk privately with these participants; the others wait with a notice."""
        await self._send(
            p.RoomCaucus(id=self._client.new_id(), room=self.seat.room, participants=participants),
            "caucus",
        )

    async def return_all(self) -> None:
        await self.caucus([])

    async def set_recording(self, on: bool) -> None:
        missing = self.missing_consent()
        if on and missing:
            self._error("no_consent", "以下人员尚未同意录音录像，不能录制：" + "、".join(missing))
            return
        await self._send(
            p.RoomRecording(id=self._client.new_id(), room=self.seat.room, on=on), "recording"
        )

    async def chat(self, text: str) -> None:
        text = text.strip()
        if text:
            await self._send(
                p.RoomChat(id=self._client.new_id(), room=self.seat.room, text=text[:2000]), "chat"
            )

    async def show_agreement(
        self, agreement: str, title: str, text: str, content_sha256: str, signed_by: list[str]
    ) -> None:
        """Put the agreement as it stands on every admitted party's page, to read and sign."""
        await self._send(
            p.RoomAgreement(
                id=self._client.new_id(),
                room=self.seat.room,
                agreement=agreement,
                title=title[:100],
                text=text[: p.AGREEMENT_TEXT_MAX],
                content_sha256=content_sha256,
                signed_by=signed_by,
            ),
            "agreement",
        )

    async def sign(self, agreement: str, content_sha256: str, image_png: bytes) -> None:
        """A participant signs the version it was shown (the mediator's console stores it)."""
        await self._send(
            p.RoomSign(
                id=self._client.new_id(),
                room=self.seat.room,
                agreement=agreement,
                content_sha256=content_sha256,
                image_png_b64=base64.b64encode(image_png).decode("ascii"),
            ),
            "sign",
        )

    async def _send(self, msg: Any, what: str) -> None:
        try:
            await self._client.send(msg)
        except ConnectionError:
            self._error(NOT_CONNECTED)
            return
        self._pending[msg.id] = what

    # --- the event pump

    async def _run(self) -> None:
        async for event in self._client.events():
            try:
                await self._handle(event)
            except Exception:
                log.exception("room desk failed on %s", type(event).__name__)

    async def _handle(self, event: Any) -> None:
        if isinstance(event, StateChanged):
            self._emit(RoomConnectionChanged(event.state, event.error))
        elif isinstance(event, p.Welcome):
            if not event.resumed and self._joined:
                # The server forgot us (restart): take the seat again; the store remembers it.
                self.seat.me = event.session
                await self._send_join()
            if self.sharing is not None and self._joined:
                # Said again after any reconnect: a share sent while disconnected was lost.
                await self._send_share()
        elif isinstance(event, p.RoomState):
            await self._on_state(event)
        elif isinstance(event, p.RoomLobby):
            self._emit(LobbyKnocked(event.participant, event.name))
        elif isinstance(event, p.Relayed):
            await self._on_relayed(event)
        elif isinstance(event, p.RoomChatPosted):
            mine = event.from_ == self.seat.me
            self._emit(ChatPosted(event.from_, event.name, event.text, event.at, mine))
        elif isinstance(event, p.RoomRecording):
            self.seat.recording = event.on
            self._emit(RecordingSwitched(event.on, event.reason))
        elif isinstance(event, p.RoomSigned):
            self._on_signed(event)
        elif isinstance(event, p.RoomAgreement):
            self._emit(
                AgreementShown(
                    event.agreement,
                    event.title,
                    event.text,
                    event.content_sha256,
                    tuple(event.signed_by),
                )
            )
        elif isinstance(event, p.RoomMute) and event.participant == self.seat.me:
            self.mute_self(audio=event.audio, video=event.video)
            self._emit(MutedByMediator(event.audio, event.video))
        elif isinstance(event, p.Error):
            what = self._pending.pop(event.ref, "") if event.ref else ""
            code = event.code.value
            text = event.message if what == "recording" else None
            if what == "admit" and code == p.ErrorCode.CONFLICT.value:
                text = f"无法准入：{event.message}"
            if what == "share":
                self._share_refused(event.message)
                text = SHARE_REFUSED_ZH if code == p.ErrorCode.FORBIDDEN.value else None
            self._error(code, text)

    async def _on_state(self, msg: p.RoomState) -> None:
        if msg.room != self.seat.room:
            return
        seat = self.seat
        if msg.you:
            seat.me = msg.you
        seat.people = {x.id: x for x in msg.people}
        seat.peers = list(msg.peers)
        seat.caucus = tuple(msg.caucus)
        seat.spotlight = msg.spotlight
        seat.sharing = msg.sharing
        seat.recording = msg.recording
        seat.media = msg.media
        await self._reconcile_janus()
        await self._reconcile()
        self._emit(
            RoomChanged(
                msg.room,
                tuple(msg.people),
                seat.caucus,
                seat.spotlight,
                seat.recording,
                seat.sharing,
            )
        )

    def _epochs(self, pid: str) -> tuple[int, int]:
        people = self.seat.people
        theirs = people[pid].epoch if pid in people else 0
        mine = people[self.seat.me].epoch if self.seat.me in people else 0
        return theirs, mine

    async def _reconcile(self) -> None:
        """Exactly one leg per listed peer, built for their current connection."""
        wanted = set(self.seat.peers) if self.seat.media is None else set()
        for pid in list(self._legs):
            if pid not in wanted or self._legs[pid].epochs != self._epochs(pid):
                await self._close_leg(pid)
        for pid in wanted:
            if pid not in self._legs:
                self._open_leg(pid)
                if offers_to(self.seat.me, pid):
                    self._spawn(self._legs[pid].leg.offer(), f"room-offer-{pid[:6]}")

    # --- a room served by Janus

    async def _reconcile_janus(self) -> None:
        """In the Janus room the server names, receiving exactly the listed peers.

        A new room or pin (a caucus began or ended, someone was removed) means leaving the
        old Janus room and joining the new one; our camera and microphone stay open."""
        async with self._janus_lock:
            media = self.seat.media
            current = self._janus
            if current is not None and media != current.media:
                await self._leave_janus()
                current = None
            if media is None:
                return
            if current is None:
                await self._join_janus(media)
            elif current.peers != tuple(self.seat.peers):
                # Asks Janus for its publishers: only when whom we receive has changed, not
                # on every consent, spotlight or recording change.
                current.peers = tuple(self.seat.peers)
                await self._refresh_janus(current)

    async def _join_janus(self, media: p.RoomMedia) -> None:
        assert self._video is not None and self._audio is not None
        participant = JanusRoomParticipant(
            media.url,
            media.room,
            media.display,
            pin=media.pin,
            ice_servers=self.ice_servers,
            video_fanout=self._video,
            audio_fanout=self._audio,
            sink_size=self.sink_size,
            wants=self._wants_feed,
            on_frame=self._on_janus_frame if self.on_frame is not None else None,
        )
        participant.set_mute(audio=self._muted[0], video=self._muted[1])
        seat = _JanusSeat(media, participant, tuple(self.seat.peers))
        self._janus = seat
        participant.subscribe(lambda event: self._on_janus_event(seat, event))
        try:
            await asyncio.wait_for(participant.join(), JANUS_JOIN_S)
        except (JanusError, OSError, TimeoutError) as exc:
            self._janus = None
            await participant.leave()
            log.warning("joining janus room %s failed: %s", media.room, exc)
            self._error(MEDIA_FAILED, f"无法连接媒体服务器（Janus）：{exc}")

    def _wants_feed(self, pub: Publisher) -> bool:
        return pub.display in self.seat.peers

    def _on_janus_frame(self, feed: int, frame: Frame) -> None:
        seat, on_frame = self._janus, self.on_frame
        remote = seat.participant.feeds.get(feed) if seat is not None else None
        if remote is not None and on_frame is not None:
            on_frame(remote.publisher.display, frame)

    async def _refresh_janus(self, seat: _JanusSeat) -> None:
        try:
            await seat.participant.refresh()
        except JanusError as exc:
            log.warning("janus room %s: %s", seat.media.room, exc)

    def _on_janus_event(self, seat: _JanusSeat, event: JanusRoomEvent) -> None:
        if self._janus is not seat:
            return
        if isinstance(event, RemoteFeedSubscribed):
            pid = event.display
            remote = seat.participant.feeds.get(event.feed)
            if remote is None:
                return
            remote.pc.on(
                "connectionstatechange",
                lambda: self._emit(MediaChanged(pid, remote.pc.connectionState)),
            )
            if self.audio_output is not None and pid not in seat.players:
                player = AudioPlayer(self.audio_output, name=f"room-audio-{pid[:6]}")
                player.start()
                remote.audio_tap.add(player.push)
                seat.players[pid] = player
            self._emit(MediaChanged(pid, remote.pc.connectionState or "connecting"))
        elif isinstance(event, RemoteFeedDropped):
            pid = event.display
            if pid:
                gone = seat.players.pop(pid, None)
                if gone is not None:
                    self._spawn(asyncio.to_thread(gone.stop), f"room-audio-stop-{pid[:6]}")
                self._emit(MediaChanged(pid, "closed"))

    async def _leave_janus(self) -> None:
        seat, self._janus = self._janus, None
        if seat is None:
            return
        gone = [remote.publisher.display for remote in seat.participant.feeds.values()]
        await seat.participant.leave()
        for player in seat.players.values():
            await asyncio.to_thread(player.stop)
        for pid in gone:
            self._emit(MediaChanged(pid, "closed"))

    def _open_leg(self, pid: str) -> MediaLeg:
        assert self._video is not None and self._audio is not None
        on_frame = self.on_frame
        leg = MediaLeg(
            self._client,
            pid,
            ice_servers=self.ice_servers,
            video_source=self._video.proxy(),
            audio_source=self._audio.proxy(),
            sink_size=self.sink_size,
            on_frame=(lambda frame: on_frame(pid, frame)) if on_frame is not None else None,
        )
        leg.set_mute(audio=self._muted[0], video=self._muted[1])
        held = _Leg(leg, self._epochs(pid))
        self._legs[pid] = held
        leg.pc.on("connectionstatechange", lambda: self._on_media_state(pid, leg))
        if self.audio_output is not None:
            held.player = AudioPlayer(self.audio_output, name=f"room-audio-{pid[:6]}")
            held.player.start()
            leg.audio_tap.add(held.player.push)
        self._emit(MediaChanged(pid, "connecting"))
        return leg

    def _on_media_state(self, pid: str, leg: MediaLeg) -> None:
        held = self._legs.get(pid)
        if held is None or held.leg is not leg:
            return
        state = leg.pc.connectionState
        self._emit(MediaChanged(pid, state))
        if state == "failed":
            name = self.seat.people[pid].name if pid in self.seat.people else pid
            self._error(MEDIA_FAILED, f"与 {name} 的音视频连接中断（网络问题），其他人不受影响")

    async def _close_leg(self, pid: str) -> None:
        held = self._legs.pop(pid, None)
        if held is None:
            return
        if held.player is not None:
            held.leg.audio_tap.remove(held.player.push)
            await asyncio.to_thread(held.player.stop)
        await held.leg.close()
        self._emit(MediaChanged(pid, "closed"))

    async def _on_relayed(self, msg: p.Relayed) -> None:
        pid = msg.from_
        if pid not in self.seat.peers:
            return  # not (or no longer) someone we share media with
        held = self._legs.get(pid)
        if msg.kind == "sdp.offer" and held is not None and held.leg.pc.remoteDescription:
            # They rebuilt their end (a reconnect we have not heard of yet): so do we.
            await self._close_leg(pid)
            held = None
        if held is None:
            self._open_leg(pid)
            held = self._legs[pid]
        await held.leg.handle(msg)

    def _on_signed(self, msg: p.RoomSigned) -> None:
        try:
            image = base64.b64decode(msg.image_png_b64, validate=True)
        except (binascii.Error, ValueError):
            self._error("bad_signature", f"{msg.name} 的签名图像无法读取，请其重新签名")
            return
        self._emit(SignatureArrived(msg.from_, msg.name, msg.agreement, msg.content_sha256, image))

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
