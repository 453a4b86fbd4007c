"""Tokens: forged, tampered, expired, malformed, wrong role, replayed ticket; the secret file."""

from __future__ import annotations

import asyncio
import base64
import json
import stat
import time
from pathlib import Path

import pytest

from console.core import tokens
from console.core.codes import Role
from tests.signalling.conftest import SECRET, Harness, staff_token, ticket_token


def test_round_trip_and_scope() -> None:
    t = tokens.issue(SECRET, kind="ticket", subject="T1", role="citizen", ttl_s=60, ticket="T1")
    c = tokens.verify(SECRET, t)
    assert (c.kind, c.subject, c.ticket, c.room) == ("ticket", "T1", "T1", None)
    assert c.exp - c.iat == pytest.approx(60)
    other = tokens.issue(SECRET, kind="ticket", subject="T1", role="citizen", ttl_s=60)
    assert tokens.verify(SECRET, other).jti != c.jti


def test_forged_signature() -> None:
    t = tokens.issue(b"x" * 32, kind="staff", subject="1", role="admin", ttl_s=60)
    with pytest.raises(tokens.TokenError) as e:
        tokens.verify(SECRET, t)
    assert e.value.code == "forged"


def test_tampered_payload() -> None:
    t = tokens.issue(SECRET, kind="staff", subject="1", role="duty_officer", ttl_s=60)
    payload, sig = t.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    with pytest.raises(tokens.TokenError) as e:
        tokens.verify(SECRET, f"{forged}.{sig}")
    assert e.value.code == "forged"


def test_expired() -> None:
    t = tokens.issue(SECRET, kind="ticket", subject="T", role="citizen", ttl_s=10, now=1000.0)
    assert tokens.verify(SECRET, t, now=1009.0).subject == "T"
    with pytest.raises(tokens.TokenError) as e:
        tokens.verify(SECRET, t, now=1010.0)
    assert e.value.code == "expired"


@pytest.mark.parametrize("bad", ["", "abc", "a.b.c", "ä.ö", "x" * 5000, "e30.e30"])
def test_malformed_or_forged(bad: str) -> None:
    with pytest.raises(tokens.TokenError) as e:
        tokens.verify(SECRET, bad)
    assert e.value.code in ("malformed", "forged")


def test_signed_garbage_is_malformed() -> None:
    payload = base64.urlsafe_b64encode(b"[1,2]").rstrip(b"=").decode()
    with pytest.raises(tokens.TokenError) as e:
        tokens.verify(SECRET, f"{payload}.{tokens._sign(SECRET, payload)}")
    assert e.value.code == "malformed"


def test_secret_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "signalling.key"
    first = tokens.load_or_create_secret(path)
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tokens.load_or_create_secret(path) == first


def test_server_refuses_bad_tokens_and_wrong_roles(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            c = await h.connect()
            forged = tokens.issue(b"z" * 32, kind="staff", subject="1", role="admin", ttl_s=60)
            await c.send("hello", token=forged, id="h1")
            assert (await c.expect("error"))["code"] == "bad_token"
            expired = ticket_token("T-old", ttl_s=5, now=time.time() - 60)
            await c.send("hello", token=expired, id="h2")
            e = await c.expect("error")
            assert (e["code"], e["ref"]) == ("token_expired", "h2")
            odd_role = tokens.issue(SECRET, kind="staff", subject="1", role="king", ttl_s=60)
            await c.send("hello", token=odd_role, id="h3")
            assert (await c.expect("error"))["code"] == "bad_token"
            await c.send("call.accept", ticket="T", id="a1")
            assert (await c.expect("error"))["code"] == "not_authenticated"
            # Still usable after all that: a good hello works on the same connection.
            await c.hello(staff_token())
            await c.send("hello", token=staff_token(), id="h4")
            assert (await c.expect("error"))["code"] == "out_of_order"

            citizen, token = await h.citizen()
            ticket = (await h.queue.active())[0].ticket
            for kind, fields in [
                ("call.accept", {"ticket": ticket}),
                ("call.hold", {"ticket": ticket, "on": True}),
                ("presence.set", {"state": "available"}),
                ("store.changed", {"change_set": "{}"}),
            ]:
                ref = await citizen.send(kind, **fields)
                e = await citizen.expect("error", lambda m, r=ref: m["ref"] == r)
                assert e["code"] == "forbidden", kind
            ref = await c.send(
                "call.request", category="neighbour", name="x", recording_consent=True
            )
            e = await c.expect("error", lambda m: m["ref"] == ref)
            assert e["code"] == "forbidden"
            # A ticket token cannot act on another ticket.
            _other, _ = await h.citizen("乙")
            other_ticket = (await h.queue.active())[1].ticket
            ref = await citizen.send("call.hangup", ticket=other_ticket)
            e = await citizen.expect("error", lambda m: m["ref"] == ref)
            assert e["code"] == "forbidden"
            # A used ticket cannot queue again.
            await citizen.send("call.hangup", ticket=ticket)
            await citizen.expect("call.ended")
            again = await h.connect(token)
            ref = await again.send(
                "call.request", category="neighbour", name="x", recording_consent=True
            )
            e = await again.expect("error", lambda m: m["ref"] == ref)
            assert e["code"] == "conflict"
            assert await h.rows() == 2

    asyncio.run(main())


def test_staff_roles_accepted(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            for role in Role:
                c = await h.connect()
                w = await c.hello(staff_token("7", role))
                assert w["role"] == role.code

    asyncio.run(main())
