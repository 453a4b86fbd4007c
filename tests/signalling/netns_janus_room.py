"""Run inside `unshare -n`: real Janus, six aiortc participants, a full room and a cut WebSocket.

Prints one JSON object as its last line; test_janus_room.py asserts on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from console.bench.room import private_janus  # noqa: E402
from console.services.janus_room import (  # noqa: E402
    JanusRoomParticipant,
    RemoteFeedDropped,
    RoomEvent,
    create_janus_room,
    destroy_janus_room,
)
from console.signalling.janus import (  # noqa: E402
    ConnectionLost,
    JanusError,
    SessionLost,
    SessionReclaimed,
)
from tests.signalling.janus_support import CuttableProxy  # noqa: E402

ROOM = 6006
SCENARIO_S = 200.0
"""A bound, not a duration: 40-60 s alone, over 100 s once beside another six-person room."""
SEATS = 6
T0 = time.monotonic()
FRAMES = 30
FRAMES_AFTER_CUT = 15
RECLAIM_S = 6  # Janus keeps a session whose WebSocket dropped this long
FPS = 10  # the frames to decode cost the same at any rate; a low rate leaves CPU for them


class Seen:
    """Room events one participant saw, in order."""

    def __init__(self) -> None:
        self.items: list[RoomEvent] = []

    def __call__(self, event: RoomEvent) -> None:
        self.items.append(event)

    def names(self) -> list[str]:
        return [type(e).__name__ for e in self.items]


async def main() -> dict[str, Any]:
    out: dict[str, Any] = {"ok": False}
    folder = Path(tempfile.mkdtemp(prefix="janus-test-"))
    people: list[JanusRoomParticipant] = []
    proxy: CuttableProxy | None = None
    outage: CuttableProxy | None = None
    janus_log = ""
    try:
        # A short session timeout: the room outlives it only if keepalives work.
        async with private_janus(
            folder, session_timeout_s=15, reclaim_timeout_s=RECLAIM_S
        ) as janus:
            try:
                host, port = "127.0.0.1", janus.process.cfg.ws_port
                proxy = CuttableProxy(host, port)
                await proxy.start()
                outage = CuttableProxy(host, port)
                await outage.start()
                out["janus_up_s"] = round(time.monotonic() - T0, 1)
                await create_janus_room(janus.url, ROOM, publishers=SEATS)
                seen = [Seen() for _ in range(SEATS)]
                for i in range(SEATS):
                    # The last one reaches Janus through a proxy: its WebSocket gets cut.
                    # The fifth through another: its network stays down past the reclaim.
                    url = janus.url
                    if i == SEATS - 1:
                        url = f"ws://127.0.0.1:{proxy.port}/"
                    elif i == SEATS - 2:
                        url = f"ws://127.0.0.1:{outage.port}/"
                    person = JanusRoomParticipant(
                        url, ROOM, f"party-{i + 1}", size=(640, 360), fps=FPS, keepalive_s=4.0
                    )
                    person.subscribe(seen[i])
                    people.append(person)
                started = time.monotonic()
                joins = await asyncio.gather(*(p.join() for p in people))
                feeds = [j.feed for j in joins]
                out["feeds_distinct"] = len(set(feeds)) == SEATS

                def everyone_has(counts: dict[tuple[int, int], int], more: int) -> bool:
                    return all(
                        p.frames_from(f) >= counts.get((i, f), 0) + more
                        for i, p in enumerate(people)
                        for f in feeds
                        if f != p.feed
                    )

                out["all_decoded"] = await people[0].wait_for(
                    lambda: everyone_has({}, FRAMES), 60.0
                )
                out["decoded_after_s"] = round(time.monotonic() - started, 1)
                out["min_frames"] = min(
                    p.frames_from(f) for p in people for f in feeds if f != p.feed
                )
                out["subscriptions"] = [
                    sorted(p.feeds) == sorted(set(feeds) - {p.feed}) for p in people
                ]

                # The seventh publisher in a room for six is refused with a clear reason.
                seventh = JanusRoomParticipant(janus.url, ROOM, "party-7", fps=FPS)
                try:
                    await seventh.join()
                    out["seventh"] = "admitted"
                except JanusError as exc:
                    out["seventh"] = {"code": exc.code, "reason": exc.reason}

                # Four failures at once. The last participant's WebSocket is cut: it must
                # reclaim the same session while media keeps flowing (the peer connections
                # never depended on it). The fifth one's network stays down until Janus gives
                # its session up: it must rejoin into the same seat with a new session, and
                # everyone sees it again. One subscriber connection and one publisher
                # connection fail (closed here; Janus hangs up on the DTLS alert): the first
                # is subscribed afresh, the second republished from the same seat, and the
                # others subscribe to the republished feed again.
                cut_one, rejoiner, watcher, sender = people[-1], people[-2], people[1], people[3]
                seat = rejoiner.feed
                rejoin_before = {id(p): p.feeds.get(seat) for p in people}
                watched = feeds[2]
                session_before = cut_one.session.session_id
                counts = {(i, f): p.frames_from(f) for i, p in enumerate(people) for f in feeds}
                old_sub = watcher.feeds[watched]
                before = {id(p): p.feeds.get(sender.feed) for p in people}
                out["sockets_cut"] = proxy.cut()
                outage.blocked = True
                outage.cut()
                await old_sub.pc.close()
                await sender.sending_pc.close()
                disrupted = time.monotonic()

                async def end_outage() -> None:
                    # The network comes back once Janus gave the seat up (others saw it go).
                    out["seat_given_up"] = await people[0].wait_for(
                        lambda: any(
                            isinstance(e, RemoteFeedDropped) and e.feed == seat
                            for e in seen[0].items
                        ),
                        40.0,
                    )
                    outage.blocked = False

                outage_ends = asyncio.create_task(end_outage())

                def reclaimed() -> bool:
                    return any(isinstance(e, SessionReclaimed) for e in seen[-1].items)

                def flowing_after_cut() -> bool:
                    # To and from the cut participant (rebuilt connections are checked below).
                    return all(
                        p.frames_from(f) >= counts[(i, f)] + FRAMES_AFTER_CUT
                        for i, p in enumerate(people)
                        for f in feeds
                        if f != p.feed
                        and (p is cut_one or f == cut_one.feed)
                        and f != sender.feed
                        and not (p is watcher and f == watched)
                        and p is not rejoiner
                        and f != seat
                    )

                def resubscribed() -> bool:
                    again = watcher.feeds.get(watched, old_sub)
                    return again is not old_sub and again.frames_received >= FRAMES_AFTER_CUT

                def flowing_after_republish() -> bool:
                    return sender.publishes == 2 and all(
                        p.feeds.get(sender.feed, before[id(p)]) is not before[id(p)]
                        and p.frames_from(sender.feed) >= FRAMES_AFTER_CUT
                        for p in people
                        if p is not sender
                    )

                def flowing_after_rejoin() -> bool:
                    return (
                        rejoiner.rejoins == 1
                        and rejoiner.feed == seat
                        and all(
                            p.feeds.get(seat, rejoin_before[id(p)]) is not rejoin_before[id(p)]
                            and p.frames_from(seat) >= FRAMES_AFTER_CUT
                            for p in people
                            if p is not rejoiner
                        )
                        and all(
                            rejoiner.frames_from(f) >= FRAMES_AFTER_CUT for f in feeds if f != seat
                        )
                    )

                checks = (
                    reclaimed,
                    flowing_after_cut,
                    resubscribed,
                    flowing_after_republish,
                    flowing_after_rejoin,
                )
                await people[0].wait_for(lambda: all(c() for c in checks), 75.0)
                await outage_ends
                for check in checks:
                    out[check.__name__] = check()
                out["recovered_after_s"] = round(time.monotonic() - disrupted, 1)
                out["same_session"] = cut_one.session.session_id == session_before
                out["reclaims"] = cut_one.session.reclaims
                out["republished"] = sender.publishes
                out["rejoins"] = rejoiner.rejoins
                out["same_seat"] = rejoiner.feed == seat
                # After the reclaim the session still answers requests.
                out["publishers_after_reclaim"] = len(
                    await cut_one._publisher.list_publishers(ROOM)  # type: ignore[union-attr]
                )
                out["events_cut_one"] = seen[-1].names()[-8:]
                out["connection_lost_seen"] = any(
                    isinstance(e, ConnectionLost) for e in seen[-1].items
                )
                out["sessions_lost"] = {
                    p.display: sum(isinstance(e, SessionLost) for e in s.items)
                    for p, s in zip(people, seen, strict=True)
                    if any(isinstance(e, SessionLost) for e in s.items)
                }
                out["errors"] = [e for p in people for e in p.errors]
                out["elapsed_s"] = round(time.monotonic() - started, 1)

                left = time.monotonic()
                await asyncio.gather(*(p.leave() for p in people))
                out["leave_s"] = round(time.monotonic() - left, 1)
                # Every conversion thread and decoder is gone once everyone left (the loop's
                # default executor, which aiortc encodes on, ends with the loop).
                out["threads_left"] = sorted(
                    t.name
                    for t in threading.enumerate()
                    if t is not threading.main_thread() and not t.name.startswith("asyncio_")
                )
                people.clear()
                await destroy_janus_room(janus.url, ROOM)
                try:
                    await destroy_janus_room(janus.url, ROOM)
                    out["after_destroy"] = "still there"
                except JanusError as exc:
                    out["after_destroy"] = exc.code
                out["ok"] = True
            finally:
                janus_log = janus.process.log_tail(1500)
    except Exception as exc:  # reported as JSON: the pytest side shows it
        out["error"] = repr(exc)
        out["janus_log"] = janus_log
    finally:
        for p in people:
            with contextlib.suppress(Exception):
                await p.leave()
        for forwarder in (proxy, outage):
            if forwarder is not None:
                await forwarder.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return out


async def bounded() -> dict[str, Any]:
    try:
        return await asyncio.wait_for(main(), SCENARIO_S)
    except TimeoutError:
        return {"ok": False, "error": f"the scenario took over {SCENARIO_S:.0f} s"}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(relativeCreated)6.0f %(name)s %(message)s")
    for noisy in ("aioice", "aiortc", "aiohttp"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    print(json.dumps(asyncio.run(bounded()), ensure_ascii=False, default=str))
