"""`console bench map`: pan and zoom over 30,000 cameras and 10,000 risk points at 1920×1080.

The points are generated around the demo city's grids (from its GeoJSON, no database), the
map page's canvas is rendered offscreen into a QImage for every step of a scripted tour —
zoom in from the whole region towards three districts, pan, zoom out, the same with the
heat layer on — and each frame (view change plus paint) is timed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from typing import Any

from console.bench.common import dispose, fail, finish, latency_summary, percentile, run_qt, say

FRAME_TARGET_MS = 33.0
WIDTH, HEIGHT = 1920, 1080
RISK_MIX = (("low", 0.4), ("medium", 0.3), ("high", 0.2), ("critical", 0.1))
OPEN_STATES = ("reported", "accepted", "assigned", "in_progress", "feedback", "review")


def generate(cameras: int, risk_points: int, seed: int = 7) -> tuple[list[Any], list[Any], Any]:
    """Cameras and risk points scattered around the demo grids' centres, denser in towns."""
    from console.core.map_clusters import CameraPoint, CasePoint
    from console.services.map_data import DEMO_GEOJSON, load_region

    region = load_region(DEMO_GEOJSON)
    rng = random.Random(seed)
    centres = []
    weights = []
    for g in region.grids:
        ring = g.polygons[0][0]
        lon = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
        lat = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
        centres.append((lon, lat))
        weights.append(3.0 if g.kind == "urban" else 1.0)
    picks = rng.choices(range(len(centres)), weights, k=cameras + risk_points)
    cams = []
    for i in range(cameras):
        lon, lat = centres[picks[i]]
        status = "online" if rng.random() < 0.9 else rng.choice(("offline", "fault"))
        cams.append(
            CameraPoint(
                i + 1,
                f"摄像机{i + 1}",
                lon + rng.gauss(0, 0.004),
                lat + rng.gauss(0, 0.004),
                status,
            )
        )
    levels = [code for code, _w in RISK_MIX]
    level_w = [w for _code, w in RISK_MIX]
    cases = []
    for k in range(risk_points):
        lon, lat = centres[picks[cameras + k]]
        cases.append(
            CasePoint(
                k + 1,
                f"LJ-2026-{k + 1:06d}",
                f"风险点{k + 1}",
                lon + rng.gauss(0, 0.006),
                lat + rng.gauss(0, 0.006),
                rng.choices(levels, level_w)[0],
                rng.choice(OPEN_STATES),
            )
        )
    return cams, cases, region


def tour(rounds: int) -> list[tuple[str, float, float, float]]:
    """(kind, a, b, c): ("zoom", factor, x, y) or ("pan", dx, dy, 0) or ("fit"/"heat", …)."""
    steps: list[tuple[str, float, float, float]] = []
    targets = ((0.5, 0.5), (0.35, 0.3), (0.68, 0.7))
    for r in range(rounds):
        fx, fy = targets[r % len(targets)]
        x, y = WIDTH * fx, HEIGHT * fy
        steps.append(("fit", 0, 0, 0))
        steps += [("zoom", 1.25, x, y)] * 20  # from the whole region to street level
        for dx, dy in ((40, 0), (0, 40), (-40, 0), (0, -40)):
            steps += [("pan", dx, dy, 0)] * 8
        steps += [("zoom", 0.8, x, y)] * 10
        for dx, dy in ((-60, 25), (60, -25)):
            steps += [("pan", dx, dy, 0)] * 10
        steps += [("zoom", 0.8, WIDTH / 2, HEIGHT / 2)] * 10
    return steps


def run(args: argparse.Namespace) -> int:
    cameras = int(args.cameras)
    risk_points = int(args.risk_points)
    rounds = int(args.rounds or 3)
    result: dict[str, Any] = {
        "bench": "map",
        "cameras": cameras,
        "risk_points": risk_points,
        "width": WIDTH,
        "height": HEIGHT,
    }
    if cameras < 0 or risk_points < 0 or rounds < 1:
        return fail(result, "--cameras and --risk-points must be ≥ 0, --rounds ≥ 1")
    started = time.perf_counter()
    cams, cases, region = generate(cameras, risk_points)
    say(
        f"map bench: {cameras:,} cameras + {risk_points:,} risk points around "
        f"{len(region.grids)} grids (generated in {time.perf_counter() - started:.2f} s)"
    )
    return run_qt(lambda: _measure(cams, cases, region, rounds, result))


async def _measure(
    cams: list[Any], cases: list[Any], region: Any, rounds: int, result: dict[str, Any]
) -> int:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from console.ui import theme
    from console.ui.widgets.map_canvas import MapCanvas

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app)
    canvas = MapCanvas()
    canvas.resize(WIDTH, HEIGHT)
    try:
        t0 = time.perf_counter()
        canvas.set_region(region)
        canvas.set_cameras(cams)
        canvas.set_cases(cases)
        result["setup_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        canvas.fit()
        image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)

        def frame() -> None:
            canvas.render(image)

        frame()  # warm-up: fonts, glyph caches
        plain: list[float] = []
        heat: list[float] = []
        cpu: list[float] = []
        stats = {"points": 0, "clusters": 0}
        heat_waits: list[float] = []
        for phase in ("plain", "heat"):
            canvas.set_layer("heat", phase == "heat")
            times = plain if phase == "plain" else heat
            for kind, a, b, c in tour(rounds):
                t = time.perf_counter()
                c0 = time.thread_time()
                if kind == "fit":
                    canvas.fit()
                elif kind == "zoom":
                    canvas.zoom_by(a, QPointF(b, c))
                else:
                    canvas.pan_by(a, b)
                frame()
                times.append(time.perf_counter() - t)
                cpu.append(time.thread_time() - c0)
                stats["points"] = max(stats["points"], canvas.frame_stats["points"])
                stats["clusters"] = max(stats["clusters"], canvas.frame_stats["clusters"])
                # Let Qt deliver what the heat worker finished, as the GUI loop would.
                await asyncio.sleep(0)
            if phase == "heat":
                t = time.perf_counter()
                while canvas.heat_pending() and time.perf_counter() - t < 10:
                    await asyncio.sleep(0.005)
                heat_waits.append(time.perf_counter() - t)
        frames = plain + heat
        for name, times in (("plain", plain), ("with heat", heat)):
            p50, p95 = percentile(times, 50) * 1000, percentile(times, 95) * 1000
            say(f"{name}: {len(times)} frames, p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        result["frames"] = len(frames)
        result.update(latency_summary("frame", frames))
        result.update(latency_summary("plain_frame", plain, (50, 95)))
        result.update(latency_summary("heat_frame", heat, (50, 95)))
        # The GUI thread's own CPU time per frame: what the frame costs when the two shared
        # cores are not also busy with other people's work.
        result.update(latency_summary("frame_cpu", cpu, (50, 95)))
        result["max_points_drawn"] = stats["points"]
        result["max_clusters_drawn"] = stats["clusters"]
        result["load_avg_1m"] = round(os.getloadavg()[0], 2)
        return finish(result, {"frame_p95_ms": FRAME_TARGET_MS})
    finally:
        canvas.shutdown()
        dispose(canvas)
