"""The tests under the desktop defaults, as a launch sets them up:
python manage.py test polls --settings=mysite.desktop_test_settings"""

from pathlib import Path

from django_desktop_shell import testing

testing.configure(Path(__file__).resolve().parent.parent)

from mysite.settings import *  # noqa: E402,F403
