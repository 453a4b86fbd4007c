"""Still pictures written as evidence files (JPEG), atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from console.media.convert import ndarray_privately

JPEG_QUALITY = 92


def write_jpeg(path: Path, image: np.ndarray, quality: int = JPEG_QUALITY) -> None:
    """BGR or BGRA picture to a JPEG file; readers never see a half-written file."""
    if image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the picture could not be encoded as JPEG")
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.part")
    part.write_bytes(data.tobytes())
    os.replace(part, path)


def read_image(path: Path) -> np.ndarray | None:
    """A picture file as BGR (for checks and thumbnails); None when unreadable."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    return None if image is None else np.asarray(image)


def write_frame_jpeg(path: Path, frame: Any, quality: int = JPEG_QUALITY) -> None:
    """A decoded video frame (PyAV) to a JPEG file at its own resolution."""
    write_jpeg(path, ndarray_privately(frame, format="bgr24"), quality)
