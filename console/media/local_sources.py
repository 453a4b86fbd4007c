"""The officer's own camera and microphone: capture devices to pick from, opened as tracks.

Cameras are V4L2 nodes (`/dev/video*`) read through PyAV; microphones are ALSA cards
(`/proc/asound/pcm`) or the PulseAudio default, when this PyAV build has those inputs. A
generated test source is always offered, and is the default when no device exists.
Device ids are strings the settings can store: `generated`, `v4l2:/dev/video0`,
`alsa:hw:0,0`, `pulse:default`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import av

from console.media.peer import GeneratedAudioTrack, GeneratedVideoTrack

log = logging.getLogger(__name__)

GENERATED = "generated"
GENERATED_VIDEO_NAME = "测试画面（生成）"
GENERATED_AUDIO_NAME = "测试音（生成）"


@dataclass(frozen=True, slots=True)
class CaptureDevice:
    id: str
    name: str
    kind: Literal["video", "audio"]

    @property
    def generated(self) -> bool:
        return self.id == GENERATED


class SourceUnavailable(RuntimeError):
    """The chosen device could not be opened (missing, busy, no permission)."""


def _has_input(name: str) -> bool:
    try:
        return bool(av.format.ContainerFormat(name).is_input)
    except (ValueError, av.error.FFmpegError):
        return False


def _natural(path: Path) -> tuple[int, str]:
    digits = re.sub(r"\D", "", path.name)
    return (int(digits) if digits else 0, path.name)


def list_video_devices(
    dev_root: Path = Path("/dev"), sys_root: Path = Path("/sys/class/video4linux")
) -> list[CaptureDevice]:
    """Cameras first (their driver's name and node), then the generated source."""
    found: list[CaptureDevice] = []
    if _has_input("v4l2"):
        for node in sorted(dev_root.glob("video*"), key=_natural):
            info = sys_root / node.name
            index = _read(info / "index")
            if index not in ("", "0"):
                continue  # a UVC camera's second node carries metadata, not pictures
            label = _read(info / "name") or node.name
            found.append(CaptureDevice(f"v4l2:{node}", f"{label} ({node.name})", "video"))
    found.append(CaptureDevice(GENERATED, GENERATED_VIDEO_NAME, "video"))
    return found


def list_audio_devices(proc_pcm: Path = Path("/proc/asound/pcm")) -> list[CaptureDevice]:
    """Microphones (ALSA capture devices, PulseAudio's default input), then the generated tone."""
    found: list[CaptureDevice] = []
    if _has_input("alsa"):
        for line in _read(proc_pcm).splitlines():
            # "00-00: ALC3246 Analog : ALC3246 Analog : playback 1 : capture 1"
            head, _, rest = line.partition(":")
            if "capture" not in rest or "-" not in head:
                continue
            card, device = (int(x) for x in head.strip().split("-", 1))
            label = rest.split(":")[0].strip() or f"hw:{card},{device}"
            found.append(CaptureDevice(f"alsa:hw:{card},{device}", label, "audio"))
    if _has_input("pulse"):
        found.append(CaptureDevice("pulse:default", "PulseAudio 默认输入", "audio"))
    found.append(CaptureDevice(GENERATED, GENERATED_AUDIO_NAME, "audio"))
    return found


def default_video_device() -> str:
    return list_video_devices()[0].id


def default_audio_device() -> str:
    return list_audio_devices()[0].id


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def open_video_source(
    device_id: str | None, size: tuple[int, int] = (640, 480), fps: int = 30
) -> Any:
    """A video track from the device (raises SourceUnavailable); None/`generated`: test picture."""
    if not device_id or device_id == GENERATED:
        return GeneratedVideoTrack(size[0], size[1], fps)
    kind, _, target = device_id.partition(":")
    if kind != "v4l2" or not target:
        raise SourceUnavailable(f"unknown video device {device_id!r}")
    options = {"video_size": f"{size[0]}x{size[1]}", "framerate": str(fps)}
    return _player(target, "v4l2", options).video


def open_audio_source(device_id: str | None) -> Any:
    """An audio track from the device (raises SourceUnavailable); None/`generated`: a tone."""
    if not device_id or device_id == GENERATED:
        return GeneratedAudioTrack()
    kind, _, target = device_id.partition(":")
    if kind not in ("alsa", "pulse") or not target:
        raise SourceUnavailable(f"unknown audio device {device_id!r}")
    return _player(target, kind, {}).audio


def _player(target: str, fmt: str, options: dict[str, str]) -> Any:
    from aiortc.contrib.media import MediaPlayer

    try:
        # Live capture: no re-timing to the file's clock, frames as they come.
        return MediaPlayer(target, format=fmt, options=options)
    except (av.error.FFmpegError, OSError) as exc:
        raise SourceUnavailable(f"cannot open {fmt} device {target}: {exc}") from exc
