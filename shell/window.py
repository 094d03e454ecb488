"""The native window (pywebview: GTK on Linux, WebView2 on Windows, WebKit on macOS)."""

import logging
import os
import sys
import time
from collections.abc import Callable

from shell.errors import StartupError
from shell.lifecycle import call_on_stop_signal

TITLE = "Notedesk"
logger = logging.getLogger(__name__)


def ensure_display() -> None:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise StartupError("No display was found (DISPLAY is not set). Use --headless or --browser to run without a window.")


def run_window(url: str, *, launched_at: float, on_start: Callable | None = None) -> None:
    """Open the window on `url` and block until it is closed; `on_start(window)` runs in a thread."""
    import webview

    window = webview.create_window(
        TITLE, url, width=1120, height=760, min_size=(640, 420), background_color="#f5f6fa"
    )

    def log_first_load():
        logger.info("Page loaded %.3f s after launch", time.perf_counter() - launched_at)
        window.events.loaded -= log_first_load

    window.events.loaded += log_first_load
    call_on_stop_signal(window.destroy)
    webview.start(on_start, window, gui="gtk" if sys.platform.startswith("linux") else None, private_mode=True)
