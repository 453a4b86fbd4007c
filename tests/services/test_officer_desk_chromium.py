"""Headless Chromium is the citizen, the OfficerDesk the officer: hold card, recording sign."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clients.support import needs_netns_chromium, run_in_private_netns

SCRIPT = Path(__file__).with_name("netns_desk_citizen.py")

pytestmark = [pytest.mark.timeout(90), *needs_netns_chromium]


def test_browser_citizen_sees_hold_card_and_recording_sign_from_the_desk() -> None:
    result = run_in_private_netns(SCRIPT)
    assert result["ok"], result
    assert result["ring"] == {"name": "王五", "category": "labour"}
    assert result["consent"] is True and result["phone"] == "13800000000"
    assert result["officer_frames"] >= 60
    page = result["page"]
    assert result["page_frames"] >= 60 and page["errors"] == [], result
    red, green, blue = result["held_pixel"]
    assert blue - red > 50 and blue - green > 30, result  # the holding card reached the page
    live = result["live_pixel"]
    assert abs(live[2] - live[0]) < 30, result  # the generated camera is grey, not the card
    assert result["officer_sends"] == "card"
    # held once by the officer, once while being transferred
    assert page["holds"] == 2 and page["recordings"] == 1 and page["recording"] is False
    assert result["rec_zh"] == "录音录像中" and result["rec_en"] == "Recording"
    assert result["rec_colour"] == "rgb(197, 34, 31)"  # --danger red
    # Moved into a mediation room by the second officer: no hang-up, the page waits in
    # the room's lobby and the mediator sees the caller there.
    assert result["lobby_name"] == "王五"
    assert result["page_moved"] == "wait" and result["lobby_text_shown"] is True
    # Transferred to the second desk: new peer connection, holding screen gone.
    assert page["officers"] == 2 and result["after_transfer_held"] is False
    assert result["frames_after_transfer"] >= 30  # counted afresh on the new connection
