"""Render the one icon source, ui/static/img/notedesk.svg, into what each OS's installer needs.

    python build/icons.py OUT_DIR

writes OUT_DIR/png/<size>.png (the Linux hicolor sizes), OUT_DIR/notedesk.ico (Windows) and
OUT_DIR/notedesk.icns (macOS).
"""

import io
import sys
from pathlib import Path

import resvg_py
from PIL import Image

SOURCE = Path(__file__).resolve().parent.parent / "ui" / "static" / "img" / "notedesk.svg"
PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
ICNS_BASE = 1024  # Pillow's ICNS writer scales every size macOS wants down from this one


def render(size: int) -> Image.Image:
    # Each size is rendered from the vector, so small icons stay sharp instead of being shrunk.
    png = resvg_py.svg_to_bytes(svg_path=str(SOURCE), width=size, height=size)
    return Image.open(io.BytesIO(bytes(png))).convert("RGBA")


def main(out_dir: Path) -> None:
    (out_dir / "png").mkdir(parents=True, exist_ok=True)
    renders = {size: render(size) for size in sorted({*PNG_SIZES, *ICO_SIZES})}
    for size in PNG_SIZES:
        renders[size].save(out_dir / "png" / f"{size}.png")
    largest = renders[max(ICO_SIZES)]
    largest.save(out_dir / "notedesk.ico", sizes=[(size, size) for size in ICO_SIZES],
                 append_images=[renders[size] for size in ICO_SIZES])
    render(ICNS_BASE).save(out_dir / "notedesk.icns")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
