"""The notes list in the real window (WebKitGTK) with a note titled in Arabic and one in English:
prints, for each row's title and excerpt, how far its text lies from the left and the right edge of
its box; then the same for an Arabic and an English heading in Go to heading.
Usage: right_to_left_list.py DATA_DIR
"""

import json
import sys
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

ROOT = Path(__file__).resolve().parents[3]
data_dir = Path(sys.argv[1])
NOTES = [("Meeting notes", "Agenda for next week"), ("ملاحظات الاجتماع", "جدول الأعمال للأسبوع القادم")]
HEADINGS = "## جدول الأعمال للأسبوع القادم\n## Agenda for next week\n"
TEXT_GAPS = """(selector) => JSON.stringify([...document.querySelectorAll(selector)].map((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const text = range.getBoundingClientRect(), box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return [element.textContent, Math.round(text.left - box.left - parseFloat(style.paddingLeft)),
            Math.round(box.right - parseFloat(style.paddingRight) - text.right)];
}))"""


def text_gaps(window, selector):
    return json.loads(window.run_js(f"({TEXT_GAPS})({json.dumps(selector)})"))


def type_into(window, field, text):
    window.run_js(f"{{ const f = document.getElementById('{field}'); f.value = {json.dumps(text)}; "
                  "f.dispatchEvent(new Event('input')); }")


@window_check("an Arabic title and excerpt in the list start on the right, an English one on the left, and so do headings")
def list_sides(window, origin):
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    for title, body in NOTES:
        window.run_js("document.getElementById('newNote').click()")
        for field, text in (("noteTitle", title), ("noteBody", body)):
            type_into(window, field, text)
        wait_for(window, "document.getElementById('saveState').dataset.state", "saved", f"the note {title} saved")
    wait_for(window, "document.querySelectorAll('.note-item-excerpt:not(.empty)').length", 2, "both notes listed")
    for text, left, right in text_gaps(window, ".note-item-title, .note-item-excerpt"):
        print(f"gaps: {text} | left {left} | right {right}", flush=True)
    type_into(window, "noteBody", HEADINGS)
    window.run_js("document.getElementById('noteBody').dispatchEvent(new KeyboardEvent('keydown', "
                  "{key: 'O', ctrlKey: true, shiftKey: true, bubbles: true}))")  # Ctrl+Shift+O: Go to heading
    wait_for(window, "document.querySelectorAll('#headingList .completion-title').length", 2, "the headings listed")
    for text, left, right in text_gaps(window, "#headingList .completion-title"):
        print(f"heading gaps: {text} | left {left} | right {right}", flush=True)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
