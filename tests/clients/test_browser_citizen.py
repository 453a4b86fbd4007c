"""A headless browser is the citizen, aiortc the officer; both decode ≥ 60 frames of the other.

Chromium (DevTools protocol) and Firefox ESR (Marionette): the citizen page must work in both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clients.support import needs_netns_chromium, needs_netns_firefox, run_in_private_netns

SCRIPT = Path(__file__).with_name("netns_citizen.py")

pytestmark = pytest.mark.timeout(150)


@pytest.mark.parametrize(
    "browser",
    [
        pytest.param("chromium", marks=needs_netns_chromium),
        pytest.param("firefox", marks=needs_netns_firefox),
    ],
)
def test_browser_citizen_and_console_officer_exchange_video(browser: str) -> None:
    # The browser and server run in a fresh network namespace with only `lo`: ICE can use
    # nothing but loopback, whatever the host's interfaces are.
    result = run_in_private_netns(SCRIPT, timeout=140, env={"BROWSER": browser})
    assert result["ok"], result
    assert result["category_options"] > 10  # the generated categories.json was loaded
    assert result["position"] == 1
    page = result["page"]
    assert page["framesDecoded"] >= 60, page
    assert page["errors"] == [], page
    assert page["holds"] == 1, page  # held once, and the holding screen is gone again
    assert page["iceState"] in ("connected", "completed"), page
    officer = result["officer"]
    assert officer["frames_received"] >= 60, officer
    assert officer["ended_reason"] == "citizen hung up", officer
    # Only `lo`'s addresses (Firefox's run gives `lo` a second, private one: see the script).
    assert officer["local_addresses"], officer
    assert set(officer["local_addresses"]) <= {"127.0.0.1", "10.213.0.1"}, officer
    assert result["page_view_after_hangup"] == "ended"
    # Invitation link: the page says hello with the invite and waits in the lobby view.
    # While the server does not serve rooms, the page shows its error instead of failing.
    room = result["room"]
    assert room["state"] == "wait" and room["lobby"], room
    assert all(e.startswith("not_found") for e in room["errors"]), room
