"""The signalling server end to end on loopback: calls, queue fan-out, resume, restart, limits."""

from __future__ import annotations

import asyncio
import json
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from console.core.codes import Role
from console.signalling.server import Limits
from tests.signalling.conftest import Harness, staff_token


def test_call_completes_with_relay(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            officer = await h.officer()
            snap = await officer.expect("queue.snapshot")
            assert snap["entries"] == []
            citizen, _ = await h.citizen("王五")
            ring = await officer.expect("call.ring")
            await officer.send("call.accept", ticket=ring["ticket"])
            a_c = await citizen.expect("call.accepted")
            a_o = await officer.expect("call.accepted")
            assert a_c["peer"] == officer.session and a_o["peer"] == citizen.session
            assert a_c["officer"] == "李警官"
            await officer.send("sdp.offer", to=citizen.session, sdp="v=0 offer")
            got = await citizen.expect("relayed")
            assert got["from"] == officer.session and got["kind"] == "sdp.offer"
            await citizen.send("sdp.answer", to=officer.session, sdp="v=0 answer")
            assert (await officer.expect("relayed"))["sdp"] == "v=0 answer"
            await citizen.send("ice.candidate", to=officer.session, candidate="candidate:1")
            assert (await officer.expect("relayed"))["candidate"] == "candidate:1"
            await officer.send("call.hold", ticket=ring["ticket"], on=True)
            assert (await citizen.expect("call.held"))["on"] is True
            await citizen.send("call.hangup", ticket=ring["ticket"])
            await officer.expect("call.ended")
            await citizen.expect("call.ended")
            row = await h.queue.get(ring["ticket"])
            assert row is not None and row.state.code == "completed"
            assert row.answered_at is not None

    asyncio.run(main())


def test_positions_update_for_twenty_waiting(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url, limits=Limits(max_connections_per_address=100)) as h:
            citizens = [await h.citizen(f"市民{i}") for i in range(20)]
            officer = await h.officer()
            ring = await officer.expect("call.ring")
            first = citizens[0][0]
            await officer.send("call.accept", ticket=ring["ticket"])
            await first.expect("call.accepted")
            for i, (c, _) in enumerate(citizens[1:], start=1):
                m = await c.expect("queue.position", lambda m, i=i: m["position"] == i)
                assert m["estimated_wait_s"] > 0
            snap = await officer.expect(
                "queue.snapshot", lambda m: m["entries"] and m["entries"][0]["state"] == "in_call"
            )
            assert len(snap["entries"]) == 20

    asyncio.run(main())


def test_abandon_when_citizen_hangs_up_while_waiting(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            a, _ = await h.citizen("甲")
            b, _ = await h.citizen("乙")
            ticket_a = (await h.queue.active())[0].ticket
            await a.send("call.hangup", ticket=ticket_a)
            await a.expect("call.ended")
            await b.expect("queue.position", lambda m: m["position"] == 1)
            row = await h.queue.get(ticket_a)
            assert row is not None and row.state.code == "abandoned"

    asyncio.run(main())


def test_reconnect_within_grace_keeps_place(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url, grace_s=5.0) as h:
            _a, _ = await h.citizen("甲")
            b, token_b = await h.citizen("乙")
            _c, _ = await h.citizen("丙")
            old = b.session
            await b.close()
            b2 = await h.connect()
            welcome = await b2.hello(token_b, resume=old)
            assert welcome["resumed"] is True and welcome["session"] == old
            assert (await b2.expect("queue.position"))["position"] == 2
            order = [x.name for x in await h.queue.active()]
            assert order == ["甲", "乙", "丙"]
            # Another subject cannot take over that session.
            other = await h.connect()
            _, token_x = await h.new_ticket()
            w = await other.hello(token_x, resume=old)
            assert w["resumed"] is False and w["session"] != old

    asyncio.run(main())


def test_session_expires_after_grace(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url, grace_s=0.3) as h:
            a, _ = await h.citizen("甲")
            b, _ = await h.citizen("乙")
            await a.close()
            await b.expect("queue.position", lambda m: m["position"] == 1, timeout=5)
            states = sorted(
                r.state.code for r in [await h.queue.get(t) for t in h.server.hub.calls]
            )
            assert states == ["queued"]

    asyncio.run(main())


def test_restart_keeps_order(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            waiting = [await h.citizen(n) for n in ("甲", "乙", "丙")]
            before = [(r.ticket, r.queued_at) for r in await h.queue.active()]
            await h.restart()
            for c, _ in waiting:
                msg = await c.ws.receive(timeout=5)
                assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            # Reconnect in reverse order: the place comes from the store, not arrival.
            positions = {}
            for c, token in reversed(waiting):
                c2 = await h.connect()
                await c2.hello(token, resume=c.session)
                positions[token] = (await c2.expect("queue.position"))["position"]
            assert [positions[t] for _, t in waiting] == [1, 2, 3]
            after = [(r.ticket, r.queued_at) for r in await h.queue.active()]
            assert after == before
            officer = await h.officer()
            ring = await officer.expect("call.ring")
            assert ring["ticket"] == before[0][0]

    asyncio.run(main())


def test_rate_limit(sqlite_url: str) -> None:
    async def main() -> None:
        limits = Limits(rate_per_s=5, burst=10, max_strikes=1000)
        async with Harness(sqlite_url, limits=limits) as h:
            c = await h.connect(staff_token())
            for _ in range(40):
                await c.send("ping")
            codes = []
            for _ in range(40):
                m = await c._read(5)
                while m["type"] == "queue.snapshot":
                    m = await c._read(5)
                codes.append(m.get("code", m["type"]))
            assert codes.count("rate_limited") >= 25
            assert codes.count("pong") >= 9

    asyncio.run(main())


def test_repeated_rate_abuse_closes(sqlite_url: str) -> None:
    async def main() -> None:
        limits = Limits(rate_per_s=1, burst=2, max_strikes=20)
        async with Harness(sqlite_url, limits=limits) as h:
            c = await h.connect()
            for _ in range(40):
                await c.ws.send_str("x")
            kinds = []
            while True:
                msg = await c.ws.receive(timeout=5)
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    break
                kinds.append(msg.data)
            assert sum("rate_limited" in k for k in kinds) >= 20
            assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)

    asyncio.run(main())


def test_connections_per_address_cap(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url, limits=Limits(max_connections_per_address=3)) as h:
            open_ = [await h.connect() for _ in range(3)]
            extra = await h.connect()
            m = await extra._read(5)
            assert m["code"] == "too_many_connections"
            await open_[0].close()
            await asyncio.sleep(0.2)
            again = await h.connect(staff_token())
            assert again.session

    asyncio.run(main())


def test_no_hello_in_time_closes(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url, hello_timeout_s=0.3) as h:
            c = await h.connect()
            m = await c._read(5)
            assert m["code"] == "not_authenticated"
            msg = await c.ws.receive(timeout=5)
            assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)

    asyncio.run(main())


def test_silent_connection_dropped(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url, heartbeat_s=0.3) as h:
            c = await h.connect(staff_token())
            t0 = time.monotonic()
            while True:
                msg = await c.ws.receive(timeout=5)
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    break
            assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            assert time.monotonic() - t0 < 3
            # A client that pings stays connected.
            d = await h.connect(staff_token())
            for _ in range(8):
                await d.send("ping")
                await d.expect("pong")
                await asyncio.sleep(0.15)
            assert not d.ws.closed

    asyncio.run(main())


def test_store_changed_relayed_to_other_staff(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            a = await h.officer("1", "甲")
            b = await h.officer("2", "乙")
            await a.send("store.changed", change_set='{"op":"case_edited"}')
            got = await b.expect("store.changed")
            assert got["change_set"] == '{"op":"case_edited"}'

    asyncio.run(main())


def test_transfer_to_user_and_room(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            a = await h.officer("1", "甲")
            citizen, _ = await h.citizen()
            ring = await a.expect("call.ring")
            b = await h.officer("2", "乙")
            await b.send("presence.set", state="away")
            await a.send("call.accept", ticket=ring["ticket"])
            await a.expect("call.accepted")
            await a.send("call.transfer", ticket=ring["ticket"], to_user="2")
            await a.expect("call.ended")
            await b.expect("call.ring", lambda m: m["ticket"] == ring["ticket"])
            await b.send("call.accept", ticket=ring["ticket"])
            acc = await citizen.expect("call.accepted", lambda m: m["officer"] == "乙")
            assert acc["peer"] == b.session
            room = h.add_room()
            mediator = await h.connect(staff_token("7", Role.MEDIATOR, "周调解员"))
            await mediator.send("room.join", name="周调解员", room=room)
            await mediator.expect("room.admitted")
            await b.send("call.transfer", ticket=ring["ticket"], to_room=room)
            # Into the room without hanging up: the citizen gets the room's invitation...
            moved = await citizen.expect("call.moved")
            assert moved["room"] == room and moved["ticket"] == ring["ticket"]
            await b.expect("call.ended")
            row = await h.queue.get(ring["ticket"])
            assert row is not None and row.state.code == "transferred"
            assert row.outcome == f"room:{room}"
            assert not any(m["type"] == "call.ended" for m in citizen.buffer)
            # ... and with it waits in the room's lobby, where the mediator admits them.
            again = await h.connect(moved["invite"])
            await again.send("room.join", name="张三")
            lobby = await mediator.expect("room.lobby")
            assert lobby["name"] == "张三" and lobby["participant"] == again.session
            await mediator.send("room.admit", room=room, participant=again.session)
            assert (await again.expect("room.admitted"))["peers"] == [mediator.session]

    asyncio.run(main())


def test_ticket_endpoint_rate_limited_and_healthz(sqlite_url: str) -> None:
    async def main() -> None:
        limits = Limits(ticket_rate_per_s=0.01, ticket_burst=3)
        async with Harness(sqlite_url, limits=limits) as h:
            statuses = []
            for _ in range(5):
                async with h.http.post(f"{h.base}/api/ticket") as r:
                    statuses.append(r.status)
            assert statuses == [200, 200, 200, 429, 429]
            async with h.http.get(f"{h.base}/healthz") as r:
                assert (await r.json())["ok"] is True

    asyncio.run(main())


def test_staff_resume_keeps_call_and_restart_requeues_answered(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url, grace_s=5.0) as h:
            officer = await h.officer()
            citizen, token = await h.citizen()
            ring = await officer.expect("call.ring")
            await officer.send("call.accept", ticket=ring["ticket"])
            await citizen.expect("call.accepted")
            old = officer.session
            await officer.close()
            back = await h.connect()
            w = await back.hello(staff_token(), resume=old)
            assert w["resumed"] is True
            again = await back.expect("call.accepted")
            assert again["peer"] == citizen.session
            await citizen.send("sdp.offer", to=old, sdp="v=0")
            assert (await back.expect("relayed"))["from"] == citizen.session
            # Server restart mid-call: the citizen comes back to the queue, first in line.
            await h.restart()
            c2 = await h.connect()
            await c2.hello(token)
            assert (await c2.expect("queue.position"))["position"] == 1
            row = await h.queue.get(ring["ticket"])
            assert row is not None and row.state.code == "queued"

    asyncio.run(main())


def test_serves_citizen_page(sqlite_url: str, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<h1>视频接访</h1>", encoding="utf-8")
    (tmp_path / "app.js").write_text("1", encoding="utf-8")

    async def main() -> None:
        async with Harness(sqlite_url, web_root=tmp_path) as h:
            async with h.http.get(f"{h.base}/") as r:
                assert r.status == 200 and "视频接访" in await r.text()
            async with h.http.get(f"{h.base}/app.js") as r:
                assert r.status == 200
            async with h.http.get(f"{h.base}/../conftest.py") as r:
                assert r.status in (403, 404)

    asyncio.run(main())


def test_tls(sqlite_url: str, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip

    async def main() -> None:
        async with Harness(sqlite_url, cert_path=cert, key_path=key) as h:
            ctx = ssl.create_default_context(cafile=str(cert))
            ctx.check_hostname = False
            ws = await h.http.ws_connect(f"wss://127.0.0.1:{h.port}/ws", ssl=ctx)
            await ws.send_str('{"v":1,"type":"ping","id":"p"}')
            m = await ws.receive_json(timeout=5)
            assert m["code"] == "not_authenticated"
            await ws.close()

    asyncio.run(main())


def test_console_signal_standalone(tmp_path: Path) -> None:
    from console.signal_main import main

    secret_file = tmp_path / "key"
    assert (
        main(["--secret-file", str(secret_file), "--issue-staff-token", "3:mediator:调解员"]) == 0
    )
    url = f"sqlite:///{tmp_path / 'signal.sqlite'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "console.signal_main", "--port", "0", "--db", url,
         "--secret-file", str(secret_file)],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        port = None
        assert proc.stderr is not None
        for line in proc.stderr:
            if '"server.listening"' in line:
                port = json.loads(line)["port"]
                break
        assert port

        async def check() -> None:
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{port}/healthz") as r,
            ):
                assert (await r.json())["ok"] is True

        asyncio.run(check())
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_unanswered_ring_moves_to_the_next_officer(sqlite_url: str) -> None:
    """Redirect on no answer: an officer who lets it ring is skipped, the call is not stuck."""

    async def main() -> None:
        async with Harness(sqlite_url, ring_timeout_s=0.5) as h:
            a = await h.officer("1", "甲")
            b = await h.officer("2", "乙")
            citizen, _ = await h.citizen()
            ring = await a.expect("call.ring")
            # 乙 also became free; whoever was rung first stops ringing after the timeout.
            ended = await a.expect("call.ended", lambda m: m["ticket"] == ring["ticket"])
            assert ended["reason"] == "ring timeout"
            await b.expect("call.ring", lambda m: m["ticket"] == ring["ticket"])
            await b.send("call.accept", ticket=ring["ticket"])
            acc = await citizen.expect("call.accepted")
            assert acc["officer"] == "乙"

    asyncio.run(main())
