"""Notedesk's launcher, with the site's start held until the window shows the loading view.

As on a slow start, the app then replaces a loading view that is on screen and animating: the
swap that left parts of it painted (issue 11). Usage: slow_start.py LAUNCHER_ARGUMENTS...
"""

import sys
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path

from django_desktop_shell.process import launcher, lifecycle, window
from django_desktop_shell.self_test import wait_for

ROOT = Path(__file__).resolve().parents[3]
LOADING_VIEW_SHOWN = "getComputedStyle(document.querySelector('.box')).opacity"
created = Future()
run_window, start_site = window.run_window, launcher.start_site


def run_window_noting_it(startup, *, hooks, **options):
    def noted(created_window):
        created.set_result(created_window)
        hooks.on_created(created_window)

    run_window(startup, hooks=replace(hooks, on_created=noted), **options)


def start_site_once_the_loading_view_shows(*args):
    wait_for(created.result(timeout=30), LOADING_VIEW_SHOWN, "1", "the loading view")
    return start_site(*args)


window.run_window = run_window_noting_it
launcher.start_site = start_site_once_the_loading_view_shows
lifecycle.exit_promptly(launcher.main(ROOT, sys.argv[1:]))
