"""Run inside `unshare -n`: a six-person mediation room whose media go through a real Janus.

The real signalling server (store-backed room scheduled with the Janus backend), a real
Janus on a veth pair, the mediator's RoomDesk and five parties' RoomDesks. Prints one
JSON object as its last line; test_janus_mediation.py asserts on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from console.bench.room import private_janus  # noqa: E402
from console.bench.room_party import quiet_decoder_warnings  # noqa: E402
from console.core import tokens  # noqa: E402
from console.core.codes import MediaKind, Role  # noqa: E402
from console.services.evidence import file_sha256  # noqa: E402
from console.services.room_desk import (  # noqa: E402
    LobbyKnocked,
    RecordingSwitched,
    RoomChanged,
    RoomDesk,
    RoomError,
)
from console.services.room_recording import RoomRecording  # noqa: E402
from console.services.signalling_store import StoreQueue, StoreRoomSeats  # noqa: E402
from console.signalling.janus_rooms import JanusLink  # noqa: E402
from console.signalling.server import ServerConfig, SignallingServer  # noqa: E402
from console.store import migrate  # noqa: E402
from console.store.models import MediaAsset  # noqa: E402
from console.store.store import Store  # noqa: E402
from tests.services.desk_support import Recorder, until  # noqa: E402
from tests.services.desk_support import frames_from as desk_frames_from  # noqa: E402
from tests.signalling.conftest import Harness  # noqa: E402

SECRET = b"janus-mediation-test-secret-0123456789"
PARTIES = ("甲方", "乙方", "丙方", "丁方", "戊方")
FRAMES = 20
WAIT_S = 45.0
"""Bounds on each step. The server and six desks share one process and two cores: a step
that takes 1-5 s alone took over 15 s while the rest of the suite ran beside it."""
T0 = time.monotonic()
steps: dict[str, float] = {}


def step(name: str) -> None:
    steps[name] = round(time.monotonic() - T0, 1)


def invite(room: str, who: str) -> str:
    return tokens.issue(
        SECRET, kind="invite", subject=who, role="citizen", ttl_s=600, room=room, name=who
    )


def staff() -> str:
    return tokens.issue(
        SECRET, kind="staff", subject="201", role=Role.MEDIATOR.code, ttl_s=600, name="周调解员"
    )


async def frames_from(desk: RoomDesk, pid: str, count: int = FRAMES) -> int:
    return await desk_frames_from(desk, pid, count, WAIT_S)


async def everyone_sees_everyone(desks: list[RoomDesk]) -> int:
    pairs = [(d, o.seat.me) for d in desks for o in desks if o is not d]
    got = await asyncio.gather(*(frames_from(d, pid) for d, pid in pairs))
    return min(got)


async def main() -> dict[str, Any]:
    out: dict[str, Any] = {"ok": False, "steps": steps}
    folder = Path(tempfile.mkdtemp(prefix="janus-mediation-"))
    desks: list[RoomDesk] = []
    store: Store | None = None
    server: SignallingServer | None = None
    try:
        url = f"sqlite:///{folder / 'store.db'}"
        migrate.upgrade(url)
        store = Store(url)

        room = Harness.add_room_to(
            store, "第六调解室", backend="janus", publishers=len(PARTIES) + 1
        )
        room_id = int(room)
        async with private_janus(folder / "janus") as janus:
            step("janus_up")
            server = SignallingServer(
                ServerConfig(secret=SECRET, web_root=None, janus=JanusLink(janus.url)),
                StoreQueue(store),
                StoreRoomSeats(store),
            )
            port = await server.start()
            base = f"http://127.0.0.1:{port}"

            def desk(token: str, name: str) -> RoomDesk:
                return RoomDesk(
                    base_url=base,
                    token_provider=lambda: token,
                    name=name,
                    video_size=(320, 240),
                    video_fps=10,  # six encoders and thirty decoders share two cores
                    sink_size=(160, 90),
                    preview=False,
                )

            mediator = desk(staff(), "周调解员")
            parties = [desk(invite(room, f"party-{i}"), n) for i, n in enumerate(PARTIES)]
            desks = [mediator, *parties]
            rec = Recorder(mediator)  # type: ignore[arg-type]
            recording = RoomRecording(
                store,
                mediator,
                room_id=room_id,
                case_id=None,
                operator_id=None,
                media_dir=folder / "media",
            )
            await mediator.join(room)
            await asyncio.gather(*(p.join(room) for p in parties))
            knocks = [
                await rec.wait(LobbyKnocked, lambda e, n=n: e.name == n, WAIT_S) for n in PARTIES
            ]
            # People in the lobby are told nothing about the media server.
            out["lobby_media"] = [p.seat.media for p in parties] == [None] * len(parties)
            for knock in knocks:
                await mediator.admit(knock.participant)
            await rec.wait(RoomChanged, lambda e: sum(x.admitted for x in e.people) == 6, WAIT_S)
            await until(lambda: all(d.seat.media for d in desks), WAIT_S, "everyone's Janus room")
            step("admitted")
            main_rooms = {d.seat.media.room for d in desks if d.seat.media}
            out["one_janus_room"] = len(main_rooms) == 1
            out["displays_are_sessions"] = all(
                d.seat.media is not None and d.seat.media.display == d.seat.me for d in desks
            )
            out["no_mesh_legs"] = all(not d._legs for d in desks)
            out["min_frames_all"] = await everyone_sees_everyone(desks)
            step("six_see_each_other")

            # A seventh person cannot be admitted to a room for six.
            seventh = desk(invite(room, "party-7"), "己方")
            desks.append(seventh)
            await seventh.join(room)
            knock = await rec.wait(LobbyKnocked, lambda e: e.name == "己方", WAIT_S)
            mark = rec.mark()
            await mediator.admit(knock.participant)
            refusal = await rec.wait(RoomError, timeout=WAIT_S, since=mark)
            out["seventh_refused"] = refusal.text
            await seventh.leave()
            desks.remove(seventh)

            # Recording through Janus: one file per person, each a media asset.
            await mediator.set_recording(True)
            await rec.wait(RecordingSwitched, lambda e: e.on, WAIT_S)
            await until(lambda: len(recording.recording) == 5, WAIT_S, "five recordings")
            await frames_from(mediator, parties[0].seat.me)
            await mediator.set_recording(False)
            await rec.wait(RecordingSwitched, lambda e: not e.on, WAIT_S)
            await until(lambda: len(recording.stored) == 5, WAIT_S, "five stored recordings")
            rows = store.read_sync(
                lambda s: list(
                    s.scalars(
                        select(MediaAsset).where(
                            MediaAsset.kind == MediaKind.MEDIATION_RECORDING.code
                        )
                    )
                )
            )
            out["recordings"] = len(rows)
            out["recording_hashes_ok"] = all(file_sha256(Path(r.path)) == r.sha256 for r in rows)
            step("recorded")

            # Caucus with 甲方: the two sides are in different Janus rooms with different pins.
            a, waiting = parties[0], parties[1:]
            pa, pm = a.seat.me, mediator.seat.me
            destroyed = server.hub.janus.destroyed if server.hub.janus else 0
            await mediator.caucus([pa])
            await until(
                lambda: all(
                    d.seat.media is not None and d.seat.media.room not in main_rooms for d in desks
                ),
                WAIT_S,
                "new Janus rooms for both sides",
            )
            step("caucus_rooms_told")
            caucus_room = mediator.seat.media.room if mediator.seat.media else 0
            out["caucus_room_apart"] = (
                a.seat.media is not None
                and a.seat.media.room == caucus_room
                and all(w.seat.media and w.seat.media.room != caucus_room for w in waiting)
            )
            out["caucus_pin_kept_from_waiting"] = all(
                w.seat.media and mediator.seat.media and w.seat.media.pin != mediator.seat.media.pin
                for w in waiting
            )
            await until(
                lambda: all(pm not in w.legs() and pa not in w.legs() for w in waiting),
                WAIT_S,
                "the waiting side's feeds from the caucus closed",
            )
            step("waiting_side_closed")
            out["caucus_frames"] = min(
                await asyncio.gather(frames_from(mediator, pa), frames_from(a, pm))
            )
            step("caucus_frames")
            out["waiting_frames"] = await everyone_sees_everyone(waiting)
            step("waiting_frames")
            # Nothing of the caucus reaches the waiting side while it lasts.
            before = {id(w): set(w.legs()) for w in waiting}
            await frames_from(mediator, pa)
            out["waiting_never_received_caucus"] = all(
                pm not in before[id(w)] and pa not in before[id(w)] and pm not in w.legs()
                for w in waiting
            )
            janus_rooms = server.hub.janus
            out["old_main_destroyed"] = janus_rooms is not None and bool(
                await until(lambda: janus_rooms.destroyed > destroyed, WAIT_S, "old room destroyed")
            )
            step("caucus")

            # Everyone back with one action.
            await mediator.return_all()
            await until(
                lambda: len({d.seat.media.room for d in desks if d.seat.media}) == 1,
                WAIT_S,
                "one Janus room again",
            )
            step("one_room_again")
            out["min_frames_back"] = await everyone_sees_everyone(desks)
            step("back")

            # Removing 戊方: the others move to a new Janus room; 戊方 keeps nothing.
            gone = parties[-1]
            before_room = mediator.seat.media.room if mediator.seat.media else 0
            await mediator.remove(gone.seat.me)
            await until(lambda: gone.janus is None and gone.seat.media is None, WAIT_S, "removed")
            await until(
                lambda: mediator.seat.media is not None and mediator.seat.media.room != before_room,
                WAIT_S,
                "the room rotated",
            )
            rest = desks[:-1]
            out["min_frames_after_remove"] = await everyone_sees_everyone(rest)
            out["removed_gets_nothing"] = not gone.legs()
            step("removed")
            await asyncio.gather(*(d.leave() for d in desks))
            await until(lambda: not server.hub.janus_plans, WAIT_S, "every Janus room destroyed")
            out["janus_rooms_left"] = len(server.hub.janus_plans)
            desks = []
            step("left")
        out["ok"] = True
    except Exception as exc:
        logging.exception("janus mediation scenario failed")
        out["error"] = f"{type(exc).__name__}: {exc}"
        janus_log = folder / "janus" / "janus.log"
        if janus_log.exists():
            out["janus_log"] = janus_log.read_text(errors="replace")[-2000:]
    finally:
        for d in desks:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(d.leave(), 15)
        if server is not None:
            await server.stop()
        if store is not None:
            store.close()
        shutil.rmtree(folder, ignore_errors=True)
    # The default executor's workers end with asyncio.run; anything else still here leaked.
    out["threads_left"] = sorted(
        t.name
        for t in threading.enumerate()
        if t is not threading.main_thread() and not t.daemon and not t.name.startswith("asyncio_")
    )
    return out


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    quiet_decoder_warnings()
    if os.environ.get("SIGNAL_LOG"):
        logging.getLogger("console.signalling").setLevel(logging.INFO)
    print(json.dumps(asyncio.run(main()), ensure_ascii=False, default=str))
