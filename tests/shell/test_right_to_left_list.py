"""The notes list in the real window: a note written in Arabic is listed as it is read, its title
and excerpt against the row's right edge; an English note beside it against the left. WebKit gave
every row its list's side, and Arabic titles sat on the left, apart from their text in the editor.
So it did each heading in Go to heading."""

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.window


def test_an_arabic_note_and_heading_are_listed_from_the_right_and_english_ones_from_the_left(tmp_path, app_env):
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.right_to_left_list", str(tmp_path / "data")],
                            capture_output=True, text=True, env=app_env, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_each_on_its_own_side(result.stdout, "gaps", {"Meeting notes", "Agenda for next week", "ملاحظات الاجتماع", "جدول الأعمال للأسبوع القادم"})
    assert_each_on_its_own_side(result.stdout, "heading gaps", {"جدول الأعمال للأسبوع القادم", "Agenda for next week"})


def assert_each_on_its_own_side(output, label, texts):
    gaps = {text: (int(left), int(right))
            for text, left, right in re.findall(rf"^{label}: (.*) \| left (-?\d+) \| right (-?\d+)$", output, re.MULTILINE)}
    assert set(gaps) == texts, output
    for text, (left, right) in gaps.items():
        if re.search("[a-z]", text):
            assert left <= 1 < right, (text, left, right)
        else:
            assert right <= 1 < left, (text, left, right)
