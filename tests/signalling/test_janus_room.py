"""A six-person room through a real Janus in a private network namespace: limits and recovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.bench.private_net import can_make_netns
from console.signalling.janus import ROOM_FULL
from console.signalling.janus_server import janus_available
from tests.clients.support import run_in_private_netns

SCRIPT = Path(__file__).with_name("netns_janus_room.py")

pytestmark = [
    pytest.mark.timeout(260),
    pytest.mark.skipif(not janus_available(), reason="needs the Debian package janus"),
    pytest.mark.skipif(can_make_netns() is not None, reason=str(can_make_netns())),
]


def test_six_people_see_each_other_a_seventh_is_refused_and_failures_recover() -> None:
    result = run_in_private_netns(SCRIPT, timeout=240)
    assert result["ok"], result
    assert result["feeds_distinct"] and all(result["subscriptions"]), result
    # Everyone decoded at least 30 frames from each of the five others.
    assert result["all_decoded"] and result["min_frames"] >= 30, result
    assert result["seventh"] == {
        "code": ROOM_FULL,
        "reason": "the room already has 6 publishers",
    }, result
    # The cut WebSocket came back on the same session; nobody's media stopped.
    assert result["sockets_cut"] >= 2 and result["connection_lost_seen"], result
    assert result["reclaimed"] and result["same_session"] and result["reclaims"] == 1, result
    assert result["flowing_after_cut"], result
    assert result["publishers_after_reclaim"] == 6, result
    # A failed subscriber connection is rebuilt, and so is a failed publisher connection
    # (same seat, a new offer); everyone receives the republished feed again.
    assert result["resubscribed"], result
    assert result["republished"] == 2 and result["flowing_after_republish"], result
    # The participant whose network stayed down past Janus's reclaim window lost its
    # session, took the same seat with a new one, and everyone sees and hears it again.
    assert result["seat_given_up"] and result["flowing_after_rejoin"], result
    assert result["rejoins"] == 1 and result["same_seat"], result
    # No other session was lost (keepalives every 4 s against a 15 s timeout).
    assert result["sessions_lost"] == {"party-5": 1} and result["errors"] == [], result
    assert result["after_destroy"] == 426, result  # no such room
    assert result["threads_left"] == [], result
