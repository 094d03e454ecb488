"""Notedesk's launcher on the URLconf whose views fail (tests/failing_urls.py), with the start
path given and the self-test's waits cut to TIMEOUT_S: a site whose start page fails, is slow or
redirects. Usage: start_page.py START_PATH TIMEOUT_S LAUNCHER_ARGUMENTS...
"""

import sys
from dataclasses import replace
from pathlib import Path

from django_desktop_shell import self_test
from django_desktop_shell.process import launcher, lifecycle

ROOT = Path(__file__).resolve().parents[3]
start_path, self_test.TIMEOUT_S = sys.argv[1], float(sys.argv[2])
load = launcher.load
launcher.load = lambda project_dir: replace(load(project_dir), settings="tests.failing_urls_settings",
                                            start_path=start_path)
lifecycle.exit_promptly(launcher.main(ROOT, sys.argv[3:]))
