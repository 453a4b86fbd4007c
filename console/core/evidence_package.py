"""The evidence package: a zip of a case's media with a manifest of hashes, operator and times.

The manifest (`manifest.json`, UTF-8 JSON) says who made the package and when, and for
every file its name in the zip, kind, sha256, size, time range and source, plus the
integrity each asset had against the store when it was packed. An asset whose file was
missing is listed under "missing" rather than silently left out. Verifying a package
re-hashes every member and reports altered, missing and extra files.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from console.core.codes import IntegrityStatus, MediaKind

FORMAT = "console-evidence-package/1"
MANIFEST_NAME = "manifest.json"
FILES_DIR = "files"
HASH_CHUNK = 1 << 20


class ManifestError(ValueError):
    """A manifest that cannot be read; the message is the reason, in Chinese."""


@dataclass(frozen=True, slots=True)
class PackedFile:
    name: str  # path inside the zip, "files/…"
    asset_id: int
    kind: MediaKind
    sha256: str  # of the bytes in the package
    size_bytes: int
    started_at: datetime | None  # naive UTC
    ended_at: datetime | None
    source: str
    stored_sha256: str  # what the store recorded when the asset was made
    integrity: IntegrityStatus  # of the file against the store when packed


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An asset of the case whose file could not be packed."""

    asset_id: int
    kind: MediaKind
    stored_sha256: str
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class PackedAnnotation:
    asset_id: int
    kind: str
    at_ms: int
    geometry: str  # JSON as stored
    text: str
    author: str


@dataclass(frozen=True, slots=True)
class Manifest:
    package_id: str
    case_id: int
    case_number: str
    created_by_id: int | None
    created_by: str  # display name
    created_at: datetime  # naive UTC
    files: tuple[PackedFile, ...]
    missing: tuple[LeftOut, ...] = ()
    annotations: tuple[PackedAnnotation, ...] = ()


@dataclass(frozen=True, slots=True)
class PackageProblem:
    name: str
    status: IntegrityStatus | None  # ALTERED or MISSING; None for a file not in the manifest
    expected_sha256: str
    seen_sha256: str

    @property
    def message(self) -> str:
        if self.status is IntegrityStatus.MISSING:
            return f"{self.name}：清单中有此文件，包内缺失"
        if self.status is IntegrityStatus.ALTERED:
            want, got = self.expected_sha256[:12], self.seen_sha256[:12]
            return f"{self.name}：哈希不符（应为 {want}…，实为 {got}…）"
        return f"{self.name}：包内多出清单中没有的文件"


@dataclass(frozen=True, slots=True)
class PackageCheck:
    manifest: Manifest
    problems: tuple[PackageProblem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


# --- rules ---------------------------------------------------------------------------------


def integrity(stored_sha256: str, seen_sha256: str | None) -> IntegrityStatus:
    """A file's state against the store: None seen means the file is not there."""
    if seen_sha256 is None:
        return IntegrityStatus.MISSING
    return IntegrityStatus.VERIFIED if seen_sha256 == stored_sha256 else IntegrityStatus.ALTERED


def member_name(index: int, asset_id: int, kind: MediaKind, original: str) -> str:
    """A file's unique, ASCII name inside the package, keeping the original suffix."""
    suffix = PurePosixPath(original.replace("\\", "/")).suffix.lower()
    if not suffix.isascii() or len(suffix) > 10:
        suffix = ".bin"
    return f"{FILES_DIR}/{index:03d}_{kind.code}_{asset_id}{suffix}"


def verify(manifest: Manifest, seen: Mapping[str, tuple[str, int]]) -> list[PackageProblem]:
    """Compare the manifest with what the package holds: name -> (sha256, size).

    `seen` must not contain the manifest itself.
    """
    found: list[PackageProblem] = []
    listed = set()
    for f in manifest.files:
        listed.add(f.name)
        got = seen.get(f.name)
        if got is None:
            found.append(PackageProblem(f.name, IntegrityStatus.MISSING, f.sha256, ""))
        elif got[0] != f.sha256 or got[1] != f.size_bytes:
            found.append(PackageProblem(f.name, IntegrityStatus.ALTERED, f.sha256, got[0]))
    for name in sorted(set(seen) - listed):
        found.append(PackageProblem(name, None, "", seen[name][0]))
    return found


# --- the manifest as JSON ------------------------------------------------------------------


def stamp(at: datetime | None) -> str | None:
    """A naive-UTC time as ISO 8601 with Z."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError as exc:
        raise ManifestError(f"时间格式不正确：{text}") from exc


def to_json(m: Manifest) -> str:
    return json.dumps(
        {
            "format": FORMAT,
            "package_id": m.package_id,
            "case": {"id": m.case_id, "number": m.case_number},
            "created_by": {"id": m.created_by_id, "name": m.created_by},
            "created_at": stamp(m.created_at),
            "files": [
                {
                    "name": f.name,
                    "asset_id": f.asset_id,
                    "kind": f.kind.code,
                    "kind_label": f.kind.zh,
                    "sha256": f.sha256,
                    "size_bytes": f.size_bytes,
                    "started_at": stamp(f.started_at),
                    "ended_at": stamp(f.ended_at),
                    "source": f.source,
                    "stored_sha256": f.stored_sha256,
                    "integrity": f.integrity.code,
                }
                for f in m.files
            ],
            "missing": [
                {
                    "asset_id": x.asset_id,
                    "kind": x.kind.code,
                    "stored_sha256": x.stored_sha256,
                    "path": x.path,
                    "reason": x.reason,
                }
                for x in m.missing
            ],
            "annotations": [
                {
                    "asset_id": a.asset_id,
                    "kind": a.kind,
                    "at_ms": a.at_ms,
                    "geometry": json.loads(a.geometry),
                    "text": a.text,
                    "author": a.author,
                }
                for a in m.annotations
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def from_json(text: str | bytes) -> Manifest:
    try:
        d = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ManifestError(f"清单不是有效的JSON：{exc}") from exc
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ManifestError("不是本系统的证据包清单（格式标识不符）")
    try:
        return Manifest(
            package_id=str(d["package_id"]),
            case_id=int(d["case"]["id"]),
            case_number=str(d["case"]["number"]),
            created_by_id=d["created_by"]["id"],
            created_by=str(d["created_by"]["name"]),
            created_at=parse_stamp(d["created_at"]) or datetime.min,
            files=tuple(
                PackedFile(
                    name=str(f["name"]),
                    asset_id=int(f["asset_id"]),
                    kind=MediaKind(f["kind"]),
                    sha256=str(f["sha256"]),
                    size_bytes=int(f["size_bytes"]),
                    started_at=parse_stamp(f["started_at"]),
                    ended_at=parse_stamp(f["ended_at"]),
                    source=str(f["source"]),
                    stored_sha256=str(f["stored_sha256"]),
                    integrity=IntegrityStatus(f["integrity"]),
                )
                for f in d["files"]
            ),
            missing=tuple(
                LeftOut(
                    int(x["asset_id"]),
                    MediaKind(x["kind"]),
                    str(x["stored_sha256"]),
                    str(x["path"]),
                    str(x["reason"]),
                )
                for x in d.get("missing", [])
            ),
            annotations=tuple(
                PackedAnnotation(
                    int(a["asset_id"]),
                    str(a["kind"]),
                    int(a["at_ms"]),
                    json.dumps(a["geometry"], separators=(",", ":")),
                    str(a["text"]),
                    str(a["author"]),
                )
                for a in d.get("annotations", [])
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestError(f"清单缺少或含有无效的字段：{exc}") from exc


# --- small I/O helpers ---------------------------------------------------------------------


def hash_member(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with archive.open(name) as f:
        while chunk := f.read(HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_package(path: Path) -> PackageCheck:
    """Open a package, read its manifest and re-hash every member (streamed).

    ManifestError when the zip or its manifest cannot be read.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
            if MANIFEST_NAME not in names:
                raise ManifestError("证据包中没有清单文件 manifest.json")
            manifest = from_json(archive.read(MANIFEST_NAME))
            seen = {n: hash_member(archive, n) for n in names if n != MANIFEST_NAME}
    except (zipfile.BadZipFile, OSError) as exc:
        raise ManifestError(f"无法读取证据包：{exc}") from exc
    return PackageCheck(manifest, tuple(verify(manifest, seen)))


def summary(problems: Sequence[PackageProblem]) -> str:
    """One line for the operator."""
    if not problems:
        return "证据包完整：所有文件哈希一致"
    return f"证据包有{len(problems)}处问题：" + "；".join(p.message for p in problems)
