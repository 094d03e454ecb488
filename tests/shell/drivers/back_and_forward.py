"""Back and Forward in the real window, on a site of several pages (the polls example): the
keyboard's Alt+Left and Alt+Right (the View menu's accelerators) and a mouse's back and forward
buttons, pressed with xdotool.
Usage: back_and_forward.py DATA_DIR; prints the page after each press.
"""

import subprocess
import sys
from pathlib import Path

from django.utils import timezone

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

POLLS = Path(__file__).resolve().parents[3] / "examples" / "polls"
data_dir = Path(sys.argv[1])


def xdotool(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, check=True, timeout=10).stdout


@window_check("Back and Forward go through the site's pages")
def back_and_forward(window, origin):
    from polls.models import Question

    question = Question.objects.create(question_text="Tea or coffee?", pub_date=timezone.now())
    detail = f"/polls/{question.id}/"
    window.load_url(origin + "/polls/")
    wait_for(window, "document.readyState === 'complete' && document.querySelectorAll('li a').length", 1, "the polls")
    window.run_js("document.querySelector('li a').click()")
    wait_for(window, "location.pathname", detail, "the question's page")
    window_id = xdotool("search", "--onlyvisible", "--name", "^polls$").split()[0]
    xdotool("mousemove", "--window", window_id, "300", "300")
    for press, expected in [(("key", "alt+Left"), "/polls/"), (("key", "alt+Right"), detail),
                            (("click", "8"), "/polls/"), (("click", "9"), detail)]:
        xdotool(*press)
        wait_for(window, "location.pathname", expected, f"the page after {' '.join(press)}")
        print(f"after {' '.join(press)}: {expected}", flush=True)


sys.exit(launcher.main(POLLS, ["--self-test", "--data-dir", str(data_dir)]))
