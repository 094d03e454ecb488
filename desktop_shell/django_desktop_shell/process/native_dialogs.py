"""The native functions (django_desktop_shell.native) backed by the window's own OS dialogs.

The page reaches them through the site's same-origin endpoints (behind the session and CSRF
checks), not through pywebview's js_api, whose stubs need eval and so break our CSP.
"""

import re
from pathlib import Path

from django_desktop_shell.process.paths import home_folder
from django_desktop_shell.process.window_state import WindowState


class WindowNativeFunctions:
    def __init__(self, window, dropped=None, state: WindowState | None = None):
        from django_desktop_shell.process.window import gui

        self.window = window
        self.gui = gui()
        self.dropped = dropped  # drops.DroppedFiles, where the platform gives the paths
        self.state = state if state is not None else WindowState()  # where the dialogs open

    def choose_save_path(self, suggested_name: str, file_types: tuple[str, ...] = ()) -> Path | None:
        import webview

        if self.gui == "gtk":
            from django_desktop_shell.process.commands import answer_from_gtk_thread

            return answer_from_gtk_thread(gtk_save_dialog, self.window, self.state, suggested_name,
                                          dialog_file_types(file_types))
        chosen = self.window.create_file_dialog(
            webview.FileDialog.SAVE, directory=pywebview_folder(self.state), save_filename=suggested_name,
            file_types=dialog_file_types(file_types),
        )
        return remembered(self.state, Path(first(chosen))) if chosen else None

    def choose_open_path(self, file_types: tuple[str, ...] = ()) -> Path | None:
        chosen = self.open_dialog(file_types, several=False)
        return chosen[0] if chosen else None

    def choose_open_paths(self, file_types: tuple[str, ...] = ()) -> list[Path]:
        return self.open_dialog(file_types, several=True)

    def open_dialog(self, file_types: tuple[str, ...], several: bool) -> list[Path]:
        import webview

        if self.gui == "gtk":
            from django_desktop_shell.process.commands import answer_from_gtk_thread

            chosen = answer_from_gtk_thread(gtk_open_dialog, self.window, self.state, dialog_file_types(file_types),
                                            several, False)
        else:
            chosen = self.window.create_file_dialog(webview.FileDialog.OPEN, directory=pywebview_folder(self.state),
                                                    file_types=dialog_file_types(file_types), allow_multiple=several)
        paths = [Path(path) for path in ([chosen] if isinstance(chosen, str) else chosen)] if chosen else []
        if paths:
            remembered(self.state, paths[0])
        return paths

    def choose_folder(self) -> Path | None:
        import webview

        if self.gui == "gtk":
            from django_desktop_shell.process.commands import answer_from_gtk_thread

            chosen = answer_from_gtk_thread(gtk_open_dialog, self.window, self.state, (), False, True)
        else:
            chosen = self.window.create_file_dialog(webview.FileDialog.FOLDER, directory=pywebview_folder(self.state))
        if not chosen:
            return None
        folder = Path(first(chosen))
        self.state.last_folder = str(folder)
        return folder

    def print_to_pdf(self, path: Path) -> None:
        from django_desktop_shell.process.printing import print_to_pdf

        print_to_pdf(self.window, self.gui, path)

    def take_dropped_files(self, names: list[str]) -> list[Path | None]:
        return self.dropped.take(names) if self.dropped else [None] * len(names)

    def clipboard_image(self) -> bytes | None:
        if self.gui != "gtk":
            return None
        from django_desktop_shell.process.commands import answer_from_gtk_thread

        return answer_from_gtk_thread(gtk_clipboard_png)


def starting_folder(state: WindowState) -> Path | None:
    """Where a file dialog opens: the folder of the last file chosen or saved through one, kept
    between launches (a day's exports go to one folder, as in a browser), else the home folder;
    None for a user with neither: the dialog's own choice."""
    if state.last_folder and Path(state.last_folder).is_dir():
        return Path(state.last_folder)
    return home_folder()


def pywebview_folder(state: WindowState) -> str:
    folder = starting_folder(state)
    return str(folder) if folder is not None else ""


def remembered(state: WindowState, chosen: Path) -> Path:
    """`chosen`, a file; the next dialog opens in its folder."""
    state.last_folder = str(chosen.parent)
    return chosen


def first(chosen) -> str:
    # pywebview answers a save dialog with a path on some platforms and a 1-tuple on others.
    return chosen if isinstance(chosen, str) else chosen[0]


def gtk_clipboard_png() -> bytes | None:
    """On GTK's thread. WebKitGTK gives a page's paste event nothing for an image on the clipboard
    (a screenshot, an image copied in a viewer): no type, no file."""
    from gi.repository import Gdk, Gtk

    image = Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).wait_for_image()
    if image is None:
        return None
    saved, png = image.save_to_bufferv("png", [], [])
    return bytes(png) if saved else None


REFUSED_IN_DESCRIPTION = re.compile(r"[^\w ]+")


def dialog_file_types(file_types: tuple[str, ...]) -> tuple[str, ...]:
    """The file types, "Description (*.a;*.b)", with what pywebview refuses in a description (all
    but letters, digits and spaces: "Keep (Takeout), Joplin") made spaces: it raises instead of
    showing the dialog, and the click that asked for it fails."""
    return tuple(
        f"{' '.join(REFUSED_IN_DESCRIPTION.sub(' ', description).split())} ({patterns}"
        for description, _, patterns in (file_type.rpartition(" (") for file_type in file_types)
    )


# Of the app window's width and height: a dialog over it, its edges in sight.
DIALOG_SHARE_OF_THE_WINDOW = 0.8


def sized_to_its_window(dialog) -> None:
    """On GTK's thread, before `dialog` (a GTK file chooser) shows. GTK gives its file chooser the
    size the last one had (kept in its settings), else one from its font (about 60 characters by 45
    lines), as it is made and again as it shows; with no window manager to fit it to the screen (a
    bare X server, some tiling setups), it covered the app window and ran off an 800-pixel screen,
    its title and buttons out of sight. It is GTK's size at most, and at most
    DIALOG_SHARE_OF_THE_WINDOW of the app window's (GTK 2 kept it within 3/4 of the screen)."""
    from gi.repository import Gtk

    def at_most_a_share_of_the_window(*_):
        if (app_window := dialog.get_transient_for()) is None:
            return  # the dialog is being destroyed
        width, height = dialog.get_size()
        dialog.resize(min(width, round(app_window.get_size().width * DIALOG_SHARE_OF_THE_WINDOW)),
                      min(height, round(app_window.get_size().height * DIALOG_SHARE_OF_THE_WINDOW)))

    at_most_a_share_of_the_window()
    chooser = next(child for child in dialog.get_content_area().get_children() if isinstance(child, Gtk.FileChooserWidget))
    chooser.connect_after("default-size-changed", at_most_a_share_of_the_window)


def gtk_save_dialog(window, state: WindowState, suggested_name: str, file_types: tuple[str, ...] = ()) -> Path | None:
    """GTK's save dialog, on GTK's thread, in `starting_folder`. pywebview's replaces a file that
    exists without asking; this one asks first, as the Windows and macOS dialogs do."""
    from gi.repository import Gtk

    dialog = gtk_file_chooser(gtk_window(window), state, "Save", Gtk.FileChooserAction.SAVE, "_Save", file_types)
    dialog.set_do_overwrite_confirmation(True)
    dialog.set_current_name(suggested_name)
    try:
        if dialog.run() != Gtk.ResponseType.OK:
            return None
        return remembered(state, Path(dialog.get_filename()))
    finally:
        dialog.destroy()


def gtk_open_dialog(window, state: WindowState, file_types: tuple[str, ...], several: bool, folder: bool) -> list[str]:
    """GTK's open dialog (a folder's, if `folder`), on GTK's thread, in `starting_folder`, titled as
    pywebview's: pywebview's own could not be sized (sized_to_its_window). The paths chosen."""
    from gi.repository import Gtk

    title = "Open folder" if folder else "Open files" if several else "Open file"
    action = Gtk.FileChooserAction.SELECT_FOLDER if folder else Gtk.FileChooserAction.OPEN
    dialog = gtk_file_chooser(gtk_window(window), state, title, action, "_Open", file_types)
    dialog.set_select_multiple(several)
    try:
        return dialog.get_filenames() if dialog.run() == Gtk.ResponseType.OK else []
    finally:
        dialog.destroy()


def gtk_window(window):
    """The GTK window of pywebview's `window`."""
    from webview.platforms.gtk import BrowserView

    return BrowserView.instances[window.uid].window


def gtk_file_chooser(parent, state: WindowState, title: str, action, accept: str, file_types: tuple[str, ...] = ()):
    """A GTK file chooser over the GTK window `parent`, sized to it, in `starting_folder`, with
    `file_types` ("Description (*.a;*.b)") to choose among."""
    from gi.repository import Gtk
    from webview.util import parse_file_type

    dialog = Gtk.FileChooserDialog(title=title, transient_for=parent, action=action)
    dialog.add_buttons("_Cancel", Gtk.ResponseType.CANCEL, accept, Gtk.ResponseType.OK)
    dialog.set_default_response(Gtk.ResponseType.OK)
    sized_to_its_window(dialog)
    if (folder := starting_folder(state)) is not None:  # else GTK's own: a user with no home folder still chooses
        dialog.set_current_folder(str(folder))
    for file_type in file_types:
        description, patterns = parse_file_type(file_type)
        file_filter = Gtk.FileFilter()
        file_filter.set_name(description)
        for pattern in patterns.split(";"):
            file_filter.add_pattern(pattern)
        dialog.add_filter(file_filter)
    return dialog


def install_gtk_upload_chooser(view, state: WindowState) -> None:
    """A page's file field (`<input type="file">`) opens its chooser in `starting_folder`, and the
    next dialog opens where its files were. WebKitGTK's own opened on GTK's "Recent", empty on a new
    computer, from which the person walked to their files at every upload. Runs on GTK's thread."""
    from gi.repository import Gtk

    def choose(view, request):
        several = request.get_select_multiple()
        dialog = gtk_file_chooser(view.get_toplevel(), state, "Choose files" if several else "Choose a file",
                                  Gtk.FileChooserAction.OPEN, "_Open")
        dialog.set_modal(True)
        dialog.set_select_multiple(several)
        if (accepted := request.get_mime_types_filter()) is not None:  # the field's accept=
            dialog.set_filter(accepted)

        def answered(dialog, response):
            chosen = dialog.get_filenames() if response == Gtk.ResponseType.OK else []
            dialog.destroy()
            if chosen:
                remembered(state, Path(chosen[0]))
                request.select_files(chosen)
            else:
                request.cancel()

        dialog.connect("response", answered)
        dialog.show()
        return True

    view.connect("run-file-chooser", choose)


def ask(window, question: str, detail: str, *, yes: str, no: str) -> bool:
    """A question with two answers, `no` the default; True for `yes`. GTK: a dialog whose buttons
    are the answers (pywebview's says OK and Cancel, and drops its question); elsewhere pywebview's,
    whose text says which button is which."""
    from django_desktop_shell.process.window import gui

    if gui() == "gtk":
        from django_desktop_shell.process.commands import answer_from_gtk_thread

        return answer_from_gtk_thread(gtk_question_dialog, window, question, detail, yes, no)
    return window.create_confirmation_dialog(question, f"{detail}\n\nOK: {yes}. Cancel: {no}.")


def gtk_question_dialog(window, question: str, detail: str, yes: str, no: str) -> bool:
    return gtk_question_over(gtk_window(window), question, detail, yes, no)


def gtk_question_over(gtk_window, question: str, detail: str, yes: str, no: str) -> bool:
    """On GTK's thread: gtk_question_dialog's question over any GTK window (a popup's too)."""
    from gi.repository import Gtk

    dialog = Gtk.MessageDialog(transient_for=gtk_window, modal=True,
                               message_type=Gtk.MessageType.WARNING, buttons=Gtk.ButtonsType.NONE, text=question)
    dialog.format_secondary_text(detail)
    dialog.add_buttons(no, Gtk.ResponseType.CANCEL, yes, Gtk.ResponseType.OK)
    dialog.set_default_response(Gtk.ResponseType.CANCEL)
    dialog.get_widget_for_response(Gtk.ResponseType.OK).get_style_context().add_class("destructive-action")
    try:
        return dialog.run() == Gtk.ResponseType.OK
    finally:
        dialog.destroy()
