"""Help › About: the app's name, version, data folder and licence, in a window of its own (GTK's
own About dialog on Linux; a small second pywebview window elsewhere)."""

import html
import logging
from dataclasses import dataclass
from pathlib import Path

from django_desktop_shell.identity import Identity

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AboutFacts:
    name: str
    version: str
    description: str
    data_dir: Path
    log_file: Path
    licence: str
    homepage: str
    icon: Path | None

    @property
    def details(self) -> str:
        return f"{self.description}\n\nData folder: {self.data_dir}\nLog file: {self.log_file}".strip()


def facts(identity: Identity, data_dir: Path, log_file: Path) -> AboutFacts:
    return AboutFacts(
        name=identity.name, version=identity.version, description=identity.description, data_dir=data_dir,
        log_file=log_file, licence=identity.licence or "No licence is stated for this app.",
        homepage=identity.homepage, icon=identity.icon_file,
    )


def show(window, gui: str | None, about: AboutFacts) -> None:
    """Callable from any thread."""
    if gui == "gtk":
        from django_desktop_shell.process.commands import on_gtk_thread

        on_gtk_thread(show_gtk, window, about)
    else:
        import webview

        webview.create_window(f"About {about.name}", html=about_page(about), width=480, height=400, resizable=False)


def show_gtk(window, about: AboutFacts) -> None:
    import gi

    gi.require_version("Gtk", "3.0")
    from gi.repository import GdkPixbuf, Gtk
    from webview.platforms.gtk import BrowserView

    browser_view = BrowserView.instances.get(window.uid)
    if browser_view is None:
        return  # the window is closing
    dialog = Gtk.AboutDialog(
        transient_for=browser_view.window, modal=True, program_name=about.name, version=about.version,
        comments=about.details, license=about.licence, wrap_license=True, title=f"About {about.name}",
    )
    if about.homepage:
        dialog.set_website(about.homepage)
    if about.icon:
        try:
            dialog.set_logo(GdkPixbuf.Pixbuf.new_from_file_at_size(str(about.icon), 96, 96))
        except Exception:  # an icon the pixbuf loaders cannot read: the dialog goes without it
            logger.warning("Could not load the icon %s for the About window", about.icon, exc_info=True)
    dialog.connect("response", lambda shown, response: shown.destroy())
    dialog.show()
    logger.info("Showed the About window")


def about_page(about: AboutFacts) -> str:
    rows = "".join(f"<dt>{html.escape(label)}</dt><dd>{html.escape(str(value))}</dd>" for label, value in (
        ("Version", about.version), ("Data folder", about.data_dir), ("Log file", about.log_file),
        ("Licence", about.licence), ("Website", about.homepage)) if value)
    return (f"<!doctype html><meta charset='utf-8'><title>About {html.escape(about.name)}</title>"
            "<body style='font:14px system-ui,sans-serif;margin:24px'>"
            f"<h1 style='font-size:20px'>{html.escape(about.name)}</h1><p>{html.escape(about.description)}</p>"
            f"<dl>{rows}</dl></body>")
