"""A fast PNG encoder for a panel's opaque RGBA pixels.

Pillow's PNG writer picks a row filter for every row, which costs half the encoding
time of a panel frame; plain (filter-free) rows with zlib's fastest level give the
same size for line art in half the time (6.5 against 13 ms for 1150 x 480 pixels).
"""
from __future__ import annotations

import struct
import zlib

import numpy as np


def _chunk(tag, body):
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)


def encode_rgb_png(rgba):
    """PNG bytes of an image's colours, alpha dropped (panels draw opaque figures).

    Parameters
    ----------
    rgba : array_like of uint8, shape (height, width, 4)
        The pixels, e.g. ``np.asarray(canvas.buffer_rgba())``.
    """
    rgba = np.asarray(rgba)
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] != 4:
        raise ValueError(f"rgba must be a (height, width, 4) uint8 array, got {rgba.dtype} {rgba.shape}")
    height, width, _ = rgba.shape
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # each row: filter byte 0, then R G B ...
    rows[:, 1:].reshape(height, width, 3)[...] = rgba[:, :, :3]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) \
        + _chunk(b"IEND", b"")
