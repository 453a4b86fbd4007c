"""The workstation decode budget: which stream and frame rate each wall tile gets."""

from __future__ import annotations

import enum
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

# Default costs, seconds of one core per frame, measured on the 2-core test machines with
# 640x360 H.264 (about 90 us of FFmpeg per frame plus the Python around it). Measured
# figures from running decoders replace them; they only have to rank plans sensibly.
DECODE_FIXED_S = 40e-6
DECODE_S_PER_PIXEL = 0.5e-9
DELIVER_FIXED_S = 60e-6  # conversion to tile size, freeze check, hand-off
DELIVER_S_PER_PIXEL = 1.0e-9
PAINT_FIXED_S = 100e-6  # the GUI thread's share: take the frame, paint it and the overlay
PAINT_S_PER_PIXEL = 0.5e-9
# Decoding key frames only (codec skip_frame NONKEY, a key frame every second) measured
# 0.27 of decoding everything: non-key packets are still read and parsed.
KEYFRAME_DECODE_SHARE = 0.3
# Leave the rest of the workstation to calls, the event loop and everything else: a
# 64-tile wall planned at 1.1 cores of a 2-core machine already ran at 1.2 cores there,
# dropping frames, because 64 threads on 2 cores cost more per frame than one alone.
DEFAULT_BUDGET_SHARE = 0.5

# A degraded tile steps back up only if the better plan fits a budget this much smaller.
UPGRADE_HEADROOM = 0.1

SUB_SIZE = (640, 360)
MAIN_SIZE = (1920, 1080)


class TileRole(enum.Enum):
    FOCUSED = "focused"  # the selected or enlarged tile: degraded last
    VISIBLE = "visible"  # an ordinary tile of a small layout
    BACKGROUND = "background"  # a small tile of a big wall: degraded first
    HIDDEN = "hidden"  # off-page or covered: not decoded at all


class Stream(enum.Enum):
    MAIN = "main"
    SUB = "sub"


class Rate(enum.IntEnum):
    """The ladder a tile steps down under overload, in order."""

    FULL = 0
    HALF = 1
    QUARTER = 2
    KEYFRAMES = 3


# Classes in the order they give up frames; within one, the last tile on the page first.
DEGRADE_ORDER = (TileRole.BACKGROUND, TileRole.VISIBLE, TileRole.FOCUSED)


@dataclass(frozen=True, slots=True)
class StreamCost:
    """Measured seconds of one core per frame: decoding, and conversion plus hand-off."""

    decode_s: float
    deliver_s: float


@dataclass(frozen=True, slots=True)
class TileDemand:
    camera_code: str
    width: int
    height: int
    role: TileRole
    has_main: bool = False
    has_sub: bool = True
    sub_size: tuple[int, int] = SUB_SIZE
    main_size: tuple[int, int] = MAIN_SIZE
    source_fps: float = 25.0
    keyframe_interval_s: float = 1.0
    sub_cost: StreamCost | None = None
    main_cost: StreamCost | None = None
    paint_s: float | None = None  # GUI-thread seconds per painted frame, if measured


@dataclass(frozen=True, slots=True)
class TilePlan:
    camera_code: str
    stream: Stream
    rate: Rate
    max_fps: float | None  # None: the stream's own rate
    keyframes_only: bool
    paused: bool
    cores: float  # estimated share of one core this tile costs under the plan

    @property
    def label(self) -> str:
        """Short overlay text, e.g. "主码流 25fps" or "子码流 仅关键帧"."""
        if self.paused:
            return "暂停解码"
        stream = "主码流" if self.stream is Stream.MAIN else "子码流"
        if self.keyframes_only:
            return f"{stream} 仅关键帧"
        return f"{stream} {_fps_text(self.max_fps)}"


@dataclass(frozen=True, slots=True)
class BudgetPlan:
    tiles: tuple[TilePlan, ...]
    budget_cores: float
    planned_cores: float
    overloaded: bool  # even the lowest plan exceeds the budget

    def for_camera(self, camera_code: str) -> TilePlan | None:
        for tile in self.tiles:
            if tile.camera_code == camera_code:
                return tile
        return None

    def counts(self) -> dict[str, int]:
        """How many tiles got each plan label, for logs and benchmarks."""
        out: dict[str, int] = {}
        for tile in self.tiles:
            out[tile.label] = out.get(tile.label, 0) + 1
        return out


def default_budget_cores(cpu_count: int | None = None) -> float:
    cores = cpu_count if cpu_count is not None else (os.cpu_count() or 1)
    return max(0.25, cores * DEFAULT_BUDGET_SHARE)


def _fps_text(fps: float | None) -> str:
    if fps is None:
        return "全帧率"
    return f"{fps:g}fps"


def default_cost(size: tuple[int, int], tile: tuple[int, int]) -> StreamCost:
    return StreamCost(
        decode_s=DECODE_FIXED_S + size[0] * size[1] * DECODE_S_PER_PIXEL,
        deliver_s=DELIVER_FIXED_S + tile[0] * tile[1] * DELIVER_S_PER_PIXEL,
    )


def paint_cost(tile: tuple[int, int]) -> float:
    return PAINT_FIXED_S + tile[0] * tile[1] * PAINT_S_PER_PIXEL


def wants_main(demand: TileDemand) -> bool:
    """Main stream only where it shows more: a tile larger than the sub stream's picture."""
    if not demand.has_main:
        return False
    if not demand.has_sub:
        return True
    if demand.role is not TileRole.FOCUSED:
        return False
    sub_w, sub_h = demand.sub_size
    return demand.width > sub_w or demand.height > sub_h


def rate_fps(rate: Rate, source_fps: float) -> float | None:
    if rate is Rate.FULL:
        return None
    if rate is Rate.HALF:
        return source_fps / 2
    if rate is Rate.QUARTER:
        return source_fps / 4
    return 1.0  # key frames: a cap that never bites, the codec skips the rest


def estimate_cores(demand: TileDemand, stream: Stream, rate: Rate) -> float:
    tile = (demand.width, demand.height)
    size = demand.main_size if stream is Stream.MAIN else demand.sub_size
    measured = demand.main_cost if stream is Stream.MAIN else demand.sub_cost
    cost = measured if measured is not None else default_cost(size, tile)
    fps = demand.source_fps
    paint = demand.paint_s if demand.paint_s is not None else paint_cost(tile)
    per_shown = cost.deliver_s + paint
    if rate is Rate.KEYFRAMES:
        keyframe_fps = min(fps, 1.0 / max(demand.keyframe_interval_s, 1e-3))
        return fps * cost.decode_s * KEYFRAME_DECODE_SHARE + keyframe_fps * per_shown
    # Every frame is decoded whatever the cap (later frames refer to it); the cap saves
    # only the conversion and the painting.
    cap = rate_fps(rate, fps)
    shown = fps if cap is None else min(fps, cap)
    return fps * cost.decode_s + shown * per_shown


def plan_cores_now(plan: BudgetPlan, demands: Sequence[TileDemand]) -> float:
    """What `plan` costs by the costs known now: a plan made before the costs were
    measured (on the defaults) can cost several times what it expected."""
    total = 0.0
    for demand in demands:
        tile = plan.for_camera(demand.camera_code)
        if tile is not None and not tile.paused:
            total += estimate_cores(demand, tile.stream, tile.rate)
    return total


@dataclass(slots=True)
class _Step:
    demand: TileDemand
    stream: Stream
    rate: Rate

    def cores(self) -> float:
        return estimate_cores(self.demand, self.stream, self.rate)

    def degrade(self) -> bool:
        """One step down the ladder; False when already at the bottom."""
        if self.stream is Stream.MAIN and self.demand.has_sub:
            # A focused tile first gives up the main stream, at full rate.
            self.stream = Stream.SUB
            return True
        if self.rate is Rate.KEYFRAMES:
            return False
        self.rate = Rate(self.rate + 1)
        return True


def _ladder_has_main(demand: TileDemand) -> bool:
    return wants_main(demand) and demand.has_sub


def _rank(demand: TileDemand, stream: Stream, rate: Rate) -> int:
    """A tile's place on its ladder: 0 is the best it can get, higher is cheaper."""
    if _ladder_has_main(demand):
        return 0 if stream is Stream.MAIN else 1 + int(rate)
    return int(rate)


def _at_rank(demand: TileDemand, rank: int) -> _Step:
    if _ladder_has_main(demand):
        if rank == 0:
            return _Step(demand, Stream.MAIN, Rate.FULL)
        return _Step(demand, Stream.SUB, Rate(rank - 1))
    return _Step(demand, Stream.MAIN if wants_main(demand) else Stream.SUB, Rate(rank))


def _fit(tiles: Sequence[TileDemand], budget_cores: float) -> list[_Step | None]:
    steps: list[_Step | None] = []
    for demand in tiles:
        if demand.role is TileRole.HIDDEN:
            steps.append(None)
            continue
        steps.append(_at_rank(demand, 0))
    live = [s for s in steps if s is not None]
    total = sum(s.cores() for s in live)
    for role in DEGRADE_ORDER:
        group = [s for s in reversed(live) if s.demand.role is role]
        while total > budget_cores:
            moved = False
            for step in group:
                if total <= budget_cores:
                    break
                before = step.cores()
                # A step that saves nothing (a rate cap where decoding is all the cost)
                # only costs picture: take the next one in the same turn.
                while step.degrade():
                    moved = True
                    if step.cores() < before:
                        break
                total += step.cores() - before
            if not moved:
                break
        if total <= budget_cores:
            break
    return steps


def plan_budget(
    tiles: Sequence[TileDemand],
    budget_cores: float,
    previous: BudgetPlan | None = None,
    headroom: float = UPGRADE_HEADROOM,
) -> BudgetPlan:
    """Stream and frame rate per tile so that the estimated total stays within the budget.

    Everyone starts at full rate (the focused tile on its main stream where that shows
    more). While the total exceeds the budget, background tiles step down first, one tile
    one step at a time from the end of the page (half rate, quarter rate, key frames
    only), then visible tiles, then the focused tile (main to sub stream, then rates).

    With the `previous` plan, a tile steps down as soon as the budget says so but steps
    up only when the plan would still fit a budget `headroom` smaller: measured costs
    wobble, and a plan that flips every second switches streams and rates for nothing.
    """
    if budget_cores <= 0 or not math.isfinite(budget_cores):
        raise ValueError(f"the budget must be a positive number of cores, got {budget_cores}")
    steps = _fit(tiles, budget_cores)
    if previous is not None:
        cautious = _fit(tiles, budget_cores * (1.0 - headroom))
        for i, (demand, strict, slow) in enumerate(zip(tiles, steps, cautious, strict=True)):
            before = previous.for_camera(demand.camera_code)
            if strict is None or slow is None or before is None or before.paused:
                continue
            was = _rank(demand, before.stream, before.rate)
            best, worst = (
                _rank(demand, strict.stream, strict.rate),
                _rank(demand, slow.stream, slow.rate),
            )
            steps[i] = _at_rank(demand, min(max(was, best), worst))
    plans: list[TilePlan] = []
    for demand, chosen in zip(tiles, steps, strict=True):
        if chosen is None:
            stream = Stream.SUB if demand.has_sub else Stream.MAIN
            plans.append(TilePlan(demand.camera_code, stream, Rate.FULL, None, False, True, 0.0))
            continue
        plans.append(
            TilePlan(
                camera_code=demand.camera_code,
                stream=chosen.stream,
                rate=chosen.rate,
                max_fps=_cap(chosen),
                keyframes_only=chosen.rate is Rate.KEYFRAMES,
                paused=False,
                cores=chosen.cores(),
            )
        )
    planned = sum(p.cores for p in plans)
    return BudgetPlan(tuple(plans), budget_cores, planned, planned > budget_cores)


def _cap(step: _Step) -> float | None:
    if step.rate is Rate.KEYFRAMES:
        return None
    return rate_fps(step.rate, step.demand.source_fps)
