"""Downloads in the window. An answer that is an attachment (`Content-Disposition: attachment`, as
Django's `FileResponse(as_attachment=True)` gives) or of a type the web view cannot show is saved
where the person says in the OS's save dialog; it never replaces the page, and is never saved
somewhere the person did not choose.

On GTK the shell decides (navigation.py hands it the answers, this module the save dialog): WebKitGTK
would show an attachment of a type it can show (a PDF, a CSV) in place of the page, and pywebview's
own save dialog opens on the Downloads folder, which a system without XDG folders does not have,
and replaces a file that exists without asking (native_dialogs.gtk_save_dialog asks).
Elsewhere pywebview's ALLOW_DOWNLOADS does it with the OS's save dialog.
"""

import logging

logger = logging.getLogger(__name__)


def is_download(content_disposition: str | None, type_shown: bool) -> bool:
    """An answer to save rather than show: an attachment, or a type the web view cannot show."""
    kind = (content_disposition or "").split(";", 1)[0].strip().lower()
    return kind == "attachment" or not type_shown


def install(window, gui: str | None) -> None:
    """From before_show: each download asks where to save it."""
    if gui == "gtk":
        install_gtk(window)
    else:  # read when a download starts
        import webview

        webview.settings["ALLOW_DOWNLOADS"] = True


def install_gtk(window) -> None:
    """Runs on GTK's thread."""
    from gi.repository import GLib, Gtk, WebKit2
    from webview.platforms.gtk import BrowserView

    from django_desktop_shell.process.native_dialogs import gtk_save_dialog

    browser_view = BrowserView.instances[window.uid]

    def decide_destination(download, suggested_name):
        chosen = gtk_save_dialog(window, suggested_name or "download")  # on GTK's thread already
        if chosen is None:
            logger.info("A download was not saved: the save dialog was cancelled")
            download.cancel()
            return True
        download.set_allow_overwrite(True)  # the person chose this file in the dialog, and said to replace it
        download.set_destination(GLib.filename_to_uri(str(chosen)))
        failures = []
        # "finished" comes after "failed" too.
        download.connect("finished", lambda download: None if failures else logger.info("A download was saved"))
        download.connect("failed", lambda download, error: failures.append(error) or tell_failed(chosen.name, error))
        return True

    def tell_failed(name: str, error) -> None:
        if error.matches(WebKit2.download_error_quark(), WebKit2.DownloadError.CANCELLED_BY_USER):
            return  # the window closed before it had finished
        logger.warning("A download failed: %s", error.message)
        dialog = Gtk.MessageDialog(transient_for=browser_view.window, modal=True, message_type=Gtk.MessageType.ERROR,
                                   buttons=Gtk.ButtonsType.OK, text=f"{name} could not be saved")
        dialog.format_secondary_text(error.message)
        dialog.run()
        dialog.destroy()

    browser_view.webview.get_context().connect(
        "download-started", lambda context, download: download.connect("decide-destination", decide_destination))
