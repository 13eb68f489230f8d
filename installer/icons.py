"""Render the application icon from its SVG source into PNGs, a Windows ``.ico`` and a macOS ``.icns``.

Run ``python -m installer.icons`` after editing ``resources/icons/tastydesk.svg``; the results
are committed next to it (``png/tastydesk-<N>.png``, ``tastydesk.ico``, ``tastydesk.icns``).
Rendering uses Qt's SVG renderer, so no tool beyond PySide6 is needed. Both containers embed
PNG images, which every supported Windows (Vista and later) and macOS (10.7 and later) reads.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from installer.metadata import ICONS_DIR

SVG_SOURCE = ICONS_DIR / "tastydesk.svg"
PNG_DIR = ICONS_DIR / "png"
ICO_FILE = ICONS_DIR / "tastydesk.ico"
ICNS_FILE = ICONS_DIR / "tastydesk.icns"

#: Sizes installed into the freedesktop hicolor theme (``<N>x<N>/apps``).
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
#: Sizes in the Windows icon: small/large icons at 100-200 % scaling, and the Explorer tile.
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
#: The .icns element types that hold PNG data, by pixel size (``@2x`` types reuse sizes).
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),  # 16@2x
    (b"icp6", 64),
    (b"ic12", 64),  # 32@2x
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),  # 128@2x
    (b"ic09", 512),
    (b"ic14", 512),  # 256@2x
    (b"ic10", 1024),  # 512@2x
)


def png_path(size: int, png_dir: Path = PNG_DIR) -> Path:
    """Where the committed PNG of one size lives."""
    return png_dir / f"tastydesk-{size}.png"


def render_png(svg: Path, size: int) -> bytes:
    """Render ``svg`` to a square ``size`` x ``size`` PNG with a transparent background."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG image Qt can render")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG"):
        raise RuntimeError(f"Qt could not encode a {size} px PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: Mapping[int, bytes]) -> bytes:
    """A Windows ``.ico`` holding one PNG per size (sizes up to 256)."""
    sizes = sorted(pngs)
    if not sizes or sizes[-1] > 256:
        raise ValueError("an .ico holds images from 1 to 256 px")
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, images = [], []
    for size in sizes:
        data = pngs[size]
        dim = 0 if size == 256 else size  # 0 means 256 in the directory entry
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset))
        images.append(data)
        offset += len(data)
    return header + b"".join(entries) + b"".join(images)


def icns_bytes(elements: Iterable[tuple[bytes, bytes]]) -> bytes:
    """A macOS ``.icns`` from ``(element type, PNG data)`` pairs."""
    body = b"".join(struct.pack(">4sI", kind, len(data) + 8) + data for kind, data in elements)
    return struct.pack(">4sI", b"icns", len(body) + 8) + body


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return struct.unpack(">II", data[16:24])


def generate(svg: Path = SVG_SOURCE, out_dir: Path = ICONS_DIR) -> list[Path]:
    """Render every PNG size and write the ``.ico`` and ``.icns``; returns the files written."""
    sizes = sorted({*HICOLOR_SIZES, *ICO_SIZES, *(s for _, s in ICNS_TYPES)})
    rendered = {size: render_png(svg, size) for size in sizes}
    png_dir = out_dir / "png"
    png_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in HICOLOR_SIZES:
        path = png_path(size, png_dir)
        path.write_bytes(rendered[size])
        written.append(path)
    ico = out_dir / ICO_FILE.name
    ico.write_bytes(ico_bytes({s: rendered[s] for s in ICO_SIZES}))
    icns = out_dir / ICNS_FILE.name
    icns.write_bytes(icns_bytes((kind, rendered[size]) for kind, size in ICNS_TYPES))
    return [*written, ico, icns]


def main() -> int:
    for path in generate():
        print(f"wrote {path.relative_to(ICONS_DIR.parents[1])} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
