"""The officer's cameras and microphones, as the intake screen's pickers list them."""

from __future__ import annotations

from console.media.local_sources import (
    GENERATED,
    CaptureDevice,
    list_audio_devices,
    list_video_devices,
)

__all__ = ["GENERATED", "CaptureDevice", "audio_devices", "video_devices"]


def video_devices() -> list[CaptureDevice]:
    """Cameras first, the generated test picture last (always there)."""
    return list_video_devices()


def audio_devices() -> list[CaptureDevice]:
    """Microphones first, the generated test tone last (always there)."""
    return list_audio_devices()
