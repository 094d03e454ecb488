"""The window's own page while the site starts (and saying why it did not), as a person who asked
the desktop for less motion sees it."""

import pytest

from django_desktop_shell.process.window import status_page
from tests.e2e.test_reduced_motion import MOVING


@pytest.mark.browser
def test_the_starting_page_does_not_pulse_when_less_motion_is_asked_for(chromium):
    """Its logo pulsed for as long as the site took to start, whatever the desktop asked for."""
    context = chromium.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.set_content(status_page("Starting Notedesk…", "One moment."))
    assert page.evaluate(MOVING) == []
    context.close()
