"""The native window (pywebview: GTK on Linux, WebView2 on Windows, WebKit on macOS)."""

import hashlib
import html
import json
import logging
import os
import string
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, TimeoutError
from dataclasses import dataclass
from pathlib import Path

from django_desktop_shell import menus
from django_desktop_shell.files import write_file
from django_desktop_shell.process import downloads, native_dialogs, page_loads
from django_desktop_shell.process.commands import gtk_view, page_event_script
from django_desktop_shell.process.errors import StartupError, WebViewMissing, failure_message
from django_desktop_shell.process.lifecycle import close_on_stop_signal, time_for
from django_desktop_shell.process.navigation import NavigationLock
from django_desktop_shell.process.typed_keys import TypedKeys
from django_desktop_shell.process.window_state import load_geometry, save_geometry, track_geometry

# 0: the window opens at once, on the loading view, and WebKit starts its processes while Django
# starts (waiting for the server first made start-up ~0.3 s slower: docs/performance.md).
SPLASH_AFTER_S = 0
# A bound on the wait for pywebview to finish with the loading view before the app's page replaces
# it (pywebview_done_with_the_page): a web view that never finishes the page does not hold the app.
PYWEBVIEW_INJECTION_WAIT_S = 5.0
# A close waits for the requests the page sends when told (menus.CLOSING_EVENT): until none has
# come or run for CLOSE_QUIET_S, at most CLOSE_WAIT_S (less if a stop signal's way out has less left).
CLOSE_QUIET_S = 0.15
CLOSE_WAIT_S = 1.2
# Before that, a close waits for the keys typed before it to reach the page (process/typed_keys.py),
# as long as the page keeps taking them: until it has taken none for TYPED_KEYS_STALL_S.
TYPED_KEYS_STALL_S = 10
# Then the page's beforeunload is asked (GTK); a page that neither asks nor lets the window close
# within this (a web process hung) does not hold the close.
PAGE_ASKED_WAIT_S = 2
MIN_SIZE = (640, 420)
# A page whose web process ends again this soon after it was loaded again is not loaded a third time.
PAGE_STOPPED_AGAIN_S = 30
SPLASH_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "desktop_shell" / "splash.html"
# What the window shows before a page paints (as it opens, between pages): the starting page's
# background (splash.html), light or dark.
BACKGROUNDS = {"light": "#f5f6fa", "dark": "#14171f"}
logger = logging.getLogger(__name__)


def has_display() -> bool:
    return not sys.platform.startswith("linux") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


NO_WEB_VIEW = ("The window needs WebKitGTK and its GObject bindings, which this computer lacks ({error}). Install "
               "them (Debian, Ubuntu: sudo apt install gir1.2-webkit2-4.1; Fedora: sudo dnf install webkit2gtk4.1), "
               "then start again; meanwhile --browser opens the app in your browser.")


def missing_web_view() -> str | None:
    """On GTK: why pywebview cannot make a window (WebKitGTK or its bindings are not installed), or
    None. pywebview's own word for it was a traceback ending "You must have either QT or GTK"."""
    try:
        import webview.platforms.gtk  # noqa: F401
    except (ImportError, ValueError) as error:  # gi.require_version raises ValueError for a missing namespace
        return NO_WEB_VIEW.format(error=error)
    return None


DISPLAY_VARIABLES = ("WAYLAND_DISPLAY", "DISPLAY", "GDK_BACKEND")


def display_that_does_not_answer() -> str | None:
    """On GTK: why the display the environment names cannot be opened (a WAYLAND_DISPLAY or DISPLAY
    left from a session that has ended), or None. GTK then had no screen, and the launch ended on
    "Unexpected error: AttributeError". Without GTK's bindings, None: missing_web_view() says why."""
    if gui() != "gtk":
        return None
    try:
        import gi

        gi.require_version("Gtk", "3.0")
        gi.require_version("Gdk", "3.0")
        from gi.repository import Gdk, Gtk
    except (ImportError, ValueError):
        return None
    if Gtk.init_check()[0] and Gdk.Display.get_default() is not None:
        return None
    named = ", ".join(f"{name}={os.environ[name]}" for name in DISPLAY_VARIABLES if os.environ.get(name))
    return (f"No display could be opened ({named}): the desktop session these name has ended, or its compositor "
            "or X server does not answer. Start the app from within your desktop session.")


def name_the_program(slug: str) -> None:
    """On GTK, before it starts: the windows' app id on Wayland and their class on X11 are the
    program's name, by which a dock finds the app's .desktop file (<slug>.desktop, as the
    installers name it) for its icon and name. GTK's own is the file started, "launcher.py" for a
    project started as `python launcher.py`."""
    if gui() != "gtk":
        return
    try:
        from gi.repository import GLib
    except ImportError:  # missing_web_view() says what to install
        return
    GLib.set_prgname(slug)


WITHOUT_A_WINDOW = "Use --headless or --browser to run without a window."


def ensure_display() -> None:
    """Before the site starts: a display is named. Whether it answers is known once GTK is imported,
    in run_window: imported here, GTK's ~0.15 s would come before the site's start instead of beside it."""
    if not has_display():
        raise StartupError(f"No display was found (neither WAYLAND_DISPLAY nor DISPLAY is set). {WITHOUT_A_WINDOW}")


def gui() -> str | None:
    return "gtk" if sys.platform.startswith("linux") else None


def status_page(title: str, message: str, *, error: bool = False) -> str:
    return string.Template(SPLASH_TEMPLATE.read_text(encoding="utf-8")).substitute(
        state="error" if error else "", role="alert" if error else "status",  # a screen reader says an alert at once
        title=html.escape(title), message=html.escape(message),
    )


@dataclass
class WindowHooks:
    """What a run of the window does beyond showing the app; --self-test wraps these."""

    navigation: NavigationLock
    on_created: Callable = lambda window: None  # right after the window is created
    on_app_requested: Callable = lambda window: None  # in a thread, once the app page is requested
    on_start_failed: Callable = lambda window: None  # in a thread, once the failure page is shown


def run_window(startup: Future, *, title: str, origin: str, data_dir: Path, launched_at: float, hooks: WindowHooks,
               integration=None, first_url: str | None = None, icon: Path | None = None,
               page_is_current: Callable[[], bool] = lambda: True, dev: bool = False, progress=None,
               program_name: str | None = None) -> None:
    """Open the window and block until it is closed.

    `startup` resolves to the server (with its launch_url) once it answers. If that takes longer
    than SPLASH_AFTER_S, the window opens on a loading view first; if it fails, the window shows
    why. `first_url`: the launch URL, for a server that answers it before the site has started
    (process/start_page.py); once the site has, the window loads it again unless
    `page_is_current()`. `dev` (--dev): the web view's own right-click menu, with Reload and
    Inspect Element, whose inspector opens only when asked for. `progress` (site.StartupProgress):
    what the loading view says while the start goes on. `icon`: the app's SVG, the window's icon.
    `program_name`: the app id a dock knows the windows by (name_the_program).
    """
    import webview

    background, text_scale = BACKGROUNDS["light"], 1.0
    if gui() == "gtk":
        # PyGObject's overrides break when two threads import them at once ("GLib has no attribute
        # 'Idle'", seen when a file given on the command line was opened while GTK started): GTK's
        # modules are imported here, on the main thread, before any thread of the shell uses them.
        if program_name:
            name_the_program(program_name)
        if problem := missing_web_view():
            raise WebViewMissing(problem)
        if problem := display_that_does_not_answer():
            raise StartupError(f"{problem} {WITHOUT_A_WINDOW}")

        from django_desktop_shell.process import web_context

        web_context.install_gtk()
        follow_an_inverse_theme()
        background = background_for_the_theme()
        text_scale = gtk_text_scale()
        if icon is not None:
            use_the_icon_for_every_window(icon, data_dir)

    first_html = None
    try:
        first_url = first_url or startup.result(timeout=SPLASH_AFTER_S).launch_url
    except TimeoutError:
        first_url, first_html = None, status_page(f"Starting {title}…", "One moment.")
    except Exception as error:  # the launcher reports it too; a window shows it to the person
        first_url, first_html = None, failure_page(title, error)

    geometry = load_geometry(data_dir, webview.screens, text_scale)
    window = webview.create_window(
        title, first_url, html=first_html, width=geometry.width, height=geometry.height,
        x=geometry.x, y=geometry.y, maximized=geometry.maximized, min_size=MIN_SIZE, background_color=background,
        text_select=True,  # False has pywebview add an inline style to each page, which the CSP refuses
        draggable=True,  # False has pywebview's page script cancel every drag of a link or an image
    )
    window.events.before_show += lambda: hooks.navigation.install(window)
    window.events.before_show += lambda: redraw_on_each_commit(window)
    window.events.before_show += lambda: load_again_once_the_page_stops(window, title, startup)
    window.events.before_show += lambda: downloads.install(window, gui(), data_dir / "opened", geometry)
    window.events.before_show += lambda: keep_the_browsers_alert(window)
    window.events.before_show += lambda: announce_the_pages_focus_after_menus_and_dialogs(window)
    track_geometry(window, geometry, gui())
    if integration is not None:  # the menu bar, zoom, spell check, files and links from outside
        integration.attach(window, geometry)
    log_first_page_load(window, origin, launched_at)
    typed_keys = None
    if gui() == "gtk":
        typed_keys = TypedKeys()
        window.events.before_show += lambda: typed_keys.install_gtk(gtk_view(window))
    window.events.closing += saves_sent_before_closing(window, startup, title, typed_keys, hooks.navigation.popups)

    def stop():
        if typed_keys is not None:  # within the time a stop signal allows, the page is told at once
            typed_keys.stopping.set()
        close_soon(window)

    close_on_stop_signal(stop)
    hooks.on_created(window)

    def start(window):
        # pywebview runs this in a thread the process's exit waits for, and a quit during the start
        # does not wait for the start (launcher.stop_server): the wait for it is a daemon thread's.
        threading.Thread(target=load_the_app_once_started, args=(window,), name="desktop-app-page", daemon=True).start()

    def load_the_app_once_started(window):
        if progress is not None and first_url is None:
            say_how_far_the_start_is(window, startup, progress)
        launch_url = app_url_once_started(window, title, startup)
        if launch_url is None:
            hooks.on_start_failed(window)
            return
        if first_url is None:
            window.load_url(launch_url)
        elif not page_is_current():
            logger.info("The start page kept from the last run was out of date: the site's own replaces it")
            if integration is not None:
                integration.replacing_page()
            window.load_url(launch_url)
        if integration is not None:
            integration.page_settled.set()
        hooks.on_app_requested(window)

    # A persistent (but private: data dir, mode 0700) web view storage keeps localStorage, where
    # the page holds edits the server has not acknowledged yet, across a reload of the window.
    webview.settings["OPEN_DEVTOOLS_IN_DEBUG"] = False
    webview.start(start, window, gui=gui(), private_mode=False, storage_path=str(data_dir / "webview"),
                  menu=integration.native_menu if integration is not None else [], debug=dev)
    save_geometry(data_dir, geometry)


# The sizes task bars, Alt+Tab and title bars ask for, at 1x and 2x: the window manager picks the
# one it needs, so a 2x screen's 32 px icon is drawn from the 64 px one, not blown up. Not 256:
# GDK leaves out of the X property an icon list larger than one request can carry.
WINDOW_ICON_SIZES = (16, 24, 32, 48, 64, 96, 128)
WINDOW_ICONS_FOLDER = "window_icons"  # in the data folder


def gtk_text_scale() -> float:
    """How much larger than at 96 dpi GTK draws text, and WebKit the page: Xft.dpi, GDK_DPI_SCALE
    (1.0 when the screen says no resolution)."""
    from gi.repository import Gdk

    resolution = Gdk.Screen.get_default().get_resolution()
    return resolution / 96 if resolution > 0 else 1.0


def use_the_icon_for_every_window(icon: Path, data_dir: Path) -> None:
    """The app's icon, rendered from its SVG at each size, for the window and its dialogs
    (pywebview's own icon option gives the window manager the SVG at one size)."""
    from gi.repository import GLib, Gtk

    try:
        Gtk.Window.set_default_icon_list(window_icons(icon, data_dir / WINDOW_ICONS_FOLDER))
    except GLib.Error:  # an icon the pixbuf loaders cannot read: the windows go without it
        logger.warning("Could not load the icon %s for the window", icon, exc_info=True)


def window_icons(icon: Path, folder: Path) -> list:
    """The icon at WINDOW_ICON_SIZES: as the last launch kept them in `folder`, as PNGs, or
    rendered from the SVG and kept there for the next one (beside the window, in a thread).
    Rendering it loaded librsvg into the process for as long as it ran (docs/performance.md)."""
    from gi.repository import GdkPixbuf, GLib

    version = hashlib.sha256(icon.read_bytes()).hexdigest()[:16]
    kept = [folder / f"{size}-{version}.png" for size in WINDOW_ICON_SIZES]
    try:
        return [GdkPixbuf.Pixbuf.new_from_file(str(path)) for path in kept]
    except GLib.Error:  # none kept yet, or kept for an icon since changed
        pass
    rendered = [GdkPixbuf.Pixbuf.new_from_file_at_size(str(icon), size, size) for size in WINDOW_ICON_SIZES]
    threading.Thread(target=keep_window_icons, args=(rendered, kept), name="desktop-window-icons", daemon=True).start()
    return rendered


def keep_window_icons(rendered: list, kept: list[Path]) -> None:
    from gi.repository import GLib

    folder = kept[0].parent
    try:
        folder.mkdir(exist_ok=True)
        for other in set(folder.glob("*.png")) - set(kept):  # an earlier icon's
            other.unlink()
        for pixbuf, path in zip(rendered, kept):
            write_file(path, pixbuf.save_to_bufferv("png", [], [])[1])
    except (OSError, GLib.Error):
        logger.warning("Could not keep the window's icons for the next launch", exc_info=True)


def follow_an_inverse_theme() -> None:
    """GTK's HighContrastInverse is light on black, but WebKitGTK tells pages it is a light theme (it
    knows a dark one by its name's "-dark" or ":dark", or by the app's asking for the theme's dark
    style): the window asks for the dark style, and the page gets prefers-color-scheme: dark."""
    from gi.repository import Gtk

    settings = Gtk.Settings.get_default()
    theme = os.environ.get("GTK_THEME") or settings.props.gtk_theme_name or ""
    if theme.partition(":")[0] == "HighContrastInverse":
        settings.props.gtk_application_prefer_dark_theme = True


def background_for_the_theme() -> str:
    """The dark background under a theme whose windows are dark (the GTK theme's own window colour
    tells): a dark theme's window had flashed the light one as it opened and between pages."""
    from gi.repository import Gtk

    probe = Gtk.Window()  # never shown: ~1 ms at a launch
    found, colour = probe.get_style_context().lookup_color("theme_bg_color")
    probe.destroy()  # else GTK keeps it among its windows for good
    dark = found and (colour.red + colour.green + colour.blue) / 3 < 0.5
    return BACKGROUNDS["dark" if dark else "light"]


def turn_off_javascript_jit() -> None:
    """For `javascript-jit = false`: WebKitGTK's JavaScriptCore reads its options from the
    environment of each process as it starts, the web process included, which starts after this.
    Scripts then run in its interpreter only: ~7 MB less in the web process, compute-heavy
    scripts several times slower (docs/shipping-your-django-app.md). Elsewhere the engine is the
    OS's, with its JIT."""
    if gui() == "gtk":
        os.environ["JSC_useJIT"] = "0"


def redraw_on_each_commit(window) -> None:
    """Runs on GTK's thread, from before_show. With compositing off (as under Xvfb), the app's page
    replaces the loading view in a new web process, and WebKitGTK then redraws only what that page
    damages after its commit: about half the launches that showed the loading view kept parts of
    it on screen (issue 11). A full redraw at each commit shows the whole new page."""
    if gui() != "gtk":
        return
    from gi.repository import WebKit2
    from webview.platforms.gtk import BrowserView

    def redraw(view, event):
        if event == WebKit2.LoadEvent.COMMITTED:
            view.queue_draw()

    BrowserView.instances[window.uid].webview.connect("load-changed", redraw)


# pywebview's page script (webview/js/customize.js, run in the window's pages once loaded) replaces
# alert() with one that posts the message to pywebview and returns at once: the code after an
# alert ran while it was shown. Its replacement, which names _pywebviewAlert, is not taken; a
# page's own is, as in a browser.
BROWSERS_ALERT_SCRIPT = """(() => {
  let alert = window.alert;
  Object.defineProperty(window, 'alert', {configurable: true, enumerable: true, get: () => alert,
    set: (replacement) => { if (!String(replacement).includes('_pywebviewAlert')) alert = replacement; }});
})();"""


def keep_the_browsers_alert(window) -> None:
    """Runs on GTK's thread, from before_show: the page's alert() is WebKit's own, which waits for
    its OK, in every page of the window (BROWSERS_ALERT_SCRIPT)."""
    if gui() != "gtk":
        return
    from gi.repository import WebKit2

    gtk_view(window).get_user_content_manager().add_script(WebKit2.UserScript.new(
        BROWSERS_ALERT_SCRIPT, WebKit2.UserContentInjectedFrames.TOP_FRAME,
        WebKit2.UserScriptInjectionTime.START, None, None))


# The page's focused element focused again, with the page's focus and blur listeners kept out of
# it (a picker that closes as the focus leaves it stays open): WebKit announces the element anew.
# In a frame of the page's own origin (a rich-text editor's: TinyMCE, CKEditor 4), the frame's
# focused element. A text field's focus() puts back its caret and selection; a contenteditable's
# would be lost (WebKit clears it as the element loses the focus, and puts the caret before the
# text as it gets it), so it is put back.
FOCUS_AGAIN_SCRIPT = """(() => {
  let focused = document.activeElement;
  while (focused?.contentDocument?.activeElement) focused = focused.contentDocument.activeElement;
  const page = focused?.ownerDocument;
  if (!focused || (focused === page.body && !focused.isContentEditable)) return;
  const selection = page.getSelection();
  const kept = focused.isContentEditable && focused.contains(selection.anchorNode)
    && [selection.anchorNode, selection.anchorOffset, selection.focusNode, selection.focusOffset];
  const unheard = (event) => event.stopImmediatePropagation();
  const types = ['blur', 'focusout', 'focus', 'focusin'];
  for (const type of types) page.defaultView.addEventListener(type, unheard, true);
  try {
    focused.blur();
    focused.focus({preventScroll: true});
    if (kept) selection.setBaseAndExtent(...kept);
  } finally { for (const type of types) page.defaultView.removeEventListener(type, unheard, true); }
})();"""


def announce_the_pages_focus_after_menus_and_dialogs(window) -> None:
    """Runs on GTK's thread, from before_show. A menu of the menu bar that closes, or a dialog (open,
    save, a question), gives the focus back to the web view, whose accessible object is a "filler"
    to AT-SPI: a screen reader said "filler", and nothing of the field the person was typing in,
    which WebKit, whose page had kept its focused element, did not announce again
    (FOCUS_AGAIN_SCRIPT does, each time a menu closes and each time the window is active again)."""
    if gui() != "gtk":
        return
    from gi.repository import GLib, Gtk

    view = gtk_view(window)

    def focus_again():
        view.evaluate_javascript(FOCUS_AGAIN_SCRIPT, -1, None, None, None, None)
        return GLib.SOURCE_REMOVE

    watched_menu_bars = set()

    def watch_menu_bars(widget):
        if isinstance(widget, Gtk.MenuBar):
            if widget not in watched_menu_bars:  # the window maps again at each showing
                watched_menu_bars.add(widget)
                widget.connect("deactivate", lambda bar: GLib.idle_add(focus_again))
        elif isinstance(widget, Gtk.Container):
            widget.forall(watch_menu_bars)

    toplevel = view.get_toplevel()
    toplevel.connect("map", watch_menu_bars)  # GTK makes the menu bar as it shows the window
    toplevel.connect("notify::is-active", lambda *_: toplevel.is_active() and GLib.idle_add(focus_again))


def load_again_once_the_page_stops(window, title: str, startup: Future) -> None:
    """Runs on GTK's thread, from before_show. WebKit's web process, which runs and draws the page,
    can end on its own (a crash in WebKit or a GPU driver, the system short of memory): the window
    went blank, and the log said nothing. The app is loaded again through the launch link (WebKit's
    own reload went without the session cookie, and was refused 403); edits the page had not sent
    are in its storage, which comes back with it. Ended again within PAGE_STOPPED_AGAIN_S, the
    window says so instead of loading it a third time."""
    if gui() != "gtk":
        return
    from gi.repository import WebKit2
    from webview.platforms.gtk import BrowserView

    reasons = {WebKit2.WebProcessTerminationReason.CRASHED: "it crashed",
               WebKit2.WebProcessTerminationReason.EXCEEDED_MEMORY_LIMIT: "it used more memory than the system allows"}
    loaded_again = {"at": None, "shown": True}

    def on_page_stopped(view, reason):
        if reason == WebKit2.WebProcessTerminationReason.TERMINATED_BY_API:
            return  # ended on purpose: the window is closing
        why = reasons.get(reason, "it ended")
        if loaded_again["at"] is not None and time.monotonic() - loaded_again["at"] < PAGE_STOPPED_AGAIN_S:
            logger.error("The window's page stopped again (%s): not loaded a third time", why)
            view.load_html(status_page(f"{title} stopped showing its page", (
                f"The part of {title} that shows the page stopped twice in a short time ({why}). What was saved is "
                f"safe. Quit {title} and start it again; if it happens again, Help › Diagnostics for support gives "
                "support what they need."), error=True), "about:blank")
            return
        if not startup.done() or startup.exception():
            logger.warning("The window's page stopped (%s) before the app had started: its page comes once it has", why)
            return
        loaded_again.update(at=time.monotonic(), shown=False)
        logger.warning("The window's page stopped (%s): loading the app again", why)
        view.load_uri(startup.result().launch_url)

    def on_loaded_again(view, event):
        if event == WebKit2.LoadEvent.FINISHED and not loaded_again["shown"]:
            loaded_again["shown"] = True
            logger.info("The window shows the app again, %.1f s after its page stopped", time.monotonic() - loaded_again["at"])

    view = BrowserView.instances[window.uid].webview
    view.connect("web-process-terminated", on_page_stopped)
    view.connect("load-changed", on_loaded_again)


def saves_sent_before_closing(window, startup: Future, title: str, typed_keys: TypedKeys | None,
                              popups=()) -> Callable[[], bool]:
    """pywebview's `closing` handler: the first close is put off while the keys typed before it
    reach the page (GTK: `typed_keys`, the window's title saying so; a second close quits at
    once), then while the page's beforeunload, and that of each of its `popups`, may ask the
    person to stay (GTK), then while the page is told (menus.CLOSING_EVENT) and the server
    answers what it sends then, so that an edit typed just before Quit is in the database when
    the process ends, not only in the page's storage. If the data folder refused one of those
    saves (a full disk: the page's own storage is on it too), or a download is still being saved,
    the person is asked before it is lost."""
    put_off = threading.Event()

    def close_once_answered():
        saying = f"{title}: saving what you typed… (close again to quit without it)"
        if typed_keys is not None and typed_keys.wait_until_received(window, TYPED_KEYS_STALL_S, lambda: window.set_title(saying)):
            window.set_title(title)
        stopping = typed_keys is not None and typed_keys.stopping.is_set()  # a stop signal: no one to ask
        if not (stopping or page_lets_the_window_close(window, title, popups)):
            put_off.clear()
            return
        # run_js returns once the page has run the script (its saves then on their way), but a page
        # that never runs it (a web process hung) must not hold the window open.
        telling = threading.Thread(target=window.run_js, args=(page_event_script(menus.CLOSING_EVENT, {}),),
                                   name="desktop-closing-event", daemon=True)
        told_at = time.monotonic()
        deadline = told_at + time_for("Waiting for the page's last saves", CLOSE_WAIT_S)
        telling.start()
        telling.join(deadline - told_at)
        try:
            startup.result().wait_until_quiet(CLOSE_QUIET_S, deadline - time.monotonic())
        except Exception:
            logger.exception("Could not wait for the page's last saves; closing anyway")
        if not (quit_despite_refused_saves(window, title, told_at) and quit_despite_unfinished_downloads(window, title)):
            put_off.clear()
            return
        window.destroy()

    def closing() -> bool:
        if put_off.is_set() or not startup.done() or startup.exception():
            return True
        put_off.set()
        threading.Thread(target=close_once_answered, name="desktop-closing", daemon=True).start()
        return False

    return closing


def page_lets_the_window_close(window, title: str, popups=()) -> bool:
    """False if a page's beforeunload asked (a form with unsaved changes, as most ask a browser
    before their tab closes) and the person chose to keep the window open. pywebview closed the
    window without asking the page: Quit, Ctrl+Q or the close button lost a half-filled form that
    a link or Back would have kept. On GTK, WebKit's try_close() runs the page's beforeunload; the
    shell asks the question itself, worded for quitting. The window's page is asked first, then
    each of `popups` (NavigationLock.popups: a pop-out editor the page opened, which closes with
    the window); a popup whose page does not ask closes as it is asked. Elsewhere no page is asked."""
    if gui() != "gtk":
        return True
    from webview.platforms.gtk import BrowserView

    def the_window():
        browser_view = BrowserView.instances.get(window.uid)
        return (browser_view.webview, browser_view.window) if browser_view else (None, None)

    def quitting(page: str) -> tuple[str, str, str, str]:
        return (f"Quit {title} without saving this page?", f"{page} has changes that are not saved yet. Quitting "
                "loses them.", "Quit without saving", f"Keep {title} open")

    def still_open(popup):  # a popup its page closed while another page was asked is not asked
        return lambda: popup if popup in popups else (None, None)

    asked = [the_window] + [still_open(popup) for popup in list(popups)]
    return all(page_lets_go(view_and_window, quitting) for view_and_window in asked)


def page_lets_go(view_and_window: Callable, question: Callable[[str], tuple[str, str, str, str]]) -> bool:
    """Whether the page of the web view `view_and_window()` gives (with its GTK window, on GTK's
    thread) lets it close: page_lets_the_window_close for one page. Called from any thread but
    GTK's; `question(the page's name)` words what the person is asked: question, detail, the
    answer that closes, the one that keeps it."""
    from gi.repository import WebKit2

    from django_desktop_shell.process.commands import on_gtk_thread

    answer, asking = Future(), threading.Event()

    def ask_on_gtk_thread():
        view, gtk_window = view_and_window()
        if view is None:
            answer.set_result(True)
            return

        def ask(view, dialog):
            if dialog.get_dialog_type() != WebKit2.ScriptDialogType.BEFORE_UNLOAD_CONFIRM:
                return False  # WebKit's own alert, confirm or prompt
            asking.set()
            logger.info("Closing: the page asks before it is left")
            leave = native_dialogs.gtk_question_over(gtk_window, *question(page_named(view)))
            dialog.confirm_set_confirmed(leave)
            answer.set_result(leave)
            return True

        def closed(view):
            if not answer.done():
                answer.set_result(True)

        handlers = (view.connect("script-dialog", ask), view.connect("close", closed))

        def forget_the_handlers():
            for handler in handlers:
                view.disconnect(handler)

        answer.add_done_callback(lambda _: on_gtk_thread(forget_the_handlers))
        view.try_close()

    on_gtk_thread(ask_on_gtk_thread)
    try:
        leave = answer.result(PAGE_ASKED_WAIT_S)
    except TimeoutError:
        if not asking.is_set():
            logger.warning("The page did not answer the close within %.0f s: closing anyway", PAGE_ASKED_WAIT_S)
            return True
        leave = answer.result()  # the person's answer, however long they take
    if not leave:
        logger.info("The window stays open: the page has unsaved changes and the person chose to keep it")
    return leave


def page_named(view) -> str:
    """The page, for a question about it: by its title, which a popup's window shows too."""
    return f"The page \u201c{view.get_title()}\u201d" if view.get_title() else "The page"


def quit_despite_refused_saves(window, title: str, since: float) -> bool:
    """False if a save was refused since `since` and the person chose to keep the window open."""
    from django_desktop_shell.storage_errors import needs_restart, refused_write_since

    problem = refused_write_since(since)
    if problem is None:
        return True
    logger.warning("Closing with changes the data folder refused: asking first")
    if needs_restart(problem):
        what_then = f"They are saved nowhere else: copy them before you quit {title}."
    else:
        what_then = f"They are saved once it is fixed, as long as {title} stays open."
    if native_dialogs.ask(window, "Your last changes could not be saved", f"{problem} {what_then}",
                          yes="Quit without saving", no=f"Keep {title} open"):
        logger.warning("Quit without the changes the data folder refused, as the person chose")
        return True
    logger.info("The window stays open: its last changes are not saved yet")
    return False


def quit_despite_unfinished_downloads(window, title: str) -> bool:
    """False if a download is still being saved and the person chose to keep the window open: the
    window's close would stop it and delete what it had saved, with the downloads bar that showed it."""
    names = sorted(downloads.saving.values())
    if not names:
        return True
    logger.warning("Closing while %d download(s) are still being saved: asking first", len(names))
    if len(names) == 1:
        question = "A download is not finished"
        detail = f"{names[0]} is still being saved. Quitting stops it, and the part saved so far is deleted."
    else:
        question = "Downloads are not finished"
        detail = (f"{', '.join(names[:-1])} and {names[-1]} are still being saved. Quitting stops them, and the parts "
                  "saved so far are deleted.")
    if native_dialogs.ask(window, question, detail, yes="Quit and stop saving", no=f"Keep {title} open"):
        logger.warning("Quit while downloads were being saved, as the person chose: they were stopped")
        return True
    logger.info("The window stays open: downloads are still being saved")
    return False


def close_soon(window) -> None:
    """Close the window from a signal handler, which runs on the GUI's own thread: pywebview's
    destroy() waits until the window has been shown, which that thread may not have done yet."""
    threading.Thread(target=window.destroy, name="desktop-close", daemon=True).start()


def bring_to_front(window, activation_token: str | None = None) -> None:
    """Show, un-minimise and focus the window; callable from any thread, and a no-op once the
    window is closing. `activation_token` is the desktop's leave to take the focus, given to a
    later launch (open_requests.py)."""
    if gui() == "gtk":
        from gi.repository import GLib

        GLib.idle_add(present_gtk_window, window.uid, activation_token)
    else:
        window.show()
        window.restore()


def present_gtk_window(uid: str, activation_token: str | None) -> bool:
    """Runs on GTK's thread. pywebview's own show() and restore() queue their GTK calls once more
    from there, so they could run after the window was closed, and present() on a destroyed
    GtkApplicationWindow crashes the process (SIGSEGV in g_menu_model_get_n_items). Here the
    window is looked up when the call runs: closing forgets it in the same step that destroys it."""
    from webview.platforms.gtk import BrowserView

    browser_view = BrowserView.instances.get(uid)
    if browser_view is None:
        logger.info("The window is closing: not brought to the front")
    else:
        if activation_token:
            browser_view.window.set_startup_id(activation_token)
        browser_view.window.deiconify()
        browser_view.window.present()
        logger.info("Brought the window to the front%s", " with the desktop's activation token" if activation_token else "")
    return False  # GLib.SOURCE_REMOVE: run once


def say_how_far_the_start_is(window, startup: Future, progress) -> None:
    """Until the site has started, the loading view's line says what the start is doing: a first
    launch of a project of 250 models migrates for a minute, under "One moment." until then."""
    startup.add_done_callback(lambda _: progress.changed.set())
    while not startup.done():
        said = progress.wait_for_news(timeout=None)
        if said and not startup.done():
            window.run_js(status_line_script(said))


def status_line_script(text: str) -> str:
    """The loading view (status_page) shows `text` as its line."""
    return f"document.querySelector('.box p').textContent = {json.dumps(text)};"


def app_url_once_started(window, title: str, startup: Future) -> str | None:
    """The launch URL once the site has started, and pywebview done with the page the window
    shows first (pywebview_done_with_the_page); None, the window showing why, if it could not."""
    try:
        launch_url = startup.result().launch_url
    except Exception as error:
        pywebview_done_with_the_page(window)
        window.load_html(failure_page(title, error), base_uri="about:blank")  # the navigation lock allows about:blank
        return None
    pywebview_done_with_the_page(window)
    return launch_url


def pywebview_done_with_the_page(window) -> None:
    """Wait (up to PYWEBVIEW_INJECTION_WAIT_S) until pywebview has finished setting up the page the
    window holds: it runs window.pywebview's script, then its _createApi call, in the page from a
    thread of its own once the page has loaded. Another page asked for meanwhile (the app's, the
    site having started while the loading view was still loading) could arrive between the two, and
    the call ran in the app's page, before that page's own window.pywebview: "TypeError: undefined
    is not an object (evaluating 'window.pywebview._createApi')" in the log, one launch in three."""
    window.events.loaded.wait(PYWEBVIEW_INJECTION_WAIT_S)


def failure_page(title: str, error: Exception) -> str:
    return status_page(f"{title} could not start", failure_message(error), error=True)


def log_first_page_load(window, origin: str, launched_at: float) -> None:
    first = threading.Lock()  # pywebview runs each load's handlers in a thread of its own: two may pass at once

    def on_loaded():
        if page_loads.loaded_url(window).startswith(origin) and first.acquire(blocking=False):
            logger.info("Page loaded %.3f s after launch", time.perf_counter() - launched_at)
            window.events.loaded -= on_loaded

    window.events.loaded += on_loaded


def show_error_window(title: str, message: str) -> None:
    """For a launch with no terminal: the person still sees why the app did not start."""
    if gui() == "gtk" and missing_web_view():
        show_gtk_error_dialog(f"{title} could not start", message)
        return
    import webview

    shown = webview.create_window(
        f"{title} could not start", html=status_page(f"{title} could not start", message, error=True),
        width=640, height=360,
    )
    close_on_stop_signal(lambda: close_soon(shown))
    webview.start(gui=gui(), private_mode=True)


def show_gtk_error_dialog(title: str, message: str, over=None) -> None:
    """GTK's own message dialog, for when pywebview has no web view to show a page in, or `over` a
    GTK window of the app's, on GTK's thread."""
    import gi

    gi.require_version("Gtk", "3.0")
    from gi.repository import Gtk

    dialog = Gtk.MessageDialog(transient_for=over, modal=over is not None, message_type=Gtk.MessageType.ERROR,
                               buttons=Gtk.ButtonsType.CLOSE, text=title, title=title)
    dialog.format_secondary_text(message)
    dialog.run()
    dialog.destroy()
