"""One remote party of `console bench room --janus N`, run as its own process by the bench.

Usage: python -m console.bench.room_party URL ROOM NAME FPS. It joins, publishes, subscribes
to everyone, and talks to the bench over stdio, one JSON object per line: it prints
{"joined": feed}, then {"flowing": k} whenever k remote feeds have decoded frames. On a
stdin line "measure S" it counts for S seconds and prints {"report": …}; on "quit" or the
end of stdin it leaves the room.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from console.media.frame_slot import Frame
from console.media.peer import read_counter
from console.services.janus_room import JanusRoomParticipant

SKIP_FIRST = 15  # the first frames carry encoder start-up, not steady state


class Window:
    """Frames and barcode samples per remote feed while a measurement window is open."""

    def __init__(self) -> None:
        self.open = False
        self.samples: list[tuple[int, int, float]] = []
        """(feed, barcode value, converted at) for each converted frame in the window."""

    def on_frame(self, feed: int, frame: Frame) -> None:
        if not self.open:
            return
        value = read_counter(frame.image)
        if value is not None and value >= SKIP_FIRST:
            self.samples.append((feed, value, frame.decoded_at))


async def measure_window(
    person: JanusRoomParticipant, window: Window, seconds: float
) -> dict[str, Any]:
    """Count `person`'s received frames per feed over `seconds`; with sent times for latency."""
    start = {feed: f.frames_received for feed, f in person.feeds.items()}
    cpu0, t0 = time.process_time(), time.monotonic()
    window.samples.clear()
    window.open = True
    await asyncio.sleep(seconds)  # the measurement window itself
    window.open = False
    wall = time.monotonic() - t0
    return {
        "display": person.display,
        "feed": person.feed,
        "fps": {
            str(feed): (f.frames_received - start.get(feed, 0)) / wall
            for feed, f in person.feeds.items()
        },
        "samples": window.samples,
        "sent": {str(v): t for v, t in person.video.sent_at.items() if t >= t0 - 2.0},
        "cpu_cores": (time.process_time() - cpu0) / wall,
        "window_s": wall,
    }


def flowing(person: JanusRoomParticipant) -> int:
    return sum(1 for f in person.feeds.values() if f.frames_received > 0)


def say(obj: dict[str, Any]) -> None:
    print(json.dumps(obj), flush=True)


async def serve_bench(
    flowing_now: Callable[[], int], measure: Callable[[float], Awaitable[dict[str, Any]]]
) -> int:
    """Talk to the bench over stdio until it says quit (or stdin ends): say how many remote
    feeds flow whenever that changes, and measure a window on "measure S"."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    command = loop.create_task(reader.readline())
    try:
        told = -1
        while True:
            now = flowing_now()
            if now != told:
                told = now
                say({"flowing": now})
            done, _ = await asyncio.wait({command}, timeout=0.2)
            if not done:
                continue
            line = command.result().decode().split()
            if not line or line[0] == "quit":
                return 0
            if line[0] == "measure":
                say({"report": await measure(float(line[1]))})
            command = loop.create_task(reader.readline())
    finally:
        command.cancel()


async def main(url: str, room: int, name: str, fps: int) -> int:
    window = Window()
    # A party only reads the barcode back, so its frames are converted at a small size.
    person = JanusRoomParticipant(
        url, room, name, size=(640, 360), fps=fps, sink_size=(160, 90), on_frame=window.on_frame
    )
    try:
        joined = await person.join()
        say({"joined": joined.feed})
        return await serve_bench(
            lambda: flowing(person), lambda s: measure_window(person, window, s)
        )
    finally:
        await person.leave()


def quiet_decoder_warnings() -> None:
    # Until a subscriber's first key frame arrives, aiortc logs each undecodable frame.
    logging.getLogger("aiortc.rtcrtpreceiver").setLevel(logging.ERROR)


if __name__ == "__main__":
    quiet_decoder_warnings()
    sys.exit(asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
