"""The set of running camera decoders of a video wall, by camera code, and their shutdown."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from console.media.connection_gate import ConnectionGate, shared_gate
from console.media.decoder import CameraDecoder, DecoderStats
from console.media.frame_slot import LatestFrameSlot


@dataclass(frozen=True, slots=True)
class CloseReport:
    joined: tuple[str, ...]  # thread names that ended
    leftovers: tuple[str, ...]  # thread names still running when the time ran out

    @property
    def clean(self) -> bool:
        return not self.leftovers


class DecoderPool:
    """Starts and stops decoders by camera code; `close()` stops and joins every one.

    Stopping never blocks the caller (the GUI thread): a stopped decoder is signalled and
    parked until its thread ends, which can take up to its FFmpeg timeout; `reap()` forgets
    the finished ones and `close()` waits for all of them.
    """

    def __init__(self, gate: ConnectionGate | None = None, **decoder_defaults: Any) -> None:
        self._gate = gate if gate is not None else shared_gate()
        self._defaults = decoder_defaults
        self._lock = threading.Lock()
        self._active: dict[str, CameraDecoder] = {}
        self._retiring: list[CameraDecoder] = []
        self._closed = False

    @property
    def gate(self) -> ConnectionGate:
        return self._gate

    def start(
        self,
        camera_code: str,
        url: str,
        slot: LatestFrameSlot | None = None,
        *,
        target_size: tuple[int, int] = (0, 0),
        **options: Any,
    ) -> CameraDecoder:
        """The running decoder for `camera_code`, started now if needed.

        A running decoder for the same URL is reused (its target size updated); another URL
        (a switch between main and sub stream, say) replaces it.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the decoder pool is closed")
            current = self._active.get(camera_code)
            if current is not None and current.url == url and current.is_alive():
                current.set_target_size(*target_size)
                return current
            if current is not None:
                self._retire(current)
            decoder = CameraDecoder(
                camera_code,
                url,
                slot,
                target_size=target_size,
                gate=self._gate,
                **{**self._defaults, **options},
            )
            self._active[camera_code] = decoder
        decoder.start()
        return decoder

    def stop(self, camera_code: str) -> bool:
        """Signal the decoder to end; False if there was none."""
        with self._lock:
            decoder = self._active.pop(camera_code, None)
            if decoder is None:
                return False
            self._retire(decoder)
            return True

    def get(self, camera_code: str) -> CameraDecoder | None:
        with self._lock:
            return self._active.get(camera_code)

    def codes(self) -> list[str]:
        with self._lock:
            return list(self._active)

    def set_target_size(self, camera_code: str, width: int, height: int) -> None:
        decoder = self.get(camera_code)
        if decoder is not None:
            decoder.set_target_size(width, height)

    def stats(self) -> dict[str, DecoderStats]:
        with self._lock:
            decoders = list(self._active.items())
        return {code: d.stats() for code, d in decoders}

    def reap(self) -> int:
        """Forget retired decoders whose threads have ended; returns how many are left."""
        with self._lock:
            self._retiring = [d for d in self._retiring if d.is_alive()]
            return len(self._retiring)

    def close(self, timeout: float = 6.0) -> CloseReport:
        """Stop every decoder, then join them all within `timeout` seconds in total."""
        with self._lock:
            self._closed = True
            for decoder in self._active.values():
                self._retire(decoder)
            self._active.clear()
            decoders, self._retiring = self._retiring, []
        # All are signalled before any join, so their FFmpeg timeouts run concurrently.
        deadline = time.monotonic() + timeout
        joined: list[str] = []
        leftovers: list[str] = []
        for decoder in decoders:
            ended = decoder.join(max(0.0, deadline - time.monotonic()))
            (joined if ended else leftovers).append(decoder.thread_name)
        return CloseReport(tuple(joined), tuple(leftovers))

    def _retire(self, decoder: CameraDecoder) -> None:
        decoder.stop()
        self._retiring.append(decoder)

    def __enter__(self) -> DecoderPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
