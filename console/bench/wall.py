"""`console bench wall`: a 1920x1080 wall of N live tiles against the decode floor and ffmpeg.

`--source file` (the default) plays generated clips that the decoders pace and loop;
`--source rtsp` serves the same clips from a loopback RTSP server (gst-rtsp-server), so
that the wall, the floor and ffmpeg all read live RTSP cameras, as a real wall does.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.bench.common import fail, finish, say
from console.media.decoder import is_live_url, open_options
from console.media.loopback_rtsp import INSTALL_HINT, RtspServer, gst_rtsp_available

WALL_SIZE = (1920, 1080)
SPACING = 2
CLIP_SIZE = (640, 360)
CLIP_FPS = 25
CLIP_SECONDS = 8  # the demo's clips: the first twelve are shared with `console --demo`
RTSP_SLACK_S = 5  # an RTSP clip plays once per phase: it outlasts the phase by this much
SOURCES = ("file", "rtsp")
FFMPEG_START_LIMIT_S = 60.0
FFMPEG_READ_TIMEOUT_S = 5.0
STATUS_INTERVAL_MS = 500
BUDGET_INTERVAL_MS = 1000
RSS_INTERVAL_MS = 500
BIG_WALL_FROM = 10  # from this many tiles on, all but the focused tile are background

FPS_TARGET = 24.0
AGE_P95_TARGET_MS = 100.0
AGE_P95_DEGRADED_TARGET_MS = 250.0
FLOOR_RATIO_TARGET = 1.6
RSS_GROWTH_TARGET_PCT = 10.0


def grid_shape(tiles: int) -> tuple[int, int]:
    cols = math.ceil(math.sqrt(tiles))
    return cols, math.ceil(tiles / cols)


def process_cpu_s() -> float:
    """CPU time of every thread of this process, user plus system."""
    t = os.times()
    return t.user + t.system


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def growth_pct(samples: list[int]) -> float:
    """Mean of the last third against the first third, in percent."""
    if len(samples) < 3:
        return 0.0
    third = len(samples) // 3
    first = statistics.fmean(samples[:third])
    last = statistics.fmean(samples[-third:])
    return (last - first) / first * 100.0


class AgeHistogram:
    """Ages in 0.5 ms bins up to 10 s (later ones count in the last bin): constant memory."""

    BIN_S = 0.0005
    BINS = 20_000

    def __init__(self) -> None:
        self.counts = [0] * self.BINS
        self.total = 0

    def add(self, age_s: float) -> None:
        index = min(self.BINS - 1, max(0, int(age_s / self.BIN_S)))
        self.counts[index] += 1
        self.total += 1

    def percentile(self, p: float) -> float:
        """The p-th percentile in seconds, at the middle of its bin; NaN when empty."""
        if self.total == 0:
            return float("nan")
        rank = p / 100.0 * (self.total - 1)
        seen = 0
        for index, count in enumerate(self.counts):
            seen += count
            if seen > rank:
                return (index + 0.5) * self.BIN_S
        return self.BINS * self.BIN_S


def _third_mb(samples: list[int], *, first: bool) -> float | None:
    if len(samples) < 3:
        return None
    third = len(samples) // 3
    part = samples[:third] if first else samples[-third:]
    return round(statistics.fmean(part) / 2**20, 1)


@dataclass
class _Measure:
    """What the wall run records between the end of warm-up and the end of the run."""

    on: bool = False
    # Frame ages go into a fixed histogram, not a list: a list of every age grew the
    # process by 12 MB in a 5-minute 64-tile run and showed up as "memory growth".
    ages: AgeHistogram = field(default_factory=lambda: AgeHistogram())
    rss: list[int] = field(default_factory=list)
    plan_changes: int = 0  # tiles whose plan changed from one budget tick to the next


@dataclass
class _PaintCost:
    """The GUI thread's CPU per painted frame, averaged; everything it does is included."""

    cpu: float
    painted: int = 0
    per_frame: float | None = None

    def update(self, cpu: float, painted: int) -> float | None:
        if painted - self.painted >= 500:
            cost = (cpu - self.cpu) / (painted - self.painted)
            old = self.per_frame
            self.per_frame = cost if old is None else old + 0.15 * (cost - old)
            self.cpu, self.painted = cpu, painted
        return self.per_frame


def run_wall(clips: list[str], seconds: float, warmup_s: float) -> dict[str, Any]:
    """The real decode path into real VideoTile widgets, painted offscreen at the wall's rate."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

    from console.core.codes import CameraStatus
    from console.core.decode_budget import TileRole
    from console.core.records import CameraRecord
    from console.services.live_wall import LiveWallService, ScreenTile
    from console.ui.widgets.video_tile import PAINT_INTERVAL_MS, VideoTile

    measure = _Measure()

    class CountingSlot:
        """Wraps a tile's slot: remembers the frame the tile took, for the age at paint."""

        def __init__(self, slot: Any) -> None:
            self.slot = slot
            self.taken: Any = None

        def take(self) -> Any:
            frame = self.slot.take()
            if frame is not None:
                self.taken = frame
            return frame

        def peek(self) -> Any:
            return self.slot.peek()

    class MeasuredTile(VideoTile):
        """A VideoTile that counts frames it painted for the first time and their age."""

        def __init__(self, index: int) -> None:
            super().__init__(index)
            self.counting: CountingSlot | None = None
            self.new_painted = 0

        def paintEvent(self, event: Any) -> None:
            super().paintEvent(event)
            counting = self.counting
            if counting is None or counting.taken is None:
                return
            frame, counting.taken = counting.taken, None
            if measure.on:
                self.new_painted += 1
                if frame.captured_at is not None:
                    measure.ages.add(time.monotonic() - frame.captured_at)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QWidget()
    window.setObjectName("bench-wall")
    window.resize(*WALL_SIZE)
    grid = QGridLayout(window)
    grid.setSpacing(SPACING)
    grid.setContentsMargins(0, 0, 0, 0)
    cols, _rows = grid_shape(len(clips))
    tiles: list[MeasuredTile] = []
    for i in range(len(clips)):
        tile = MeasuredTile(i)
        tile.setMinimumSize(16, 9)
        grid.addWidget(tile, i // cols, i % cols)
        tiles.append(tile)
    window.show()
    app.processEvents()

    cameras = [
        CameraRecord(
            id=i + 1,
            device_id=f"BENCH{i + 1:04d}",
            name=f"CAM-{i + 1:02d}",
            address="",
            region_id=None,
            status=CameraStatus.ONLINE,
            main_url=None,
            sub_url=str(clip),
            sensitive=False,
            longitude=None,
            latitude=None,
        )
        for i, clip in enumerate(clips)
    ]
    live = LiveWallService()
    background = TileRole.BACKGROUND if len(clips) >= BIG_WALL_FROM else TileRole.VISIBLE

    # The GUI thread's CPU per painted frame, everything it does included, as the wall
    # would measure it and hand it to the budget.
    paint_cost = _PaintCost(time.thread_time())

    def measured_paint_s() -> float | None:
        return paint_cost.update(time.thread_time(), sum(t.painted_frames for t in tiles))

    def wall_tiles() -> list[ScreenTile]:
        paint_s = measured_paint_s()
        return [
            ScreenTile(
                cam,
                tile.width(),
                tile.height(),
                TileRole.FOCUSED if i == 0 else background,
                paint_s=paint_s,
            )
            for i, (cam, tile) in enumerate(zip(cameras, tiles, strict=True))
        ]

    for cam, tile in zip(cameras, tiles, strict=True):
        feed = live.open(cam, tile.width(), tile.height())
        assert feed is not None
        tile.counting = CountingSlot(feed.slot)
        tile.attach(tile.counting, cam.name)
    live.apply_budget(wall_tiles())

    def paint_tick() -> None:
        for tile in tiles:
            tile.refresh()

    def status_tick() -> None:
        for cam, tile in zip(cameras, tiles, strict=True):
            stats = live.stats(cam)
            plan = live.plan_for(cam)
            if stats is not None:
                label = plan.label if plan is not None else ""
                tile.set_status(stats.health, f"{label} {stats.fps:.0f}fps")

    labels: dict[str, str] = {}

    def budget_tick() -> None:
        plan = live.apply_budget(wall_tiles())
        for tile_plan in plan.tiles:
            before = labels.get(tile_plan.camera_code)
            if measure.on and before is not None and before != tile_plan.label:
                measure.plan_changes += 1
            labels[tile_plan.camera_code] = tile_plan.label

    def rss_tick() -> None:
        if measure.on:
            measure.rss.append(rss_bytes())

    timers = []
    for interval, slot in (
        (PAINT_INTERVAL_MS, paint_tick),
        (STATUS_INTERVAL_MS, status_tick),
        (BUDGET_INTERVAL_MS, budget_tick),
        (RSS_INTERVAL_MS, rss_tick),
    ):
        timer = QTimer()
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        timer.start()
        timers.append(timer)

    marks: dict[str, float] = {}

    def begin() -> None:
        for tile in tiles:
            tile.new_painted = 0
        measure.on = True
        marks["cpu0"], marks["wall0"] = process_cpu_s(), time.perf_counter()
        marks["gui0"] = time.thread_time()
        marks["dec0"] = _decoder_cpu(live, cameras)
        marks["dropped0"] = float(sum(s.dropped for s in _slots(tiles)))

    def end() -> None:
        measure.on = False
        marks["cpu1"], marks["wall1"] = process_cpu_s(), time.perf_counter()
        marks["gui1"] = time.thread_time()
        marks["dec1"] = _decoder_cpu(live, cameras)
        marks["dropped1"] = float(sum(s.dropped for s in _slots(tiles)))
        app.quit()

    QTimer.singleShot(int(warmup_s * 1000), begin)
    QTimer.singleShot(int((warmup_s + seconds) * 1000), end)
    app.exec()

    for timer in timers:
        timer.stop()
    plan = live.plan
    overload_cap = live.overload_cap
    all_stats = [live.stats(cam) for cam in cameras]
    tile_size = (tiles[0].width(), tiles[0].height())
    report = live.close()
    for tile in tiles:
        tile.detach()
    window.close()
    window.deleteLater()
    app.processEvents()

    wall_s = marks["wall1"] - marks["wall0"]
    fps = [t.new_painted / wall_s for t in tiles]
    ages = measure.ages
    return {
        "fps": fps,
        "ages": ages,
        "cpu_cores": (marks["cpu1"] - marks["cpu0"]) / wall_s,
        "gui_cores": (marks["gui1"] - marks["gui0"]) / wall_s,
        "decoder_cores": (marks["dec1"] - marks["dec0"]) / wall_s,
        "rss": measure.rss,
        "dropped": int(marks["dropped1"] - marks["dropped0"]),
        "plan_counts": plan.counts() if plan is not None else {},
        "plan_changes": measure.plan_changes,
        "planned_cores": plan.planned_cores if plan is not None else None,
        "paint_us": None if paint_cost.per_frame is None else paint_cost.per_frame * 1e6,
        "budget_cores": live.budget_cores,
        "overload_cap": overload_cap,
        "overloaded": plan.overloaded if plan is not None else None,
        "tile_size": tile_size,
        "skipped_rate": sum(s.frames_skipped_rate for s in all_stats if s is not None),
        "skipped_late": sum(s.frames_skipped_late for s in all_stats if s is not None),
        "leftover_threads": list(report.leftovers),
    }


def _decoder_cpu(live: Any, cameras: list[Any]) -> float:
    """CPU seconds the decode threads spent so far (their own thread_time)."""
    total = 0.0
    for cam in cameras:
        stats = live.stats(cam)
        if stats is not None:
            total += stats.cpu_s
    return total


def _slots(tiles: list[Any]) -> list[Any]:
    return [t.counting.slot for t in tiles if t.counting is not None]


def run_floor(clips: list[str], seconds: float, warmup_s: float) -> dict[str, Any]:
    from console.media.decode_floor import PacedDecodeFloor

    floor = PacedDecodeFloor(clips)
    floor.start()
    try:
        time.sleep(warmup_s)
        cpu0, wall0, frames0 = process_cpu_s(), time.perf_counter(), floor.frames
        time.sleep(seconds)
        cpu1, wall1, frames1 = process_cpu_s(), time.perf_counter(), floor.frames
    finally:
        leftovers = floor.stop()
    wall = wall1 - wall0
    return {
        "cores": (cpu1 - cpu0) / wall,
        "fps_per_stream": (frames1 - frames0) / wall / len(clips),
        "errors": floor.errors,
        "leftover_threads": leftovers,
    }


def ffmpeg_command(ffmpeg: str, clips: list[str], progress: Path | None = None) -> list[str]:
    """ffmpeg reading every clip in real time (or every RTSP stream, opened as the wall's
    decoders open it), scaling each to its tile and stacking them; `progress` gets
    ffmpeg's frame counts."""
    cols, rows = grid_shape(len(clips))
    tile_w = (WALL_SIZE[0] // cols) // 2 * 2
    tile_h = (WALL_SIZE[1] // rows) // 2 * 2
    cmd = [ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error", "-nostdin"]
    if progress is not None:
        cmd += ["-progress", str(progress), "-stats_period", "0.25"]
    for clip in clips:
        # One codec thread per stream, as the wall's decoders decode.
        if is_live_url(clip):
            for key, value in open_options(clip, FFMPEG_READ_TIMEOUT_S).items():
                cmd += [f"-{key}", value]
            cmd += ["-threads", "1", "-i", clip]
        else:
            cmd += ["-re", "-stream_loop", "-1", "-threads", "1", "-i", clip]
    scales = [f"[{i}:v]scale={tile_w}:{tile_h}:flags=bilinear[v{i}]" for i in range(len(clips))]
    if len(clips) == 1:
        graph = scales[0].replace("[v0]", "[out]")
    else:
        layout = "|".join(
            f"{(i % cols) * tile_w}_{(i // cols) * tile_h}" for i in range(len(clips))
        )
        inputs = "".join(f"[v{i}]" for i in range(len(clips)))
        stack = f"{inputs}xstack=inputs={len(clips)}:layout={layout}:fill=black[out]"
        graph = ";".join([*scales, stack])
    return [*cmd, "-filter_complex", graph, "-map", "[out]", "-f", "null", "-"]


def _proc_cpu_s(pid: int) -> float:
    """CPU time of a child process so far, all its threads, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _frames_so_far(progress: Path) -> int:
    """The last frame count ffmpeg wrote to its -progress file (0 before the first)."""
    try:
        text = progress.read_text(errors="replace")
    except OSError:
        return 0
    counts = re.findall(r"^frame=(\d+)$", text, re.MULTILINE)
    return int(counts[-1]) if counts else 0


def run_ffmpeg(clips: list[str], seconds: float, warmup_s: float) -> dict[str, Any]:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return {"cores": None, "note": "ffmpeg not installed (Debian package ffmpeg)"}
    live = is_live_url(clips[0])
    note = (
        "ffmpeg RTSP over TCP (the decoders' options), -threads 1 per input, scale "
        "(bilinear) + xstack, -f null"
        if live
        else "ffmpeg -re, -threads 1 per input, scale (bilinear) + xstack, -f null"
    )
    with tempfile.TemporaryDirectory(prefix="wall-ffmpeg-") as folder:
        progress = Path(folder) / "progress.txt"
        proc = subprocess.Popen(
            ffmpeg_command(ffmpeg, clips, progress),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            # Opening 36 RTSP streams one after another takes a while: the warm-up starts
            # once the first mosaic frame is out, so the measure never sees ffmpeg idle.
            deadline = time.monotonic() + FFMPEG_START_LIMIT_S
            while not _frames_so_far(progress) and proc.poll() is None:
                if time.monotonic() > deadline:
                    return {
                        "cores": None,
                        "note": f"{note}: no frame in {FFMPEG_START_LIMIT_S:g} s",
                    }
                time.sleep(0.1)
            time.sleep(warmup_s)
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                return {"cores": None, "note": f"ffmpeg exited {proc.returncode}: {err[-300:]}"}
            cpu0, wall0, frames0 = (
                _proc_cpu_s(proc.pid),
                time.perf_counter(),
                _frames_so_far(progress),
            )
            time.sleep(seconds)
            cpu1, wall1, frames1 = (
                _proc_cpu_s(proc.pid),
                time.perf_counter(),
                _frames_so_far(progress),
            )
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(10.0)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5.0)
            if proc.stderr is not None:
                proc.stderr.close()
    wall = wall1 - wall0
    return {
        "cores": (cpu1 - cpu0) / wall,
        # Mosaic frames a second: about the clips' rate when ffmpeg keeps up.
        "fps": (frames1 - frames0) / wall,
        "note": note,
    }


def run(args: argparse.Namespace) -> int:
    from console.core.paths import cache_dir
    from console.media.clips import ensure_demo_clips

    tiles = int(args.tiles)
    seconds = float(args.seconds)
    source = getattr(args, "source", "file")
    result: dict[str, Any] = {"bench": "wall", "tiles": tiles, "seconds": seconds}
    if tiles < 1:
        return fail(result, "--tiles must be at least 1")
    if source not in SOURCES:
        return fail(result, f"--source must be one of {', '.join(SOURCES)}")
    if source == "rtsp" and not gst_rtsp_available():
        return fail(result, INSTALL_HINT)
    warmup_s = min(3.0, max(1.0, seconds / 3))
    say(f"wall bench: {tiles} tiles from {source}, {seconds:g} s per phase after "
        f"{warmup_s:g} s warm-up")  # fmt: skip
    began = time.perf_counter()
    # Files loop; an RTSP mount plays its clip once per connection, so it must last.
    clip_s = CLIP_SECONDS if source == "file" else math.ceil(warmup_s + seconds + RTSP_SLACK_S)
    clips = ensure_demo_clips(
        cache_dir() / "clips", tiles, CLIP_SIZE[0], CLIP_SIZE[1], CLIP_FPS, clip_s
    )
    say(f"{tiles} clips of {CLIP_SIZE[0]}x{CLIP_SIZE[1]}@{CLIP_FPS}, {clip_s} s, ready in "
        f"{time.perf_counter() - began:.1f} s")  # fmt: skip
    mounts = {f"cam{i}": clip for i, clip in enumerate(clips)}
    try:
        server = RtspServer(mounts) if source == "rtsp" else None
    except RuntimeError as exc:
        return fail(result, str(exc))
    try:
        sources = (
            [str(c) for c in clips]
            if server is None
            else [server.url(f"cam{i}") for i in range(tiles)]
        )
        return _measure(result, sources, seconds, warmup_s, source)
    finally:
        if server is not None:
            server.stop()


def _measure(
    result: dict[str, Any], clips: list[str], seconds: float, warmup_s: float, source: str
) -> int:
    """The three phases one after another (wall, floor, ffmpeg), then the figures."""
    tiles = len(clips)
    wall = run_wall(clips, seconds, warmup_s)
    say(f"wall: {wall['cpu_cores']:.3f} cores, plan {wall['plan_counts']}")
    floor = run_floor(clips, seconds, warmup_s)
    say(f"decode floor: {floor['cores']:.3f} cores, {floor['fps_per_stream']:.1f} fps/stream")
    if floor["errors"]:
        return fail(result, f"decode floor failed: {floor['errors'][:3]}")
    peer = run_ffmpeg(clips, seconds, warmup_s)
    say(f"ffmpeg mosaic: {peer['cores']} cores ({peer.get('note')})")

    fps = wall["fps"]
    ages = wall["ages"]
    floor_cores = floor["cores"]
    ffmpeg_cores = peer["cores"]
    result.update(
        {
            # file: clips paced in real time by the decoders, looping; rtsp: served live
            "source": source,
            "tile_size": list(wall["tile_size"]),
            "fps_min": round(min(fps), 2),
            "fps_median": round(statistics.median(fps), 2),
            "tiles_below_24fps": sum(1 for f in fps if f < FPS_TARGET),
            "age_p50_ms": round(ages.percentile(50) * 1000, 1),
            "age_p95_ms": round(ages.percentile(95) * 1000, 1),
            "cpu_cores": round(wall["cpu_cores"], 3),
            "gui_thread_cores": round(wall["gui_cores"], 3),
            "decode_threads_cores": round(wall["decoder_cores"], 3),
            "floor_cores": round(floor_cores, 3),
            "ffmpeg_cores": None if ffmpeg_cores is None else round(ffmpeg_cores, 3),
            "ffmpeg_fps": None if peer.get("fps") is None else round(peer["fps"], 2),
            "cpu_vs_floor": round(wall["cpu_cores"] / floor_cores, 2),
            "cpu_vs_ffmpeg": None
            if not ffmpeg_cores
            else round(wall["cpu_cores"] / ffmpeg_cores, 2),
            "rss_growth_pct": round(growth_pct(wall["rss"]), 2),
            "rss_first_third_mb": _third_mb(wall["rss"], first=True),
            "rss_last_third_mb": _third_mb(wall["rss"], first=False),
            "rss_mb": round(wall["rss"][-1] / 2**20, 1) if wall["rss"] else None,
            "frames_dropped": wall["dropped"],
            "frames_skipped_rate": wall["skipped_rate"],
            "frames_skipped_late": wall["skipped_late"],
            "plan_counts": wall["plan_counts"],
            "plan_changes": wall["plan_changes"],
            "planned_cores": round(wall["planned_cores"] or 0.0, 3),
            "gui_us_per_paint": None if wall["paint_us"] is None else round(wall["paint_us"]),
            "budget_cores": round(wall["budget_cores"], 3),
            # The cap measured lateness held the budget to at the end (None: no cap).
            "overload_cap_cores": None
            if wall["overload_cap"] is None
            else round(wall["overload_cap"], 3),
            "overloaded": wall["overloaded"],
            "cpu_count": os.cpu_count(),
            "ffmpeg_note": peer.get("note"),
        }
    )
    if wall["leftover_threads"]:
        return fail(result, f"decoder threads left running: {wall['leftover_threads']}")
    if tiles <= 36:
        targets = {
            "tiles_below_24fps": 0.0,
            "age_p95_ms": AGE_P95_TARGET_MS,
            "cpu_vs_floor": FLOOR_RATIO_TARGET,
        }
        if result["cpu_vs_ffmpeg"] is not None:
            targets["cpu_vs_ffmpeg"] = 1.0
    else:
        targets = {"age_p95_ms": AGE_P95_DEGRADED_TARGET_MS}
        if seconds >= 60:
            targets["rss_growth_pct"] = RSS_GROWTH_TARGET_PCT
    return finish(result, targets)
