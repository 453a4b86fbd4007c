"""The `console bench` commands run end to end at small sizes and print a well-formed result."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from console.bench.common import STRICT_ENV, latency_summary, percentile
from console.core.paths import cache_dir
from console.store import bench_data

ROOT = Path(__file__).resolve().parents[1]
RUN_TIMEOUT_S = 120


def _bench(*args: str) -> dict[str, Any]:
    """Run `console bench …` in a subprocess and return its last stdout line as JSON."""
    env = dict(os.environ)  # the session's isolated XDG dirs and offscreen Qt
    env.pop(STRICT_ENV, None)  # performance targets are the benchmark's business, not a test's
    proc = subprocess.run(
        [sys.executable, "-m", "console", "bench", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert proc.returncode == 0, (
        f"console bench {' '.join(args)} exited {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout[-3000:]}\n--- stderr ---\n{proc.stderr[-3000:]}"
    )
    lines = proc.stdout.strip().splitlines()
    assert len(lines) > 1, "expected progress lines before the JSON result"
    result = json.loads(lines[-1])
    assert isinstance(result, dict)
    return result


def _assert_positive(result: dict[str, Any], *keys: str) -> None:
    for key in keys:
        assert key in result, f"{key} missing from {result}"
        value = result[key]
        assert isinstance(value, int | float) and not isinstance(value, bool), (key, value)
        assert math.isfinite(value) and value > 0, (key, value)


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([5.0], 99) == 5.0
    assert percentile([3.0, 1.0, 2.0], 100) == 3.0
    summary = latency_summary("x", [0.001, 0.002, 0.003], (50,))
    assert summary == {"x_p50_ms": 2.0, "x_max_ms": 3.0}


def test_bench_sync() -> None:
    result = _bench("sync", "--rounds", "20")
    assert result["bench"] == "sync" and result["rounds"] == 20
    _assert_positive(
        result,
        "inproc_p50_ms",
        "inproc_p95_ms",
        "inproc_p99_ms",
        "inproc_max_ms",
        "xproc_p50_ms",
        "xproc_p95_ms",
        "xproc_max_ms",
    )
    assert result["xproc_received"] == result["xproc_n"] == 20
    assert set(result["targets"]) == {"inproc_p99_ms", "xproc_p95_ms"}
    assert isinstance(result["targets_met"], bool)


def test_bench_ledger_builds_once_then_reuses_the_cache() -> None:
    first = _bench("ledger", "--cases", "20000", "--rounds", "5")
    assert first["bench"] == "ledger" and first["cases"] == 20000
    _assert_positive(
        first, "filter_p50_ms", "filter_p95_ms", "filter_max_ms", "text_only_p95_ms", "grids"
    )
    assert math.isfinite(first["rows_matched_median"]) and first["rows_matched_median"] >= 0
    assert first["text_only_rows_matched_median"] > 0
    cached = cache_dir() / "bench" / "ledger-20000.sqlite"
    assert str(cached).startswith(os.environ["XDG_CACHE_HOME"])
    assert bench_data.is_complete(cached, 20000)

    again = _bench("ledger", "--cases", "20000", "--rounds", "5")
    assert again["built"] is False and again["cases"] == 20000


def test_incomplete_ledger_database_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "ledger-500.sqlite"
    path.write_bytes(b"left over from a build that was interrupted")
    assert not bench_data.is_complete(path, 500)
    build = bench_data.ensure_ledger_db(path, 500)
    assert build.built and build.grids == 300
    assert bench_data.is_complete(path, 500)
    assert not bench_data.is_complete(path, 501)
    assert not list(tmp_path.glob("*.tmp-*")), "the temporary build file was left behind"
    assert not bench_data.ensure_ledger_db(path, 500).built


def test_bench_startup() -> None:
    # Runs the demo workspace for real: a warm-up (seeds the demo store) and one measured run.
    result = _bench("startup", "--rounds", "1")
    assert result["bench"] == "startup"
    _assert_positive(result, "startup_s", "startup_max_s", "first_run_s")


def test_bench_wall_smoke() -> None:
    # Four tiles for three seconds a phase: the keys and sane values, no performance claims.
    result = _bench("wall", "--tiles", "4", "--seconds", "3")
    assert result["bench"] == "wall" and result["tiles"] == 4 and result["source"] == "file"
    _assert_positive(
        result, "fps_min", "fps_median", "age_p50_ms", "age_p95_ms", "cpu_cores", "floor_cores"
    )
    assert result["fps_min"] <= result["fps_median"] <= 30.0
    assert result["age_p50_ms"] <= result["age_p95_ms"]
    assert math.isfinite(result["rss_growth_pct"])
    if result["ffmpeg_cores"] is None:
        assert result["ffmpeg_note"]
    else:
        assert result["ffmpeg_cores"] > 0
    assert sum(result["plan_counts"].values()) == 4
    assert isinstance(result["targets_met"], bool)


def test_bench_wall_from_rtsp_smoke() -> None:
    # The same wall fed by a real loopback RTSP server: the wall's decoders, the floor and
    # ffmpeg all read the live streams (each phase's clip must outlast it).
    result = _bench("wall", "--tiles", "2", "--seconds", "3", "--source", "rtsp")
    assert result["source"] == "rtsp" and result["tiles"] == 2
    _assert_positive(
        result, "fps_min", "fps_median", "age_p50_ms", "age_p95_ms", "cpu_cores", "floor_cores"
    )
    assert result["fps_min"] <= result["fps_median"] <= 30.0
    assert result["ffmpeg_cores"] is None or "RTSP" in result["ffmpeg_note"]
    assert sum(result["plan_counts"].values()) == 2


def test_wall_age_histogram_agrees_with_exact_percentiles() -> None:
    from console.bench.wall import AgeHistogram

    ages = [0.001 * i for i in range(1, 400)]
    histogram = AgeHistogram()
    for age in ages:
        histogram.add(age)
    for p in (50, 95):
        assert abs(histogram.percentile(p) - percentile(ages, p)) <= 0.001
    assert math.isnan(AgeHistogram().percentile(50))


def test_bench_map() -> None:
    # A small city: the scripted pan/zoom tour once, offscreen at 1920×1080.
    result = _bench("map", "--cameras", "3000", "--risk-points", "1000", "--rounds", "1")
    assert result["bench"] == "map"
    assert (result["cameras"], result["risk_points"]) == (3000, 1000)
    assert result["frames"] == 2 * 93 and (result["width"], result["height"]) == (1920, 1080)
    _assert_positive(result, "frame_p50_ms", "frame_p95_ms", "frame_max_ms", "setup_ms")
    assert result["frame_p50_ms"] <= result["frame_p95_ms"] <= result["frame_max_ms"]
    assert result["max_clusters_drawn"] > 0 and result["max_points_drawn"] > 0
    assert result["targets"] == {"frame_p95_ms": 33.0}
    assert isinstance(result["targets_met"], bool)
