"""Keys typed before a close that the page has not had yet (GTK).

WebKitGTK's UI process queues the window's key presses and gives the web process the next only
once it has handled the one before (WebPageProxy's key event queue), while a script the shell
evaluates, and a close, go ahead of that queue. Where each key takes long (a field of a million
characters, no JIT), a Quit right after typing ended the window with the last keys still queued,
and the page never had them to save. So the shell counts the presses GTK gives the web view, the
page counts the keydowns it receives (a user script, in every page of any site, and in its
frames: a key typed in an iframe counts too), and a close waits until the page has had them all
(process/window.py). A key an input method takes (a word being composed) reaches the page too,
as key code 229.
"""

import collections
import logging
import threading
import time
from collections.abc import Callable

from django_desktop_shell.process.lifecycle import time_for

logger = logging.getLogger(__name__)
PAGE_COUNT = "desktopShellKeydowns"
# A key typed in a frame (a rich text editor's iframe, say) never reaches the top page's listeners:
# the frame tells the top page, whose listener, the first on the window, keeps the message from
# the page's own.
FRAME_KEYDOWN = "desktopShell:keydown"
PAGE_COUNTER_SCRIPT = f"""(() => {{
  if (window !== top) {{
    addEventListener('keydown', (event) => {{ if (event.isTrusted) top.postMessage({FRAME_KEYDOWN!r}, '*'); }}, true);
    return;
  }}
  let keydowns = 0;
  addEventListener('keydown', (event) => {{ if (event.isTrusted) keydowns += 1; }}, true);
  addEventListener('message', (event) => {{
    if (event.data !== {FRAME_KEYDOWN!r} || event.source === window) return;
    keydowns += 1;
    event.stopImmediatePropagation();
  }}, true);
  Object.defineProperty(window, {PAGE_COUNT!r}, {{get: () => keydowns}});
}})();"""
FORWARDS_REMEMBERED = 256
ASK_PAGE_EVERY_S = 0.05
# Of the way out's budget after a stop signal (process/lifecycle.py), what the keys typed just
# before it may take to reach the page; its save is sent after them.
STOP_SIGNAL_KEYS_WAIT_S = 1.0


class TypedKeys:
    def __init__(self):
        self.pressed = 0  # since the page's document was committed
        # A key the page leaves alone, WebKitGTK gives back to the view as the same event a second
        # time: the presses seen, by (time, key), so that second pass is not counted again.
        self.seen = collections.deque(maxlen=FORWARDS_REMEMBERED)
        self.stopping = threading.Event()  # a stop signal: a short time to wait for keys

    def install_gtk(self, view) -> None:
        """On GTK's thread, before the first page loads."""
        from gi.repository import WebKit2

        view.get_user_content_manager().add_script(WebKit2.UserScript.new(
            PAGE_COUNTER_SCRIPT, WebKit2.UserContentInjectedFrames.ALL_FRAMES,
            WebKit2.UserScriptInjectionTime.START, None, None))

        def on_key(view, event):
            press = (event.time, event.hardware_keycode)
            if press in self.seen:
                self.seen.remove(press)
            else:
                self.seen.append(press)
                self.pressed += 1
            return False

        def on_load(view, event):
            if event == WebKit2.LoadEvent.COMMITTED:  # a new document, whose count starts at 0
                self.pressed = 0
                self.seen.clear()

        view.connect("key-press-event", on_key)
        view.connect("load-changed", on_load)

    def not_yet_received(self, window, timeout: float) -> int | None:
        """How many keys pressed the page has not received yet; None if it did not say within
        `timeout` (a web process hung)."""
        answer = {}
        asking = threading.Thread(target=lambda: answer.setdefault("count", window.run_js(f"window.{PAGE_COUNT}")),
                                  name="desktop-typed-keys", daemon=True)
        asking.start()
        asking.join(timeout)
        received = answer.get("count")
        if not isinstance(received, int | float):
            return None
        return max(0, self.pressed - int(received))

    def wait_until_received(self, window, stall_s: float, on_waiting: Callable[[], None]) -> bool:
        """Until the page has received every key pressed, or has received none for `stall_s`; after
        a stop signal (before the wait or during it), for STOP_SIGNAL_KEYS_WAIT_S of the way out at
        most: a logout's right after the last keys, on a busy computer, lost them. True, having
        called `on_waiting()` first, if there were keys to wait for."""
        stop_deadline = None

        def time_left() -> float:
            nonlocal stop_deadline
            if not self.stopping.is_set():
                return stall_s
            if stop_deadline is None:
                stop_deadline = time.monotonic() + time_for("Waiting for the keys typed before the stop signal",
                                                            STOP_SIGNAL_KEYS_WAIT_S)
            return max(0.0, stop_deadline - time.monotonic())

        pending = self.not_yet_received(window, time_left())
        if not pending:
            return False
        on_waiting()
        logger.info("Closing: waiting for the page to receive %d key(s) typed before the close", pending)
        waited_from = progress_at = time.monotonic()
        while pending:
            time.sleep(ASK_PAGE_EVERY_S)
            if not time_left():
                logger.warning("Closing on a stop signal with %s key(s) the page has not received", pending)
                return True
            now_pending = self.not_yet_received(window, min(stall_s, time_left()))
            if now_pending is None or (now_pending >= pending and time.monotonic() - progress_at > stall_s):
                logger.warning("Closing with %s key(s) the page did not receive within %.0f s", pending, stall_s)
                return True
            if now_pending < pending:
                pending, progress_at = now_pending, time.monotonic()
        logger.info("The page received the keys typed before the close in %.1f s", time.monotonic() - waited_from)
        return True
