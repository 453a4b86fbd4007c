"""One local camera or microphone sent to several peers at once (mesh rooms).

A MediaStreamTrack hands each frame to whoever calls `recv` first, so two peer connections
reading one camera would each get every other frame. `TrackFanOut` gives every peer its
own proxy track fed with every frame; a slow peer's proxy drops frames, never the source.
"""

from __future__ import annotations

from typing import Any

from aiortc.contrib.media import MediaRelay


class TrackFanOut:
    """Proxies of one source track; stopping the fan-out stops the source."""

    def __init__(self, source: Any) -> None:
        self.source = source
        self._relay = MediaRelay()

    def proxy(self) -> Any:
        # buffered=False: each proxy keeps only the newest frame (latest wins, nothing queues).
        return self._relay.subscribe(self.source, buffered=False)

    def stop(self) -> None:
        self.source.stop()
