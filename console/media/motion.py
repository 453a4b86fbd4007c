"""Motion detection in zones: background subtraction on a small grey picture, one alert per event.

Analytics never touch full resolution: the watcher runs its own small decoder (320x180 by
default), and the detector works on at most `MAX_ANALYSIS_WIDTH` pixels across.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from console.core.zones import Polygon, motion_threshold
from console.media.decoder import CameraDecoder
from console.media.masking import pixel_polygons

log = logging.getLogger(__name__)

MAX_ANALYSIS_WIDTH = 320
WATCH_SIZE = (320, 180)
# The background model needs a couple of seconds of pictures before its verdicts mean
# anything: at start every pixel is "new".
WARMUP_FRAMES = 25
# A zone that fired stays quiet until it has seen no motion for this long: one person
# crossing a zone is one alert, not one per frame.
COOLDOWN_S = 5.0
# Analysing every frame of a 25 fps stream buys nothing: 10 a second sees anyone crossing.
ANALYSIS_FPS = 10.0


@dataclass(frozen=True, slots=True)
class MotionZone:
    id: int
    points: Polygon
    sensitivity: int


@dataclass(frozen=True, slots=True)
class MotionHit:
    zone_id: int
    score: float  # fraction of the zone in motion


@dataclass
class _ZoneState:
    zone: MotionZone
    threshold: float
    mask: np.ndarray  # uint8 0/255 at analysis size
    area: int
    in_event: bool = False
    quiet_since: float | None = None


class MotionDetector:
    """Feeds pictures to a MOG2 background model and reports zones whose motion starts.

    Not thread-safe: one detector per watcher thread.
    """

    def __init__(
        self,
        zones: Sequence[MotionZone],
        *,
        warmup_frames: int = WARMUP_FRAMES,
        cooldown_s: float = COOLDOWN_S,
    ) -> None:
        self.warmup_frames = warmup_frames
        self.cooldown_s = cooldown_s
        self._zones = tuple(zones)
        self._states: list[_ZoneState] = []
        self._size: tuple[int, int] | None = None
        # No shadow detection: it doubles the cost and shadows are motion too, for us.
        self._model = cv2.createBackgroundSubtractorMOG2(
            history=250, varThreshold=25, detectShadows=False
        )
        self._kernel = np.ones((3, 3), np.uint8)
        self.frames = 0
        self.last_scores: dict[int, float] = {}

    @property
    def zones(self) -> tuple[MotionZone, ...]:
        return self._zones

    def set_zones(self, zones: Sequence[MotionZone]) -> None:
        """New zones keep the learnt background; their event state starts afresh."""
        self._zones = tuple(zones)
        self._size = None

    def _prepare(self, width: int, height: int) -> None:
        self._states = []
        for zone in self._zones:
            mask = np.zeros((height, width), np.uint8)
            cv2.fillPoly(mask, pixel_polygons([zone.points], width, height), 255)
            area = int(cv2.countNonZero(mask))
            if area:
                self._states.append(
                    _ZoneState(zone, motion_threshold(zone.sensitivity), mask, area)
                )
        self._size = (width, height)

    def analyse(self, image: np.ndarray, now: float) -> list[MotionHit]:
        """Zones whose motion starts with this picture (BGR, BGRA or grey, any size)."""
        grey = _small_grey(image)
        h, w = grey.shape
        if self._size != (w, h):
            self._prepare(w, h)
        foreground = self._model.apply(grey)
        self.frames += 1
        if self.frames <= self.warmup_frames:
            return []
        # Opening removes single-pixel speckle (sensor noise, compression) before counting.
        foreground = cv2.morphologyEx(foreground, cv2.MORPH_OPEN, self._kernel)
        hits = []
        for state in self._states:
            moving = cv2.countNonZero(cv2.bitwise_and(foreground, state.mask))
            score = moving / state.area
            self.last_scores[state.zone.id] = score
            if score >= state.threshold:
                state.quiet_since = None
                if not state.in_event:
                    state.in_event = True
                    hits.append(MotionHit(state.zone.id, score))
            elif state.in_event:
                if state.quiet_since is None:
                    state.quiet_since = now
                elif now - state.quiet_since >= self.cooldown_s:
                    state.in_event = False
                    state.quiet_since = None
        return hits


def _small_grey(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        grey = image
    elif image.shape[2] == 4:
        grey = cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    else:
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    if w > MAX_ANALYSIS_WIDTH:
        scale = MAX_ANALYSIS_WIDTH / w
        size = (MAX_ANALYSIS_WIDTH, max(2, round(h * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    return grey


# Called on the watcher thread: (zone id, score, the small BGRA picture that fired).
AlertCallback = Callable[[int, float, np.ndarray], None]


class MotionWatcher:
    """A named thread (`motion-<camera>`) running a small decoder and a MotionDetector.

    The decoder (`decode-motion-<camera>`) is its own connection at analysis size, so the
    wall's tile size, pauses and stream switches never change what the analytics see.
    """

    def __init__(
        self,
        camera_code: str,
        url: str,
        zones: Sequence[MotionZone],
        on_alert: AlertCallback,
        *,
        size: tuple[int, int] = WATCH_SIZE,
        analysis_fps: float = ANALYSIS_FPS,
        warmup_frames: int = WARMUP_FRAMES,
        cooldown_s: float = COOLDOWN_S,
        **decoder_options: object,
    ) -> None:
        if size[0] > MAX_ANALYSIS_WIDTH:
            raise ValueError(f"analysis is at most {MAX_ANALYSIS_WIDTH} px wide")
        self.camera_code = camera_code
        self._on_alert = on_alert
        self._interval = 1.0 / analysis_fps
        self.detector = MotionDetector(zones, warmup_frames=warmup_frames, cooldown_s=cooldown_s)
        self._pending_zones: tuple[MotionZone, ...] | None = None
        self._lock = threading.Lock()
        self.decoder = CameraDecoder(
            f"motion-{camera_code}",
            url,
            target_size=size,
            **decoder_options,  # type: ignore[arg-type]
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"motion-{camera_code}", daemon=False
        )
        self.frames_analysed = 0
        self.alerts = 0
        self.cpu_s = 0.0  # CPU time of the analysis thread (the decoder's is separate)

    def start(self) -> None:
        self.decoder.start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.decoder.stop()

    def join(self, timeout: float | None = None) -> bool:
        ended = True
        if self._thread.ident is not None:
            self._thread.join(timeout)
            ended = not self._thread.is_alive()
        return self.decoder.join(timeout) and ended

    def is_alive(self) -> bool:
        return self._thread.is_alive() or self.decoder.is_alive()

    def set_zones(self, zones: Sequence[MotionZone]) -> None:
        """Any thread: the watcher thread picks the new zones up before its next picture."""
        with self._lock:
            self._pending_zones = tuple(zones)

    def _run(self) -> None:
        slot = self.decoder.slot
        while not self._stop.wait(self._interval):
            frame = slot.take()
            if frame is None:
                continue
            began = time.thread_time()
            with self._lock:
                pending, self._pending_zones = self._pending_zones, None
            if pending is not None:
                self.detector.set_zones(pending)
            hits = self.detector.analyse(frame.image, frame.pts_s)
            self.frames_analysed += 1
            self.cpu_s += time.thread_time() - began
            for hit in hits:
                self.alerts += 1
                try:
                    self._on_alert(hit.zone_id, hit.score, frame.image)
                except Exception:  # a failing store must not end the watch
                    log.exception("motion alert handler failed on %s", self.camera_code)
