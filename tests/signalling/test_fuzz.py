"""Property fuzz: ≥10,000 bad frames over three connections; each gets one error, calls go on."""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import Any

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.signalling import protocol as p
from console.signalling.server import Limits
from tests.signalling.conftest import Harness, staff_token

CODES = {c.value for c in p.ErrorCode}
TYPES = sorted(p.CLIENT_TYPES)
Frame = str | bytes

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
# Structure from hypothesis: a known or unknown type with arbitrary, mostly wrong, fields.
structured = st.fixed_dictionaries(
    {"type": st.sampled_from(TYPES) | st.text(max_size=12), "v": st.just(1) | json_leaf},
    optional={"id": st.text(min_size=1, max_size=64) | json_leaf, "extra_field": json_value},
).map(lambda d: json.dumps(d))
anything = json_value.map(json.dumps) | st.text(max_size=60) | st.binary(max_size=60)


def hypothesis_frames(n: int) -> list[Frame]:
    """Frames drawn by hypothesis (for an unauthenticated connection: all of them are bad)."""
    frames: list[Frame] = []

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(structured | anything)
    def collect(frame: Frame) -> None:
        frames.append(frame)

    collect()
    return frames


def bad_frames(rng: random.Random, n: int, *, role: str) -> list[Frame]:
    """Seeded frames that every connection of `role` must refuse with exactly one error."""
    out: list[Frame] = []
    for i in range(n):
        mid = f"f{i}"
        pick = rng.randrange(16)
        if pick == 0:
            frame: Frame = '{"v":1,"type":"ping","id":' + "".join(
                rng.choice('{}[]",:x1') for _ in range(rng.randrange(1, 30))
            )
        elif pick == 1:
            frame = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
        elif pick == 2 and i % 40 == 2:
            frame = json.dumps({"v": 1, "type": "ping", "id": mid, "pad": "x" * 70_000})
        elif pick == 3:
            frame = json.dumps(rng.choice([[], 1, "s", None, True, [1, {"type": "ping"}]]))
        elif pick == 4:
            frame = json.dumps({"v": 1, "type": f"nope.{rng.randrange(99)}", "id": mid})
        elif pick == 5:
            frame = json.dumps({"v": rng.choice([0, 2, "1", 1.5, None]), "type": "ping", "id": mid})
        elif pick == 6:
            t = rng.choice(TYPES)
            frame = json.dumps({"v": 1, "type": t, "id": mid, "bogus": rng.random()})
        elif pick == 7:
            frame = json.dumps({"v": 1, "type": "call.hold", "id": mid, "ticket": 5, "on": "x"})
        elif pick == 8:
            frame = json.dumps({"v": 1, "type": "ping", "id": "dup"})  # replayed id
        elif pick == 9:
            frame = "[" * rng.choice([10, 5000, 100_000 // 2])  # deep nesting / truncated
        elif pick == 10:
            frame = json.dumps({"v": 1, "type": "hello", "id": mid, "token": "x" * 20})
        elif pick == 11:
            to = rng.choice(["someone", "x" * 10])
            frame = json.dumps({"v": 1, "type": "sdp.offer", "id": mid, "to": to, "sdp": "v=0"})
        elif pick == 12:
            t = rng.choice(["call.accept", "call.decline", "call.hangup", "call.callback"])
            frame = json.dumps({"v": 1, "type": t, "id": mid, "ticket": f"FUZZ{rng.random()}"})
        elif pick == 13:
            frame = json.dumps({"v": 1, "type": "presence.set", "id": mid, "state": "asleep"})
        elif pick == 14:
            frame = json.dumps({"v": 1, "type": "room.join", "id": mid, "name": ""})
        else:
            frame = json.dumps({"type": "ping", "id": ["not", "a", "string"]})
        if role == "staff" and pick == 10:
            frame = json.dumps({"v": 1, "type": "hello", "id": mid, "token": "y" * 30})
        out.append(frame)
    return out


async def _pump(c: Any, frames: list[Frame], batch: int = 400, authed: bool = True) -> int:
    """Send in batches; after each batch wait for exactly one error per frame sent."""
    errors = 0
    for start in range(0, len(frames), batch):
        chunk = frames[start : start + batch]
        for f in chunk:
            if isinstance(f, bytes):
                await c.ws.send_bytes(f)
            else:
                await c.ws.send_str(f)
        got = 0
        while got < len(chunk):
            msg = await c.ws.receive(timeout=15)
            assert msg.type is aiohttp.WSMsgType.TEXT, f"connection ended: {msg.type}"
            m = json.loads(msg.data)
            if m["type"] != "error":
                continue  # snapshots, presence: the server's own news, not replies
            assert m["code"] in CODES
            assert m["message"]
            got += 1
        errors += got
    # Nothing extra trails: the next reply is the one to this ping (a pong once authenticated).
    ref = await c.send("ping", id=f"tail{time.monotonic_ns()}")
    while True:
        m = json.loads((await c.ws.receive(timeout=10)).data)
        if m["type"] in ("error", "pong"):
            assert m["ref"] == ref, f"unexpected extra reply {m}"
            assert m["type"] == ("pong" if authed else "error")
            break
    return errors


async def _good_calls(h: Harness, stop: asyncio.Event) -> int:
    """Well-behaved citizen + officer calls, one after another, while the fuzz runs."""
    officer = await h.officer("900", "值班员甲")
    done = 0
    while not stop.is_set() or done == 0:
        citizen, _ = await h.citizen(f"市民{done}")
        ring = await officer.expect("call.ring", timeout=10)
        await officer.send("call.accept", ticket=ring["ticket"])
        peer = (await citizen.expect("call.accepted", timeout=10))["peer"]
        await citizen.send("sdp.offer", to=peer, sdp="v=0")
        await officer.expect("relayed", timeout=10)
        await officer.send("call.hangup", ticket=ring["ticket"])
        await citizen.expect("call.ended", timeout=10)
        await citizen.close()
        done += 1
    return done


def test_fuzz_bad_frames(sqlite_url: str) -> None:
    rng = random.Random(20261126)
    hyp = hypothesis_frames(1500)

    async def main() -> None:
        limits = Limits(rate_per_s=1e6, burst=1e6, max_connections_per_address=50, ticket_burst=1e6)
        async with Harness(sqlite_url, limits=limits) as h:
            anon = await h.connect()
            _, token = await h.new_ticket()
            citizen = await h.connect(token)  # holds a ticket, never queues
            await citizen.send("ping", id="dup")
            await citizen.expect("pong")
            staff = await h.connect(staff_token("901", name="值班员乙"))
            await staff.send("presence.set", state="away")  # so rings go to the good officer
            await staff.send("ping", id="dup")
            await staff.expect("pong")
            rows_before = await h.rows()
            stop = asyncio.Event()
            good = asyncio.create_task(_good_calls(h, stop))
            # Unauthenticated frames must not say hello successfully: no valid token exists.
            results = await asyncio.gather(
                _pump(anon, hyp + bad_frames(rng, 3000, role="anon"), authed=False),
                _pump(citizen, bad_frames(rng, 3500, role="citizen")),
                _pump(staff, bad_frames(rng, 3500, role="staff")),
            )
            stop.set()
            calls = await asyncio.wait_for(good, 30)
            print(f"fuzz: {sum(results)} bad frames answered, {calls} good calls completed")
            assert sum(results) >= 10_000
            assert calls >= 1
            # Only the good calls touched the store, and each of them completed.
            assert await h.rows() == rows_before + calls
            rows = [await h.queue.get(t) for t in [c.ticket for c in await h.queue.active()]]
            assert rows == []
            async with h.http.get(f"{h.base}/healthz") as r:
                assert (await r.json())["ok"] is True

    asyncio.run(main())
