"""A decoded picture reaches Qt without a copy, padded rows included, and exactly as decoded."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from PySide6.QtGui import QImage

from console.media.clips import make_test_clip
from console.media.convert import decimate_to_bgra
from console.ui.widgets.bgra_image import wrap_bgra


def _pixels(image: QImage) -> np.ndarray:
    """The QImage's pixels as (h, w, 4), read through Qt (not through our buffer)."""
    copy = image.convertToFormat(QImage.Format.Format_RGB32)
    raw = np.frombuffer(copy.constBits(), np.uint8, copy.sizeInBytes())
    rows = raw.reshape(copy.height(), copy.bytesPerLine())
    return rows[:, : copy.width() * 4].reshape(copy.height(), copy.width(), 4)


def test_padded_rows_are_wrapped_in_place(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_test_clip(tmp_path / "scene.mp4", seconds=1, width=640, height=360)
    with av.open(str(clip)) as container:
        frame = next(container.decode(video=0))
    picture = decimate_to_bgra(frame, 318, 178)
    assert not picture.flags.c_contiguous  # the conversion's padding is cut off by a view
    image, owner = wrap_bgra(picture)
    assert owner is picture.base  # no copy
    assert (image.width(), image.height()) == (318, 178)
    assert image.bytesPerLine() == picture.strides[0]
    assert np.array_equal(_pixels(image), picture)


def test_contiguous_and_odd_arrays(qapp) -> None:  # type: ignore[no-untyped-def]
    plain = np.random.default_rng(1).integers(0, 255, (9, 7, 4), np.uint8)
    plain[..., 3] = 255
    image, owner = wrap_bgra(plain)
    assert owner is plain and np.array_equal(_pixels(image), plain)
    # A view that does not start where its base does cannot borrow the base: copied once.
    cut = plain[1:, 2:]
    image, owner = wrap_bgra(cut)
    assert owner is not plain and np.array_equal(_pixels(image), cut)
