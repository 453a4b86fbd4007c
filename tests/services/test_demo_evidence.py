"""The demo's top case gets real media files once: hashes match, a second run adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from console.core.codes import DisputeCategory, MediaKind, Role
from console.core.records import CaseFilter
from console.services import auth
from console.services.cases import CaseService
from console.services.demo_evidence import ensure_demo_evidence
from console.services.evidence import file_sha256
from console.store.repos import cases, media_assets
from console.store.repos.cases import NewCase
from console.store.store import Store


def test_the_ledgers_first_case_gets_verifiable_media_once(store: Store, tmp_path: Path) -> None:
    auth.add_user_sync(
        store, username="duty", display_name="值班员", role=Role.DUTY_OFFICER, password="pw-123456"
    )
    service = CaseService(store, auth.sign_in_sync(store, "duty", "pw-123456"))
    for i in range(3):
        service.register_sync(NewCase(f"邻里纠纷{i}", DisputeCategory.NEIGHBOUR, "噪音", None))
    now = datetime.now(UTC).replace(tzinfo=None)
    case_id = ensure_demo_evidence(store, tmp_path, now)
    top = store.read_sync(lambda s: cases.ledger_page(s, CaseFilter(), 0, 1))
    assert case_id == top[0].id
    assets = store.read_sync(lambda s: media_assets.of_case(s, case_id))
    assert sorted(a.kind.code for a in assets) == sorted(
        k.code for k in (MediaKind.INTAKE_RECORDING, MediaKind.SNAPSHOT, MediaKind.CAMERA_CLIP)
    )
    assert all(file_sha256(a.path) == a.sha256 and a.path.is_relative_to(tmp_path) for a in assets)
    assert all(a.started_at is not None and a.started_at <= now for a in assets)
    assert ensure_demo_evidence(store, tmp_path, now) == case_id
    assert len(store.read_sync(lambda s: media_assets.of_case(s, case_id))) == 3
