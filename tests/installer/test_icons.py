"""The icon: committed renders match the SVG source; .ico and .icns hold every size, readable."""

from __future__ import annotations

import struct

import pytest

from installer import icons

pytestmark = pytest.mark.qt  # renders with Qt


def _pixels(png: bytes) -> tuple[int, int, list[int]]:
    from PySide6.QtGui import QImage

    image = QImage.fromData(png)
    assert not image.isNull()
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    w, h = image.width(), image.height()
    return w, h, [image.pixel(x, y) for y in range(h) for x in range(w)]


def test_every_hicolor_size_is_committed_at_its_size() -> None:
    for size in icons.HICOLOR_SIZES:
        data = icons.png_path(size).read_bytes()
        assert icons.png_size(data) == (size, size), size


def test_committed_pngs_are_renders_of_the_current_svg(qapp) -> None:
    """Fails when the SVG was edited without running ``python -m installer.icons``."""
    for size in (16, 48, 256):
        fresh = _pixels(icons.render_png(icons.SVG_SOURCE, size))
        committed = _pixels(icons.png_path(size).read_bytes())
        assert fresh[:2] == committed[:2]
        worst = max(
            max(abs(((a >> s) & 0xFF) - ((b >> s) & 0xFF)) for s in (0, 8, 16, 24))
            for a, b in zip(fresh[2], committed[2], strict=True)
        )
        assert worst <= 8, f"{size} px render differs from the committed PNG by {worst}/255"


def test_icon_is_an_opaque_tile_with_transparent_corners(qapp) -> None:
    w, h, px = _pixels(icons.png_path(64).read_bytes())
    alpha = [p >> 24 for p in px]
    assert alpha[0] == 0 and alpha[w - 1] == 0 and alpha[-1] == 0  # rounded corners
    assert alpha[(h // 2) * w + w // 2] == 255
    colours = {p & 0xFFFFFF for p, a in zip(px, alpha, strict=True) if a == 255}
    assert len(colours) > 10  # a drawing, not a flat square


def test_ico_directory_points_at_pngs_of_the_declared_sizes() -> None:
    data = icons.ICO_FILE.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, h, _, _, planes, bpp, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        png = data[offset : offset + length]
        declared = w or 256
        assert icons.png_size(png) == (declared, h or 256)
        assert (planes, bpp) == (1, 32)
        sizes.append(declared)
    assert sorted(sizes) == sorted(icons.ICO_SIZES)
    assert {16, 32, 48, 256} <= set(sizes)


def test_icns_elements_hold_pngs_of_their_type_size() -> None:
    data = icons.ICNS_FILE.read_bytes()
    magic, total = struct.unpack_from(">4sI", data, 0)
    assert magic == b"icns" and total == len(data)
    expected = dict(icons.ICNS_TYPES)
    seen = {}
    offset = 8
    while offset < len(data):
        kind, length = struct.unpack_from(">4sI", data, offset)
        seen[kind] = icons.png_size(data[offset + 8 : offset + length])[0]
        offset += length
    assert offset == len(data)
    assert seen == expected
    assert seen[b"ic10"] == 1024  # the 512@2x Retina image Finder and the Dock use


def test_containers_round_trip(tmp_path) -> None:
    pngs = {16: icons.png_path(16).read_bytes(), 256: icons.png_path(256).read_bytes()}
    ico = icons.ico_bytes(pngs)
    assert ico[6] == 16 and ico[6 + 16] == 0  # 256 is written as 0
    with pytest.raises(ValueError):
        icons.ico_bytes({512: icons.png_path(512).read_bytes()})
    icns = icons.icns_bytes([(b"ic08", pngs[256])])
    assert struct.unpack_from(">I", icns, 4)[0] == len(icns) == 16 + len(pngs[256])
