"""The operator's cameras and microphones: as the pickers list them, and opened for a call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.media.local_sources import (
    GENERATED,
    CaptureDevice,
    SourceUnavailable,
    list_audio_devices,
    list_video_devices,
    open_audio_source,
    open_video_source,
)

__all__ = ["GENERATED", "CaptureDevice", "audio_devices", "open_sources", "video_devices"]


def video_devices() -> list[CaptureDevice]:
    """Cameras first, the generated test picture last (always there)."""
    return list_video_devices()


def audio_devices() -> list[CaptureDevice]:
    """Microphones first, the generated test tone last (always there)."""
    return list_audio_devices()


def open_sources(
    video_id: str,
    audio_id: str,
    on_problem: Callable[[str], None],
    video_size: tuple[int, int] = (640, 480),
    video_fps: int = 30,
) -> tuple[Any, Any]:
    """The chosen camera and microphone; a device that fails is replaced by the generated one
    and `on_problem` says so in the operator's words (the call goes on either way)."""
    try:
        video = open_video_source(video_id, video_size, video_fps)
    except SourceUnavailable as exc:
        on_problem(f"无法打开摄像头，改用测试画面：{exc}")
        video = open_video_source(GENERATED, video_size, video_fps)
    try:
        audio = open_audio_source(audio_id)
    except SourceUnavailable as exc:
        on_problem(f"无法打开麦克风，改用测试音：{exc}")
        audio = open_audio_source(GENERATED)
    return video, audio
