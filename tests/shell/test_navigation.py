"""Where a link clicked in the window goes: the app's own pages in the window, web and mail links
to the OS (the browser, the mail client), anything else nowhere."""

import pytest

from django_desktop_shell.process.navigation import NavigationLock

ORIGIN = "http://127.0.0.1:8123"


@pytest.mark.parametrize(("url", "stays_in_window", "opened_outside"), [
    (f"{ORIGIN}/notes/", True, False),
    ("https://example.com/page", False, True),
    ("mailto:someone@example.com?subject=Notes", False, True),
    ("MAILTO:someone@example.com", False, True),
    ("file:///etc/passwd", False, False),
    ("javascript:alert(1)", False, False),
    ("ftp://example.com/file", False, False),
])
def test_a_link_stays_in_the_window_opens_outside_or_is_refused(url, stays_in_window, opened_outside):
    opened = []
    lock = NavigationLock(ORIGIN, open_external=opened.append)
    assert lock.allows(url) is stays_in_window
    assert opened == ([url] if opened_outside else [])
