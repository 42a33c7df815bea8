#!/usr/bin/env python3
"""Draws the app icons (PNG, no image library needed): a white house with a heart on the
app's teal. `icon-192.png` and `icon-512.png` have rounded corners ("any"); `maskable-512.png`
is full-bleed with the drawing inside the 80 % safe zone. Writes into public/icons/; the output
is committed, so this only runs when the design changes. icon.svg is the same drawing."""
import os
import struct
import zlib

TEAL = (0x1D, 0x5C, 0x57)
WHITE = (0xFF, 0xFF, 0xFF)
CORAL = (0xE0, 0x6C, 0x4F)


def inside_house(x, y):
    # Unit square coordinates (0..1). Roof: triangle; body: rectangle.
    if 0.28 <= x <= 0.72 and 0.47 <= y <= 0.78:
        return True
    # roof apex (0.5, 0.2), base from (0.2, 0.5) to (0.8, 0.5)
    if 0.2 <= y <= 0.5:
        half = (y - 0.2) / 0.3 * 0.3
        return abs(x - 0.5) <= half
    return False


def inside_heart(x, y):
    # Heart centred at (0.5, 0.6), size 0.2: implicit curve (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0.
    u = (x - 0.5) / 0.12
    v = -(y - 0.6) / 0.12 + 0.25
    return (u * u + v * v - 1) ** 3 - u * u * v ** 3 <= 0


def pixel(x, y, rounded, scale):
    # Map to the drawing's unit square (scale < 1 shrinks the drawing into the safe zone).
    dx = 0.5 + (x - 0.5) / scale
    dy = 0.5 + (y - 0.5) / scale
    if rounded:
        r = 0.18
        cx = min(max(x, r), 1 - r)
        cy = min(max(y, r), 1 - r)
        if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
            return None
    if inside_heart(dx, dy):
        return CORAL
    if inside_house(dx, dy):
        return WHITE
    return TEAL


def draw(size, rounded, scale, samples=3):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(samples):
                for sx in range(samples):
                    c = pixel((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size, rounded, scale)
                    if c is not None:
                        acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
            n = samples * samples
            covered = acc[3] / 255
            if covered:
                row += bytes([round(acc[0] / covered), round(acc[1] / covered), round(acc[2] / covered), round(acc[3] / n)])
            else:
                row += bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    for name, size, rounded, scale in [("icon-192.png", 192, True, 1.0), ("icon-512.png", 512, True, 1.0),
                                       ("maskable-512.png", 512, False, 0.8)]:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "public", "icons", name)
        with open(path, "wb") as f:
            f.write(draw(size, rounded, scale))
        print("wrote", name)
