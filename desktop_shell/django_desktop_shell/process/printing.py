"""Printing the window's page to a PDF file, with the page's print stylesheet, written straight
to the path given (the one the person chose in the native save dialog).

GTK: WebKit2.PrintOperation with GtkPrintSettings naming GTK's print-to-file printer and an
output-uri: no dialog. Windows (WebView2's PrintToPdfAsync) and macOS (WKWebView's createPDF)
are written but run by no test here. The page's own window.print() opens the OS print dialog
(WebKitGTK's default print handler).
"""

import logging
import sys
import threading
from pathlib import Path

from django_desktop_shell.native import PrintFailed

logger = logging.getLogger(__name__)
PDF_TIMEOUT_S = 120


def print_to_pdf(window, gui: str | None, path: Path) -> None:
    """Callable from any thread but GTK's; returns once the file is written, else PrintFailed."""
    if gui == "gtk":
        gtk_print_to_pdf(window, path)
    elif sys.platform == "win32":
        webview2_print_to_pdf(window, path)
    elif sys.platform == "darwin":
        wkwebview_print_to_pdf(window, path)
    else:
        raise PrintFailed("Printing to PDF is not available here.")
    logger.info("Printed the page to a PDF file")


def gtk_print_to_pdf(window, path: Path) -> None:
    from django_desktop_shell.process.commands import gtk_view, on_gtk_thread

    done = threading.Event()
    outcome = {}

    def start():
        import gi

        gi.require_version("Gtk", "3.0")
        from gi.repository import Gtk, WebKit2

        view = gtk_view(window)
        if view is None:
            outcome["error"] = "the window is closing"
            done.set()
            return
        settings = Gtk.PrintSettings()
        settings.set_printer("Print to File")
        settings.set(Gtk.PRINT_SETTINGS_OUTPUT_FILE_FORMAT, "pdf")
        settings.set(Gtk.PRINT_SETTINGS_OUTPUT_URI, path.as_uri())
        operation = WebKit2.PrintOperation.new(view)
        operation.set_print_settings(settings)
        operation.set_page_setup(Gtk.PageSetup())  # the locale's default paper, portrait
        operation.connect("failed", lambda operation, error: outcome.setdefault("error", error.message))
        operation.connect("finished", lambda operation: done.set())
        outcome["operation"] = operation  # kept alive until it finishes
        operation.print_()

    on_gtk_thread(start)
    if not done.wait(PDF_TIMEOUT_S):
        raise PrintFailed("Printing to PDF did not finish in time.")
    if "error" in outcome:
        raise PrintFailed(f"Printing to PDF failed: {outcome['error']}.")
    if not path.exists():
        raise PrintFailed("Printing to PDF wrote no file.")


def webview2_print_to_pdf(window, path: Path) -> None:  # not run in this project's tests: no Windows machine
    from System import Func, Type
    from webview.platforms.winforms import BrowserView

    form = BrowserView.instances[window.uid]
    result = {}

    def start():
        result["task"] = form.browser.webview.CoreWebView2.PrintToPdfAsync(str(path), None)

    form.Invoke(Func[Type](start))
    if not result["task"].Wait(PDF_TIMEOUT_S * 1000) or not result["task"].Result:
        raise PrintFailed("Printing to PDF failed.")


def wkwebview_print_to_pdf(window, path: Path) -> None:  # not run in this project's tests: no macOS machine
    from PyObjCTools import AppHelper
    from webview.platforms.cocoa import BrowserView

    done, outcome = threading.Event(), {}
    view = BrowserView.instances[window.uid].webview

    def finished(data, error):
        if error is None:
            data.writeToFile_atomically_(str(path), True)
        else:
            outcome["error"] = str(error)
        done.set()

    AppHelper.callAfter(lambda: view.createPDFWithConfiguration_completionHandler_(None, finished))
    if not done.wait(PDF_TIMEOUT_S) or "error" in outcome:
        raise PrintFailed(f"Printing to PDF failed: {outcome.get('error', 'it did not finish in time')}.")
