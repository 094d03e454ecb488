"""A writer's whole draft in one note: what a key press, a save, opening the note, leaving it and
coming back, and its preview cost, in the notes app in Chromium on the launcher's own server.
Not a test: figures to compare before and after a change to the editor or the API.

--jitless runs Chromium's JavaScript without its JIT, as the window's WebKitGTK runs it (Notedesk
sets javascript-jit = false): the page's own work on a large text costs there what it costs here.

Usage: python -m bench.long_note [--size 950000] [--keys 40] [--jitless]
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from bench.common import HeadlessApp
from bench.typing_cost import CHROMIUM, CHROMIUM_ARGS

PARAGRAPH = ("“Quoted,” she said — and the chapter went on, with a link to [[Another note]] now and then. "
             "It is a long sentence, of the kind a novel has many of, and it goes on a while longer.\n\n")

# Every task of the page's main thread over 50 ms, and the requests it made, from now on.
WATCH_PAGE = """() => {
  window.longTasks = [];
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.longTasks.push(entry.duration); })
    .observe({ type: 'longtask' });
  performance.clearResourceTimings();
  performance.setResourceTimingBufferSize(10000);
}"""

# As a paste does it: the whole text inserted at once, one input event.
PASTE = """(field, text) => { field.focus(); field.value = text; field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' })); }"""

REQUESTS = """() => performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/api/'))
  .map((entry) => ({ url: new URL(entry.name).pathname + new URL(entry.name).search, ms: entry.duration,
                     down: entry.encodedBodySize }))"""


def key_ms(page, key):
    """From the key press to the frame that shows it."""
    started = time.perf_counter()
    page.keyboard.press(key)
    page.evaluate("() => new Promise((painted) => requestAnimationFrame(() => setTimeout(painted)))")
    return (time.perf_counter() - started) * 1000


def until_ms(page, action, condition):
    started = time.perf_counter()
    action()
    page.wait_for_function(condition, polling="raf", timeout=120_000)
    return (time.perf_counter() - started) * 1000


def typing(page, keys, where):
    page.locator("#noteBody").focus()
    page.evaluate(f"() => {{ const f = document.getElementById('noteBody'); const at = {where}; f.setSelectionRange(at, at); }}")
    page.evaluate(WATCH_PAGE)
    each = [key_ms(page, "x") for _ in range(keys)]
    expect(page.locator("#saveState")).to_have_text("Saved", timeout=120_000)
    tasks = page.evaluate("window.longTasks")
    saves = [r for r in page.evaluate(REQUESTS) if r["url"].startswith("/api/notes/") and "?" not in r["url"]]
    lists = [r for r in page.evaluate(REQUESTS) if r["url"].startswith("/api/notes/?")]
    return each, tasks, saves, lists


def figures(values):
    if not values:
        return "none"
    return f"median {statistics.median(values):.0f} ms, max {max(values):.0f} ms ({len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=950_000)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--jitless", action="store_true")
    args = parser.parse_args()
    text = (PARAGRAPH * (args.size // len(PARAGRAPH) + 1))[:args.size]
    chromium_args = [*CHROMIUM_ARGS, *(["--js-flags=--jitless"] if args.jitless else [])]
    with tempfile.TemporaryDirectory() as data_dir:
        app = HeadlessApp(Path(data_dir))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=chromium_args)
                page = browser.new_page(bypass_csp=True)
                page.set_default_timeout(120_000)
                page.goto(app.launch_url)
                for title in ("Notes", "Another note"):
                    page.keyboard.press("Control+n")
                    page.fill("#noteTitle", title)
                    page.fill("#noteBody", "A short note.")
                    expect(page.locator("#saveState")).to_have_text("Saved")
                page.keyboard.press("Control+n")
                page.fill("#noteTitle", "The draft")
                page.evaluate(WATCH_PAGE)
                pasted = until_ms(page, lambda: page.locator("#noteBody").evaluate(PASTE, text),
                                  "document.getElementById('saveState').textContent === 'Saved'")
                print(f"{args.size:,} characters{' (jitless)' if args.jitless else ''}")
                print(f"  pasted, until saved: {pasted:.0f} ms; long tasks: {figures(page.evaluate('window.longTasks'))}")
                for where, at in (("end", "f.value.length"), ("middle", "Math.floor(f.value.length / 2)")):
                    each, tasks, saves, lists = typing(page, args.keys, at)
                    print(f"  a key at the {where}: {figures(each)}")
                    print(f"    long tasks meanwhile: {figures(tasks)}")
                    print(f"    saves: {figures([s['ms'] for s in saves])}, answers {sum(s['down'] for s in saves):,} bytes")
                    print(f"    list refreshes: {figures([s['ms'] for s in lists])}, answers {sum(s['down'] for s in lists):,} bytes")
                other = page.locator(".note-item", has_text="Notes")
                draft = page.locator(".note-item", has_text="The draft")
                away = until_ms(page, other.click, "document.getElementById('noteTitle').value === 'Notes'")
                back = until_ms(page, draft.click, "document.getElementById('noteBody').value.length > 1000")
                print(f"  to another note: {away:.0f} ms; back to the draft: {back:.0f} ms")
                page.evaluate(WATCH_PAGE)
                preview = until_ms(page, lambda: page.keyboard.press("Control+e"),
                                   "document.querySelectorAll('#preview p').length > 100")
                print(f"  preview (Ctrl+E): {preview:.0f} ms; long tasks: {figures(page.evaluate('window.longTasks'))}")
                page.keyboard.press("Control+e")
                started = time.perf_counter()
                page.reload()
                page.locator(".note-item").first.wait_for()
                print(f"  the app loaded again, its list shown: {(time.perf_counter() - started) * 1000:.0f} ms")
                browser.close()
        finally:
            app.close()


if __name__ == "__main__":
    main()
