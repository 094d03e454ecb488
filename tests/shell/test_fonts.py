"""The fonts `make run` and `make test` install (build/linux/system-packages.sh) draw every script
a note is often written in, and emoji: without them a note in Chinese, Japanese, Hindi or Thai, and
each emoji, showed in the window as a row of empty boxes."""

import subprocess

import pytest

# A character of each script, as fontconfig is asked for a font that has it.
SCRIPTS = {
    "Latin": "é", "Greek": "λ", "Cyrillic": "ж", "Arabic": "ب", "Hebrew": "ש", "Chinese": "会",
    "Japanese kana": "か", "Korean": "한", "Devanagari": "न", "Thai": "ก", "emoji": "🎉",
}


@pytest.mark.parametrize("script, character", SCRIPTS.items())
def test_a_font_draws_each_script_a_note_may_hold(script, character):
    fonts = subprocess.run(["fc-list", f":charset={ord(character):x}", "family"],
                           capture_output=True, text=True, check=True, timeout=60).stdout.split("\n")
    assert any(fonts), f"no font has {script} ({character}): build/linux/system-packages.sh run installs one"
