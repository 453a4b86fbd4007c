"""Evidence package rules: manifest round trip, verification of hashes, missing and extra files."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from console.core import annotations as ann
from console.core import evidence_package as pkg
from console.core.codes import IntegrityStatus, MediaKind

T0 = datetime(2026, 12, 1, 8, 30, 0, 123000)


def _files(contents: dict[str, bytes]) -> tuple[pkg.PackedFile, ...]:
    return tuple(
        pkg.PackedFile(
            name=name,
            asset_id=i + 1,
            kind=MediaKind.INTAKE_RECORDING,
            sha256=hashlib.sha256(data).hexdigest(),
            size_bytes=len(data),
            started_at=T0,
            ended_at=T0.replace(minute=31),
            source="接访席 1",
            stored_sha256=hashlib.sha256(data).hexdigest(),
            integrity=IntegrityStatus.VERIFIED,
        )
        for i, (name, data) in enumerate(contents.items())
    )


def _manifest(files: tuple[pkg.PackedFile, ...]) -> pkg.Manifest:
    return pkg.Manifest(
        package_id="p1",
        case_id=7,
        case_number="ZF2026-000007",
        created_by_id=3,
        created_by="张调解",
        created_at=T0,
        files=files,
        missing=(pkg.LeftOut(9, MediaKind.SNAPSHOT, "ab" * 32, "/gone.jpg", "文件缺失"),),
        annotations=(
            pkg.PackedAnnotation(1, "box", 1200, '{"x":0.1,"y":0.1,"w":0.2,"h":0.2}', "", "张"),
        ),
    )


def _write_zip(path: Path, manifest: pkg.Manifest, contents: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(pkg.MANIFEST_NAME, pkg.to_json(manifest))
        for name, data in contents.items():
            z.writestr(name, data)
    return path


def test_manifest_round_trips_with_chinese_and_times() -> None:
    contents = {"files/001_intake_recording_1.mp4": b"abc", "files/002_snapshot_2.jpg": b"xyz"}
    m = _manifest(_files(contents))
    text = pkg.to_json(m)
    assert "张调解" in text and "接访录像" in text  # readable without this program
    assert '"created_at": "2026-12-01T08:30:00.123000Z"' in text
    assert pkg.from_json(text) == m


def test_package_on_disk_verifies_then_detects_a_changed_byte_and_a_missing_file(
    tmp_path: Path,
) -> None:
    contents = {"files/001_a.mp4": b"\x00" * 5000, "files/002_b.jpg": b"jpeg-bytes"}
    m = _manifest(_files(contents))
    good = pkg.check_package(_write_zip(tmp_path / "good.zip", m, contents))
    assert good.ok and good.manifest.case_number == "ZF2026-000007"

    changed = dict(contents)
    changed["files/001_a.mp4"] = b"\x00" * 2500 + b"\x01" + b"\x00" * 2499  # one byte
    bad = pkg.check_package(_write_zip(tmp_path / "bad.zip", m, changed))
    assert [(p.name, p.status) for p in bad.problems] == [
        ("files/001_a.mp4", IntegrityStatus.ALTERED)
    ]
    assert "哈希不符" in bad.problems[0].message

    partial = {"files/001_a.mp4": contents["files/001_a.mp4"], "files/extra.txt": b"x"}
    gone = pkg.check_package(_write_zip(tmp_path / "gone.zip", m, partial))
    assert [(p.name, p.status) for p in gone.problems] == [
        ("files/002_b.jpg", IntegrityStatus.MISSING),
        ("files/extra.txt", None),
    ]
    assert "缺失" in pkg.summary(gone.problems) and "多出" in pkg.summary(gone.problems)


def test_unreadable_packages_are_refused_with_a_reason(tmp_path: Path) -> None:
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"hello")
    with pytest.raises(pkg.ManifestError, match="无法读取证据包"):
        pkg.check_package(not_zip)
    with zipfile.ZipFile(tmp_path / "y.zip", "w") as z:
        z.writestr("files/a", b"a")
    with pytest.raises(pkg.ManifestError, match="没有清单"):
        pkg.check_package(tmp_path / "y.zip")
    with pytest.raises(pkg.ManifestError, match="格式标识"):
        pkg.from_json('{"format": "other"}')
    with pytest.raises(pkg.ManifestError, match="无效的字段"):
        pkg.from_json(json.dumps({"format": pkg.FORMAT, "package_id": "x"}))


def test_integrity_and_member_names() -> None:
    assert pkg.integrity("aa", "aa") is IntegrityStatus.VERIFIED
    assert pkg.integrity("aa", "bb") is IntegrityStatus.ALTERED
    assert pkg.integrity("aa", None) is IntegrityStatus.MISSING
    assert pkg.member_name(3, 41, MediaKind.SNAPSHOT, "/x/抓拍.JPG") == "files/003_snapshot_41.jpg"
    assert pkg.member_name(1, 2, MediaKind.DOCUMENT, "noext") == "files/001_document_2"


def test_annotation_rules_give_chinese_reasons() -> None:
    ok = ann.AnnotationDraft(1, 1000, ann.Box(0.1, 0.1, 0.3, 0.2))
    assert ann.problems(ok, duration_ms=5000) == []
    assert ann.problems(ok, duration_ms=500) == ["标注时间超出录像时长"]
    assert ann.problems(ok, duration_ms=None) == ["图片只能在0秒处标注"]
    off = ann.AnnotationDraft(1, 0, ann.Box(0.9, 0.1, 0.3, 0.2))
    assert ann.problems(off, 5000) == ["框选区域超出画面范围"]
    tiny = ann.AnnotationDraft(1, 0, ann.Arrow(0.5, 0.5, 0.501, 0.5))
    assert ann.problems(tiny, 5000) == ["箭头太短"]
    empty = ann.AnnotationDraft(1, 0, ann.TextMark(0.5, 0.5), "  ")
    assert ann.problems(empty, 5000) == ["文字标注的内容不能为空"]
    nan = ann.AnnotationDraft(1, 0, ann.TextMark(float("nan"), 0.5), "a")
    assert ann.problems(nan, 5000) == ["标注坐标不是有效数字"]
    with pytest.raises(ann.AnnotationRefused, match="超出画面范围"):
        ann.check(ann.AnnotationDraft(1, 0, ann.TextMark(1.5, 0.5), "a"), 5000)


def test_annotation_geometry_round_trip_and_visibility() -> None:
    for g in (ann.Box(0.1, 0.2, 0.3, 0.4), ann.Arrow(0.1, 0.2, 0.7, 0.9), ann.TextMark(0.5, 0.25)):
        kind = ann.shape_of(g)
        assert ann.geometry_from_json(kind, ann.geometry_to_json(g)) == g
    assert ann.box_from_corners(0.8, 0.9, 0.2, -0.5) == ann.Box(0.2, 0.0, 0.6000000000000001, 0.9)
    assert ann.visible_at(1000, 1000) and ann.visible_at(1000, 1000 + ann.SHOW_MS - 1)
    assert not ann.visible_at(1000, 999) and not ann.visible_at(1000, 1000 + ann.SHOW_MS)
    with pytest.raises(ann.AnnotationRefused):
        ann.geometry_from_json(ann.AnnotationShape.BOX, '{"x": 1}')
