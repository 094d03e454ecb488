"""An image pasted from the system clipboard in the real window (WebKitGTK gives the page none)."""

import re
import struct
import subprocess
import sys
import zlib

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.window


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + b"\xc0\x39\x2b" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_an_image_on_the_clipboard_pasted_into_a_note_is_attached_and_named_at_the_caret(tmp_path, app_env):
    # Ctrl+V with a screenshot on the clipboard did nothing in the window: WebKitGTK gives a
    # page's paste event neither a type nor a file for an image.
    data_dir, shots, image = tmp_path / "data", tmp_path / "shots", tmp_path / "screenshot.png"
    shots.mkdir()
    image.write_bytes(png(40, 30))
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.paste_image", str(data_dir), str(shots), str(image)],
                            capture_output=True, text=True, env=app_env, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    name = re.search(r"^attached: (Pasted image \d{4}-\d\d-\d\d \d\d-\d\d-\d\d\.png)$", result.stdout, re.M)[1]
    assert f"text: Chart: ![[{name}]]" in result.stdout
    [stored] = (data_dir / "attachments").iterdir()
    header = stored.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", header[16:24]) == (40, 30)
