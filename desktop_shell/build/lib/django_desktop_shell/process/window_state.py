"""The window's size and position, remembered in <data dir>/window.json between launches."""

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from django_desktop_shell.files import write_file

logger = logging.getLogger(__name__)
STATE_FILE = "window.json"


@dataclass
class Geometry:
    width: int = 1120
    height: int = 760
    x: int | None = None  # None: let the OS place the window
    y: int | None = None


def load_geometry(data_dir: Path, screens: list) -> Geometry:
    try:
        saved = Geometry(**json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return Geometry()
    except (ValueError, TypeError) as error:
        logger.warning("Ignored an unreadable %s: %s", STATE_FILE, error)
        return Geometry()
    if not is_plausible(saved):
        return Geometry()
    if saved.x is None or saved.y is None or not on_a_screen(saved, screens):
        saved.x = saved.y = None
    return saved


def is_plausible(geometry: Geometry) -> bool:
    sizes_ok = all(isinstance(size, int) and size >= 200 for size in (geometry.width, geometry.height))
    return sizes_ok and all(value is None or isinstance(value, int) for value in (geometry.x, geometry.y))


def on_a_screen(geometry: Geometry, screens: list) -> bool:
    """True when the title bar's corner is on one of the screens (they change between launches)."""
    return any(
        screen.x <= geometry.x < screen.x + screen.width - 40 and screen.y <= geometry.y < screen.y + screen.height - 40
        for screen in screens
    )


def save_geometry(data_dir: Path, geometry: Geometry) -> None:
    write_file(data_dir / STATE_FILE, json.dumps(asdict(geometry)).encode("utf-8"))


def track_geometry(window, geometry: Geometry) -> None:
    """Keep `geometry` up to date as the person resizes and moves the window."""

    def resized(width, height):
        geometry.width, geometry.height = width, height

    def moved(x, y):
        geometry.x, geometry.y = x, y

    window.events.resized += resized
    window.events.moved += moved
