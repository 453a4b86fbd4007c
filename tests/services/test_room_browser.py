"""A mesh mediation room with a headless browser (Chromium, then Firefox ESR) as one party
(the citizen page from an invitation link), an aiortc party and the mediator's desk: lobby,
admit, media every way, consent-gated recording, caucus isolation, the mediator's shared
page shown large with its caption, chat, the agreement signed on the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clients.support import needs_netns_chromium, needs_netns_firefox, run_in_private_netns

SCRIPT = Path(__file__).with_name("netns_room_browser.py")

pytestmark = pytest.mark.timeout(200)


@pytest.mark.parametrize(
    "browser",
    [
        pytest.param("chromium", marks=needs_netns_chromium),
        pytest.param("firefox", marks=needs_netns_firefox),
    ],
)
def test_browser_party_in_a_mesh_room(browser: str) -> None:
    result = run_in_private_netns(SCRIPT, timeout=180, env={"BROWSER": browser})
    print(f"{browser} steps (s since start):", result.get("steps"))
    assert result["ok"], result
    assert result["admitted_view"] == "call"
    assert result["mediator_from_page"] >= 10 and result["party_from_page"] >= 10
    assert result["captions"] == ["调解员 孙调解员", "甲方"]
    assert "乙方" in result["refusal"] and result["rec_shown"] is True
    # In the caucus the page holds no connection to either side and says why.
    assert result["page_peers_in_caucus"] == 0
    assert "背靠背" in result["caucus_notice"] and result["notice_after_return"] == ""
    assert result["share"] == {
        "caption": "调解员正在共享文档：调解协议草稿",
        "first": True,
        "shared": True,
        "caption_after": True,
    }
    assert result["chat"] == ["乙方", "我同意调解方案"]
    assert result["agreement_text"].startswith("甲乙双方自愿达成如下协议")
    signature = result["signature"]
    assert signature["name"] == "乙方" and signature["sha_matches"] is True
    assert signature["png"] == "89504e470d0a1a0a" and signature["bytes"] > 500
    assert result["strokes"] > 10
    assert result["ended"] == "您已被调解员移出调解室"
    assert result["page_errors"] == []
