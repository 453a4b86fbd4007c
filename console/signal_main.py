"""`console-signal`: the signalling server standalone, wired to the console's store."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path

from console.core import paths, tokens
from console.core.codes import Role
from console.services.signalling_store import StoreQueue, StoreRoomSeats
from console.signalling.janus_rooms import JanusLink
from console.signalling.server import ServerConfig, SignallingServer
from console.store import migrate
from console.store.store import Store


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="console-signal", description=__doc__)
    ap.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only)")
    ap.add_argument("--port", type=int, default=8443)
    ap.add_argument("--db", dest="db_url", default=None, help="store URL (SQLite or PostgreSQL)")
    ap.add_argument("--cert", type=Path, default=None, help="TLS certificate chain (PEM)")
    ap.add_argument("--key", type=Path, default=None, help="TLS private key (PEM)")
    ap.add_argument("--secret-file", type=Path, default=None, help="token signing key file")
    ap.add_argument("--heartbeat", type=float, default=15.0)
    ap.add_argument("--grace", type=float, default=30.0)
    ap.add_argument("--web-root", type=Path, default=None, help="citizen page directory")
    ap.add_argument(
        "--janus",
        metavar="URL",
        default=None,
        help="Janus WebSocket for rooms scheduled with the media server (ws://host:8188/)",
    )
    ap.add_argument(
        "--janus-client-url",
        metavar="URL",
        default=None,
        help="the Janus address as the participants' browsers reach it (default: --janus)",
    )
    ap.add_argument(
        "--issue-staff-token",
        metavar="USER_ID:ROLE[:NAME]",
        help="print a 12-hour staff token signed with the secret file, then exit",
    )
    ap.add_argument("--log-level", default="INFO")
    return ap


def _staff_token(secret: bytes, spec: str) -> str:
    user, _, rest = spec.partition(":")
    role, _, name = rest.partition(":")
    return tokens.issue(
        secret,
        kind="staff",
        subject=user,
        role=Role(role).code,
        ttl_s=tokens.STAFF_TTL_S,
        name=name,
    )


async def _serve(config: ServerConfig, db_url: str) -> None:
    store = Store(db_url)
    server = SignallingServer(config, StoreQueue(store), StoreRoomSeats(store))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await server.start()
        await stop.wait()
    finally:
        await server.stop()
        store.close()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(message)s", stream=sys.stderr)
    secret_file = args.secret_file or paths.data_dir() / "signalling.key"
    secret = tokens.load_or_create_secret(secret_file)
    if args.issue_staff_token:
        print(_staff_token(secret, args.issue_staff_token))
        return 0
    if (args.cert is None) != (args.key is None):
        print("console-signal: give both --cert and --key, or neither", file=sys.stderr)
        return 2
    db_url = args.db_url or paths.default_db_url(demo=False)
    migrate.upgrade(db_url)
    config = ServerConfig(
        secret=secret,
        host=args.host,
        port=args.port,
        cert_path=args.cert,
        key_path=args.key,
        heartbeat_s=args.heartbeat,
        grace_s=args.grace,
        janus=JanusLink(args.janus, args.janus_client_url or "") if args.janus else None,
    )
    if args.web_root is not None:
        config.web_root = args.web_root
    asyncio.run(_serve(config, db_url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
