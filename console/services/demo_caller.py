"""The simulated citizen (`console demo-caller`): joins the queue with generated video and audio."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

from console.core.codes import DisputeCategory
from console.services.call_peer import CallStats, request_ticket, run_caller, ws_url
from console.signalling.client import WebSocketSignallingClient

DEFAULT_URL = "http://127.0.0.1:8443"


async def run_demo_caller(
    base_url: str,
    *,
    name: str = "演示来电人",
    category: str = DisputeCategory.NEIGHBOUR.code,
    seconds: float = 20.0,
    phone: str = "",
    ice_servers: list[dict[str, Any]] | None = None,
    ssl: Any = None,
    timeout: float = 600.0,
) -> CallStats:
    """Take a ticket, queue, answer the officer's offer, hang up `seconds` after acceptance."""
    ticket, token = await request_ticket(base_url, name=name, category=category, ssl=ssl)
    client = WebSocketSignallingClient(
        ws_url(base_url), lambda: token, ssl=ssl, client_name="demo-caller"
    )
    await client.connect()
    try:
        return await run_caller(
            client,
            ticket=ticket,
            name=name,
            category=category,
            seconds=seconds,
            phone=phone,
            ice_servers=ice_servers,
            timeout=timeout,
        )
    finally:
        await client.close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="console demo-caller", description="模拟来电人")
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=DEFAULT_URL, help="signalling server base URL")
    parser.add_argument("--name", default="演示来电人")
    parser.add_argument(
        "--category", default=DisputeCategory.NEIGHBOUR.code, choices=DisputeCategory.codes()
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="talk time after accept")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up waiting after")


def main_demo_caller(argv: Sequence[str] | None = None) -> int:
    """CLI entry: prints the call's stats as JSON; 0 when video flowed both ways."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    try:
        stats = asyncio.run(
            run_demo_caller(
                args.url,
                name=args.name,
                category=args.category,
                seconds=args.seconds,
                timeout=args.timeout,
            )
        )
    except (OSError, TimeoutError) as exc:
        # aiohttp's connection errors are OSErrors: say what failed, not a traceback.
        print(f"error: cannot reach the signalling server at {args.url}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(stats.as_dict(), ensure_ascii=False))
    return 0 if stats.frames_received > 0 else 1
