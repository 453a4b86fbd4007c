"""`console camera import` as an administrator runs it; `console bench catalogue` at small size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.__main__ import main
from console.bench.common import STRICT_ENV
from console.store.repos import audit, cameras
from console.store.store import Store

DATA = Path(__file__).parent / "data"


def test_import_csv_then_catalogue_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "console",
            "camera",
            "import",
            str(DATA / "cameras.csv"),
            "--db",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "新增 4" in out.stdout and "问题 3" in out.stdout
    assert "第 4 行" in out.stdout and "第 5 行" in out.stdout and "第 6 行" in out.stdout
    for secret in ("S3cret", "Pa55word", "ftpsecret"):
        assert secret not in out.stdout + out.stderr

    assert main(["camera", "import", str(DATA / "catalog_gb2312.xml"), "--db", url]) == 0
    assert main(["camera", "import", str(DATA / "cameras.csv"), "--db", url]) == 0
    store = Store(url)
    try:
        assert store.read_sync(cameras.count) == 6
        assert store.read_sync(audit.count) == 3
        assert store.read_sync(audit.verify) == []
    finally:
        store.close()


def test_nothing_importable_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b'<?xml version="1.0" encoding="GB2312"?><Response><CmdType>Catalog')
    assert main(["camera", "import", str(broken), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "broken.xml" in err and "XML 格式错误" in err

    all_bad = tmp_path / "bad.csv"
    all_bad.write_text("设备编码,名称,纬度\nC1,东门,95\n,西门,30\n", encoding="utf-8")
    assert main(["camera", "import", str(all_bad), "--db", url]) == 2
    printed = capsys.readouterr().out
    assert "新增 0" in printed and "第 2 行" in printed and "第 3 行" in printed

    assert main(["camera", "import", str(tmp_path / "missing.csv"), "--db", url]) == 2
    assert "missing.csv" in capsys.readouterr().err

    store = Store(url)
    try:
        assert store.read_sync(cameras.count) == 0
        # The refused files left no trace; the all-bad CSV is on record as an attempt.
        assert store.read_sync(audit.count) == 1
    finally:
        store.close()


def test_bench_catalogue_small() -> None:
    env = dict(os.environ)
    env.pop(STRICT_ENV, None)  # performance targets are the benchmark's business, not a test's
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "console",
            "bench",
            "catalogue",
            "--cameras",
            "600",
            "--rounds",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    assert result["bench"] == "catalogue" and result["cameras"] == 600
    assert result["import_s"] > 0 and 0 < result["search_p50_ms"] <= result["search_p95_ms"]
    assert result["hits"]["zzzzz"] == 0 and result["hits"]["金寨路"] > 0
    assert "Bench0" not in out.stdout  # the generated stream passwords stay in the store
