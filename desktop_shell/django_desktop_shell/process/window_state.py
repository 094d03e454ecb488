"""The window's size and position, its zoom, whether spell checking is on and the folder its file
dialogs open in: remembered per data folder, in <data dir>/window.json, between launches."""

import json
import logging
from dataclasses import asdict, dataclass, field, fields
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
    maximized: bool = False  # width and height are then the size it goes back to (GTK)
    zoom: float = 1.0
    spell_check: bool = True
    last_folder: str | None = None  # where the file dialogs open (native_dialogs.starting_folder)
    # What a newer version of the app kept in the file that this one does not know: written back as
    # it came, so that the newer version, started again, finds it.
    from_newer_versions: dict = field(default_factory=dict)


WindowState = Geometry  # what the menu's commands (zoom, spell check) change
# Zoom levels, as browsers step through them.
ZOOM_LEVELS = (0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)


def next_zoom(zoom: float, step: int) -> float:
    """The next level up (step 1) or down (-1) from `zoom`, or 1.0 (step 0)."""
    if step == 0:
        return 1.0
    if step > 0:
        return next((level for level in ZOOM_LEVELS if level > zoom + 1e-6), ZOOM_LEVELS[-1])
    return next((level for level in reversed(ZOOM_LEVELS) if level < zoom - 1e-6), ZOOM_LEVELS[0])


def load_geometry(data_dir: Path, screens: list, text_scale: float = 1.0) -> Geometry:
    """`text_scale`: how much larger than at 96 dpi the desktop draws text (Xft.dpi 144: 1.5), and
    the web view the page; without a saved window, the first one is larger by as much."""
    default = Geometry(width=round(Geometry.width * text_scale), height=round(Geometry.height * text_scale))
    fit_on_screen(default, screens)
    try:
        saved = geometry_from(json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return default
    except (ValueError, TypeError) as error:
        logger.warning("Ignored an unreadable %s: %s", STATE_FILE, error)
        return default
    if not is_plausible(saved):
        return default
    if not (isinstance(saved.zoom, (int, float)) and ZOOM_LEVELS[0] <= saved.zoom <= ZOOM_LEVELS[-1]):
        saved.zoom = 1.0
    if not isinstance(saved.spell_check, bool):
        saved.spell_check = True
    if not isinstance(saved.last_folder, str):
        saved.last_folder = None
    if not isinstance(saved.maximized, bool):
        saved.maximized = False
    if saved.x is None or saved.y is None or not on_a_screen(saved, screens):
        saved.x = saved.y = None
    fit_on_screen(saved, screens)
    return saved


def geometry_from(saved: dict) -> Geometry:
    """The state a file holds. A key this version does not know (a newer version's) is set aside:
    it made the whole file "unreadable", and the person's zoom and spell check went back to the
    defaults after a downgrade."""
    if not isinstance(saved, dict):
        raise TypeError(f"it holds a {type(saved).__name__}, not an object")
    known = {name.name for name in fields(Geometry)} - {"from_newer_versions"}
    return Geometry(**{key: value for key, value in saved.items() if key in known},
                    from_newer_versions={key: value for key, value in saved.items() if key not in known})


def is_plausible(geometry: Geometry) -> bool:
    sizes_ok = all(isinstance(size, int) and size >= 200 for size in (geometry.width, geometry.height))
    return sizes_ok and all(value is None or isinstance(value, int) for value in (geometry.x, geometry.y))


def on_a_screen(geometry: Geometry, screens: list) -> bool:
    """True when the title bar's corner is on one of the screens (they change between launches)."""
    return any(
        screen.x <= geometry.x < screen.x + screen.width - 40 and screen.y <= geometry.y < screen.y + screen.height - 40
        for screen in screens
    )


def fit_on_screen(geometry: Geometry, screens: list) -> None:
    """Shrink and move a window saved on a larger screen so that all of it shows on the screen it
    opens on (the one with its corner, else the first): its edges and corner are where a person
    resizes it."""
    screen = next((screen for screen in screens if geometry.x is not None and on_a_screen(geometry, [screen])),
                  screens[0] if screens else None)
    if screen is None:
        return
    geometry.width, geometry.height = min(geometry.width, screen.width), min(geometry.height, screen.height)
    if geometry.x is not None:
        geometry.x = min(geometry.x, screen.x + screen.width - geometry.width)
        geometry.y = min(geometry.y, screen.y + screen.height - geometry.height)


def save_geometry(data_dir: Path, geometry: Geometry) -> None:
    """Keep the window's state for the next launch; on a full disk or a read-only folder the next
    launch opens as the last one that could keep it, and this one still quits cleanly."""
    try:
        state = asdict(geometry)
        state = {**state.pop("from_newer_versions"), **state}
        write_file(data_dir / STATE_FILE, json.dumps(state).encode("utf-8"))
    except OSError as error:
        logger.warning("Could not keep the window's size, place and zoom for the next launch: %s", error)


def track_geometry(window, geometry: Geometry, gui: str | None) -> None:
    """Keep `geometry` up to date as the person resizes and moves the window."""
    if gui == "gtk":
        window.events.before_show += lambda: track_gtk_geometry(window.native, geometry)
        return

    def resized(width, height):
        geometry.width, geometry.height = width, height

    def moved(x, y):
        geometry.x, geometry.y = x, y

    window.events.resized += resized
    window.events.moved += moved


def track_gtk_geometry(gtk_window, geometry: Geometry) -> None:
    """Runs on GTK's thread, from before_show. The size pywebview reports is the window's
    allocation, which on Wayland holds the shadows GTK draws around the window (its decorations
    are the app's own there): kept, it opened the window larger by them at each launch, until it
    was larger than the screen. GTK's own size is the one a window is opened at. A Wayland window
    cannot be placed, nor learn where it is (GTK says 0, 0): no position is kept there. A window
    closed maximised opens maximised, and keeps the size it goes back to (it had opened as large
    as the screen, but not maximised)."""

    from gi.repository import Gdk

    def resized(gtk_window, _allocation):
        if not geometry.maximized:
            geometry.width, geometry.height = gtk_window.get_size()

    def state_changed(_gtk_window, event):
        geometry.maximized = bool(event.new_window_state & Gdk.WindowState.MAXIMIZED)

    def moved(_gtk_window, event):
        geometry.x, geometry.y = event.x, event.y

    gtk_window.connect("size-allocate", resized)
    gtk_window.connect("window-state-event", state_changed)
    if gtk_window.get_display().__gtype__.name != "GdkWaylandDisplay":
        gtk_window.connect("configure-event", moved)
