"""Notedesk's window, from the source tree, that also prints `READY <launch url>` once its server
answers, so that a benchmark can send requests to the app whose memory it measures.
Usage: window_app.py [launcher options]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import launcher  # noqa: E402

start_site = launcher.start_site


def start_site_and_tell(*args, **kwargs):
    server = start_site(*args, **kwargs)
    print(f"READY {server.launch_url}", flush=True)
    return server


launcher.start_site = start_site_and_tell

if __name__ == "__main__":
    sys.exit(launcher.main())
