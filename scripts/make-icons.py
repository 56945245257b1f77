#!/usr/bin/env python3
"""Writes the app's PNG icons (a rounded tile with a stacked-frames mark) with only the standard library."""
import struct
import zlib
from pathlib import Path


def png(size: int) -> bytes:
    bg, fg, accent = (16, 20, 24), (230, 233, 237), (122, 162, 255)
    rows = []
    r = size * 0.18
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            # Rounded square background, transparent corners.
            dx = max(r - x, 0, x - (size - 1 - r))
            dy = max(r - y, 0, y - (size - 1 - r))
            if dx * dx + dy * dy > r * r:
                row += bytes((0, 0, 0, 0))
                continue
            u, v = x / size, y / size
            colour = bg
            # Two offset frames: the back one in accent, the front one in light grey.
            if 0.30 <= u <= 0.78 and 0.22 <= v <= 0.62 and not (0.34 <= u <= 0.74 and 0.26 <= v <= 0.58):
                colour = accent
            if 0.22 <= u <= 0.70 and 0.38 <= v <= 0.78:
                colour = fg if not (0.26 <= u <= 0.66 and 0.42 <= v <= 0.74) else bg
            row += bytes((*colour, 255))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


out = Path(__file__).resolve().parent.parent / "static" / "icons"
out.mkdir(parents=True, exist_ok=True)
for size in (192, 512):
    (out / f"icon-{size}.png").write_bytes(png(size))
