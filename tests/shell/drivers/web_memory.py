"""The web process's memory in the real window: the app page paints thousands of rows in a
scrolled box, a screenful a frame, and drops them; the check passes once the web process's own
memory (as WebKit measures it: the dirty pages of its heaps and stacks) is back within 10 MB of
where it was before, and fails if it is not within 40 s. Prints it before, with the rows dropped,
and once back.
Usage: web_memory.py DATA_DIR
"""

import re
import sys
from pathlib import Path

import psutil

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers.menu_clicks_support import wait_until

ROOT = Path(__file__).resolve().parents[3]
ROWS = 6000
BACK_WITHIN_MB = 10
SETTLE_TIMEOUT_S = 40
data_dir = Path(sys.argv[1])

PAINT_AND_DROP_ROWS = f"""(() => {{
  window.rowsDropped = false;
  const box = document.createElement('div');
  box.style.cssText = 'position: fixed; inset: 0; z-index: 1000; overflow: auto; background: white';
  for (let i = 0; i < {ROWS}; i++) {{
    const row = document.createElement('div');
    row.innerHTML = `<b>Note ${{i}} ${{Math.random().toString(36)}}</b> <span>Some text of note ${{i * 7919}}</span>`;
    box.appendChild(row);
  }}
  document.body.appendChild(box);
  const step = () => {{
    box.scrollTop += box.clientHeight;
    if (box.scrollTop + box.clientHeight >= box.scrollHeight) {{ box.remove(); window.rowsDropped = true; }}
    else requestAnimationFrame(step);
  }};
  requestAnimationFrame(step);
  return true;
}})()"""


def footprints_mb() -> dict[int, float]:
    """Each web process of this window: WebKit's own measure of its memory (WTF::memoryFootprint)."""
    footprints = {}
    for child in psutil.Process().children(recursive=True):
        if child.name() == "WebKitWebProcess":
            total_kb, counted = 0, False
            with open(f"/proc/{child.pid}/smaps") as smaps:
                for line in smaps:
                    fields = line.split()
                    if re.match(r"[0-9a-f]+-[0-9a-f]+ ", line):
                        counted = len(fields) == 5 or fields[5] == "[heap]" or fields[5].startswith("[stack")
                    elif counted and fields[0] == "Private_Dirty:":
                        total_kb += int(fields[1])
            footprints[child.pid] = total_kb / 1024
    return footprints


@window_check("the web process gave back what painting thousands of rows took")
def gives_memory_back(window, origin):
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    before = footprints_mb()
    window.run_js(PAINT_AND_DROP_ROWS)
    wait_until(lambda: window.run_js("window.rowsDropped") is True, "the rows painted and dropped", timeout=120)
    dropped = footprints_mb()
    page = max(dropped, key=lambda pid: dropped[pid] - before.get(pid, 0))
    print(f"before: {before[page]:.1f} MB; rows dropped: {dropped[page]:.1f} MB", flush=True)
    wait_until(lambda: footprints_mb()[page] <= before[page] + BACK_WITHIN_MB,
               f"the web process back within {BACK_WITHIN_MB} MB of {before[page]:.1f} MB "
               f"(with the rows dropped: {dropped[page]:.1f} MB)",
               timeout=SETTLE_TIMEOUT_S)
    print(f"back at {footprints_mb()[page]:.1f} MB", flush=True)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
