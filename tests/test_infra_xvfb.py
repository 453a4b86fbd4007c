"""The Xvfb fixture gives a working 1920x1080 X display that ImageMagick can capture."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from tests.support.xvfb import screenshot_root

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG after checking signature, chunk CRCs, IHDR first, IEND last."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG signature"
    offset, chunk_types, size = 8, [], (0, 0)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r} chunk"
        if kind == b"IHDR":
            assert length == 13
            size = struct.unpack(">II", body[:8])
        chunk_types.append(kind)
        offset += 12 + length
    assert chunk_types[0] == b"IHDR" and chunk_types[-1] == b"IEND", chunk_types
    assert b"IDAT" in chunk_types
    return size


def test_root_screenshot_is_a_1920x1080_png(xvfb_display: str, tmp_path: Path) -> None:
    assert xvfb_display.startswith(":")
    shot = screenshot_root(xvfb_display, tmp_path / "root.png")
    assert png_size(shot.read_bytes()) == (1920, 1080)
