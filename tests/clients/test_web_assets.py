"""The citizen page's generated data files are current, and the page never names a public STUN."""

from __future__ import annotations

import json

from console.core.codes import DisputeCategory
from console.signalling import web_assets


def test_categories_json_is_current() -> None:
    on_disk = web_assets.CATEGORIES.read_text(encoding="utf-8")
    assert on_disk == web_assets.categories_json(), (
        "resources/web/categories.json is stale: run python -m console.signalling.web_assets"
    )
    assert [row["code"] for row in json.loads(on_disk)] == list(DisputeCategory.codes())


def test_page_has_no_public_ice_servers() -> None:
    config = json.loads((web_assets.WEB_ROOT / "config.json").read_text(encoding="utf-8"))
    assert config == {"iceServers": []}
    for name in ("citizen.js", "janus_media.js"):
        script = (web_assets.WEB_ROOT / name).read_text(encoding="utf-8")
        assert "stun:" not in script and "turn:" not in script, name
