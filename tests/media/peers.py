"""Minimal loopback peers that behave like broken cameras: silent, or refusing the login."""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType


class _LoopbackServer:
    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def url(self, path: str = "stream", userinfo: str = "") -> str:
        at = f"{userinfo}@" if userinfo else ""
        return f"rtsp://{at}127.0.0.1:{self.port}/{path}"

    def __enter__(self) -> _LoopbackServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        for thread in self._threads:
            thread.join(2.0)


class SilentServer(_LoopbackServer):
    """Completes TCP handshakes (the kernel does, from the backlog) and never says a word:
    a camera whose firmware hung."""

    def __enter__(self) -> SilentServer:
        return self


class UnauthorizedRtspServer(_LoopbackServer):
    """Answers every RTSP request with 401 Unauthorized, as a camera does to a wrong
    password; counts the requests it saw."""

    def __init__(self) -> None:
        super().__init__()
        self.requests = 0
        self._count_lock = threading.Lock()
        self._sock.settimeout(0.1)
        accept = threading.Thread(target=self._accept_loop, name="peer-rtsp401", daemon=True)
        self._threads.append(accept)
        accept.start()

    def __enter__(self) -> UnauthorizedRtspServer:
        return self

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            handler = threading.Thread(
                target=self._serve, args=(conn,), name="peer-rtsp401-conn", daemon=True
            )
            self._threads.append(handler)
            handler.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.2)
        buffer = b""
        with conn:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                buffer += chunk
                while b"\r\n\r\n" in buffer:
                    head, buffer = buffer.split(b"\r\n\r\n", 1)
                    with self._count_lock:
                        self.requests += 1
                    cseq = b"0"
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"cseq:"):
                            cseq = line.split(b":", 1)[1].strip()
                    conn.sendall(
                        b"RTSP/1.0 401 Unauthorized\r\nCSeq: " + cseq + b"\r\n"
                        b'WWW-Authenticate: Basic realm="camera"\r\n\r\n'
                    )
