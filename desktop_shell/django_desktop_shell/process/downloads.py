"""Downloads in the window. An answer that is an attachment (`Content-Disposition: attachment`, as
Django's `FileResponse(as_attachment=True)` gives) or of a type the web view cannot show is saved
where the person says in the OS's save dialog; it never replaces the page, and is never saved
somewhere the person did not choose.

On GTK the shell decides (navigation.py hands it the answers, this module the save dialog): WebKitGTK
would show an attachment of a type it can show (a PDF, a CSV) in place of the page, and pywebview's
own save dialog opens on the Downloads folder, which a system without XDG folders does not have,
and replaces a file that exists without asking (native_dialogs.gtk_save_dialog asks).
Elsewhere pywebview's ALLOW_DOWNLOADS does it with the OS's save dialog.

A link or a form whose answer the window would show in place of the page (an image, a video, a PDF,
a named text file: an uploaded file, a generated invoice, an admin action's labels) opens it in the OS's
viewer for its type on GTK, and the page stays: a window has no toolbar, few people know Alt+Left,
and WebKit's PDF viewer does not draw under the page's Content-Security-Policy. The copy the viewer opens is
kept in the data folder's `opened` folder until the next launch.
"""

import logging
import re
import shutil
from pathlib import Path

from django_desktop_shell.process.window_state import WindowState

logger = logging.getLogger(__name__)

# The types handed to the viewer, and the extension its copy gets, whatever name the answer gave
# (so that no name makes the OS run it rather than show it).
VIEWER_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
                "image/avif": ".avif", "image/bmp": ".bmp", "video/mp4": ".mp4", "video/webm": ".webm",
                "video/ogg": ".ogv", "video/quicktime": ".mov", "audio/mpeg": ".mp3", "audio/mp4": ".m4a",
                "audio/ogg": ".ogg", "audio/wav": ".wav", "audio/flac": ".flac", "application/pdf": ".pdf",
                "text/plain": ".txt"}
to_view: set[str] = set()  # the addresses of answers handed to the viewer, until their download starts
# The downloads being saved where the person said, each by the name of its file, until they end:
# a quit meanwhile asks first (window.quit_despite_unfinished_downloads).
saving: dict[object, str] = {}


def is_download(content_disposition: str | None, type_shown: bool) -> bool:
    """An answer to save rather than show: an attachment, or a type the web view cannot show."""
    kind = (content_disposition or "").split(";", 1)[0].strip().lower()
    return kind == "attachment" or not type_shown


def opens_in_viewer(mime_type: str | None, content_disposition: str | None, main_frame: bool) -> bool:
    """A file the window would show in place of the page: the page's own answer (to a link, or to
    a form, such as an admin action's) that is an image, video, sound or a PDF, or text sent as a named file
    (not a view's plain-text answer)."""
    if not main_frame or mime_type not in VIEWER_TYPES:
        return False
    return mime_type != "text/plain" or "filename" in (content_disposition or "").lower()


def viewer_copy_name(suggested_name: str | None, mime_type: str) -> str:
    stem = Path(suggested_name or "").stem
    stem = re.sub(r"[^\w .-]", "_", stem).strip(" .")[:80] or "file"
    return stem + VIEWER_TYPES[mime_type]


def decide_response_gtk(decision) -> None:
    """For navigation.py, on GTK: an answer is saved, opened in the OS's viewer or shown."""
    response = decision.get_response()
    headers = response.get_http_headers()
    disposition = headers.get_one("Content-Disposition") if headers is not None else None
    if is_download(disposition, decision.is_mime_type_supported()):
        decision.download()
    elif opens_in_viewer(response.get_mime_type(), disposition, decision.is_main_frame_main_resource()):
        to_view.add(decision.get_request().get_uri())
        decision.download()
    else:
        decision.use()


def install(window, gui: str | None, viewer_folder: Path, state: WindowState) -> None:
    """From before_show: each download asks where to save it (on GTK, in the shell's save dialog,
    which opens where `state` says); on GTK, what opens in a viewer is copied to `viewer_folder`,
    emptied here of the last run's copies."""
    if gui == "gtk":
        shutil.rmtree(viewer_folder, ignore_errors=True)
        install_gtk(window, viewer_folder, state)
    else:  # read when a download starts
        import webview

        webview.settings["ALLOW_DOWNLOADS"] = True


def install_gtk(window, viewer_folder: Path, state: WindowState) -> None:
    """Runs on GTK's thread."""
    from gi.repository import GLib, Gtk, WebKit2
    from webview.platforms.gtk import BrowserView

    from django_desktop_shell.process.download_bar import DownloadBar
    from django_desktop_shell.process.native_dialogs import gtk_save_dialog

    browser_view = BrowserView.instances[window.uid]
    bar = DownloadBar(browser_view.window)

    def decide_destination(download, suggested_name):
        chosen = gtk_save_dialog(window, state, suggested_name or "download")  # on GTK's thread already
        if chosen is None:
            logger.info("A download was not saved: the save dialog was cancelled")
            download.cancel()
            return True
        download.set_allow_overwrite(True)  # the person chose this file in the dialog, and said to replace it
        download.set_destination(GLib.filename_to_uri(str(chosen)))
        failures = []

        def ended(download):
            saving.pop(download, None)
            if not failures:
                logger.info("A download was saved")

        saving[download] = chosen.name
        download.connect("finished", ended)  # "finished" comes after "failed" too
        download.connect("failed", lambda download, error: failures.append(error) or tell_failed(chosen.name, error, "saved"))
        bar.follow(download, chosen)
        return True

    def tell_failed(name: str, error, what_failed: str) -> None:
        if error.matches(WebKit2.download_error_quark(), WebKit2.DownloadError.CANCELLED_BY_USER):
            return  # stopped in the downloads bar, or the window closed, before it had finished
        logger.warning("A download failed: %s", error.message)
        dialog = Gtk.MessageDialog(transient_for=browser_view.window, modal=True, message_type=Gtk.MessageType.ERROR,
                                   buttons=Gtk.ButtonsType.OK, text=f"{name} could not be {what_failed}")
        dialog.format_secondary_text(error.message)
        dialog.run()
        dialog.destroy()

    def view_in_os(download, suggested_name):
        name = Path(viewer_copy_name(suggested_name, download.get_response().get_mime_type()))
        viewer_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        copy, number = viewer_folder / name, 1
        while copy.exists():  # a viewer may still show the copy opened before
            number += 1
            copy = viewer_folder / f"{name.stem} ({number}){name.suffix}"
        download.set_destination(GLib.filename_to_uri(str(copy)))
        failures = []
        download.connect("failed", lambda download, error: failures.append(error) or tell_failed(name.name, error, "opened"))
        download.connect("finished", lambda download: None if failures else opened(copy))
        return True

    def opened(copy: Path) -> None:
        from django_desktop_shell.process.commands import open_in_os  # which imports navigation, which imports this

        logger.info("Opened a file in the OS's viewer (%s)", copy.suffix)
        open_in_os(copy)

    def started(context, download):
        viewing = download.get_request().get_uri() in to_view
        to_view.discard(download.get_request().get_uri())
        download.connect("decide-destination", view_in_os if viewing else decide_destination)

    browser_view.webview.get_context().connect("download-started", started)
