"""The notes list in the real window: a note written in Arabic is listed as it is read, its title
and excerpt against the row's right edge; an English note beside it against the left. WebKit gave
every row its list's side, and Arabic titles sat on the left, apart from their text in the editor."""

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.window


def test_an_arabic_note_is_listed_from_the_right_and_an_english_one_from_the_left(tmp_path, app_env):
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.right_to_left_list", str(tmp_path / "data")],
                            capture_output=True, text=True, env=app_env, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    gaps = {text: (int(left), int(right))
            for text, left, right in re.findall(r"^gaps: (.*) \| left (-?\d+) \| right (-?\d+)$", result.stdout, re.MULTILINE)}
    assert set(gaps) == {"Meeting notes", "Agenda for next week", "ملاحظات الاجتماع", "جدول الأعمال للأسبوع القادم"}, result.stdout
    for arabic in ("ملاحظات الاجتماع", "جدول الأعمال للأسبوع القادم"):
        left, right = gaps[arabic]
        assert right <= 1 < left, (arabic, gaps[arabic])
    for english in ("Meeting notes", "Agenda for next week"):
        left, right = gaps[english]
        assert left <= 1 < right, (english, gaps[english])
