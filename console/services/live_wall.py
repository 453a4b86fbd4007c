"""Live viewing for the wall: which camera plays into which latest-frame slot, at what size,
from which stream and at what frame rate under the workstation's decode budget.

The UI never decodes: it asks this service for a slot and paints whatever frame is newest,
and about once a second hands over the tiles on screen so that `apply_budget` can decide
stream and frame rate per tile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from console.core.camera_catalog import with_credentials
from console.core.decode_budget import (
    MAIN_SIZE,
    SUB_SIZE,
    BudgetPlan,
    Stream,
    StreamCost,
    TileDemand,
    TilePlan,
    TileRole,
    default_budget_cores,
    plan_budget,
    plan_cores_now,
)
from console.core.overload import LoadSample, OverloadGovernor
from console.core.records import CameraRecord
from console.media.decoder import CameraDecoder, DecoderStats
from console.media.frame_slot import LatestFrameSlot
from console.media.wall_decoders import CloseReport, DecoderPool

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LiveFeed:
    camera: CameraRecord
    slot: LatestFrameSlot


@dataclass(frozen=True, slots=True)
class ScreenTile:
    """One tile on screen as the budget sees it: size in device pixels and its role."""

    camera: CameraRecord
    width: int
    height: int
    role: TileRole
    paint_s: float | None = None  # GUI-thread seconds per painted frame, if measured


# Called whenever a decoder starts for a camera (first open, or a switch between main and
# sub stream), so that per-camera attachments (replay buffer, privacy masks) follow it.
DecoderAttacher = Callable[[CameraRecord, CameraDecoder], None]

# Weight of the newest measurement in the per-frame cost averages. Costs wobble by tens
# of percent from second to second when 64 decode threads share two cores; a plan that
# followed every wobble changed 99 tile plans in 20 s of a 64-tile wall.
COST_SMOOTHING = 0.15
# Frames a measurement spans at least (two seconds of a 25 fps stream).
MIN_FRAMES_FOR_COST = 50


def stream_url(camera: CameraRecord, stream: Stream) -> str | None:
    """The URL to connect to for `stream` (the other one when the camera has only that),
    with the camera's stream login put in: the decoder hides it in everything it reports."""
    if stream is Stream.MAIN:
        url = camera.main_url or camera.sub_url
    else:
        url = camera.sub_url or camera.main_url
    if not url:
        return None
    return with_credentials(url, camera.stream_username, camera.stream_password)


def has_distinct_main(camera: CameraRecord) -> bool:
    return bool(camera.main_url) and camera.main_url != camera.sub_url


@dataclass(slots=True)
class _Feed:
    camera: CameraRecord
    slot: LatestFrameSlot
    stream: Stream
    size: tuple[int, int]


@dataclass(slots=True)
class _Seen:
    """A decoder's counters at the previous look, to turn totals into per-frame costs."""

    decoder_id: int
    cpu_s: float
    deliver_cpu_s: float
    decoded: int
    delivered: int


class CostMeter:
    """Learns each camera stream's CPU cost per frame from its decoder's counters.

    Decode cost is only learnt while every frame is decoded (key-frames-only mode decodes
    a different mix); the planner estimates that mode from it.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[str, Stream], _Seen] = {}
        self._decode: dict[tuple[str, Stream], float] = {}
        self._deliver: dict[tuple[str, Stream], float] = {}
        self._sizes: dict[tuple[str, Stream], tuple[int, int]] = {}

    def observe(self, code: str, stream: Stream, decoder_id: int, stats: DecoderStats) -> None:
        key = (code, stream)
        if stats.source_size is not None:
            self._sizes[key] = stats.source_size
        now = _Seen(
            decoder_id,
            stats.cpu_s,
            stats.deliver_cpu_s,
            stats.frames_decoded,
            stats.frames_delivered,
        )
        before = self._seen.get(key)
        if before is None or before.decoder_id != decoder_id:
            self._seen[key] = now
            return
        decoded = now.decoded - before.decoded
        if decoded < MIN_FRAMES_FOR_COST:
            return  # keep the baseline: a longer window measures more steadily
        self._seen[key] = now
        delivered = now.delivered - before.delivered
        deliver_cpu = now.deliver_cpu_s - before.deliver_cpu_s
        if not stats.keyframes_only and not stats.paused:
            decode_cpu = (now.cpu_s - before.cpu_s) - deliver_cpu
            self._blend(self._decode, key, max(0.0, decode_cpu) / decoded)
        if delivered >= MIN_FRAMES_FOR_COST // 4:
            self._blend(self._deliver, key, max(0.0, deliver_cpu) / delivered)

    def cost(self, code: str, stream: Stream) -> StreamCost | None:
        key = (code, stream)
        if key not in self._decode or key not in self._deliver:
            return None
        return StreamCost(self._decode[key], self._deliver[key])

    def size(self, code: str, stream: Stream) -> tuple[int, int] | None:
        return self._sizes.get((code, stream))

    def forget(self, code: str) -> None:
        for table in (self._seen, self._decode, self._deliver, self._sizes):
            for key in [k for k in table if k[0] == code]:
                del table[key]

    @staticmethod
    def _blend(table: dict[tuple[str, Stream], float], key: tuple[str, Stream], x: float) -> None:
        old = table.get(key)
        table[key] = x if old is None else old + COST_SMOOTHING * (x - old)


class LiveWallService:
    """Opens, resizes and closes camera feeds; `apply_budget` picks stream and rate per tile.

    Call it from one thread (the GUI thread); the decoders run on their own threads.
    """

    def __init__(
        self, pool: DecoderPool | None = None, *, budget_cores: float | None = None
    ) -> None:
        self._pool = pool or DecoderPool()
        self._attachers: list[DecoderAttacher] = []
        self._feeds: dict[str, _Feed] = {}
        self._lock = threading.Lock()
        self._budget_cores = budget_cores if budget_cores is not None else default_budget_cores()
        self._meter = CostMeter()
        self._plan: BudgetPlan | None = None
        self._governor = OverloadGovernor()
        # Each camera's decoder and its frame counters at the previous budget look.
        self._counted: dict[str, tuple[int, int, int]] = {}

    def add_attacher(self, attacher: DecoderAttacher) -> None:
        self._attachers.append(attacher)

    def decoder_for(self, camera: CameraRecord) -> CameraDecoder | None:
        return self._pool.get(camera.device_id)

    def open(
        self, camera: CameraRecord, width: int, height: int, stream: Stream | None = None
    ) -> LiveFeed | None:
        """Start (or reuse) the camera on `stream` (falling back to the one it has); None
        when it has no stream configured. Without `stream`, an open camera keeps the one
        the budget chose and a new one starts on its sub stream. Switching stream keeps
        the slot, so the tile stays attached and shows the last picture until the new
        stream's first one."""
        with self._lock:
            current = self._feeds.get(camera.device_id)
        if stream is None:
            stream = current.stream if current is not None else Stream.SUB
        url = stream_url(camera, stream)
        if not url:
            return None
        if stream is Stream.MAIN and not has_distinct_main(camera):
            stream = Stream.SUB
        elif stream is Stream.SUB and not camera.sub_url:
            stream = Stream.MAIN
        code = camera.device_id
        before = self._pool.get(code)
        slot = current.slot if current is not None else (before.slot if before else None)
        options: dict[str, object] = {}
        if before is not None:
            # A new stream keeps the rate the budget gave the camera until the next plan.
            options = {"max_fps": before.max_fps, "keyframes_only": before.keyframes_only}
        decoder = self._pool.start(code, url, slot, target_size=(width, height), **options)
        with self._lock:
            self._feeds[code] = _Feed(camera, decoder.slot, stream, (width, height))
        if decoder is not before:
            for attach in self._attachers:
                attach(camera, decoder)
        return LiveFeed(camera, decoder.slot)

    def resize(self, camera: CameraRecord, width: int, height: int) -> None:
        with self._lock:
            feed = self._feeds.get(camera.device_id)
            if feed is not None:
                feed.size = (width, height)
        self._pool.set_target_size(camera.device_id, width, height)

    def close_feed(self, camera: CameraRecord) -> None:
        with self._lock:
            self._feeds.pop(camera.device_id, None)
        self._meter.forget(camera.device_id)
        self._pool.stop(camera.device_id)

    def stats(self, camera: CameraRecord) -> DecoderStats | None:
        decoder = self._pool.get(camera.device_id)
        return decoder.stats() if decoder else None

    def stream_of(self, camera: CameraRecord) -> Stream | None:
        with self._lock:
            feed = self._feeds.get(camera.device_id)
            return feed.stream if feed is not None else None

    def active_count(self) -> int:
        return len(self._pool.codes())

    # --- the decode budget -------------------------------------------------------------------

    @property
    def budget_cores(self) -> float:
        return self._budget_cores

    def set_budget_cores(self, cores: float) -> None:
        if not cores > 0:
            raise ValueError(f"the budget must be positive, got {cores!r}")
        self._budget_cores = float(cores)

    @property
    def plan(self) -> BudgetPlan | None:
        """The plan last applied."""
        return self._plan

    def plan_for(self, camera: CameraRecord) -> TilePlan | None:
        """What the budget gave this camera, for the tile overlay (`TilePlan.label`)."""
        plan = self._plan
        return plan.for_camera(camera.device_id) if plan is not None else None

    def apply_budget(self, tiles: Sequence[ScreenTile]) -> BudgetPlan:
        """Plan stream and frame rate for the tiles on screen and apply it.

        Opens cameras not yet open, switches stream where the plan says so (keeping each
        tile's slot), resizes, caps frame rates, turns key-frames-only on and off, and
        pauses hidden tiles and open feeds that are not listed at all.
        """
        sample = self._observe()
        demands = [self._demand(t) for t in tiles]
        previous = self._plan
        spent = plan_cores_now(previous, demands) if previous is not None else 0.0
        capped = self._governor.cap is not None
        budget = self._governor.update(sample, self._budget_cores, spent)
        if capped != (self._governor.cap is not None):
            if capped:
                log.info("decoders keep up again: the decode budget is %.2f cores", budget)
            else:
                log.warning(
                    "decoders fall behind (%d of %d frames late, %d catching up): decode "
                    "budget held to %.2f cores",
                    sample.late,
                    sample.frames,
                    sample.catching_up,
                    budget,
                )
        plan = plan_budget(demands, budget, previous=previous)
        listed: set[str] = set()
        for tile, tile_plan in zip(tiles, plan.tiles, strict=True):
            listed.add(tile.camera.device_id)
            self._apply(tile, tile_plan)
        with self._lock:
            unlisted = [code for code in self._feeds if code not in listed]
        for code in unlisted:
            self._pool.set_target_size(code, 0, 0)
        self._plan = plan
        return plan

    def _demand(self, tile: ScreenTile) -> TileDemand:
        code = tile.camera.device_id
        meter = self._meter
        return TileDemand(
            camera_code=code,
            width=tile.width,
            height=tile.height,
            role=tile.role,
            has_main=has_distinct_main(tile.camera),
            has_sub=bool(tile.camera.sub_url),
            sub_size=meter.size(code, Stream.SUB) or SUB_SIZE,
            main_size=meter.size(code, Stream.MAIN) or MAIN_SIZE,
            sub_cost=meter.cost(code, Stream.SUB),
            main_cost=meter.cost(code, Stream.MAIN),
            paint_s=tile.paint_s,
        )

    def _apply(self, tile: ScreenTile, plan: TilePlan) -> None:
        camera = tile.camera
        code = camera.device_id
        decoder = self._pool.get(code)
        if plan.paused:
            # Hidden tiles are not decoded; a feed never opened is not opened for them.
            if decoder is not None and decoder.target_size != (0, 0):
                self._pool.set_target_size(code, 0, 0)
            return
        size = (tile.width, tile.height)
        with self._lock:
            feed = self._feeds.get(code)
        if feed is None or decoder is None or feed.stream is not plan.stream:
            if self.open(camera, *size, stream=plan.stream) is None:
                return
            decoder = self._pool.get(code)
            if decoder is None:
                return
        elif decoder.target_size != size:
            self.resize(camera, *size)
        if decoder.max_fps != plan.max_fps:
            decoder.set_max_fps(plan.max_fps)
        if decoder.keyframes_only != plan.keyframes_only:
            decoder.set_keyframes_only(plan.keyframes_only)

    @property
    def overload_cap(self) -> float | None:
        """The cap measured overload put on the budget (cores), None while decoders keep up."""
        return self._governor.cap

    def _observe(self) -> LoadSample:
        """Teach the cost meter and count what the decoders did since the previous look."""
        with self._lock:
            feeds = list(self._feeds.values())
        frames = late = running = catching_up = 0
        counted: dict[str, tuple[int, int, int]] = {}
        for feed in feeds:
            code = feed.camera.device_id
            decoder = self._pool.get(code)
            if decoder is None:
                continue
            stats = decoder.stats()
            self._meter.observe(code, feed.stream, id(decoder), stats)
            now = (id(decoder), stats.frames_decoded, stats.frames_skipped_late)
            counted[code] = now
            if stats.paused or not stats.running:
                continue
            running += 1
            catching_up += stats.catching_up
            before = self._counted.get(code)
            if before is not None and before[0] == now[0]:
                # Late live frames are skipped before decoding, late file frames after it.
                frames += (now[1] - before[1]) + (now[2] - before[2])
                late += now[2] - before[2]
        self._counted = counted
        return LoadSample(frames, late, running, catching_up)

    def close(self) -> CloseReport:
        with self._lock:
            self._feeds.clear()
        return self._pool.close()
