"""Local capture devices: listing (from fake /dev and /sys trees), opening, falling back."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from console.media import local_sources as ls
from console.media.peer import GeneratedAudioTrack, GeneratedVideoTrack
from console.services.officer_desk import DeskError, Ringing
from tests.services.desk_support import Caller, Recorder, loopback_ice, until
from tests.services.test_officer_desk import make_desk
from tests.signalling.conftest import Harness


def test_generated_sources_are_always_listed_last_and_default_without_devices(
    tmp_path: Path,
) -> None:
    video = ls.list_video_devices(tmp_path / "dev", tmp_path / "sys")
    audio = ls.list_audio_devices(tmp_path / "asound-pcm")
    assert [d.id for d in video] == ["generated"] and video[0].generated
    assert audio[-1].id == "generated" and audio[-1].name
    assert video[0].name == ls.GENERATED_VIDEO_NAME


@pytest.mark.skipif(not ls._has_input("v4l2"), reason="PyAV without V4L2 input")
def test_cameras_listed_with_driver_names_and_metadata_nodes_skipped(tmp_path: Path) -> None:
    dev, sys = tmp_path / "dev", tmp_path / "sys"
    dev.mkdir()
    for n, (name, index) in enumerate([("USB Camera", "0"), ("USB Camera", "1"), ("HD Cam", "0")]):
        (dev / f"video{n}").touch()
        (sys / f"video{n}").mkdir(parents=True)
        (sys / f"video{n}" / "name").write_text(name + "\n")
        (sys / f"video{n}" / "index").write_text(index + "\n")
    (dev / "video10").touch()  # no sysfs entry: still offered, by node name
    found = ls.list_video_devices(dev, sys)
    assert [(d.id, d.name) for d in found] == [
        (f"v4l2:{dev}/video0", "USB Camera (video0)"),
        (f"v4l2:{dev}/video2", "HD Cam (video2)"),
        (f"v4l2:{dev}/video10", "video10 (video10)"),
        ("generated", ls.GENERATED_VIDEO_NAME),
    ]


@pytest.mark.skipif(not ls._has_input("alsa"), reason="PyAV without ALSA input")
def test_alsa_capture_devices_from_proc(tmp_path: Path) -> None:
    pcm = tmp_path / "pcm"
    pcm.write_text(
        "00-00: ALC3246 Analog : ALC3246 Analog : playback 1 : capture 1\n"
        "00-03: HDMI 0 : HDMI 0 : playback 1\n"
        "01-00: USB Audio : USB Audio : capture 1\n"
    )
    ids = [(d.id, d.name) for d in ls.list_audio_devices(pcm)]
    assert ids[:2] == [("alsa:hw:0,0", "ALC3246 Analog"), ("alsa:hw:1,0", "USB Audio")]
    assert ids[-1][0] == "generated"


def test_opening_sources() -> None:
    async def main() -> None:
        video = ls.open_video_source(None, (320, 240), 15)
        audio = ls.open_audio_source("generated")
        assert isinstance(video, GeneratedVideoTrack) and video.width == 320
        assert isinstance(audio, GeneratedAudioTrack)
        video.stop()
        audio.stop()
        for bad in ("v4l2:/dev/nonexistent-camera", "rtsp:x", "v4l2:"):
            with pytest.raises(ls.SourceUnavailable):
                ls.open_video_source(bad)
        with pytest.raises(ls.SourceUnavailable):
            ls.open_audio_source("bogus:thing")

    asyncio.run(main())


def test_a_camera_that_cannot_open_falls_back_to_the_generated_picture(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            desk = make_desk(h, video_source="v4l2:/dev/nonexistent-camera")
            rec = Recorder(desk)
            await desk.start()
            caller = await Caller(h.base).start()
            try:
                ring = await rec.wait(Ringing)
                await desk.accept(ring.ticket)
                err = await rec.wait(DeskError)
                assert err.code == "media_failed" and "摄像头" in err.message
                await rec.call_state("in_call")
                cleg = await until(lambda: caller.leg)
                sink = await until(lambda: cleg.sink)
                assert await sink.wait_frames(20, 15) >= 20
                assert desk.leg is not None
                assert isinstance(desk.leg.video, GeneratedVideoTrack)
            finally:
                await desk.stop()
                await caller.close()

    with loopback_ice():
        asyncio.run(main())
