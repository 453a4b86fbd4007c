"""The last seconds of a camera kept as encoded packets, for instant replay, clips and snapshots.

Fed as a decoder packet listener on the decode thread: each packet is copied (a few kB at
sub-stream rates) and given a continuous timeline, so a looping file or a reconnect never
makes time run backwards. Packets are kept in whole GOPs, so the buffer always starts at a
keyframe and can be decoded; the oldest GOP goes when the rest still covers `seconds` or
when the buffer holds more than `max_bytes`. Clips are remuxed, never re-encoded.
"""

from __future__ import annotations

import collections
import io
import threading
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from av.video.codeccontext import VideoCodecContext
from av.video.stream import VideoStream

from console.media.convert import ndarray_privately

DEFAULT_SECONDS = 30.0
# 30 s of a 4 Mbit/s main stream is 15 MB; twice that leaves room for bursts.
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
# A jump of more than this between consecutive timestamps (a loop, a reconnect, a camera
# clock reset) starts a new anchor instead of leaving a hole or running backwards.
MAX_TIMESTAMP_GAP_S = 2.0
FALLBACK_FPS = 25


@dataclass(frozen=True, slots=True)
class BufferedPacket:
    data: bytes
    pts: int  # on the buffer's continuous timeline, in `time_base` ticks
    dts: int
    keyframe: bool
    wall: float  # time.time() when the packet arrived


@dataclass(frozen=True, slots=True)
class StreamTemplate:
    """What a muxer or decoder needs to know about the stream, kept past its connection."""

    stream: VideoStream  # an unstarted output stream holding a copy of the codec parameters
    holder: av.container.OutputContainer  # keeps `stream` alive; never written
    codec: str
    extradata: bytes
    time_base: Fraction

    @property
    def key(self) -> tuple[str, bytes, Fraction]:
        return (self.codec, self.extradata, self.time_base)


@dataclass(frozen=True, slots=True)
class Segment:
    """A decodable run of packets (it starts at a keyframe) and how to mux or decode it."""

    template: StreamTemplate
    packets: tuple[BufferedPacket, ...]
    size: tuple[int, int]
    frame_ticks: int

    @property
    def time_base(self) -> Fraction:
        return self.template.time_base

    @property
    def started_at(self) -> float:
        return self.packets[0].wall

    @property
    def ended_at(self) -> float:
        return self.packets[-1].wall

    @property
    def duration_s(self) -> float:
        ticks = self.packets[-1].dts - self.packets[0].dts + self.frame_ticks
        return float(ticks * self.time_base)

    def decoder(self) -> VideoCodecContext:
        ctx = cast(VideoCodecContext, av.CodecContext.create(self.template.codec, "r"))
        if self.template.extradata:
            ctx.extradata = self.template.extradata
        ctx.thread_count = 1
        return ctx

    def av_packet(self, p: BufferedPacket, origin: int, duration: int) -> av.Packet:
        packet = av.Packet(p.data)
        packet.pts = p.pts - origin
        packet.dts = p.dts - origin
        packet.duration = duration
        packet.time_base = self.time_base
        packet.is_keyframe = p.keyframe
        return packet


@dataclass(frozen=True, slots=True)
class ClipInfo:
    path: Path
    started_at: float  # time.time() of the first and the last packet
    ended_at: float
    duration_s: float
    frames: int
    codec: str
    width: int
    height: int


class ReplayBuffer:
    """Thread-safe: `feed` runs on the decode thread, everything else on worker threads."""

    def __init__(
        self, seconds: float = DEFAULT_SECONDS, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        if seconds <= 0 or max_bytes <= 0:
            raise ValueError("a replay buffer needs a positive length and byte budget")
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._gops: collections.deque[list[BufferedPacket]] = collections.deque()
        self._bytes = 0
        self._template: StreamTemplate | None = None
        self._size = (0, 0)
        # Decode thread only: the stream being fed and its timeline anchor.
        self._source: VideoStream | None = None
        self._offset = 0
        self._last_dts: int | None = None
        self._frame_ticks = 1
        self.dropped_gops = 0
        self.skipped_before_keyframe = 0

    # --- the decode thread -----------------------------------------------------------------

    def feed(self, packet: av.Packet, stream: VideoStream) -> None:
        """A decoder packet listener: copy the packet onto the timeline, trim the oldest GOP."""
        if stream is not self._source:
            self._adopt(stream)
        template = self._template
        if template is None:
            return
        width = stream.codec_context.width or stream.width
        if width and self._size[0] != width:
            with self._lock:
                self._size = (width, stream.codec_context.height or stream.height)
        dts, pts = self._timeline(packet)
        item = BufferedPacket(bytes(packet), pts, dts, bool(packet.is_keyframe), time.time())
        with self._lock:
            if item.keyframe:
                self._gops.append([item])
            elif self._gops:
                self._gops[-1].append(item)
            else:
                self.skipped_before_keyframe += 1
                return
            self._bytes += len(item.data)
            self._trim(template.time_base)

    def _adopt(self, stream: VideoStream) -> None:
        self._source = stream
        holder = av.open(io.BytesIO(), "w", format="mp4")
        copy = holder.add_stream_from_template(stream)
        ctx = stream.codec_context
        time_base = stream.time_base or Fraction(1, 90_000)
        template = StreamTemplate(
            copy, holder, ctx.name, bytes(ctx.extradata or b""), Fraction(time_base)
        )
        rate = stream.average_rate or stream.guessed_rate or FALLBACK_FPS
        self._frame_ticks = max(1, round(1 / (float(rate) * template.time_base)))
        with self._lock:
            if self._template is None or self._template.key != template.key:
                # Packets of another codec setup cannot share a file with the new ones.
                self._gops.clear()
                self._bytes = 0
                self._last_dts = None
                self._offset = 0
            self._template = template

    def _timeline(self, packet: av.Packet) -> tuple[int, int]:
        """(dts, pts) on the continuous timeline; RTSP packets may come without timestamps."""
        step = self._frame_ticks
        raw = packet.dts if packet.dts is not None else packet.pts
        last = self._last_dts
        if raw is None:
            dts = 0 if last is None else last + step
        else:
            dts = raw + self._offset
            gap = None if self._template is None else MAX_TIMESTAMP_GAP_S / self._template.time_base
            if last is not None and (dts <= last or (gap is not None and dts - last > gap)):
                self._offset = last + step - raw
                dts = last + step
        self._last_dts = dts
        pts = dts
        if packet.pts is not None and packet.dts is not None:
            pts = dts + max(0, packet.pts - packet.dts)
        return dts, pts

    def _trim(self, time_base: Fraction) -> None:
        newest = self._gops[-1][-1].dts + self._frame_ticks  # the end of the newest frame
        keep = self.seconds / time_base
        while len(self._gops) > 1 and (
            newest - self._gops[1][0].dts >= keep or self._bytes > self.max_bytes
        ):
            gone = self._gops.popleft()
            self._bytes -= sum(len(p.data) for p in gone)
            self.dropped_gops += 1

    # --- readers (any thread) -------------------------------------------------------------

    @property
    def size_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def span(self) -> tuple[float, float] | None:
        """time.time() of the oldest and the newest packet kept, or None when empty."""
        with self._lock:
            if not self._gops:
                return None
            return self._gops[0][0].wall, self._gops[-1][-1].wall

    def covered_seconds(self) -> float:
        with self._lock:
            if not self._gops or self._template is None:
                return 0.0
            ticks = self._gops[-1][-1].dts - self._gops[0][0].dts + self._frame_ticks
            return float(ticks * self._template.time_base)

    def segment(self, start_s: float | None = None, end_s: float | None = None) -> Segment | None:
        """Packets arrived in [start_s, end_s] (time.time()), from the keyframe at or before
        start_s so that the segment decodes; None when nothing is kept in that range."""
        with self._lock:
            template = self._template
            if template is None or not self._gops:
                return None
            gops = list(self._gops)
            first = 0
            if start_s is not None:
                for i, gop in enumerate(gops):
                    if gop[0].wall <= start_s:
                        first = i
            packets = [p for gop in gops[first:] for p in gop if end_s is None or p.wall <= end_s]
            if not packets:
                return None
            return Segment(template, tuple(packets), self._size, self._frame_ticks)

    def write_mp4(
        self, path: Path, start_s: float | None = None, end_s: float | None = None
    ) -> ClipInfo:
        """Remux the kept packets of [start_s, end_s] into an MP4 file, without re-encoding."""
        segment = self.segment(start_s, end_s)
        if segment is None:
            raise LookupError("the replay buffer holds nothing in that time range")
        return remux_segment(segment, Path(path))

    def latest_picture(self) -> tuple[np.ndarray, float] | None:
        """The newest picture at full resolution as BGR, and its arrival time.time().

        Decodes the newest GOP from its keyframe: up to a GOP of decoding (a second of a
        1080p stream is ~0.15 s on one core), so call it off the GUI thread.
        """
        with self._lock:
            if self._template is None or not self._gops:
                return None
            gop = list(self._gops[-1])
            segment = Segment(self._template, tuple(gop), self._size, self._frame_ticks)
        ctx = segment.decoder()
        origin = gop[0].dts
        last: av.VideoFrame | None = None
        for p in gop:
            for frame in ctx.decode(segment.av_packet(p, origin, segment.frame_ticks)):
                last = frame
        for frame in ctx.decode(None):
            last = frame
        if last is None:
            return None
        return ndarray_privately(last, format="bgr24"), gop[-1].wall

    def clear(self) -> None:
        with self._lock:
            self._gops.clear()
            self._bytes = 0


def remux_segment(segment: Segment, path: Path) -> ClipInfo:
    """Write the segment's packets as they are into an MP4 whose clock starts at zero."""
    path.parent.mkdir(parents=True, exist_ok=True)
    packets = segment.packets
    origin = packets[0].dts
    width, height = segment.size
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream_from_template(segment.template.stream)
        if width and height:
            # Streams opened with a tiny probe may not know their size until decoded.
            stream.codec_context.width, stream.codec_context.height = width, height
        for i, p in enumerate(packets):
            nxt = packets[i + 1].dts if i + 1 < len(packets) else p.dts + segment.frame_ticks
            packet = segment.av_packet(p, origin, max(1, nxt - p.dts))
            packet.stream = stream
            out.mux(packet)
    return ClipInfo(
        path=path,
        started_at=segment.started_at,
        ended_at=segment.ended_at,
        duration_s=segment.duration_s,
        frames=len(packets),
        codec=segment.template.codec,
        width=width,
        height=height,
    )
