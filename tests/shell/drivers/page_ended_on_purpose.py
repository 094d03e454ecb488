"""The window's web process ended by WebKit's own terminate (as the app may end it at a close), in
the real window: whether the shell took it for a crash and loaded the app again.
Usage: page_ended_on_purpose.py DATA_DIR; prints what the window then showed.
"""

import sys
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.process.commands import gtk_view
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers.gtk_menus import on_gtk_thread


@window_check("a web process ended on purpose is left ended")
def end_the_web_process(window, origin):
    wait_for(window, "document.readyState", "complete", "the notes app")
    on_gtk_thread(lambda: gtk_view(window).terminate_web_process())
    time.sleep(2)  # a load of the app, had it been taken for a crash, is over by then
    print(f"after terminate_web_process: {window.get_current_url()}", flush=True)


sys.exit(launcher.main(Path(__file__).resolve().parents[3], ["--self-test", "--data-dir", sys.argv[1]]))
