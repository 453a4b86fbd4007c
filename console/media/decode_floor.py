"""Decode-only playback of clips or live streams in real time, laid out like the wall's
decoders: the floor."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import av

from console.media.decoder import ffmpeg_source, is_paced_file, open_options
from console.media.paced_pool import Job, PacedPool, Wait, default_workers

READ_TIMEOUT_S = 5.0


class PacedDecodeFloor:
    """Decodes each source in real time and nothing else: clips at their frame rate,
    looping; live streams (RTSP) as their server sends them, until they end.

    The same layout as the wall's decoders without conversion, hand-off or painting, so
    that process CPU time during a run is what decoding alone costs: clips' steps on a
    PacedPool with one thread per core, one codec thread each, waiting until each frame is
    due; live streams on a thread each, since their reads block. `pooled=False` gives each
    clip its own thread too, the layout the wall used before the pool, to compare the two.
    """

    def __init__(self, clips: Sequence[Path | str], *, pooled: bool | None = None) -> None:
        self._clips = [str(c) for c in clips]
        if pooled is None:
            pooled = all(is_paced_file(c) for c in self._clips)
        elif pooled and not all(is_paced_file(c) for c in self._clips):
            raise ValueError("live streams block in their reads: they cannot share a pool")
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._frames = 0
        self._errors: list[str] = []
        self._pool = PacedPool(default_workers(), name="floor-pool") if pooled else None
        self._jobs: list[Job] = []
        self._threads = (
            []
            if pooled
            else [
                threading.Thread(target=self._run, args=(clip,), name=f"floor-{i}")
                for i, clip in enumerate(self._clips)
            ]
        )

    def start(self) -> None:
        if self._pool is not None:
            for i, clip in enumerate(self._clips):
                self._jobs.append(self._pool.add(self._steps(clip), _nothing, f"floor-{i}"))
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 5.0) -> list[str]:
        """Stop and join every thread; returns the names of any still running."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        if self._pool is not None:
            for job in self._jobs:
                self._pool.wake(job, always=True)
            if not self._pool.join(timeout):
                return self._pool.thread_names()
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

    def _run(self, clip: str) -> None:
        for due, _ in self._steps(clip):
            wait = due - time.monotonic()
            if wait > 0:
                self._stop.wait(wait)

    def _steps(self, clip: str) -> Iterator[Wait]:
        paced = is_paced_file(clip)
        try:
            with av.open(
                ffmpeg_source(clip),
                options=open_options(clip, READ_TIMEOUT_S),
                timeout=(READ_TIMEOUT_S, READ_TIMEOUT_S),
            ) as container:
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
                            # A live stream's server paces it: the next read waits.
                            yield (anchor + shown * step if paced else 0.0, False)
                    if not paced:
                        raise EOFError("the stream ended")
                    container.seek(0)
                    codec.flush_buffers()
        except Exception as exc:  # reported by the benchmark, which then fails plainly
            with self._lock:
                self._errors.append(f"{Path(clip).name}: {exc!r}")


def _nothing() -> None:
    """A floor job's end needs no notice: stop() joins the pool."""
