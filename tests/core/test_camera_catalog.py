"""Catalogue parsing: CSV and GB/T 28181 Catalog files, validation, credentials kept out of URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.core.camera_catalog import (
    CatalogFormatError,
    check_stream_url,
    parse_csv,
    parse_file,
    parse_gb28181_catalog,
    pinyin_initials,
    redact_url,
    split_credentials,
    with_credentials,
)
from console.core.codes import CameraStatus, PtzType
from console.core.records import CameraRecord

DATA = Path(__file__).parent.parent / "data"


def test_split_and_put_back_credentials() -> None:
    url = "rtsp://admin:S3cret%40pw@10.1.2.3:554/Streaming/Channels/101?transportmode=unicast"
    clean, user, password = split_credentials(url)
    assert clean == "rtsp://10.1.2.3:554/Streaming/Channels/101?transportmode=unicast"
    assert (user, password) == ("admin", "S3cret@pw")
    assert with_credentials(clean, user, password) == url
    # Characters that would break the authority are percent-encoded on the way back in.
    tricky = with_credentials("rtsp://cam.local/live", "op:1", "p@ss/wd:#?")
    assert tricky == "rtsp://op%3A1:p%40ss%2Fwd%3A%23%3F@cam.local/live"
    assert split_credentials(tricky) == ("rtsp://cam.local/live", "op:1", "p@ss/wd:#?")


def test_credentials_edge_cases() -> None:
    assert split_credentials("rtsp://10.0.0.1/a") == ("rtsp://10.0.0.1/a", None, None)
    assert split_credentials("rtsp://viewer@10.0.0.1/a") == ("rtsp://10.0.0.1/a", "viewer", None)
    assert with_credentials("rtsp://10.0.0.1/a", "viewer", None) == "rtsp://viewer@10.0.0.1/a"
    assert with_credentials("rtsp://10.0.0.1/a", None, "x") == "rtsp://10.0.0.1/a"
    # Replaces stale credentials rather than stacking a second userinfo.
    assert with_credentials("rtsp://old:pw@h/a", "new", "pw2") == "rtsp://new:pw2@h/a"
    # Files and local devices take no credentials.
    assert with_credentials("file:///v/demo.mp4", "u", "p") == "file:///v/demo.mp4"
    assert with_credentials("/dev/video0", "u", "p") == "/dev/video0"
    assert redact_url("http://u:topsecret@h:8080/x") == "http://h:8080/x"


@pytest.mark.parametrize(
    "url",
    [
        "rtsp://10.1.2.3:554/Streaming/Channels/101",
        "rtsps://cam.example/live",
        "http://10.0.0.5/mjpeg",
        "https://nvr.example/hls/1.m3u8",
        "file:///var/lib/console/demo.mp4",
        "/dev/video0",
        "/dev/video12",
    ],
)
def test_stream_urls_accepted(url: str) -> None:
    assert check_stream_url(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://user:hunter2@10.0.0.1/x",
        "rtmp://user:hunter2@10.0.0.1/live",
        "rtsp:///nohost",
        "rtsp://user:hunter2@10.0.0.1:99999/x",
        "/dev/sda",
        "10.0.0.1/live",
        "rtsp://10.0.0.1/a b",
    ],
)
def test_stream_urls_refused_without_quoting_the_password(url: str) -> None:
    reason = check_stream_url(url)
    assert reason
    assert "hunter2" not in reason


def test_csv_sample_imports_good_rows_and_reports_bad_ones() -> None:
    parsed = parse_file("cameras.csv", (DATA / "cameras.csv").read_bytes())
    assert parsed.format == "csv"
    assert [r.line for r in parsed.rows] == [2, 3, 7, 8]
    assert [(p.number, p.unit) for p in parsed.problems] == [(4, "line"), (5, "line"), (6, "line")]
    texts = [p.text() for p in parsed.problems]
    assert "纬度" in texts[0] and "第 4 行" in texts[0]
    assert "ftp" in texts[1] and "ftpsecret" not in texts[1]
    assert "重复" in texts[2] and "第 2 行" in texts[2]

    first, second, local, demo = parsed.rows
    # The password embedded in the imported URL is moved out of it.
    assert first.main_url == "rtsp://10.1.2.3:554/Streaming/Channels/101"
    assert (first.stream_username, first.stream_password) == ("admin", "S3cret@pw")
    assert first.status is CameraStatus.ONLINE and first.ptz_type is PtzType.FIXED
    assert (first.longitude, first.latitude) == (117.2801, 31.8702)
    assert first.name_initials == "jglysllk"
    assert (second.stream_username, second.stream_password) == ("viewer", "Pa55word!")
    assert second.sensitive is True and second.status is CameraStatus.OFFLINE
    assert second.ptz_type is PtzType.DOME
    assert local.main_url == "/dev/video0" and local.longitude is None
    assert demo.main_url == "file:///var/lib/console/demo.mp4" and demo.status is None
    for row in parsed.rows:
        assert "S3cret" not in repr(row) and "Pa55word" not in repr(row)


def test_csv_english_headers_tabs_and_missing_columns_keep_stored_values() -> None:
    text = "device_id\tname\tlongitude\tlatitude\n  CAM-1 \t 东门 \t\t\n"
    parsed = parse_csv(text)
    assert not parsed.problems
    (row,) = parsed.rows
    assert (row.device_id, row.name, row.name_initials) == ("CAM-1", "东门", "dm")
    # No URL, credential or status column: None means "keep what the store has".
    assert row.main_url is None and row.stream_password is None and row.status is None


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (",无编码,", "缺少设备编码"),
        ("123456789012345678901,太长,", "设备编码超过"),
        ("C1,,", "缺少名称"),
        ("C1,名,abc", "不是数字"),
        ("C1,名,181", "经度"),
        ("C1,名,1,2,maybe", "敏感"),
    ],
)
def test_csv_row_checks(line: str, fragment: str) -> None:
    parsed = parse_csv("设备编码,名称,经度,纬度,敏感\n" + line + "\n")
    assert not parsed.rows
    (problem,) = parsed.problems
    assert problem.number == 2 and fragment in problem.message


def test_csv_without_the_required_columns_is_refused() -> None:
    with pytest.raises(CatalogFormatError, match="设备编码"):
        parse_csv("名称,地址\n东门,某路\n")
    with pytest.raises(CatalogFormatError, match="为空"):
        parse_csv("")


def test_gb2312_catalog_with_mixed_item_types() -> None:
    data = (DATA / "catalog_gb2312.xml").read_bytes()
    assert "长江".encode("gb2312") in data  # the sample really is GB2312 on disk
    parsed = parse_gb28181_catalog(data)
    assert parsed.format == "gb28181"
    # Platform (200), NVR (118), alarm input (134) and virtual organisation (216) are skipped.
    assert parsed.skipped_non_camera == 4
    assert [r.device_id for r in parsed.rows] == ["34010200001310000001", "34010200001320000002"]
    assert [(p.number, p.unit) for p in parsed.problems] == [(6, "item"), (8, "item")]
    assert "20 位" in parsed.problems[0].message and "重复" in parsed.problems[1].message
    dome, gate = parsed.rows
    assert dome.name == "长江中路与金寨路交口" and dome.name_initials == "cjzlyjzljk"
    assert dome.civil_code == "340102001" and dome.parent_device_id == "34010200001180000001"
    assert dome.manufacturer == "海康威视" and dome.ptz_type is PtzType.DOME
    assert dome.status is CameraStatus.ONLINE and (dome.longitude, dome.latitude) == (
        117.282699,
        31.866942,
    )
    # A catalogue carries no streams: None keeps URLs configured elsewhere on re-import.
    assert dome.main_url is None and dome.sub_url is None and dome.sensitive is None
    assert gate.status is CameraStatus.OFFLINE and gate.sensitive is True  # Secrecy 1
    assert gate.longitude is None and gate.latitude is None  # 0/0 means not surveyed


def _catalog(items: str, encoding: str = "UTF-8") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<Response><CmdType>Catalog</CmdType>'
        f'<SN>1</SN><DeviceList Num="1">{items}</DeviceList></Response>'
    ).encode("gb18030" if encoding.upper().startswith("GB") else encoding)


def test_catalog_encodings() -> None:
    item = "<Item><DeviceID>34010200001320000009</DeviceID><Name>镕基路口</Name></Item>"
    for encoding in ("UTF-8", "GBK", "GB18030"):
        (row,) = parse_gb28181_catalog(_catalog(item, encoding)).rows
        assert row.name == "镕基路口", encoding
    no_decl = _catalog(item).split(b"\n", 1)[1]
    assert parse_gb28181_catalog(no_decl).rows[0].name == "镕基路口"
    # Declared UTF-8 but sent as GBK, as some platforms do: still read.
    lying = _catalog(item).decode().encode("gbk")
    assert parse_gb28181_catalog(lying).rows[0].name == "镕基路口"


def test_catalog_num_mismatch_is_reported() -> None:
    items = "".join(
        f"<Item><DeviceID>3401020000132000000{i}</DeviceID><Name>点{i}</Name></Item>"
        for i in range(3)
    )
    parsed = parse_gb28181_catalog(_catalog(items))
    assert len(parsed.rows) == 3
    (problem,) = parsed.problems
    assert problem.unit == "file" and "声明 1" in problem.text()


@pytest.mark.parametrize(
    "doc",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<Response><CmdType>Catalog</CmdType><DeviceList><Item><Name>&lol2;</Name></Item>"
        b"</DeviceList></Response>",
        b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///etc/passwd"><Response/>',
        b'<?xml version="1.0"?><!doctype r [<!entity x SYSTEM "file:///etc/passwd">]><Response/>',
    ],
)
def test_dtds_and_entities_are_refused(doc: bytes) -> None:
    with pytest.raises(CatalogFormatError, match="DOCTYPE"):
        parse_gb28181_catalog(doc)


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (b"<Response><CmdType>Catalog</CmdType><DeviceList><Item>", "XML 格式错误"),
        (b"<Response><CmdType>DeviceInfo</CmdType></Response>", "Catalog"),
        (b'<?xml version="1.0" encoding="klingon"?><Response/>', "未知编码"),
        (b'<?xml version="1.0" encoding="ascii"?><R>\xb3\xa4</R>', "ascii"),
        (b'<?xml version="1.0" encoding="UTF-8"?><R>\xff\xff</R>', "UTF-8"),
    ],
)
def test_broken_xml_is_refused_clearly(doc: bytes, fragment: str) -> None:
    with pytest.raises(CatalogFormatError, match=fragment):
        parse_gb28181_catalog(doc)


def test_files_that_are_neither_format_are_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    for name in ("picture.png", "catalogue"):
        with pytest.raises(CatalogFormatError, match="不是 CSV 或 XML"):
            parse_file(name, png)
    with pytest.raises(CatalogFormatError, match="不是 CSV 或 XML"):
        parse_file("notes", "今天开会\n记得带材料\n".encode())
    # Without an extension the content decides.
    assert parse_file("export", _catalog("")).format == "gb28181"
    assert parse_file("export", "设备编码,名称\nC1,东门\n".encode("gbk")).rows[0].name == "东门"


def test_pinyin_initials() -> None:
    assert pinyin_initials("建国路2号") == "jgl2h"
    assert pinyin_initials("长江中路") == "cjzl"
    assert pinyin_initials("ABC广场") == "abcgc"
    assert len(pinyin_initials("长" * 100)) == 60


def test_camera_record_repr_hides_the_password() -> None:
    cam = CameraRecord(
        id=1,
        device_id="34010200001320000101",
        name="建国路",
        address="",
        region_id=None,
        status=CameraStatus.ONLINE,
        main_url="rtsp://10.1.2.3/101",
        sub_url=None,
        sensitive=False,
        longitude=None,
        latitude=None,
        stream_username="admin",
        stream_password="S3cret@pw",
    )
    assert "S3cret" not in repr(cam) and "S3cret" not in str(cam)
    assert "admin" in repr(cam)
