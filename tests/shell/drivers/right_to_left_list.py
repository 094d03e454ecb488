"""The notes list in the real window (WebKitGTK) with a note titled in Arabic and one in English:
prints, for each row's title and excerpt, how far its text lies from the left and the right edge of
its box. Usage: right_to_left_list.py DATA_DIR
"""

import json
import sys
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

ROOT = Path(__file__).resolve().parents[3]
data_dir = Path(sys.argv[1])
NOTES = [("Meeting notes", "Agenda for next week"), ("ملاحظات الاجتماع", "جدول الأعمال للأسبوع القادم")]
TEXT_GAPS = """JSON.stringify([...document.querySelectorAll('.note-item-title, .note-item-excerpt')].map((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const text = range.getBoundingClientRect(), box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return [element.textContent, Math.round(text.left - box.left - parseFloat(style.paddingLeft)),
            Math.round(box.right - parseFloat(style.paddingRight) - text.right)];
}))"""


@window_check("an Arabic title and excerpt in the list start on the right, an English one on the left")
def list_sides(window, origin):
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    for title, body in NOTES:
        window.run_js("document.getElementById('newNote').click()")
        for field, text in (("noteTitle", title), ("noteBody", body)):
            window.run_js(f"{{ const f = document.getElementById('{field}'); f.value = {json.dumps(text)}; "
                          "f.dispatchEvent(new Event('input')); }")
        wait_for(window, "document.getElementById('saveState').dataset.state", "saved", f"the note {title} saved")
    wait_for(window, "document.querySelectorAll('.note-item-excerpt:not(.empty)').length", 2, "both notes listed")
    for text, left, right in json.loads(window.run_js(TEXT_GAPS)):
        print(f"gaps: {text} | left {left} | right {right}", flush=True)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
