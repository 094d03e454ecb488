"""The shell's own pages: the window's page while the site starts (and saying why it did not), as a
person who asked the desktop for less motion sees it; the pages of shell.css (updates, errors) in
either colour scheme."""

from pathlib import Path

import pytest

import django_desktop_shell
from django_desktop_shell.process.window import status_page
from tests.page_measures import CONTRAST, MOVING

SHELL_CSS = Path(django_desktop_shell.__file__).parent / "static" / "desktop_shell" / "shell.css"


@pytest.mark.browser
def test_the_starting_page_does_not_pulse_when_less_motion_is_asked_for(chromium):
    """Its logo pulsed for as long as the site took to start, whatever the desktop asked for."""
    context = chromium.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.set_content(status_page("Starting Notedesk…", "One moment."))
    assert page.evaluate(MOVING) == []
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_shell_pages_text_and_links_have_a_contrast_of_4_5_to_1(chromium, scheme):
    """The updates page's "Back to Notedesk" was the light scheme's blue on the dark page (3.1:1)."""
    context = chromium.new_context(color_scheme=scheme)
    page = context.new_page()
    page.set_content(f"<style>{SHELL_CSS.read_text()}</style><main class='card'><h1>Notedesk updates</h1>"
                     "<p>This is Notedesk 1.0.</p><p><a href='#'>Back to Notedesk</a></p></main>")
    for selector in ("h1", "p", "a"):
        contrast = page.locator(selector).first.evaluate(CONTRAST)
        assert contrast >= 4.5, f"{selector}: {contrast:.2f}:1"
    context.close()
