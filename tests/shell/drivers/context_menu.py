"""A right-click on a misspelt word in the real window's note text: the menu GTK shows has the
spelling checker's guesses and the text field's editing items, none of a browser's, and the
first guess clicked replaces the word. Prints the menu's items and the text after.
With --dev: a right-click on the page outside its fields and links, whose menu it prints.
Usage: context_menu.py DATA_DIR SHOTS_DIR [--dev]
"""

import json
import sys
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.process.commands import gtk_view
from django_desktop_shell.self_test import window_check
from tests.shell.drivers import gtk_menus
from tests.shell.drivers.gtk_menus import Gtk, on_gtk_thread, screen_centre
from tests.shell.drivers.menu_clicks_support import screenshot, wait_until

ROOT = Path(__file__).resolve().parents[3]
data_dir, shots = Path(sys.argv[1]), Path(sys.argv[2])
dev = sys.argv[3:] == ["--dev"]
TYPED = "Thiss is mispelled"
BODY = "document.getElementById('noteBody').value"


def shown_menu() -> list:
    """The items of the pop-up menu on the screen, if one is."""
    for toplevel in Gtk.Window.list_toplevels():
        for menu in gtk_menus.find(toplevel, Gtk.Menu):
            if menu.get_mapped() and not isinstance(menu.get_attach_widget(), Gtk.MenuItem):
                return [item for item in menu.get_children() if not isinstance(item, Gtk.SeparatorMenuItem)]
    return []


def labels() -> list[str]:
    return [item.get_label().replace("_", "") for item in shown_menu()]


def start_of_the_text(window, left: int, top: int) -> tuple[int, int]:
    view = gtk_view(window)
    x, y = view.get_window().get_origin()[1:]
    allocation = view.get_allocation()
    return x + allocation.x + left, y + allocation.y + top


def a_plain_spot_of_the_page(window) -> tuple[int, int]:
    """A point of the page, in the page's own coordinates, over no field, link or button."""
    spot = window.run_js("""(() => {
        for (let y = 40; y < innerHeight; y += 20) for (let x = 20; x < innerWidth; x += 40) {
            const element = document.elementFromPoint(x, y);
            if (element && !element.closest('a, button, input, textarea, select, label, img, svg, video, canvas, [contenteditable]')) return [x, y];
        }
    })()""")
    return int(spot[0]), int(spot[1])


def right_click_the_page(window, origin):
    window.load_url(origin + "/")
    wait_until(lambda: window.run_js("document.readyState === 'complete' && !!document.getElementById('noteList')"),
               "the notes app")
    x, y = on_gtk_thread(start_of_the_text, window, *a_plain_spot_of_the_page(window))
    gtk_menus.xdotool("mousemove", x, y, "click", 3)
    wait_until(lambda: on_gtk_thread(labels), "the right-click menu")
    print(f"menu: {'|'.join(on_gtk_thread(labels))}", flush=True)
    screenshot(shots / "right-click-menu.png")
    gtk_menus.xdotool("key", "Escape")


def right_click_a_misspelt_word(window, origin):
    gtk_menus.type_in_a_new_note(window, origin, TYPED)
    box = json.loads(window.run_js("JSON.stringify(document.getElementById('noteBody').getBoundingClientRect())"))
    x, y = on_gtk_thread(start_of_the_text, window, int(box["left"]) + 12, int(box["top"]) + 10)
    gtk_menus.xdotool("mousemove", x, y, "click", 3)
    wait_until(lambda: on_gtk_thread(labels), "the right-click menu")
    print(f"menu: {'|'.join(on_gtk_thread(labels))}", flush=True)
    screenshot(shots / "right-click-menu.png")
    x, y = on_gtk_thread(lambda: screen_centre(shown_menu()[0]))
    gtk_menus.xdotool("mousemove", x, y, "click", 1)
    wait_until(lambda: window.run_js(BODY) != TYPED, "the guess in the text")
    print(f"text: {window.run_js(BODY)}", flush=True)


if dev:
    window_check("a right-click on the page offered the web view's own menu")(right_click_the_page)
else:
    window_check("a right-click on a misspelt word offered the checker's guesses")(right_click_a_misspelt_word)
sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir), *sys.argv[3:]]))
