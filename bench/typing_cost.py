"""How long typing takes in a large note: N characters typed at the end of a note of SIZE bytes,
in the notes app (Chromium, headless, the launcher's own server) and in a bare textarea holding
the same text. Not a test: a figure to compare before and after a change to the editor.

Usage: python -m bench.typing_cost [--size 900000] [--chars 96] [--rounds 3]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


# The time the page's own input listeners take, apart from the browser's editing and layout:
# from a capturing listener on the window (first) to a bubbling one on it (last).
TIME_INPUT_HANDLERS = """() => {
  window.handlerMs = 0;
  let started = 0;
  window.addEventListener('input', () => { started = performance.now(); }, true);
  window.addEventListener('input', () => { window.handlerMs += performance.now() - started; });
}"""


def typing_seconds(page, field, chars):
    """The wall time of typing `chars` characters at the end of the field, and the part of it
    spent in the page's input listeners."""
    field.focus()
    field.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    page.evaluate("window.handlerMs = 0")
    started = time.perf_counter()
    page.keyboard.type("x" * chars)
    field.evaluate("el => new Promise(requestAnimationFrame)")  # the last keystroke painted
    return time.perf_counter() - started, page.evaluate("window.handlerMs") / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=900_000)
    parser.add_argument("--chars", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    text = ("A line of a long note, written to make it large enough to feel. " * (args.size // 64 + 1))[:args.size]
    with tempfile.TemporaryDirectory() as data_dir:
        server = subprocess.Popen([sys.executable, str(ROOT / "launcher.py"), "--headless", "--data-dir", data_dir],
                                  stdout=subprocess.PIPE, text=True)
        try:
            launch_url = server.stdout.readline().split(" ", 1)[1].strip()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.set_default_timeout(30_000)
                page.goto(launch_url)
                page.evaluate(TIME_INPUT_HANDLERS)
                page.keyboard.press("Control+n")
                page.fill("#noteTitle", "Large")
                page.fill("#noteBody", text)
                expect(page.locator("#saveState")).to_have_text("Saved")
                app, bare = [], []
                for _ in range(args.rounds):
                    app.append(typing_seconds(page, page.locator("#noteBody"), args.chars))
                    expect(page.locator("#saveState")).to_have_text("Saved")
                bare_page = browser.new_page()
                bare_page.set_content("<textarea style='width:600px;height:400px'></textarea>")
                bare_page.evaluate(TIME_INPUT_HANDLERS)
                bare_page.locator("textarea").fill(text)
                for _ in range(args.rounds):
                    bare.append(typing_seconds(bare_page, bare_page.locator("textarea"), args.chars))
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    print(f"{args.chars} characters typed at the end of a {args.size:,}-byte note, {args.rounds} rounds "
          "(median; each round: wall time / of which in the page's input listeners):")
    for name, rounds in (("notes app", app), ("bare textarea", bare)):
        wall, listeners = (statistics.median(r[i] for r in rounds) for i in (0, 1))
        each = ", ".join(f"{w:.2f}/{h:.2f}" for w, h in rounds)
        print(f"  {name:14} {wall:6.2f} s, {listeners:5.2f} s in listeners   ({each})")


if __name__ == "__main__":
    main()
