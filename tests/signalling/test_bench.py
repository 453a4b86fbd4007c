"""`console bench signalling` runs end to end at a small size and prints its JSON last line."""

from __future__ import annotations

import argparse
import json

import pytest

from console.bench import run


def test_bench_signalling_small(capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(name="signalling", clients=30, rounds=3, db_url=None)
    assert run(args) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["clients"] == 30 and last["fanout_p95_ms"] > 0
    assert last["memory_per_connection_kb"] > 0
