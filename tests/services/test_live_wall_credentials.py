"""The wall connects with the camera's stream login, and never shows it."""

from __future__ import annotations

from console.core.codes import CameraStatus
from console.core.decode_budget import Stream
from console.core.records import CameraRecord
from console.services.live_wall import LiveWallService, stream_url


def _camera(url: str) -> CameraRecord:
    return CameraRecord(
        id=1,
        device_id="34010000001320000099",
        name="测试点位",
        address="",
        region_id=None,
        status=CameraStatus.ONLINE,
        main_url=url,
        sub_url=url,
        sensitive=False,
        longitude=None,
        latitude=None,
        stream_username="admin",
        stream_password="p@ss:w/rd",
    )


def test_the_login_goes_into_the_connection_url_only(closed_port: int) -> None:
    camera = _camera(f"rtsp://127.0.0.1:{closed_port}/live")
    url = stream_url(camera, Stream.SUB)
    assert url == f"rtsp://admin:p%40ss%3Aw%2Frd@127.0.0.1:{closed_port}/live"
    assert "p@ss" not in repr(camera)
    live = LiveWallService()
    try:
        assert live.open(camera, 320, 180) is not None
        stats = live.stats(camera)
        assert stats is not None
        # The user name may show (operators need to know which login); the password never.
        assert "p%40ss" not in stats.source and "w%2Frd" not in stats.source
        assert "***" in stats.source
    finally:
        assert live.close().clean
    # Files and devices carry no login.
    assert stream_url(_camera("file:///tmp/x.mp4"), Stream.MAIN) == "file:///tmp/x.mp4"
