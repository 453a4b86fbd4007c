"""The console's signalling adapter: one async interface, and its WebSocket implementation."""

from __future__ import annotations

import abc
import asyncio
import contextlib
import enum
import inspect
import itertools
import logging
import ssl as ssl_lib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import aiohttp
from pydantic import ValidationError

from console.core.tile_health import backoff_delay
from console.signalling import protocol as p

log = logging.getLogger(__name__)

TokenProvider = Callable[[], str] | Callable[[], Awaitable[str]]
# Codes after which retrying with the same token cannot help; the provider is asked again,
# and if it has nothing better the client gives up rather than hammer the server.
_FATAL_CODES = {p.ErrorCode.FORBIDDEN, p.ErrorCode.UNSUPPORTED_VERSION}


class ClientState(enum.Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class StateChanged:
    """A local, synthetic event: the connection state changed (e.g. show "signalling lost")."""

    state: ClientState
    attempt: int = 0
    resumed: bool = False
    error: str = ""
    type: Literal["local.state"] = "local.state"


Event = p.ServerMessage | StateChanged


class SignallingClient(abc.ABC):
    """What the console needs from any signalling backend."""

    @property
    @abc.abstractmethod
    def state(self) -> ClientState: ...

    @abc.abstractmethod
    async def connect(self) -> p.Welcome:
        """Connect and authenticate; raises when the first attempt fails."""

    @abc.abstractmethod
    async def send(self, msg: p.ClientMessage) -> None:
        """Send one message; raises ConnectionError while not connected."""

    @abc.abstractmethod
    def events(self) -> AsyncIterator[Event]:
        """Validated server messages and local StateChanged events, until closed."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    def new_id(self) -> str:
        """A fresh message id for this client."""


class _EventIterator:
    """Async iterator over the event queue that, unlike a generator, survives a cancelled
    `__anext__` (callers wrap it in `wait_for` to wake up periodically)."""

    def __init__(self, queue: asyncio.Queue[Event | None]) -> None:
        self._queue = queue
        self._done = False

    def __aiter__(self) -> _EventIterator:
        return self

    async def __anext__(self) -> Event:
        if self._done:
            raise StopAsyncIteration
        event = await self._queue.get()
        if event is None:
            self._done = True
            self._queue.put_nowait(None)  # other iterators end too
            raise StopAsyncIteration
        return event

    async def aclose(self) -> None:
        self._done = True


class HelloRefused(ConnectionError):
    def __init__(self, error: p.Error) -> None:
        super().__init__(f"{error.code.value}: {error.message}")
        self.error = error


class WebSocketSignallingClient(SignallingClient):
    """Our server's WebSocket transport, with jittered-backoff reconnect and session resume."""

    def __init__(
        self,
        url: str,
        token_provider: TokenProvider,
        *,
        ssl: ssl_lib.SSLContext | bool | None = None,
        client_name: str = "console",
        backoff_base: float = 0.25,
        backoff_cap: float = 10.0,
        hello_timeout: float = 10.0,
    ) -> None:
        self.url = url
        self._token_provider = token_provider
        self._ssl = ssl
        self._client_name = client_name
        self._backoff_base, self._backoff_cap = backoff_base, backoff_cap
        self._hello_timeout = hello_timeout
        self._state = ClientState.CLOSED
        self._ids = itertools.count(1)
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[None] | None = None
        self._events: asyncio.Queue[Event | None] = asyncio.Queue()
        self._closing = False
        self.session_id: str | None = None
        self.welcome: p.Welcome | None = None
        self.reconnects = 0

    @property
    def state(self) -> ClientState:
        return self._state

    def new_id(self) -> str:
        return f"c{next(self._ids)}"

    def _set_state(self, state: ClientState, **info: object) -> None:
        if state is self._state:
            return
        self._state = state
        self._events.put_nowait(StateChanged(state, **info))  # type: ignore[arg-type]

    async def _token(self) -> str:
        token = self._token_provider()
        if inspect.isawaitable(token):
            token = await token
        return str(token)

    async def connect(self) -> p.Welcome:
        if self._task is not None:
            raise RuntimeError("already connected")
        self._closing = False
        self._session = aiohttp.ClientSession()
        self._set_state(ClientState.CONNECTING)
        try:
            welcome = await self._open()
        except BaseException:
            await self._session.close()
            self._session = None
            self._set_state(ClientState.CLOSED, error="connect failed")
            raise
        self._task = asyncio.get_running_loop().create_task(self._run(), name="signalling-client")
        return welcome

    async def _open(self) -> p.Welcome:
        """One connection attempt: WebSocket, hello (resuming if we had a session), welcome."""
        assert self._session is not None
        ws = await self._session.ws_connect(
            self.url, ssl=self._ssl if self._ssl is not None else True, heartbeat=15.0
        )
        try:
            hello = p.Hello(
                id=self.new_id(),
                token=await self._token(),
                resume=self.session_id,
                client=self._client_name,
            )
            await ws.send_str(hello.model_dump_json(exclude_none=True))
            async with asyncio.timeout(self._hello_timeout):
                while True:
                    raw = await ws.receive()
                    if raw.type != aiohttp.WSMsgType.TEXT:
                        raise ConnectionError(f"connection closed during hello ({raw.type})")
                    msg = self._parse(raw.data)
                    if isinstance(msg, p.Welcome):
                        break
                    if isinstance(msg, p.Error) and msg.ref in (hello.id, None):
                        raise HelloRefused(msg)
                    if msg is not None:  # anything sent before the welcome is still news
                        self._events.put_nowait(msg)
        except BaseException:
            await ws.close()
            raise
        self._ws = ws
        self.session_id = msg.session
        self.welcome = msg
        self._events.put_nowait(msg)
        self._set_state(ClientState.CONNECTED, resumed=msg.resumed)
        return msg

    @staticmethod
    def _parse(data: str) -> p.ServerMessage | None:
        try:
            return p.server_message.validate_json(data)
        except ValidationError as exc:
            # A newer server may send types we do not know; drop them, keep the connection.
            log.warning("dropping invalid server message: %s", exc.errors()[:1])
            return None

    async def _run(self) -> None:
        pinger = asyncio.get_running_loop().create_task(self._ping(), name="signalling-ping")
        try:
            while not self._closing:
                await self._read()
                if self._closing:
                    break
                await self._reconnect()
        finally:
            pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pinger
            self._set_state(ClientState.CLOSED)
            self._events.put_nowait(None)

    async def _ping(self) -> None:
        """Protocol pings at half the server's heartbeat: a silent client is cut off."""
        while True:
            interval = self.welcome.heartbeat_s / 2 if self.welcome else 5.0
            await asyncio.sleep(max(0.05, interval))
            if self._state is ClientState.CONNECTED:
                with contextlib.suppress(ConnectionError, aiohttp.ClientError, RuntimeError):
                    await self.send(p.Ping(id=self.new_id()))

    async def _read(self) -> None:
        ws = self._ws
        assert ws is not None
        async for raw in ws:
            if raw.type == aiohttp.WSMsgType.TEXT:
                msg = self._parse(raw.data)
                if msg is not None and not isinstance(msg, p.Pong):
                    self._events.put_nowait(msg)
            elif raw.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                break
        self._ws = None
        with contextlib.suppress(Exception):
            await ws.close()

    async def _reconnect(self) -> None:
        attempt = 0
        while not self._closing:
            attempt += 1
            self._set_state(ClientState.RECONNECTING, attempt=attempt)
            await asyncio.sleep(backoff_delay(attempt, self._backoff_base, self._backoff_cap))
            if self._closing:
                return
            try:
                await self._open()
            except HelloRefused as exc:
                if exc.error.code in _FATAL_CODES:
                    log.error("signalling refused for good: %s", exc)
                    self._closing = True
                    return
                if exc.error.code is p.ErrorCode.NOT_FOUND:
                    # The server forgot our session (grace period over): start afresh.
                    self.session_id = None
                log.warning("signalling hello refused (attempt %d): %s", attempt, exc)
            except (aiohttp.ClientError, OSError, TimeoutError, ConnectionError) as exc:
                log.info("signalling reconnect attempt %d failed: %s", attempt, exc)
            else:
                self.reconnects += 1
                return

    async def send(self, msg: p.ClientMessage) -> None:
        ws = self._ws
        if ws is None or ws.closed or self._state is not ClientState.CONNECTED:
            raise ConnectionError(f"signalling not connected ({self._state.value})")
        await ws.send_str(msg.model_dump_json(by_alias=True, exclude_none=True))

    def events(self) -> AsyncIterator[Event]:
        return _EventIterator(self._events)

    async def drop_connection(self) -> None:
        """Close the socket as if the network failed (tests and fault drills)."""
        if self._ws is not None:
            await self._ws.close()

    async def close(self) -> None:
        self._closing = True
        ws = self._ws
        if ws is not None and not ws.closed:
            with contextlib.suppress(Exception):
                await ws.send_str(p.Bye(id=self.new_id()).model_dump_json())
            with contextlib.suppress(Exception):
                await ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        else:
            self._set_state(ClientState.CLOSED)
            self._events.put_nowait(None)
        if self._session is not None:
            await self._session.close()
            self._session = None
