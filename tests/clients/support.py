"""A server starter shared by the client tests and the network-namespace script."""

from __future__ import annotations

from console.signalling.memory_queue import MemoryQueue
from console.signalling.server import ServerConfig, SignallingServer

__all__ = ["SECRET", "MemoryQueue", "make_server"]

SECRET = b"client-tests-secret-0123456789abcdef"


def make_server(queue: MemoryQueue | None = None, **config: object) -> SignallingServer:
    cfg = ServerConfig(secret=SECRET, **config)  # type: ignore[arg-type]
    return SignallingServer(cfg, queue if queue is not None else MemoryQueue())
