"""`console bench call` runs end to end on a short budget and reports every figure."""

from __future__ import annotations

import asyncio

import pytest

from console.bench import call

pytestmark = pytest.mark.timeout(90)


def test_call_bench_reports_setup_and_latency() -> None:
    result = asyncio.run(call._run(calls=2, seconds=2.0, interfaces=["lo"]))
    assert result["calls"] == 2
    assert result["g2g_samples"] > 20 and result["raw_frames"] > 30
    for key in ("setup_p95_ms", "g2g_p95_ms", "raw_g2g_p95_ms"):
        # Far looser than the targets: this proves the measurement, not the machine.
        assert 0 < result[key] < 2000, (key, result)
