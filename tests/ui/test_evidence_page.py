"""The evidence page: timeline, integrity in words, accurate seek, marks at their time, export."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from console.core import annotations as ann
from console.core import evidence_package as pkg
from console.core.codes import MediaKind
from console.core.evidence import MediaAssetRecord
from console.media.clips import make_test_clip, read_frame_counter
from console.media.stills import write_jpeg
from console.services.evidence_timeline import EvidenceTimelineService
from console.store.store import Store
from console.ui.assessment.evidence_page import EvidencePage
from tests.services.test_evidence_timeline import add_asset
from tests.ui.conftest import Workspace, run_until

T0 = datetime(2026, 12, 1, 1, 0, 0)  # 09:00 in the centre


def _add(store: Store, path: Path, kind: MediaKind, case_id: int, start: datetime,
         seconds: float | None) -> MediaAssetRecord:  # fmt: skip
    return add_asset(store, path, kind, case_id, start, seconds, None)


@pytest.fixture
def media(workspace: Workspace, tmp_path: Path) -> dict[str, MediaAssetRecord]:
    case_id = workspace.case_ids[0]
    d = tmp_path / "media"
    call = make_test_clip(d / "call.mp4", 320, 240, 25, 4.0, pattern="counter")
    room = make_test_clip(d / "room.mp4", 320, 180, 25, 1.0, pattern="scene", label="ROOM")
    snap = d / "snap.jpg"
    write_jpeg(snap, np.full((180, 320, 3), 90, np.uint8))
    gone = make_test_clip(d / "gone.mp4", 160, 120, 25, 0.4, pattern="bars")
    s = workspace.store
    made = {
        "call": _add(s, call, MediaKind.INTAKE_RECORDING, case_id, T0 + timedelta(minutes=1), 4.0),
        "snap": _add(s, snap, MediaKind.SNAPSHOT, case_id, T0 + timedelta(minutes=4), None),
        "clip": _add(s, gone, MediaKind.CAMERA_CLIP, case_id, T0 + timedelta(minutes=6), 0.4),
        "room": _add(
            s, room, MediaKind.MEDIATION_RECORDING, case_id, T0 + timedelta(minutes=9), 1.0
        ),
    }
    gone.unlink()  # the camera clip's file has vanished since it was stored
    return made


@pytest.fixture
def page(qtbot, qloop, workspace: Workspace):  # type: ignore[no-untyped-def]
    p = EvidencePage(EvidenceTimelineService(workspace.store, workspace.duty))
    qtbot.addWidget(p)
    p.resize(1600, 900)
    p.show()
    yield p
    p.close_panel()


def _counter_on_view(page: EvidencePage) -> int | None:
    frame = page.view._keep
    return None if frame is None else read_frame_counter(frame.image)


def test_case_media_on_the_timeline_with_integrity_in_words(
    page: EvidencePage, qloop, workspace: Workspace, media: dict[str, MediaAssetRecord]
) -> None:  # type: ignore[no-untyped-def]
    page.show_case(workspace.case_ids[0])
    run_until(qloop, lambda: page.assets.rowCount() == 4)
    order = [page.assets.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(4)]
    assert order == [media[k].id for k in ("call", "snap", "clip", "room")]
    run_until(
        qloop, lambda: all(page.integrity_text(m.id) not in ("", "…") for m in media.values())
    )
    assert page.integrity_text(media["call"].id).startswith("✓")
    assert page.integrity_text(media["clip"].id) == "✗ 文件缺失"
    assert "1" in page.status.text()
    # Every asset is a bar on the strip; the missing one too, and a click picks it.
    assert all(page.strip.bar_rect(a.id) is not None for a in media.values())
    bar = page.strip.bar_rect(media["clip"].id)
    assert bar is not None
    page.strip.asset_clicked.emit(media["clip"].id)
    run_until(qloop, lambda: "文件不存在" in page.view.message)
    assert not page.play_button.isEnabled()

    # An altered recording is caught by "Verify all".
    data = bytearray(media["room"].path.read_bytes())
    data[-50] ^= 0x10
    media["room"].path.write_bytes(bytes(data))
    page.verify_button.click()
    run_until(qloop, lambda: page.integrity_text(media["room"].id) == "✗ 已被改动", 15)


def test_click_seek_step_and_annotate_at_a_time(
    qtbot, page: EvidencePage, qloop, workspace: Workspace, media: dict[str, MediaAssetRecord]
) -> None:  # type: ignore[no-untyped-def]
    page.show_case(workspace.case_ids[0])
    run_until(qloop, lambda: page.assets.rowCount() == 4)
    rect = page.strip.bar_rect(media["call"].id)
    assert rect is not None
    run_until(
        qloop, lambda: all(page.integrity_text(m.id) not in ("", "…") for m in media.values())
    )
    qtbot.mouseClick(page.strip, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    run_until(qloop, lambda: page.asset_id == media["call"].id and _counter_on_view(page) == 0)
    run_until(qloop, lambda: page.slider.maximum() == 3960 and page.play_button.isEnabled())

    page.slider.setValue(1000)  # as dragging the slider does
    run_until(qloop, lambda: _counter_on_view(page) == 25 and page.position_ms() == 1000)
    page.forward_button.click()
    run_until(qloop, lambda: _counter_on_view(page) == 26)
    page.back_button.click()
    page.back_button.click()
    run_until(qloop, lambda: _counter_on_view(page) == 24 and page.position_ms() == 960)
    page.speed_box.setCurrentIndex(page.speed_box.findData(2.0))
    run_until(qloop, lambda: page.player is not None and page.player.state.speed == 2.0)

    # Draw a box over the middle of the picture at 0.96 s.
    page.set_tool("box")
    picture = page.view.picture_rect()
    a = QPoint(
        int(picture.x() + picture.width() * 0.25), int(picture.y() + picture.height() * 0.25)
    )
    b = QPoint(int(picture.x() + picture.width() * 0.75), int(picture.y() + picture.height() * 0.5))
    page.mark_text.setText("可疑人员")
    qtbot.mousePress(page.view, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(page.view, b)
    qtbot.mouseRelease(page.view, Qt.MouseButton.LeftButton, pos=b)
    run_until(qloop, lambda: page.marks_list.count() == 1 and len(page.view.marks) == 1)
    (mark,) = page.view.marks
    assert mark.at_ms == 960 and mark.text == "可疑人员"
    assert isinstance(mark.geometry, ann.Box)
    assert mark.geometry.x == pytest.approx(0.25, abs=0.01)
    assert mark.geometry.w == pytest.approx(0.5, abs=0.01)
    assert mark.geometry.h == pytest.approx(0.25, abs=0.01)
    # Persisted: a fresh read of the store has it.
    stored = qloop.run_until_complete(
        EvidenceTimelineService(workspace.store, workspace.duty).annotations_of(
            workspace.case_ids[0]
        )
    )
    assert [m.id for m in stored] == [mark.id]

    # Shown at its time only: not before it, not once its moment has passed.
    def at(ms: int) -> list[int]:
        page.seek(ms)
        run_until(qloop, lambda: page.position_ms() == ms and page.strip.cursor_ms == ms)
        return [m.id for m in page.view.marks]

    assert at(920) == []
    assert at(960 + ann.SHOW_MS - 40) == [mark.id]
    assert at(960 + ann.SHOW_MS) == []
    assert at(960) == [mark.id]

    # A refused mark is explained, not stored.
    page.set_tool("arrow")
    qtbot.mousePress(page.view, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseRelease(page.view, Qt.MouseButton.LeftButton, pos=a)
    run_until(qloop, lambda: "箭头太短" in page.status.text())
    assert page.marks_list.count() == 1

    # Deleting it.
    page.marks_list.setCurrentRow(0)
    page.delete_mark_button.click()
    run_until(qloop, lambda: page.marks_list.count() == 0)


def test_export_writes_a_package_that_verifies(
    page: EvidencePage, qloop, workspace: Workspace, media: dict[str, MediaAssetRecord],
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    page.show_case(workspace.case_ids[0])
    run_until(qloop, lambda: page.assets.rowCount() == 4)
    exported: list[str] = []
    page.package_exported.connect(exported.append)
    page.export_to(tmp_path / "证据包.zip")
    run_until(qloop, lambda: bool(exported), 20)
    check = pkg.check_package(Path(exported[0]))
    assert check.ok
    assert [m.asset_id for m in check.manifest.missing] == [media["clip"].id]
    assert "1" in page.status.text()


def test_other_consoles_annotations_arrive_through_apply_changes(
    page: EvidencePage, qloop, workspace: Workspace, media: dict[str, MediaAssetRecord]
) -> None:  # type: ignore[no-untyped-def]
    page.show_case(workspace.case_ids[0])
    run_until(qloop, lambda: page.asset_id == media["call"].id)
    other = EvidenceTimelineService(workspace.store, workspace.supervisor)
    changes = []
    workspace.store.feed.subscribe(changes.append)
    qloop.run_until_complete(
        other.add_annotation(
            ann.AnnotationDraft(media["call"].id, 0, ann.TextMark(0.1, 0.1), "起点")
        )
    )
    assert page.marks_list.count() == 0
    page.apply_changes(changes[-1])
    run_until(qloop, lambda: page.marks_list.count() == 1)
    assert "起点" in page.marks_list.item(0).text() and "boss" in page.marks_list.item(0).text()
    run_until(qloop, lambda: [m.text for m in page.view.marks] == ["起点"])
