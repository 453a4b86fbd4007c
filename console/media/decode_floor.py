"""Decode-only playback of clips in real time, one named thread each: the floor a wall costs."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import av


class PacedDecodeFloor:
    """Decodes each clip on its own thread at the clip's frame rate, looping, and nothing else.

    The same thread layout as the wall's decoders (one thread per stream, one codec thread,
    sleeping until each frame is due) without conversion, hand-off or painting, so that
    process CPU time during a run is what decoding alone costs.
    """

    def __init__(self, clips: Sequence[Path]) -> None:
        self._clips = [Path(c) for c in clips]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._frames = 0
        self._errors: list[str] = []
        self._threads = [
            threading.Thread(target=self._run, args=(clip,), name=f"floor-{i}", daemon=False)
            for i, clip in enumerate(self._clips)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 5.0) -> list[str]:
        """Stop and join every thread; returns the names of any still running."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return [t.name for t in self._threads if t.is_alive()]

    @property
    def frames(self) -> int:
        with self._lock:
            return self._frames

    @property
    def errors(self) -> list[str]:
        with self._lock:
            return list(self._errors)

    def _run(self, clip: Path) -> None:
        try:
            with av.open(str(clip)) as container:
                stream = container.streams.video[0]
                codec = stream.codec_context
                codec.thread_count = 1
                step = 1.0 / float(stream.average_rate or 25)
                anchor = time.monotonic()
                shown = 0
                while not self._stop.is_set():
                    for packet in container.demux(stream):
                        if self._stop.is_set():
                            return
                        for _frame in codec.decode(packet):
                            shown += 1
                            with self._lock:
                                self._frames += 1
                            wait = anchor + shown * step - time.monotonic()
                            if wait > 0:
                                self._stop.wait(wait)
                    container.seek(0)
                    codec.flush_buffers()
        except Exception as exc:  # reported by the benchmark, which then fails plainly
            with self._lock:
                self._errors.append(f"{clip.name}: {exc!r}")
