"""The real app in demo mode in a real X window (Xvfb): every screen shows data and Chinese renders.

Screenshots stay in tests/screenshots/ for review.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtGui import QImage

SCREENSHOT_DIR = Path(__file__).with_name("screenshots")
SCREENS = ("intake", "mediation", "wall", "assessment")


def _distinct_colours(image: QImage, step: int = 7) -> int:
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_demo_screens_render_under_xvfb(xvfb_display: str, tmp_path: Path) -> None:
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb"}
    started = time.monotonic()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "console",
            "--demo",
            "--lang",
            "zh_CN",
            "--role",
            "supervisor",
            "--db",
            f"sqlite:///{tmp_path / 'demo.sqlite'}",
            "--screenshots",
            str(SCREENSHOT_DIR),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads((SCREENSHOT_DIR / "report.json").read_text())
    assert report["missing_glyphs"] == [], f"font {report['font_family']} lacks glyphs"
    assert report["titles"] == {
        "intake": "视频接访",
        "mediation": "视频调解",
        "wall": "视频监控",
        "assessment": "视频研判",
    }
    for key in SCREENS:
        image = QImage(str(SCREENSHOT_DIR / f"{key}.png"))
        assert not image.isNull(), key
        assert image.width() >= 1280 and image.height() >= 720, key
        # A blank or placeholder screen has a handful of colours; a populated one has many.
        assert _distinct_colours(image) > 60, f"{key} looks blank"
    # The embedded signalling server ran and its simulated caller reached the shared queue.
    assert "console: signalling on http://127.0.0.1:" in out.stdout
    conn = sqlite3.connect(tmp_path / "demo.sqlite")
    try:
        demo_calls = conn.execute(
            "SELECT count(*) FROM petition_call WHERE caller_name = '演示来电人'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert demo_calls >= 1
    assert time.monotonic() - started < 240
