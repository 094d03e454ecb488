"""What the drivers share: screenshots for a person to look at, taken once the screen has settled,
and waiting for a condition."""

import subprocess
import time
from pathlib import Path


def grab() -> bytes:
    return subprocess.run(["import", "-window", "root", "ppm:-"], capture_output=True, check=True, timeout=30).stdout


def screenshot(path: Path) -> None:
    """The screen once two grabs in a row are alike, saved as a PNG."""
    previous, latest = None, grab()
    while latest != previous:
        previous, latest = latest, grab()
    subprocess.run(["convert", "ppm:-", str(path)], input=latest, check=True, timeout=30)


def wait_until(condition, description, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {description}")
        time.sleep(0.05)
