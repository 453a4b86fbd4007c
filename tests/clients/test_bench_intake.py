"""`console bench intake` on a tiny budget: every figure of its JSON line is measured."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from console.bench import intake
from console.store import migrate

pytestmark = pytest.mark.timeout(90)

KEYS = (
    "setup_p95_ms",
    "service_level",
    "call_cpu_cores",
    "call_recording_cpu_cores",
    "fps_recording_min",
    "recording_dropped",
    "recording_cpu_ratio",
)


def test_intake_bench_reports_every_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    migrate.upgrade(url)
    result = asyncio.run(intake._measure(2, 4.0, url, tmp_path / "media"))
    assert set(KEYS) <= set(result), result
    assert result["answered"] == 2 and result["setup_samples"] == 2
    # Far looser than the targets: this proves the measurement, not the machine.
    assert 0 < result["setup_p95_ms"] < 5000
    assert result["service_level"] == 1.0
    assert 0 < result["call_cpu_cores"] < 2.5
    assert 0 < result["call_recording_cpu_cores"] < 2.5
    assert result["fps_recording_min"] > 5
    assert result["recording_frames"] > 20 and result["recording_dropped"] >= 0
