"""The navigation lock: the window stays on the app's origin.

A link to another http(s) origin opens in the system browser, a mailto: link in the mail client
(the OS's handler of the scheme, which the same call reaches); a file the page's own script made
(a data: URL, a blob: URL of the app's origin) is saved where the person says, as a browser saves
it from an `<a download>` link; anything else that would take the window elsewhere (other
schemes, redirects, scripts setting location) is refused. On GTK the lock is WebKit's own
navigation policy, so it holds whatever the page does.

A page of the app that calls `window.open()` (the Django admin's "add another", "change" and
lookup buttons, any page's popup), or a link of the app with target="_blank", gets a window of its
own on GTK, as in a browser (a file the link answers with, saved or opened in the OS's viewer,
leaves none): the popup's `window.opener` is the page that opened it, which the admin's popups
answer through, and its `window.close()` closes it. The popup is held by the same lock, and opens
popups in turn.
"""

import logging
import sys
import threading
import webbrowser
from collections.abc import Callable
from urllib.parse import urlsplit

from django_desktop_shell.process import downloads

logger = logging.getLogger(__name__)

EXTERNAL_SCHEMES = ("http", "https", "mailto")


def same_origin(url: str, origin: str) -> bool:
    target, home = urlsplit(url), urlsplit(origin)
    return (target.scheme, target.netloc) == (home.scheme, home.netloc)


def made_by_the_page(url: str, origin: str) -> bool:
    """A file the page's script made: a data: URL, or a blob: URL of the app's own origin
    (`URL.createObjectURL(new Blob([csv]))`, the usual way a page exports what it shows)."""
    scheme, _, rest = url.partition(":")
    return scheme.lower() == "data" or (scheme.lower() == "blob" and same_origin(rest, origin))


def sends_a_form_again(action) -> bool:
    """Back, Forward or Reload to a page that was a form's answer, which WebKit no longer keeps:
    its POST, sent again (WebKitGTK says BACK_FORWARD or RELOAD, not FORM_RESUBMITTED)."""
    from gi.repository import WebKit2

    again = (WebKit2.NavigationType.BACK_FORWARD, WebKit2.NavigationType.RELOAD, WebKit2.NavigationType.FORM_RESUBMITTED)
    return action.get_navigation_type() in again and action.get_request().get_http_method() == "POST"


def send_again(gtk_window) -> bool:
    """On GTK's thread: whether to send a form again, as a browser asks before it does. Back to a
    page that was a form's answer, once WebKit no longer kept it, sent the form again without a
    word: a second invoice, a second payment, where the form's view did not redirect."""
    from django_desktop_shell.process.native_dialogs import gtk_question_over

    logger.info("Asking before a form is sent again (Back, Forward or Reload to a form's answer)")
    return gtk_question_over(gtk_window, "Send the form again?", "The page you are going to was the answer to a "
                             "form. Showing it again sends the form again, and repeats what it did.",
                             "Send it again", "Don't send")


class NavigationLock:
    def __init__(self, origin: str, open_external: Callable[[str], object] = webbrowser.open):
        self.origin = origin
        self.open_external = open_external
        self.popups: list[tuple] = []  # (web view, GTK window) of each popup open, which Quit asks too

    def allows(self, url: str) -> bool:
        """True to let the window go to `url`; otherwise hand http(s) and mailto links to the OS."""
        if same_origin(url, self.origin) or url == "about:blank":
            return True
        if urlsplit(url).scheme in EXTERNAL_SCHEMES:
            if self.open_external(url) is not False:
                logger.info("Opened an external %s: link with the system's handler", urlsplit(url).scheme)
            else:  # webbrowser.open's answer: neither xdg-open nor a browser it knows (a minimal Linux)
                from django_desktop_shell.process.commands import tell_xdg_open_missing  # which imports this

                logger.warning("Could not open an external %s: link: no browser found", urlsplit(url).scheme)
                tell_xdg_open_missing("The link could not be opened", f"It goes to {url}")
        else:
            logger.warning("Refused to navigate the window to a %s: URL", urlsplit(url).scheme)
        return False

    def install(self, window) -> None:
        """Hook the lock into the platform's web view; call it from window.events.before_show."""
        if sys.platform.startswith("linux"):
            self.install_gtk(window)
        else:
            window.events.loaded += lambda: self.return_home_if_outside(window)

    def install_gtk(self, window) -> None:
        from webview.platforms.gtk import BrowserView

        browser_view = BrowserView.instances[window.uid]
        # pywebview's own policy opens every target=_blank link, ours included, in the browser,
        # and shows an attachment in place of the page when the web view can show its type
        # (downloads.py has what is saved or opened in a viewer instead).
        browser_view.webview.disconnect_by_func(browser_view.on_navigation)
        self.guard_gtk(browser_view.webview, browser_view.window)

    def guard_gtk(self, webview, gtk_window) -> None:
        """Hold `webview` (the window's, or a popup's in `gtk_window`) to the app's origin."""
        from gi.repository import WebKit2

        def decide(view, decision, decision_type):
            if decision_type == WebKit2.PolicyDecisionType.RESPONSE:
                downloads.decide_response_gtk(decision)
                return True
            action = decision.get_navigation_action()
            url = action.get_request().get_uri()
            if sends_a_form_again(action) and not send_again(gtk_window):
                decision.ignore()
                return True
            if made_by_the_page(url, self.origin):
                # Saved, never shown: downloads.py asks where, with the name of the link's download
                # attribute (a page shown from it would leave the window without a way back).
                decision.download()
                return True
            if self.allows(url):
                # An app link meant for a new window gets one (open_popup), as a browser gives it a tab:
                # opened in this window, it took the place of a half-filled form, and what was typed was lost.
                decision.use()
            else:
                decision.ignore()
            return True

        def open_popup(view, navigation_action):
            # A link's target=_blank, or window.open(), whose popup without an address (one the page
            # writes) is about:blank. Returning None refuses it; window.open() then returns null.
            if not self.allows(navigation_action.get_request().get_uri() or "about:blank"):
                return None
            # A link asks no size: WebKit gives its window the 100 × 100 pixels of a page that asked that.
            sized_by_the_page = navigation_action.get_navigation_type() != WebKit2.NavigationType.LINK_CLICKED
            return self.popup_gtk(view, gtk_window, sized_by_the_page)

        webview.connect("decide-policy", decide)
        webview.connect("create", open_popup)

    def popup_gtk(self, opener, opener_window, sized_by_the_page: bool):
        """A web view related to `opener` (same web process, so window.opener works), shown in a
        window of its own, centred above the opener's, at the size the page asked for."""
        from gi.repository import Gdk, Gtk, WebKit2

        popup = WebKit2.WebView.new_with_related_view(opener)
        popup.set_zoom_level(opener.get_zoom_level())  # the zoom the person chose for the app
        popup_window = Gtk.Window(transient_for=opener_window, destroy_with_parent=True,
                                  window_position=Gtk.WindowPosition.CENTER_ON_PARENT)
        popup_window.add(popup)
        self.guard_gtk(popup, popup_window)

        def show(view):
            from django_desktop_shell.process.window import gtk_text_scale

            geometry = view.get_window_properties().get_geometry() if sized_by_the_page else Gdk.Rectangle()
            width, height = opener_window.get_size()
            # The page asks in its own pixels, which WebKitGTK draws larger by the desktop's text
            # scale (Xft.dpi 144: 1.5): at the size asked for in screen pixels, a popup held two
            # thirds of its page. Not past the screen's work area.
            scale = gtk_text_scale()
            area = Gdk.Display.get_default().get_monitor_at_window(opener_window.get_window()).get_workarea()
            popup_window.set_default_size(min(round(geometry.width * scale), area.width) if geometry.width else width * 3 // 4,
                                          min(round(geometry.height * scale), area.height) if geometry.height else height * 3 // 4)
            popup_window.show_all()

        def close_once_its_file_is_handed_over(context, download):
            # A link's file saved or opened in the OS's viewer (downloads.py) left its window blank;
            # closed at once, the web view took its download with it.
            if download.get_web_view() == popup and popup.get_back_forward_list().get_current_item() is None:
                popup_window.hide()
                download.connect("finished", lambda download: popup_window.destroy())  # after "failed" too

        downloads_started = popup.get_context().connect("download-started", close_once_its_file_is_handed_over)
        popup_window.connect("destroy", lambda gtk_window: popup.get_context().disconnect(downloads_started))
        popup.connect("ready-to-show", show)
        popup.connect("notify::title", lambda view, _: popup_window.set_title(view.get_title() or ""))
        popup.connect("close", lambda view: popup_window.destroy())  # the page's window.close(), or a close it allowed
        popup_window.connect("delete-event", lambda gtk_window, event: self.close_popup_once_its_page_lets_go(popup, popup_window))
        self.popups.append((popup, popup_window))
        popup_window.connect("destroy", lambda gtk_window: self.popups.remove((popup, popup_window)))
        return popup

    def close_popup_once_its_page_lets_go(self, popup, popup_window) -> bool:
        """The popup's close button (GTK's delete-event): its page's beforeunload is asked first, as
        a browser's is, where GTK closed the popup at once and a pop-out editor's unsaved text was
        lost. True: GTK does not close it itself."""
        from django_desktop_shell.process.commands import on_gtk_thread
        from django_desktop_shell.process.window import page_lets_go

        def closing(page: str) -> tuple[str, str, str, str]:
            return ("Close this window without saving?", f"{page} has changes that are not saved yet. Closing the "
                    "window loses them.", "Close without saving", "Keep it open")

        def ask():
            if page_lets_go(lambda: (popup, popup_window), closing):
                # The page closes its window once it lets go; one that did not answer in time is closed here.
                on_gtk_thread(lambda: (popup, popup_window) in self.popups and popup_window.destroy())

        threading.Thread(target=ask, name="desktop-popup-closing", daemon=True).start()
        return True

    def return_home_if_outside(self, window) -> None:
        """Where the platform gives no policy hook: undo a navigation away from the app."""
        url = window.get_current_url() or ""
        if not same_origin(url, self.origin):
            self.allows(url)
            window.load_url(self.origin + "/")
