"""Copied as sitecustomize.py into a launch (test_window.py): pywebview's two steps of its set-up
of a loaded page (window.pywebview's script, then its _createApi call, run from a thread of its
own) made to straddle the loading view's replacement by the app's page, as they did at one launch
in three. The app's page is asked for only once the loading view has the first step (up to 8 s);
the loading view's second step waits (up to 3 s) for the app's page to be the window's; the app
page's own first step comes 2 s late. Each hold it makes is noted in the file PYWEBVIEW_RACE_NOTES
names, so that a pywebview whose steps read otherwise fails the test rather than passing it."""
import os
import threading
import time

import webview.window

original_run_js, original_load_url = webview.window.Window.run_js, webview.window.Window.load_url
loading_view_set_up = threading.Event()


def location(window) -> str:
    return str(original_run_js(window, "location.href"))


def note(hold: str) -> None:
    with open(os.environ["PYWEBVIEW_RACE_NOTES"], "a", encoding="utf-8") as notes:
        notes.write(hold + "\n")


def run_js(self, script):
    if "window.pywebview = {" in script:
        if location(self).startswith("http"):
            note("app page's first step late")
            time.sleep(2)
        else:
            result = original_run_js(self, script)
            loading_view_set_up.set()
            return result
    elif "_createApi(JSON.parse" in script and not location(self).startswith("http"):
        note("loading view's second step held")
        deadline = time.monotonic() + 3
        while not location(self).startswith("http") and time.monotonic() < deadline:
            time.sleep(0.01)
    return original_run_js(self, script)


def load_url(self, url):
    loading_view_set_up.wait(8)
    return original_load_url(self, url)


webview.window.Window.run_js, webview.window.Window.load_url = run_js, load_url
