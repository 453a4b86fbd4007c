"""The citizen page in a room served by a real Janus, through the real signalling server
(Chromium; the page's Janus client is tried in Firefox too by tests/clients/test_janus_page.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from console.signalling.janus_server import janus_available
from tests.clients.support import needs_netns_chromium, run_in_private_netns

SCRIPT = Path(__file__).with_name("netns_janus_page_room.py")

pytestmark = [
    pytest.mark.timeout(240),
    pytest.mark.skipif(not janus_available(), reason="needs the Debian package janus"),
    *needs_netns_chromium,
]


def test_citizen_page_in_a_janus_room_through_the_server() -> None:
    result = run_in_private_netns(SCRIPT, timeout=220, env={"BROWSER": "chromium"})
    print("steps (s since start):", result.get("steps"))
    assert result["ok"], result
    # Waiting in the lobby, the page holds no Janus room; admitted, media flow both ways.
    assert result["lobby_janus"] is None, result
    assert result["page_janus"]["feeds"] == 1 and result["mediator_from_page"] >= 20, result
    assert result["captions"] == ["调解员 孙调解员"], result
    # A caucus moves the page into the caucus's own Janus room, media again both ways.
    assert result["mediator_from_page_in_caucus"] >= 20, result
    assert result["ended"] == "您已被调解员移出调解室" and result["page_errors"] == [], result
