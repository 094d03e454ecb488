"""Render the app's one icon source, the SVG its identity names, into what each OS's installer
needs: OUT_DIR/png/<size>.png (the Linux hicolor sizes), OUT_DIR/<name>.ico (Windows) and
OUT_DIR/<name>.icns (macOS).

    python -m django_desktop_shell.packaging.icons SVG OUT_DIR NAME
"""

import io
import sys
from pathlib import Path

PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
ICNS_BASE = 1024  # Pillow's ICNS writer scales every size macOS wants down from this one


def render(source: Path, size: int):
    """The SVG as a PIL image of size × size. The converters are imported here, so that a project
    with no icon builds without them."""
    import resvg_py
    from PIL import Image

    # Each size is rendered from the vector, so small icons stay sharp instead of being shrunk.
    png = resvg_py.svg_to_bytes(svg_path=str(source), width=size, height=size)
    return Image.open(io.BytesIO(bytes(png))).convert("RGBA")


def render_icons(source: Path, out_dir: Path, name: str) -> dict[str, str]:
    (out_dir / "png").mkdir(parents=True, exist_ok=True)
    renders = {size: render(source, size) for size in sorted({*PNG_SIZES, *ICO_SIZES})}
    for size in PNG_SIZES:
        renders[size].save(out_dir / "png" / f"{size}.png")
    largest = renders[max(ICO_SIZES)]
    largest.save(out_dir / f"{name}.ico", sizes=[(size, size) for size in ICO_SIZES],
                 append_images=[renders[size] for size in ICO_SIZES])
    render(source, ICNS_BASE).save(out_dir / f"{name}.icns")
    return {"png": str(out_dir / "png"), "ico": str(out_dir / f"{name}.ico"), "icns": str(out_dir / f"{name}.icns")}


if __name__ == "__main__":
    render_icons(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
