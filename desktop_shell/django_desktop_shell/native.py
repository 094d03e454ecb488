"""What the window offers a site's views: the OS's own file dialogs, and the paths of files
dropped onto it.

`native.functions` is None in a browser (--browser, --headless): a site then uses downloads and
uploads. Pages reach these through the site's own same-origin endpoints (behind the session and
CSRF checks), not through pywebview's js_api, whose stubs need eval and so break the CSP.
"""

from pathlib import Path
from typing import Protocol


class PrintFailed(Exception):
    """Printing to a PDF file failed; the message says why."""


class NativeFunctions(Protocol):
    """None means cancelled."""

    def choose_save_path(self, suggested_name: str, file_types: tuple[str, ...] = ()) -> Path | None: ...

    def choose_open_path(self, file_types: tuple[str, ...] = ()) -> Path | None: ...

    def choose_open_paths(self, file_types: tuple[str, ...] = ()) -> list[Path]:
        """The files the person chose at once in an open dialog ([] for cancelled)."""
        ...

    def choose_folder(self) -> Path | None: ...

    def print_to_pdf(self, path: Path) -> None:
        """Print the window's page, with its print stylesheet, to a PDF file at `path`; raises on failure."""
        ...

    def take_dropped_files(self, names: list[str]) -> list[Path | None]:
        """The real paths of files the person dropped onto the window, by their names (each once;
        None for a name not dropped, or on a platform that gives no paths)."""
        ...

    def clipboard_image(self) -> bytes | None:
        """The image on the system clipboard, as PNG (None if it holds none, or on a platform whose
        web view gives the page pasted images itself)."""
        ...


functions: NativeFunctions | None = None


def provide(native_functions: NativeFunctions | None) -> None:
    global functions
    functions = native_functions
