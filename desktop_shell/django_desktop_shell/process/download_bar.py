"""The window's downloads bar (GTK), at the foot of the window as a browser's: a row for each file
being saved where the person said, with how much of it is saved and a Stop button; once it is
saved, Open and Show in folder, until the row is closed or SAVED_ROW_SECONDS have passed.
Runs on GTK's thread, from downloads.install_gtk."""

import logging
import time
from pathlib import Path

from django_desktop_shell.process.commands import open_in_os

logger = logging.getLogger(__name__)

SAVED_ROW_SECONDS = 15
UPDATE_EVERY_S = 0.25  # WebKit tells of every chunk it writes: a label redrawn for each would cost more than the saving


class DownloadBar:
    def __init__(self, gtk_window):
        from gi.repository import Gtk

        page = gtk_window.get_child()  # pywebview's scrolled window holding the web view
        gtk_window.remove(page)
        column = Gtk.Box(orientation=Gtk.Orientation.VERTICAL)
        column.pack_start(page, True, True, 0)
        self.rows = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, no_show_all=True)
        self.separator = Gtk.Separator(no_show_all=True)
        column.pack_end(self.rows, False, False, 0)
        column.pack_end(self.separator, False, False, 0)
        gtk_window.add(column)
        column.show()

    def follow(self, download, destination: Path) -> None:
        DownloadRow(self, download, destination)

    def add(self, row) -> None:
        self.rows.pack_start(row, False, False, 0)
        row.show_all()
        self.rows.show()
        self.separator.show()

    def remove(self, row) -> None:
        self.rows.remove(row)
        if not self.rows.get_children():
            self.rows.hide()
            self.separator.hide()


class DownloadRow:
    """One download's row: its name and progress while saving, then what can be done with the file."""

    def __init__(self, bar: DownloadBar, download, destination: Path):
        from gi.repository import Gtk, Pango

        self.bar, self.download, self.destination = bar, download, destination
        self.failed, self.last_update = False, 0.0
        self.widget = Gtk.Box(spacing=8, margin_start=10, margin_end=6, margin_top=4, margin_bottom=4)
        self.label = Gtk.Label(xalign=0, ellipsize=Pango.EllipsizeMode.MIDDLE, hexpand=True)
        self.progress = Gtk.ProgressBar(valign=Gtk.Align.CENTER, width_request=160)
        self.stop = Gtk.Button(label="Stop", tooltip_text=f"Stop saving {destination.name} and delete the part saved")
        self.stop.connect("clicked", lambda button: self.stop_saving())
        self.widget.pack_start(self.label, True, True, 0)
        for widget in (self.progress, self.stop):
            self.widget.pack_start(widget, False, False, 0)
        self.show_progress()
        bar.add(self.widget)
        download.connect("received-data", lambda download, length: self.show_progress())
        download.connect("failed", self.stopped)
        download.connect("finished", self.finished)  # after "failed" too

    def show_progress(self) -> None:
        now = time.monotonic()
        if now - self.last_update < UPDATE_EVERY_S:
            return
        # It imports Django (its size filter), there since the site started: imported with this module, 183
        # of Django's modules came on GTK's thread before the window showed.
        from django_desktop_shell.errors import size_in_english

        self.last_update = now
        saved = self.download.get_received_data_length()
        response = self.download.get_response()
        total = response.get_content_length() if response else 0
        amount = f"{size_in_english(saved)} of {size_in_english(total)}" if total else size_in_english(saved)
        self.label.set_text(f"Saving {self.destination.name} — {amount}")
        if total:
            self.progress.set_fraction(min(saved / total, 1.0))
        else:
            self.progress.pulse()

    def stop_saving(self) -> None:
        logger.info("A download was stopped")
        self.download.cancel()  # WebKit deletes the part saved

    def stopped(self, download, error) -> None:
        self.failed = True

    def finished(self, download) -> None:
        from gi.repository import GLib, Gtk

        if self.failed:  # stopped, or failed (downloads.py tells the person why)
            self.bar.remove(self.widget)
            return
        self.label.set_text(f"Saved {self.destination.name} in {self.destination.parent.name or self.destination.parent}")
        for widget in (self.progress, self.stop):
            self.widget.remove(widget)
        for label, target in (("Open", self.destination), ("Show in folder", self.destination.parent)):
            button = Gtk.Button(label=label)
            button.connect("clicked", lambda button, target=target: open_in_os(target))
            self.widget.pack_start(button, False, False, 0)
        close = Gtk.Button(label="✕", relief=Gtk.ReliefStyle.NONE, tooltip_text="Remove from the list")
        close.connect("clicked", lambda button: self.close())
        self.widget.pack_start(close, False, False, 0)
        self.widget.show_all()
        GLib.timeout_add_seconds(SAVED_ROW_SECONDS, self.close)

    def close(self) -> bool:
        if self.widget.get_parent() is not None:
            self.bar.remove(self.widget)
        return False  # a GLib timeout's "once"
