"""The evidence timeline service on a real SQLite store and real files."""

from __future__ import annotations

import asyncio
import hashlib
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from console.core import annotations as ann
from console.core import evidence_package as pkg
from console.core.codes import AuditAction, DisputeCategory, IntegrityStatus, MediaKind
from console.core.events import ChangeAction, ChangeSet, Entity
from console.core.evidence import MediaAssetRecord
from console.media.clips import make_test_clip
from console.media.stills import write_jpeg
from console.services import audit as audit_service
from console.services.cases import CaseService
from console.services.evidence_timeline import EvidenceTimelineService, order_timeline
from console.store.repos import media_assets
from console.store.repos.cases import NewCase
from console.store.repos.media_assets import NewMediaAsset
from console.store.store import Store
from tests.services.conftest import People

T0 = datetime(2026, 12, 1, 8, 0, 0)


@dataclass
class Evidence:
    case_id: int
    call: MediaAssetRecord  # 2 s intake recording at T0+60 s
    room: MediaAssetRecord  # 1 s mediation recording at T0+600 s
    snap: MediaAssetRecord  # a still at T0+10 s


def add_asset(store: Store, path: Path, kind: MediaKind, case_id: int, start: datetime,
              seconds: float | None, who: int | None) -> MediaAssetRecord:  # fmt: skip
    """A media asset of the case for `path` as it is now (its sha256 and size)."""
    data = path.read_bytes()
    new = NewMediaAsset(
        kind=kind,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        source=f"测试来源 {path.name}",
        created_by=who,
        created_at=start,
        case_id=case_id,
        duration_s=seconds,
        started_at=start,
        ended_at=None if seconds is None else start + timedelta(seconds=seconds),
    )
    record, _ = store.write_sync(lambda s: (media_assets.add(s, new), None))
    return record


@pytest.fixture
def evidence(store: Store, people: People, tmp_path: Path) -> Evidence:
    case_id, _ = CaseService(store, people.duty).register_sync(
        NewCase("邻里噪音纠纷", DisputeCategory.NEIGHBOUR, "楼上装修噪音", None)
    )
    media = tmp_path / "media"
    call = make_test_clip(media / "call.mp4", 160, 120, 25, 2.0, pattern="counter")
    room = make_test_clip(media / "room.mp4", 160, 120, 25, 1.0, pattern="bars")
    snap = media / "snap.jpg"
    write_jpeg(snap, np.full((90, 160, 3), 80, np.uint8))
    who = people.duty.id
    return Evidence(
        case_id,
        call=add_asset(
            store, call, MediaKind.INTAKE_RECORDING, case_id, T0 + timedelta(seconds=60), 2.0, who
        ),
        room=add_asset(
            store,
            room,
            MediaKind.MEDIATION_RECORDING,
            case_id,
            T0 + timedelta(seconds=600),
            1.0,
            who,
        ),
        snap=add_asset(
            store, snap, MediaKind.SNAPSHOT, case_id, T0 + timedelta(seconds=10), None, who
        ),
    )


def _run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_timeline_orders_every_medium_by_time_with_its_span(
    store: Store, people: People, evidence: Evidence
) -> None:
    tl = _run(EvidenceTimelineService(store, people.duty).timeline(evidence.case_id))
    assert tl.case_number.startswith("ZF") or tl.case_number
    assert [i.asset.id for i in tl.items] == [evidence.snap.id, evidence.call.id, evidence.room.id]
    snap, call, _ = tl.items
    assert snap.still and snap.duration_ms is None
    assert call.end - call.start == timedelta(seconds=2) and call.duration_ms == 2000
    assert tl.start == T0 + timedelta(seconds=10)
    assert tl.end == T0 + timedelta(seconds=601)
    # Without a recorded span an asset sits at its creation, as long as its duration.
    bare = MediaAssetRecord(9, MediaKind.CAMERA_CLIP, None, 1, Path("x"), "", 0, 5.0, None,
                            None, "", None, T0)  # fmt: skip
    (item,) = order_timeline([bare])
    assert (item.start, item.end) == (T0, T0 + timedelta(seconds=5))


def test_integrity_shows_verified_altered_and_missing(
    store: Store, people: People, evidence: Evidence
) -> None:
    service = EvidenceTimelineService(store, people.duty)
    data = bytearray(evidence.call.path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit in the middle of the recording
    evidence.call.path.write_bytes(bytes(data))
    evidence.room.path.unlink()
    seen: list[int] = []
    results = _run(
        service.check_all(
            [evidence.snap, evidence.call, evidence.room],
            on_result=lambda r: seen.append(r.asset_id),
        )
    )
    assert seen == [evidence.snap.id, evidence.call.id, evidence.room.id]
    by_id = {r.asset_id: r for r in results}
    assert by_id[evidence.snap.id].status is IntegrityStatus.VERIFIED
    altered = by_id[evidence.call.id]
    assert altered.status is IntegrityStatus.ALTERED
    assert altered.seen_sha256 == hashlib.sha256(data).hexdigest() != evidence.call.sha256
    assert "已被改动" in altered.message
    missing = by_id[evidence.room.id]
    assert missing.status is IntegrityStatus.MISSING and missing.seen_sha256 is None
    assert "缺失" in missing.message


def test_package_round_trip_then_a_changed_byte_and_a_missing_file_are_found(
    store: Store, people: People, evidence: Evidence, tmp_path: Path
) -> None:
    service = EvidenceTimelineService(store, people.duty)
    _run(
        service.add_annotation(
            ann.AnnotationDraft(evidence.call.id, 1000, ann.Box(0.1, 0.1, 0.2, 0.2))
        )
    )
    out = _run(service.export_package(evidence.case_id, tmp_path / "out" / "package.zip"))
    assert out.path.is_file() and not list(out.path.parent.glob(".*.part"))
    assert out.sha256 == hashlib.sha256(out.path.read_bytes()).hexdigest()
    assert out.size_bytes == out.path.stat().st_size
    check = pkg.check_package(out.path)
    assert check.ok, check.problems
    m = check.manifest
    assert m.created_by == "duty" and m.created_by_id == people.duty.id
    assert [f.asset_id for f in m.files] == [evidence.snap.id, evidence.call.id, evidence.room.id]
    assert all(f.integrity is IntegrityStatus.VERIFIED for f in m.files)
    assert m.files[1].sha256 == evidence.call.sha256
    assert m.files[1].started_at == T0 + timedelta(seconds=60)
    assert [(a.asset_id, a.at_ms, a.author) for a in m.annotations] == [
        (evidence.call.id, 1000, "duty")
    ]
    with zipfile.ZipFile(out.path) as z:
        assert z.read(m.files[0].name) == evidence.snap.path.read_bytes()
    # Who exported what is in the audit log.
    entry = audit_service.recent_sync(store, 1)[0]
    assert entry.action == AuditAction.EXPORT.code and entry.actor_id == people.duty.id
    detail = json.loads(entry.detail)
    assert detail["sha256"] == out.sha256 and detail["files"] == [f.asset_id for f in m.files]

    # One byte of one packed file changed: the package no longer verifies.
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out.path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            body = bytearray(src.read(info))
            if info.filename == m.files[2].name:
                body[100] ^= 0xFF
            dst.writestr(info.filename, bytes(body))
    problems = pkg.check_package(tampered).problems
    assert [(p.name, p.status) for p in problems] == [(m.files[2].name, IntegrityStatus.ALTERED)]

    # A file missing from the store is listed as missing, never silently left out.
    evidence.room.path.unlink()
    again = _run(service.export_package(evidence.case_id, tmp_path / "again.zip"))
    assert again.missing == 1 and [x.asset_id for x in again.manifest.missing] == [evidence.room.id]
    assert pkg.check_package(again.path).ok
    assert pkg.from_json(zipfile.ZipFile(again.path).read(pkg.MANIFEST_NAME)).missing[0].reason


def test_an_altered_source_is_packed_and_marked_altered(
    store: Store, people: People, evidence: Evidence, tmp_path: Path
) -> None:
    evidence.snap.path.write_bytes(evidence.snap.path.read_bytes() + b"\x00")
    out = _run(EvidenceTimelineService(store, people.duty).export_package(
        evidence.case_id, tmp_path / "p.zip"))  # fmt: skip
    assert out.altered == 1
    (f,) = [f for f in out.manifest.files if f.asset_id == evidence.snap.id]
    assert f.integrity is IntegrityStatus.ALTERED and f.stored_sha256 == evidence.snap.sha256


def test_annotations_are_kept_listed_refused_and_deleted_with_audit(
    store: Store, people: People, evidence: Evidence
) -> None:
    duty = EvidenceTimelineService(store, people.duty)
    boss = EvidenceTimelineService(store, people.supervisor)
    published: list[ChangeSet] = []
    store.feed.subscribe(published.append)
    arrow = _run(duty.add_annotation(
        ann.AnnotationDraft(evidence.call.id, 1500, ann.Arrow(0.1, 0.2, 0.5, 0.6))))  # fmt: skip
    text = _run(duty.add_annotation(
        ann.AnnotationDraft(evidence.snap.id, 0, ann.TextMark(0.3, 0.4), " 当事人 ")))  # fmt: skip
    assert text.text == "当事人" and text.author_name == "duty"
    listed = _run(duty.annotations_of(evidence.case_id))
    assert [(a.id, a.kind, a.geometry) for a in listed] == [
        (arrow.id, ann.AnnotationShape.ARROW, ann.Arrow(0.1, 0.2, 0.5, 0.6)),
        (text.id, ann.AnnotationShape.TEXT, ann.TextMark(0.3, 0.4)),
    ]
    assert published[0].ids_of(Entity.ANNOTATION, ChangeAction.CREATED) == {arrow.id}

    with pytest.raises(ann.AnnotationRefused, match="超出录像时长"):
        _run(
            duty.add_annotation(
                ann.AnnotationDraft(evidence.call.id, 2500, ann.TextMark(0, 0), "晚")
            )
        )
    with pytest.raises(ann.AnnotationRefused, match="图片只能在0秒处标注"):
        _run(
            duty.add_annotation(ann.AnnotationDraft(evidence.snap.id, 40, ann.TextMark(0, 0), "x"))
        )

    other = _add_user_service(store)
    from console.services.evidence_timeline import AnnotationNotAllowed

    with pytest.raises(AnnotationNotAllowed, match="只有标注人或督导"):
        _run(other.delete_annotation(arrow.id))
    assert _run(boss.delete_annotation(arrow.id)) == arrow
    assert _run(duty.delete_annotation(arrow.id)) is None  # already gone
    assert [a.id for a in _run(duty.annotations_of(evidence.case_id))] == [text.id]
    assert published[-1].ids_of(Entity.ANNOTATION, ChangeAction.DELETED) == {arrow.id}
    actions = [e.action for e in audit_service.recent_sync(store, 10)]
    assert actions.count(AuditAction.ANNOTATION_ADDED.code) == 2
    assert actions.count(AuditAction.ANNOTATION_DELETED.code) == 1
    assert audit_service.verify_sync(store) == []


def _add_user_service(store: Store) -> EvidenceTimelineService:
    from console.core.codes import Role
    from console.services import auth
    from console.services.operator import Operator

    user = auth.add_user_sync(
        store,
        username="other",
        display_name="other",
        role=Role.DUTY_OFFICER,
        password="pass-word-123",
    )
    return EvidenceTimelineService(store, Operator(user))
