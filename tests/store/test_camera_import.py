"""Catalogue imports, favourites and groups against a real SQLite store."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from console.core.camera_catalog import CatalogFormatError, with_credentials
from console.core.codes import AuditAction, CameraStatus, RegionLevel, Role
from console.core.events import ChangeAction, ChangeSet, Entity, Operation
from console.services.catalogue import CatalogueService
from console.services.operator import Operator
from console.store.models import AuditLog, Camera, Region
from console.store.repos import audit, cameras, users
from console.store.repos.camera_groups import GroupNameTaken
from console.store.store import Store

DATA = Path(__file__).parent.parent / "data"
SECRETS = ("S3cret", "Pa55word", "ftpsecret")


def _operator(store: Store, username: str, role: Role = Role.DUTY_OFFICER) -> Operator:
    def op(session: Any) -> tuple[Any, None]:
        return users.add(
            session, username=username, display_name=username, role=role, password_hash="x"
        ), None

    return Operator(store.write_sync(op)[0])


def _regions(store: Store) -> dict[str, int]:
    def op(session: Any) -> tuple[dict[str, int], None]:
        city = Region(code="340100", name="合肥市", level=RegionLevel.CITY.code)
        session.add(city)
        session.flush()
        county = Region(
            code="340102", name="庐阳区", level=RegionLevel.COUNTY.code, parent_id=city.id
        )
        session.add(county)
        session.flush()
        town = Region(
            code="340102001", name="亳州路街道", level=RegionLevel.TOWN.code, parent_id=county.id
        )
        session.add(town)
        session.flush()
        return {r.code: r.id for r in (city, county, town)}, None

    return store.write_sync(op)[0]


@pytest.fixture
def officer(store: Store) -> Operator:
    return _operator(store, "wangmin")


@pytest.fixture
def service(store: Store, officer: Operator) -> CatalogueService:
    return CatalogueService(store, officer)


def _feed(store: Store) -> list[ChangeSet]:
    seen: list[ChangeSet] = []
    store.feed.subscribe(seen.append)
    return seen


def _audit_details(store: Store) -> list[tuple[str, str, str]]:
    def q(session: Any) -> list[tuple[str, str, str]]:
        rows = session.execute(select(AuditLog.action, AuditLog.target_id, AuditLog.detail))
        return [tuple(r) for r in rows]

    return store.read_sync(q)


def test_csv_import_stores_rows_resolves_regions_and_hides_credentials(
    store: Store, service: CatalogueService, caplog: pytest.LogCaptureFixture
) -> None:
    regions = _regions(store)
    seen = _feed(store)
    with caplog.at_level(logging.DEBUG):
        report = service.import_file_sync(DATA / "cameras.csv")
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    assert [p.number for p in report.problems] == [4, 5, 6]

    first = store.read_sync(lambda s: cameras.by_device_id(s, "34010200001320000101"))
    second = store.read_sync(lambda s: cameras.by_device_id(s, "34010200001320000102"))
    local = store.read_sync(lambda s: cameras.by_device_id(s, "LOCAL-USB-0"))
    assert first is not None and second is not None and local is not None
    assert first.region_id == regions["340102001"]  # exact civil code
    assert second.region_id == regions["340102"]
    assert local.region_id is None and local.main_url == "/dev/video0"
    assert first.main_url == "rtsp://10.1.2.3:554/Streaming/Channels/101"
    assert (first.stream_username, first.stream_password) == ("admin", "S3cret@pw")
    assert with_credentials(first.main_url, first.stream_username, first.stream_password) == (
        "rtsp://admin:S3cret%40pw@10.1.2.3:554/Streaming/Channels/101"
    )
    assert second.sensitive and second.status is CameraStatus.OFFLINE

    # The password is in no URL column, no audit row, no log line and no repr.
    def url_columns(session: Any) -> list[str]:
        return [u for u in session.scalars(select(Camera.main_url)) if u] + [
            u for u in session.scalars(select(Camera.sub_url)) if u
        ]

    stored_urls = " ".join(store.read_sync(url_columns))
    audit_rows = _audit_details(store)
    assert audit_rows[-1][0] == AuditAction.CAMERAS_IMPORTED.code
    assert audit_rows[-1][1] == "cameras.csv"
    assert "created=4" in audit_rows[-1][2] and "problems=3" in audit_rows[-1][2]
    everything = " ".join(
        [stored_urls, str(audit_rows), caplog.text, repr(first), repr(second), str(report)]
    )
    for secret in SECRETS:
        assert secret not in everything, secret
    assert "cameras.csv" in caplog.text

    (changes,) = [c for c in seen if c.operation is Operation.CAMERAS_IMPORTED]
    assert changes.ids_of(Entity.CAMERA, ChangeAction.CREATED) == {
        first.id,
        second.id,
        local.id,
        store.read_sync(lambda s: cameras.by_device_id(s, "DEMO-FILE-1")).id,  # type: ignore[union-attr]
    }
    assert store.read_sync(lambda s: audit.verify(s)) == []


def test_reimport_is_idempotent_and_a_catalogue_keeps_configured_streams(
    store: Store, service: CatalogueService, tmp_path: Path
) -> None:
    regions = _regions(store)
    xml = DATA / "catalog_gb2312.xml"
    report = service.import_file_sync(xml)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.skipped_non_camera == 4 and len(report.problems) == 2
    dome = store.read_sync(lambda s: cameras.by_device_id(s, "34010200001310000001"))
    gate = store.read_sync(lambda s: cameras.by_device_id(s, "34010200001320000002"))
    assert dome is not None and gate is not None
    assert dome.name == "长江中路与金寨路交口" and dome.region_id == regions["340102001"]
    # 340102002 has no region of its own: the longest code that prefixes it is the county.
    assert gate.region_id == regions["340102"] and gate.sensitive

    seen = _feed(store)
    again = service.import_file_sync(xml)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert seen == []  # nothing changed, nothing to refresh

    # Streams configured by CSV survive a catalogue re-import that has no streams.
    csv = tmp_path / "streams.csv"
    csv.write_text(
        "device_id,name,main_url,sub_url\n"
        "34010200001310000001,长江中路与金寨路交口,rtsp://u:pw9@10.9.9.9/main,rtsp://10.9.9.9/sub\n",
        encoding="utf-8",
    )
    streams = service.import_file_sync(csv)
    assert (streams.created, streams.updated) == (0, 1)
    service.import_file_sync(xml)
    dome = store.read_sync(lambda s: cameras.by_device_id(s, "34010200001310000001"))
    assert dome is not None
    assert (dome.main_url, dome.sub_url) == ("rtsp://10.9.9.9/main", "rtsp://10.9.9.9/sub")
    assert (dome.stream_username, dome.stream_password) == ("u", "pw9")

    # A changed name is an update, and the search finds it by its new initials.
    changed = tmp_path / "changed.xml"
    changed.write_bytes(
        xml.read_bytes().replace(
            "长江中路与金寨路交口<".encode("gb2312"), "长江中路东<".encode("gb2312")
        )
    )
    seen.clear()
    report = service.import_file_sync(changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert [c.ids_of(Entity.CAMERA, ChangeAction.UPDATED) for c in seen] == [{dome.id}]
    assert [c.name for c in store.read_sync(lambda s: cameras.search(s, "cjzld"))] == ["长江中路东"]


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("broken.xml", b"<Response><CmdType>Catalog</CmdType><DeviceList><Item>", "XML 格式错误"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), "不是 CSV 或 XML"),
        ("bomb.xml", b'<!DOCTYPE r [<!ENTITY a "aaaa">]><Response/>', "DOCTYPE"),
        ("empty.csv", b"", "为空"),
    ],
)
def test_a_file_that_is_not_a_catalogue_writes_nothing(
    store: Store,
    service: CatalogueService,
    tmp_path: Path,
    name: str,
    content: bytes,
    fragment: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = store.read_sync(audit.count)
    with pytest.raises(CatalogFormatError, match=fragment):
        service.import_file_sync(path)
    assert store.read_sync(cameras.count) == 0
    assert store.read_sync(audit.count) == before


def test_import_runs_off_the_event_loop(store: Store, service: CatalogueService) -> None:
    report = asyncio.run(service.import_file(DATA / "catalog_gb2312.xml"))
    assert report.created == 2 and report.format == "gb28181"


def test_command_line_import_is_audited_without_an_actor(store: Store, tmp_path: Path) -> None:
    copy = tmp_path / "目录.csv"
    shutil.copy(DATA / "cameras.csv", copy)
    report = CatalogueService(store, None).import_file_sync(copy)
    assert report.created == 4
    _action, target, detail = _audit_details(store)[-1]
    assert target == "目录.csv" and "file=目录.csv" in detail
    with pytest.raises(PermissionError):
        asyncio.run(CatalogueService(store, None).favourites())


def test_favourites_are_per_operator(store: Store, service: CatalogueService) -> None:
    service.import_file_sync(DATA / "cameras.csv")
    ids = sorted(store.read_sync(lambda s: [c.id for c in cameras.search(s, "3401")]))
    other = CatalogueService(store, _operator(store, "lihua"))
    seen = _feed(store)

    async def run() -> None:
        assert await service.add_favourite(ids[1])
        assert await service.add_favourite(ids[0])
        assert not await service.add_favourite(ids[0])  # already one: no change, no event
        assert await other.add_favourite(ids[1])
        favourites = await service.favourites()
        assert {c.id for c in favourites} == set(ids[:2])
        assert [c.name for c in favourites] == sorted(c.name for c in favourites)
        assert await service.favourite_ids() == frozenset(ids[:2])
        assert await service.remove_favourite(ids[0])
        assert not await service.remove_favourite(ids[0])
        assert await service.favourite_ids() == frozenset({ids[1]})
        assert await other.favourite_ids() == frozenset({ids[1]})
        with pytest.raises(LookupError):
            await service.add_favourite(999_999)

    asyncio.run(run())
    ops = [c.operation for c in seen]
    assert ops == [Operation.FAVOURITES_CHANGED] * 4
    assert seen[0].ids_of(Entity.CAMERA) == {ids[1]}


def test_groups_own_and_shared(store: Store, service: CatalogueService) -> None:
    service.import_file_sync(DATA / "cameras.csv")
    a, b, c, d = sorted(store.read_sync(lambda s: list(s.scalars(select(Camera.id)))))
    supervisor = CatalogueService(store, _operator(store, "zhaolei", Role.SUPERVISOR))
    colleague = CatalogueService(store, _operator(store, "lihua"))
    seen = _feed(store)

    async def run() -> None:
        mine = await service.create_group("夜间巡查")
        with pytest.raises(GroupNameTaken):
            await service.create_group(" 夜间巡查 ")
        with pytest.raises(ValueError):
            await service.create_group("  ")
        with pytest.raises(PermissionError):
            await service.create_group("全市重点", shared=True)
        shared = await supervisor.create_group("全市重点", shared=True)
        with pytest.raises(GroupNameTaken):
            await supervisor.create_group("全市重点", shared=True)
        theirs = await colleague.create_group("夜间巡查")  # same name, other owner: fine

        assert await service.add_to_group(mine, [c, a, c]) == [c, a]
        assert await service.add_to_group(mine, [a, b]) == [b]
        assert await service.add_to_group(mine, [a]) == []
        assert [x.id for x in await service.group_cameras(mine)] == [c, a, b]
        await service.reorder_group(mine, [b, c, a])
        assert [x.id for x in await service.group_cameras(mine)] == [b, c, a]
        with pytest.raises(ValueError):
            await service.reorder_group(mine, [b, c])
        assert await service.remove_from_group(mine, [c, d]) == [c]
        assert [x.id for x in await service.group_cameras(mine)] == [b, a]
        with pytest.raises(LookupError):
            await service.add_to_group(mine, [999_999])

        await supervisor.add_to_group(shared, [d])
        with pytest.raises(PermissionError):
            await service.add_to_group(shared, [a])  # shared groups: supervisors and admins
        with pytest.raises(PermissionError):
            await service.rename_group(theirs, "我的")
        with pytest.raises(PermissionError):
            await service.group_cameras(theirs)

        groups = await service.groups()
        assert [(g.name, g.owner_id is None, g.camera_count) for g in groups] == [
            ("夜间巡查", False, 2),
            ("全市重点", True, 1),
        ]
        await service.rename_group(mine, "白天巡查")
        assert next(g.name for g in await service.groups()) == "白天巡查"
        await service.delete_group(mine)
        assert [g.name for g in await service.groups()] == ["全市重点"]
        assert [g.name for g in await colleague.groups()] == ["夜间巡查", "全市重点"]

    asyncio.run(run())
    assert {c.operation for c in seen} == {Operation.CAMERA_GROUP_CHANGED}
    actions = [(c.changes[0].action) for c in seen]
    assert actions[:3] == [ChangeAction.CREATED] * 3
    assert actions[-1] is ChangeAction.DELETED


def test_bulk_import_of_many_cameras(
    store: Store, service: CatalogueService, tmp_path: Path
) -> None:
    _regions(store)
    lines = ["设备编码,名称,行政区划,主码流"]
    lines += [
        f"3401020000132{i:07d},测试路{i}号,340102001,rtsp://cam{i}.local/main" for i in range(2000)
    ]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = service.import_file_sync(path)
    assert report.created == 2000 and not report.problems
    assert store.read_sync(cameras.count) == 2000
    assert (
        store.read_sync(lambda s: s.scalar(select(func.count()).where(Camera.region_id.is_(None))))
        == 0
    )
    assert report.created == len(store.read_sync(lambda s: cameras.search(s, "csl", limit=5000)))


def test_import_and_groups_on_postgresql(pg_fresh_db: str) -> None:
    from console.store import migrate

    migrate.upgrade(pg_fresh_db)
    pg = Store(pg_fresh_db)
    try:
        regions = _regions(pg)
        service = CatalogueService(pg, _operator(pg, "wangmin"))
        report = service.import_file_sync(DATA / "cameras.csv")
        assert (report.created, len(report.problems)) == (4, 3)
        assert service.import_file_sync(DATA / "cameras.csv").unchanged == 4
        assert service.import_file_sync(DATA / "catalog_gb2312.xml").created == 2
        first = pg.read_sync(lambda s: cameras.by_device_id(s, "34010200001320000101"))
        assert first is not None and first.region_id == regions["340102001"]
        assert first.stream_password == "S3cret@pw"
        assert [c.name for c in pg.read_sync(lambda s: cameras.search(s, "cjzl"))] == [
            "长江中路与金寨路交口"
        ]

        async def groups() -> None:
            group = await service.create_group("夜间巡查")
            assert await service.add_to_group(group, [first.id]) == [first.id]
            assert [g.camera_count for g in await service.groups()] == [1]
            await service.add_favourite(first.id)
            assert await service.favourite_ids() == {first.id}

        asyncio.run(groups())
        assert pg.read_sync(audit.verify) == []
    finally:
        pg.close()


def test_search_takes_wildcards_literally(store: Store, service: CatalogueService) -> None:
    service.import_file_sync(DATA / "cameras.csv")

    def names(text: str) -> list[str]:
        return [c.name for c in store.read_sync(lambda s: cameras.search(s, text))]

    assert names("%") == [] and names("_") == [] and names("\\") == []
    assert names("LOCAL") == ["值班室本地摄像头"]  # code prefix
    assert names("fylcsc") == ["阜阳路菜市场"]  # pinyin initials
    assert names("FYL") == ["阜阳路菜市场"]
    assert names("建国路") == ["建国路与胜利路口"]
