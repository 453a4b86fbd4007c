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
import warnings
from pathlib import Path

from PySide6.QtGui import QImage

SCREENSHOT_DIR = Path(__file__).with_name("screenshots")
SCREENS = ("intake", "mediation", "wall", "assessment")
ASSESSMENT_PAGES = ("ledger", "evidence", "map", "statistics")


def _distinct_colours(image: QImage, step: int = 7) -> int:
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def _run_demo(
    display: str, db: Path, folder: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    try:
        return _run(env, db, folder, extra)
    except subprocess.TimeoutExpired as exc:
        said = (exc.stdout or b"").decode(errors="replace")[-2000:]
        errs = (exc.stderr or b"").decode(errors="replace")[-3000:]
        raise AssertionError(f"the demo did not finish:\n{said}\n{errs}") from None


def _run(
    env: dict[str, str], db: Path, folder: Path, extra: tuple[str, ...]
) -> subprocess.CompletedProcess[str]:
    done = _run_console(env, db, folder, extra)
    if "still not closed" in done.stderr:
        # The exit guard ended a console that would not close (seen once, under load): not
        # what these screenshots test, but the team must see which thread held it.
        warnings.warn(done.stderr[done.stderr.index("still not closed") :][:4000], stacklevel=2)
    return done


def _run_console(
    env: dict[str, str], db: Path, folder: Path, extra: tuple[str, ...]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
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
            f"sqlite:///{db}",
            "--screenshots",
            str(folder),
            *extra,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def _assert_pages_populated(folder: Path, names: tuple[str, ...], screen: tuple[int, int]):  # type: ignore[no-untyped-def]
    """Each page fills the screen's width and fits on it, and shows data."""
    for name in names:
        image = QImage(str(folder / f"{name}.png"))
        assert not image.isNull(), name
        assert image.width() == screen[0], (name, image.size())
        assert screen[1] * 0.9 <= image.height() <= screen[1], (name, image.size())
        # A blank or placeholder screen has a handful of colours; a populated one has many.
        assert _distinct_colours(image) > 60, f"{name} looks blank"


def test_demo_screens_render_under_xvfb(xvfb_display: str, tmp_path: Path) -> None:
    started = time.monotonic()
    out = _run_demo(xvfb_display, tmp_path / "demo.sqlite", SCREENSHOT_DIR)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads((SCREENSHOT_DIR / "report.json").read_text())
    assert report["missing_glyphs"] == [], f"font {report['font_family']} lacks glyphs"
    assert report["titles"] == {
        "intake": "视频接访",
        "mediation": "视频调解",
        "wall": "视频监控",
        "assessment": "视频研判",
    }
    _assert_pages_populated(SCREENSHOT_DIR, SCREENS, (1920, 1080))
    _assert_pages_populated(
        SCREENSHOT_DIR, tuple(f"assessment-{p}" for p in ASSESSMENT_PAGES), (1920, 1080)
    )
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
    # Closing ends what the screens still had running instead of dropping it mid-flight.
    assert "Task was destroyed but it is pending" not in out.stderr, out.stderr[-3000:]


def test_assessment_pages_on_a_4k_big_screen(xvfb_big_display: str, tmp_path: Path) -> None:
    """Big-screen mode on a 3840×2160 wall: every assessment page fills it and shows data."""
    folder = SCREENSHOT_DIR / "4k"
    out = _run_demo(xvfb_big_display, tmp_path / "demo.sqlite", folder, "--fullscreen")
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads((folder / "report.json").read_text())
    assert report["missing_glyphs"] == []
    pages = ("assessment", *(f"assessment-{p}" for p in ASSESSMENT_PAGES))
    _assert_pages_populated(folder, pages, (3840, 2160))
