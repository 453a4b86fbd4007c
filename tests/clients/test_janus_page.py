"""The page's own Janus VideoRoom client (resources/web/janus_media.js) against a real Janus,
aiortc participants and a headless browser (Chromium, then Firefox ESR), in a private
network namespace: pins, two rooms, a cut WebSocket, a participant leaving, and citizen.js
following room.state's `media` (captions, peerFrames, a caucus, removal)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.signalling.janus_server import janus_available
from tests.clients.support import needs_netns_chromium, needs_netns_firefox, run_in_private_netns

SCRIPT = Path(__file__).with_name("netns_janus_page.py")
FRAMES = 20
UNAUTHORIZED = 433  # Janus VideoRoom: a wrong pin

pytestmark = [
    pytest.mark.timeout(260),
    pytest.mark.skipif(not janus_available(), reason="needs the Debian package janus"),
]


@pytest.mark.parametrize(
    "browser",
    [
        pytest.param("chromium", marks=needs_netns_chromium),
        pytest.param("firefox", marks=needs_netns_firefox),
    ],
)
def test_page_joins_janus_rooms(browser: str) -> None:
    result = run_in_private_netns(SCRIPT, timeout=240, env={"BROWSER": browser})
    print(f"{browser} steps (s since start):", result.get("steps"))
    print("a getStats() running when its connection closes:", result.get("stats_on_close"))
    shown = ("error", "steps", "page", "harness_errors", "party_errors", "janus_log")
    assert result["ok"], json.dumps({k: result.get(k) for k in shown}, ensure_ascii=False)
    assert result["party_errors"] == [], result
    # Stats read as a connection closes settle (Firefox leaves a bare getStats() pending,
    # which once froze the page's frame counts for good).
    assert result["stats_on_close"]["statsOf"] in ("null", "report"), result["stats_on_close"]
    # A wrong pin is refused by Janus and the page shows why.
    assert result["wrong_pin"]["ok"] is False and result["wrong_pin"]["code"] == UNAUTHORIZED
    assert "wrong pin" in result["wrong_pin_shown"]
    # Media both ways with each listed participant; the unlisted publisher is not subscribed.
    assert result["joined_a"]["ok"], result
    assert min(result["page_frames_a"].values()) >= FRAMES, result
    assert set(result["page_frames_a"]) == {"party-1", "party-2"}, result
    assert min(result["parties_from_page_a"].values()) >= FRAMES, result
    assert sorted(result["figures_a"]) == ["party-1", "party-2"]
    # The WebSocket to Janus was cut: the same session was claimed back, nothing rebuilt.
    assert result["sockets_cut"] >= 1
    reclaim = result["reclaim"]
    assert reclaim["same_session"] and reclaim["reclaims"] == 1 and reclaim["rejoins"] == 0
    assert sorted(reclaim["figures"]) == ["party-1", "party-2"]
    # A participant who leaves loses their figure and feed on the page.
    assert result["figures_after_leave"] == ["party-1"]
    # Moved to a second room with its own pin: the first room no longer has the page.
    room_b = result["room_b"]
    assert result["joined_b"]["ok"] and room_b["figures"] == ["party-3"], result
    assert room_b["page_frames"]["party-3"] >= FRAMES and room_b["party_3_from_page"] >= FRAMES
    assert room_b["party_1_still_sees_page"] is False
    assert result["harness_errors"] == [], result

    # citizen.js, told by room.state to use Janus.
    citizen = result["citizen"]
    main = citizen["main"]
    assert main["state"] == "call" and main["janus"] == {"room": 7101, "feeds": 2}, main
    assert sorted(main["figures"]) == [["party-1", "甲方"], ["party-2", "乙方"]], main
    assert min(main["peerFrames"].values()) >= FRAMES, main
    assert main["party_1_from_page"] >= FRAMES and main["party_2_from_page"] >= FRAMES, main
    caucus = citizen["caucus"]
    assert caucus["janus"] == {"room": 7102, "feeds": 1}, caucus
    assert caucus["figures"] == [["party-3", "丙方"]], caucus
    assert set(caucus["peerFrames"]) == {"party-3"}, caucus
    assert caucus["peerFrames"]["party-3"] >= FRAMES and caucus["party_3_from_page"] >= FRAMES
    removed = citizen["removed"]
    assert removed["ended"] == "您已被调解员移出调解室" and removed["janus"] is None, removed
    assert removed["errors"] == [], removed
    assert citizen["left_janus"] is True
