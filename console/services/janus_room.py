"""A participant in a Janus VideoRoom: one publisher peer connection, one subscriber per feed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from console.media.frame_slot import Frame
from console.media.peer import (
    FrameSink,
    FrameTap,
    GeneratedAudioTrack,
    GeneratedVideoTrack,
    SwitchableAudioTrack,
    SwitchableVideoTrack,
    accept_answer,
    answer_offer,
    create_offer,
    drain_track,
    make_peer_connection,
)
from console.media.track_fanout import TrackFanOut
from console.signalling.janus import (
    CONNECTION_LOST,
    NO_SUCH_FEED,
    HandleHungUp,
    JanusError,
    JanusEvent,
    JanusSession,
    Joined,
    Publisher,
    PublisherLeft,
    PublishersAnnounced,
    PublisherUnpublished,
    SessionLost,
    SessionReclaimed,
    VideoRoomHandle,
)

log = logging.getLogger(__name__)


async def create_janus_room(
    url: str,
    room: int,
    *,
    publishers: int,
    bitrate: int = 512_000,
    description: str = "",
    pin: str = "",
    secret: str = "",
) -> None:
    """Create a VP8/Opus room for `publishers` on a short-lived admin session.

    Janus's defaults (3 publishers, VP8 only) never fit a mediation room, so the limit
    and codecs are always explicit. JanusError (ROOM_EXISTS, …) if Janus refuses.
    """
    admin = JanusSession(url)
    await admin.connect()
    try:
        handle = await VideoRoomHandle.attach(admin)
        await handle.create_room(
            room,
            publishers=publishers,
            bitrate=bitrate,
            description=description,
            pin=pin,
            secret=secret,
        )
    finally:
        await admin.close()


async def destroy_janus_room(url: str, room: int, secret: str = "") -> None:
    """Destroy a room (everyone still in it is told and dropped)."""
    admin = JanusSession(url)
    await admin.connect()
    try:
        handle = await VideoRoomHandle.attach(admin)
        await handle.destroy_room(room, secret)
    finally:
        await admin.close()


@dataclass(frozen=True, slots=True)
class RemoteFeedSubscribed:
    """We receive this publisher's media (Janus answered our subscription)."""

    feed: int
    display: str


@dataclass(frozen=True, slots=True)
class RemoteFeedDropped:
    feed: int
    reason: str
    display: str = ""
    """The publisher's display, as announced (the room desk's person id)."""


@dataclass(frozen=True, slots=True)
class SubscriptionFailed:
    feed: int
    error: str


@dataclass(frozen=True, slots=True)
class RoomRejoined:
    """Our session was lost; a new session took the same seat (`feed`) in the room."""

    feed: int


RoomEvent = (
    RemoteFeedSubscribed | RemoteFeedDropped | SubscriptionFailed | RoomRejoined | JanusEvent
)


@dataclass
class RemoteFeed:
    """What we receive from one remote publisher: its own subscriber handle and peer."""

    publisher: Publisher
    handle: VideoRoomHandle
    pc: Any
    sink: FrameSink | None = None
    drains: list[asyncio.Task[int]] = field(default_factory=list)
    got_video: asyncio.Event = field(default_factory=asyncio.Event)
    video_tap: FrameTap = field(default_factory=FrameTap)
    """The feed's decoded frames, for listeners such as a room recording."""
    audio_tap: FrameTap = field(default_factory=FrameTap)

    @property
    def frames_received(self) -> int:
        return self.sink.frames_received if self.sink is not None else 0

    @property
    def first_frame_at(self) -> float | None:
        return self.sink.first_frame_at if self.sink is not None else None


class JanusRoomParticipant:
    """Joins a VideoRoom, publishes video and audio, and subscribes to every other publisher.

    One peer connection sends (Janus answers our offer); each remote feed gets its own
    subscriber handle and peer connection (Janus offers, we answer). aiortc cannot take
    Janus's renegotiated multistream offers as feeds come and go, and one connection per
    feed lets a feed fail alone. Janus news (publishers announced, unpublished, left) is
    handled in order on one task. After a session reclaim the publisher list is read again,
    since Janus does not replay what was announced while the WebSocket was down.

    Failures mend themselves: a peer connection Janus hangs up is rebuilt (aiortc has no ICE
    restart), a subscription afresh, ours by publishing again from the same seat; a session
    Janus gave up is replaced and rejoins into the same seat (the same feed id). Each
    remote feed's latest decoded picture is in `feeds[feed].sink.slot` for a video tile.

    Must be created inside the running loop (aiortc tracks). `on_frame(feed, frame)` runs
    on a feed's conversion thread for each converted frame (e.g. to read a barcode back).
    """

    def __init__(
        self,
        url: str,
        room: int,
        display: str,
        *,
        size: tuple[int, int] = (640, 360),
        fps: int = 30,
        audio: bool = True,
        video_source: Any = None,
        audio_source: Any = None,
        ice_servers: list[dict[str, Any]] | None = None,
        sink_size: tuple[int, int] = (320, 180),
        on_frame: Callable[[int, Frame], None] | None = None,
        keepalive_s: float = 25.0,
        reclaim_within_s: float = 25.0,
        pin: str = "",
        video_fanout: TrackFanOut | None = None,
        audio_fanout: TrackFanOut | None = None,
        wants: Callable[[Publisher], bool] | None = None,
    ) -> None:
        self.room = room
        self.display = display
        self.pin = pin
        self.session = JanusSession(url, keepalive_s=keepalive_s, reclaim_within_s=reclaim_within_s)
        if video_fanout is not None:
            self.video = video_fanout.source
            self.audio = audio_fanout.source if audio_fanout is not None else None
        else:
            self.video = (
                video_source if video_source is not None else GeneratedVideoTrack(*size, fps)
            )
            self.audio = (
                (audio_source if audio_source is not None else GeneratedAudioTrack())
                if audio
                else None
            )
        # A caller that already fans its camera out (a room desk) lends its fan-outs; then
        # leaving stops only our proxies, never the caller's sources.
        self._owns_sources = video_fanout is None
        self._video_out = video_fanout or TrackFanOut(self.video)
        self._audio_out = audio_fanout or (
            TrackFanOut(self.audio) if self.audio is not None else None
        )
        self.publishes = 0
        """How often we offered our media to Janus (more than once after a hang-up)."""
        self.rejoins = 0
        """How often the session was lost and a new one took our seat again."""
        self.feeds: dict[int, RemoteFeed] = {}
        self.joined: Joined | None = None
        self.joined_at: float | None = None
        self.errors: list[str] = []
        self._wants = wants
        """Which publishers to receive (None: all); re-applied by `refresh`."""
        self._muted = (False, False)
        self._sending: tuple[SwitchableVideoTrack | None, SwitchableAudioTrack | None] = (
            None,
            None,
        )
        self._ice_servers = ice_servers or []
        self._sink_size = sink_size
        self._on_frame = on_frame
        self._publisher: VideoRoomHandle | None = None
        self._pc: Any = None
        self._listeners: tuple[Callable[[RoomEvent], None], ...] = ()
        self._news: asyncio.Queue[JanusEvent] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._subscribing: dict[int, asyncio.Task[None]] = {}
        self._changed = asyncio.Event()
        self._closed = False

    # events

    def subscribe(self, listener: Callable[[RoomEvent], None]) -> None:
        self._listeners = (*self._listeners, listener)

    def _emit(self, event: RoomEvent) -> None:
        self._changed.set()
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception("room listener failed on %s", type(event).__name__)

    def _on_janus(self, event: JanusEvent) -> None:
        self._news.put_nowait(event)  # the queue is drained in order by one task
        self._emit(event)

    # joining

    @property
    def feed(self) -> int:
        return self.joined.feed if self.joined is not None else 0

    async def join(self) -> Joined:
        """Connect, join as publisher, publish, and subscribe to everyone already publishing.

        Raises JanusError (e.g. ROOM_FULL) if Janus refuses; then nothing stays open.
        """
        try:
            joined = await self._enter()
        except BaseException:
            await self.leave()
            raise
        self._worker = asyncio.get_running_loop().create_task(
            self._handle_news(), name=f"janus-room-{self.display}"
        )
        for pub in joined.publishers:
            self._start_subscription(pub)
        return joined

    async def _enter(self, feed: int = 0) -> Joined:
        """Session, publisher handle, join (into seat `feed` if given) and publish."""
        await self.session.connect()
        self.session.subscribe(self._on_janus)
        self._publisher = await VideoRoomHandle.attach(self.session)
        joined = await self._publisher.join_as_publisher(self.room, self.display, feed, self.pin)
        self.joined = joined
        self.joined_at = time.monotonic()
        await self._publish()
        return joined

    async def _rejoin(self) -> None:
        """The session is gone for good: a new one, into the same seat (same feed id).

        Janus dropped our handles and peer connections with the session, and told the
        others we left; rejoining under the same id lets them see the same seat again.
        """
        seat = self.feed
        for task in list(self._subscribing.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for feed in list(self.feeds):
            remote = self.feeds.pop(feed)
            await self._close_feed(remote, tell_janus=False)
            self._emit(RemoteFeedDropped(feed, "session lost", remote.publisher.display))
        deadline = time.monotonic() + self.session.reclaim_within_s
        delay = 0.5
        while True:
            old = self.session
            await old.close()
            self.session = JanusSession(
                old.url, keepalive_s=old.keepalive_s, reclaim_within_s=old.reclaim_within_s
            )
            try:
                joined = await self._enter(seat)
                break
            except JanusError as exc:
                if exc.code != CONNECTION_LOST or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(delay)  # Janus is unreachable: back off, then try again
            delay = min(4.0, delay * 2)
        self.rejoins += 1
        self._emit(RoomRejoined(joined.feed))
        for pub in joined.publishers:
            self._start_subscription(pub)

    async def _publish(self) -> None:
        """A new publisher peer connection, offered to Janus (also after a hang-up).

        Closing a peer connection stops the tracks it sends, so each connection sends
        proxies of our sources, never the sources themselves.
        """
        assert self._publisher is not None
        old, self._pc = self._pc, make_peer_connection(self._ice_servers)
        if old is not None:
            await old.close()
        # Switchable, so that muting is silence or black without a new offer.
        video = SwitchableVideoTrack(self._video_out.proxy())
        audio = SwitchableAudioTrack(self._audio_out.proxy()) if self._audio_out else None
        self._sending = (video, audio)
        self._apply_mute()
        self._pc.addTrack(video)
        if audio is not None:
            self._pc.addTrack(audio)
        answer = await self._publisher.publish(await create_offer(self._pc))
        await accept_answer(self._pc, answer)
        self.publishes += 1

    def set_mute(self, *, audio: bool, video: bool) -> None:
        """Our microphone/camera as sent: silence or black while muted; the tracks stay."""
        self._muted = (audio, video)
        self._apply_mute()

    def _apply_mute(self) -> None:
        video, audio = self._sending
        if video is not None:
            video.muted = self._muted[1]
        if audio is not None:
            audio.muted = self._muted[0]

    async def refresh(self) -> None:
        """Re-apply `wants`: drop feeds no longer wanted, subscribe to newly wanted ones."""
        if self._publisher is None or self.joined is None:
            return
        for feed in [f for f, r in self.feeds.items() if not self._wanted(r.publisher)]:
            await self._drop(feed, "not shared with us now")
        for pub in await self._publisher.list_publishers(self.room):
            self._start_subscription(pub)

    def _wanted(self, pub: Publisher) -> bool:
        return self._wants is None or self._wants(pub)

    def _start_subscription(self, pub: Publisher) -> None:
        if pub.feed == self.feed or pub.feed in self.feeds or pub.feed in self._subscribing:
            return
        if not self._wanted(pub):
            return
        task = asyncio.get_running_loop().create_task(
            self._subscribe_feed(pub), name=f"janus-subscribe-{pub.feed}"
        )
        self._subscribing[pub.feed] = task

        def forget(_task: asyncio.Task[None], feed: int = pub.feed) -> None:
            self._subscribing.pop(feed, None)

        task.add_done_callback(forget)

    async def _subscribe_feed(self, pub: Publisher) -> None:
        handle: VideoRoomHandle | None = None
        remote: RemoteFeed | None = None
        try:
            handle = await VideoRoomHandle.attach(self.session)
            offer = await handle.join_as_subscriber(
                self.room, pub.feed, self.joined.private_id if self.joined else 0, self.pin
            )
            pc = make_peer_connection(self._ice_servers)
            remote = RemoteFeed(pub, handle, pc)
            pc.on("track", lambda track, r=remote: self._on_track(r, track))
            self.feeds[pub.feed] = remote
            answer = await answer_offer(pc, offer)
            await handle.start(answer)
        except JanusError as exc:
            if exc.code != NO_SUCH_FEED:  # else it left while we subscribed: not an error
                self.errors.append(f"subscribe {pub.feed}: {exc}")
            if remote is not None:
                await self._drop(pub.feed, str(exc))
            elif handle is not None:
                with contextlib.suppress(JanusError):
                    await handle.detach()
            self._emit(SubscriptionFailed(pub.feed, str(exc)))
            return
        self._emit(RemoteFeedSubscribed(pub.feed, pub.display))

    def _on_track(self, remote: RemoteFeed, track: Any) -> None:
        if track.kind == "video" and remote.sink is None:
            feed = remote.publisher.feed
            on_frame = None
            if self._on_frame is not None:
                callback = self._on_frame

                def on_frame(frame: Frame) -> None:
                    callback(feed, frame)

            remote.sink = FrameSink(
                track,
                self._sink_size,
                on_frame=on_frame,
                name=f"janus-feed-{feed}",
                tap=remote.video_tap,
            )
            remote.sink.start()
            remote.got_video.set()
        else:
            tap = remote.audio_tap if track.kind == "audio" else None
            remote.drains.append(asyncio.get_running_loop().create_task(drain_track(track, tap)))

    async def _handle_news(self) -> None:
        while True:
            event = await self._news.get()
            try:
                await self._apply(event)
            except JanusError as exc:
                self.errors.append(f"{type(event).__name__}: {exc}")
                log.warning("janus room %s: %s", self.room, exc)

    async def _apply(self, event: JanusEvent) -> None:
        mine = self._publisher.handle if self._publisher is not None else 0
        if isinstance(event, PublishersAnnounced) and event.handle == mine:
            for pub in event.publishers:
                self._start_subscription(pub)
        elif isinstance(event, PublisherUnpublished | PublisherLeft) and event.handle == mine:
            await self._drop(
                event.feed, "unpublished" if isinstance(event, PublisherUnpublished) else "left"
            )
        elif isinstance(event, HandleHungUp) and event.handle == mine and not self._closed:
            # Our sending connection failed (aiortc has no ICE restart): offer a new one
            # from the same seat; the others' subscriptions to our feed follow by themselves.
            await self._publish()
        elif isinstance(event, HandleHungUp):
            hung = [f for f, r in self.feeds.items() if r.handle.handle == event.handle]
            for feed in hung:
                pub = self.feeds[feed].publisher
                await self._drop(feed, f"hung up: {event.reason}")
                self._start_subscription(pub)
        elif isinstance(event, SessionReclaimed) and self._publisher is not None:
            # Announcements made while the WebSocket was down are lost: read the room again.
            now = {p.feed: p for p in await self._publisher.list_publishers(self.room)}
            for feed in [f for f in self.feeds if f not in now]:
                await self._drop(feed, "left while reconnecting")
            for pub in now.values():
                self._start_subscription(pub)
        elif isinstance(event, SessionLost) and event.session == self.session.session_id:
            log.warning("janus room %s: %s, rejoining", self.room, event.reason)
            await self._rejoin()

    async def _drop(self, feed: int, reason: str) -> None:
        remote = self.feeds.pop(feed, None)
        if remote is None:
            return
        await self._close_feed(remote)
        self._emit(RemoteFeedDropped(feed, reason, remote.publisher.display))

    async def _close_feed(self, remote: RemoteFeed, *, tell_janus: bool = True) -> None:
        if tell_janus and self.session.connected:
            with contextlib.suppress(JanusError):
                await remote.handle.detach()
        if remote.sink is not None:
            await remote.sink.stop()
        await remote.pc.close()
        for task in remote.drains:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # waiting

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until `predicate()` holds, re-checking on every room event and frame batch."""
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                # Frames arrive without room events: look again at least every 0.2 s.
                await asyncio.wait_for(self._changed.wait(), min(left, 0.2))
        return True

    @property
    def sending_pc(self) -> Any:
        """The peer connection that publishes our media now (replaced after a hang-up)."""
        return self._pc

    def frames_from(self, feed: int) -> int:
        remote = self.feeds.get(feed)
        return remote.frames_received if remote is not None else 0

    # leaving

    async def leave(self) -> None:
        """Leave the room and close every peer connection, handle task and the session."""
        if self._closed:
            return
        self._closed = True
        for task in list(self._subscribing.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        if self._publisher is not None and self.joined is not None and self.session.connected:
            with contextlib.suppress(JanusError):
                await self._publisher.leave()
        for feed in list(self.feeds):
            remote = self.feeds.pop(feed)
            # The session is destroyed below, taking every handle with it.
            await self._close_feed(remote, tell_janus=False)
        if self._pc is not None:
            await self._pc.close()
        for track in self._sending:
            if track is not None:
                track.stop()  # stops only its proxy of our source
        if self._owns_sources:
            self._video_out.stop()
            if self._audio_out is not None:
                self._audio_out.stop()
        await self.session.close()
