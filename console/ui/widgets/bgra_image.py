"""Wraps a decoded BGRA picture (numpy) as a QImage without copying its pixels."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def wrap_bgra(image: np.ndarray) -> tuple[QImage, np.ndarray]:
    """A QImage over `image`'s pixels, and the array that owns them: keep that alive for as
    long as the QImage is used.

    The decoders pad rows for OpenCV's vectorised conversion and hand on a view that cuts
    the padding off. Such a view is not C-contiguous, which PySide6 refuses as a buffer,
    but its rows lie in the padded array it was cut from, so Qt reads them from there with
    the view's row stride. Anything else unusual is copied once.
    """
    height, width = image.shape[:2]
    owner = image
    if not image.flags.c_contiguous:
        base = image.base
        same_start = (
            isinstance(base, np.ndarray)
            and base.flags.c_contiguous
            and base.strides[0] == image.strides[0]
            and base.__array_interface__["data"][0] == image.__array_interface__["data"][0]
            and image.strides[1:] == (4, 1)
        )
        owner = base if same_start else np.ascontiguousarray(image)
    return QImage(owner.data, width, height, owner.strides[0], QImage.Format.Format_RGB32), owner
