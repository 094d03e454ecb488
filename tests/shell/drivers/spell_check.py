"""Spell checking in the real window: reports that WebKitGTK's checker is not set before the first
key press, types misspelt words in the body (a screenshot shows their marks), reports whether the
checker is on and in which languages, then toggles it with View > Spell check and reports again.
Usage: spell_check.py DATA_DIR SHOTS_DIR
"""

import sys
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.process.commands import gtk_view
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers import gtk_menus
from tests.shell.drivers.gtk_menus import on_gtk_thread
from tests.shell.drivers.menu_clicks_support import screenshot, wait_until

ROOT = Path(__file__).resolve().parents[3]
data_dir, shots = Path(sys.argv[1]), Path(sys.argv[2])


def checker_settings_logged() -> int:
    return sum(log.read_text().count("Spell checking ") for log in (data_dir / "logs").glob("*.log"))


logged_before_launch = checker_settings_logged()


def checker(window):
    context = gtk_view(window).get_context()
    return context.get_spell_checking_enabled(), list(context.get_spell_checking_languages() or [])


@window_check("spell checking followed the setting")
def spell_check(window, origin):
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    time.sleep(1.5)
    before_typing = on_gtk_thread(checker, window)
    print(f"before the first key: {'set' if checker_settings_logged() > logged_before_launch else 'not set'}, "
          f"{'on' if before_typing[0] else 'off'} {','.join(before_typing[1])}", flush=True)
    window.run_js("document.getElementById('newNote').click()")
    window.run_js("document.getElementById('noteBody').focus()")
    gtk_menus.xdotool("type", "--delay", "15", "Thiss sentense is mispelled. ")
    wait_for(window, "document.getElementById('noteBody').value", "Thiss sentense is mispelled. ", "the typed text")
    wait_until(lambda: checker_settings_logged() > logged_before_launch, "the checker set at the first key press")
    enabled, languages = on_gtk_thread(checker, window)
    print(f"at start: {'on' if enabled else 'off'} {','.join(languages)}", flush=True)
    screenshot(shots / f"spelling-{'on' if enabled else 'off'}.png")
    gtk_menus.click(window.uid, "View", "Spell check")
    wait_until(lambda: on_gtk_thread(checker, window)[0] != enabled, "the checker switched")
    wait_for(window, "[...document.querySelectorAll('.toast')].map((toast) => toast.textContent).pop()",
             f"Spell check {'off' if enabled else 'on'}", "the page's toast")
    print(f"after View > Spell check: {'off' if enabled else 'on'}", flush=True)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
