"""Health of one camera tile, decided from plain facts about its stream, and reconnect backoff."""

from __future__ import annotations

import enum
import random

# A wall tile at 25 fps that has shown nothing new for two seconds looks broken to an operator.
STALE_AFTER_S = 2.0
# After this long without a picture while disconnected after a failure, stop saying
# "reconnecting": the camera is down as far as the duty officer is concerned (retries still
# continue). The wall promises "offline within 3 s of the server dying"; a camera that is
# back within this long never shows offline at all.
OFFLINE_AFTER_S = 2.5
# Same threshold counted in failed attempts, for cameras that never produced a frame.
OFFLINE_AFTER_ATTEMPTS = 5
# Unchanged frames in a row (2 s at 25 fps) before we call a picture frozen: a hung
# sensor or NVR keeps sending the same picture, a live scene always has motion or noise.
FROZEN_AFTER_FRAMES = 50

BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 30.0


class TileHealth(enum.Enum):
    CONNECTING = "connecting"
    LIVE = "live"
    STALE = "stale"
    FROZEN = "frozen"
    RECONNECTING = "reconnecting"
    OFFLINE = "offline"
    DENIED = "denied"


def classify(
    *,
    connected: bool,
    had_frame: bool,
    seconds_without_frame: float,
    identical_frames: int,
    auth_failed: bool,
    attempts: int,
) -> TileHealth:
    """Decide a tile's health.

    `seconds_without_frame` counts from the last frame, or from the start of watching when
    there never was one; `identical_frames` is the current run of frames that look the same
    as the one before (the decoder decides "the same", allowing for compression wobble);
    `attempts` counts failed connection attempts since the last good frame.
    """
    if auth_failed:
        # Retrying with the same credentials only risks locking the account on the camera.
        return TileHealth.DENIED
    if not connected:
        # A first attempt still under way is not a failure yet, however slow the camera.
        failing = attempts >= 1 and seconds_without_frame >= OFFLINE_AFTER_S
        if attempts >= OFFLINE_AFTER_ATTEMPTS or failing:
            return TileHealth.OFFLINE
        return TileHealth.CONNECTING if attempts == 0 else TileHealth.RECONNECTING
    if seconds_without_frame >= STALE_AFTER_S:
        return TileHealth.STALE
    if not had_frame:
        return TileHealth.CONNECTING
    if identical_frames >= FROZEN_AFTER_FRAMES:
        return TileHealth.FROZEN
    return TileHealth.LIVE


def backoff_delay(
    attempt: int,
    base: float = BACKOFF_BASE_S,
    cap: float = BACKOFF_CAP_S,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before retry number `attempt` (1 = first retry).

    Full jitter (a uniform draw below an exponentially growing ceiling): when a switch
    reboots, hundreds of cameras fail at once, and spreading their retries keeps them from
    hammering the NVR in lock-step.
    """
    # Clamp the exponent: 2**1100 overflows a float long before anyone waits that long.
    ceiling = min(cap, base * 2.0 ** min(max(attempt - 1, 0), 60))
    draw = rng.uniform if rng is not None else random.uniform
    return draw(0.0, ceiling)
