"""A six-person mediation room whose media go through a real Janus (in a private network
namespace): the server hands out Janus rooms and pins, the desks publish and subscribe,
recording, caucus isolation by separate Janus rooms, the publisher limit, removal."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.bench.private_net import can_make_netns
from console.signalling.janus_server import janus_available
from tests.clients.support import run_in_private_netns

SCRIPT = Path(__file__).with_name("netns_janus_mediation.py")

pytestmark = [
    pytest.mark.timeout(330),
    pytest.mark.skipif(not janus_available(), reason="needs the Debian package janus"),
    pytest.mark.skipif(can_make_netns() is not None, reason=str(can_make_netns())),
]


def test_six_person_room_through_janus() -> None:
    result = run_in_private_netns(SCRIPT, timeout=300)
    print("steps (s since start):", result.get("steps"))
    assert result["ok"], result
    # The lobby learns nothing of the media server; the admitted share one Janus room,
    # each publishing under its session id, with no peer-to-peer legs at all.
    assert result["lobby_media"] and result["one_janus_room"], result
    assert result["displays_are_sessions"] and result["no_mesh_legs"], result
    assert result["min_frames_all"] >= 20, result
    assert "6" in result["seventh_refused"], result
    # Recording works through Janus: one file per other person, hashes as stored.
    assert result["recordings"] == 5 and result["recording_hashes_ok"], result
    # Caucus: two Janus rooms, the caucus pin never told to the waiting side, nothing of the
    # caucus received there, the old shared room destroyed.
    assert result["caucus_room_apart"] and result["caucus_pin_kept_from_waiting"], result
    assert result["caucus_frames"] >= 20 and result["waiting_frames"] >= 20, result
    assert result["waiting_never_received_caucus"], result
    assert result["old_main_destroyed"], result
    assert result["min_frames_back"] >= 20, result
    # A removed person is shut out by a new Janus room for the others.
    assert result["min_frames_after_remove"] >= 20 and result["removed_gets_nothing"], result
    assert result["janus_rooms_left"] == 0 and result["threads_left"] == [], result
