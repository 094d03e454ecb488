"""The shell's own pages: the window's page while the site starts (and saying why it did not), as a
person who asked the desktop for less motion sees it; the pages of shell.css (updates, errors) in
either colour scheme."""

import threading
import time
from concurrent.futures import Future
from pathlib import Path

import pytest
from playwright.sync_api import expect

import django_desktop_shell
from django_desktop_shell.process.site import StartupProgress
from django_desktop_shell.process.window import say_how_far_the_start_is, status_page
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


@pytest.mark.browser
def test_the_starting_page_says_how_many_migrations_are_done_while_the_start_migrates(chromium):
    """A first launch of a project of 250 models migrated for a minute under "One moment.", as if
    the app had hung; the line now says what the start does, and how far it is."""
    progress, startup, scripts = StartupProgress(), Future(), []

    class Window:  # the part of pywebview's window the loading view's line is set through
        def run_js(self, script):
            scripts.append(script)
            if len(scripts) == 2:
                startup.set_result(None)  # the site has started: the window stops following

    progress.migrations(0, 43, new=True)
    thread = threading.Thread(target=say_how_far_the_start_is, args=(Window(), startup, progress))
    thread.start()
    while not scripts:
        time.sleep(0.01)
    progress.migrations(30, 43, new=True)
    thread.join(5)
    assert not thread.is_alive()
    page = chromium.new_page()
    page.set_content(status_page("Starting BigERP…", "One moment."))
    shown = []
    for script in scripts:
        page.evaluate(script)
        shown.append(page.locator(".box p").inner_text())
    assert shown == ["Setting up its database for the first launch: 0 of 43 steps done.",
                     "Setting up its database for the first launch: 30 of 43 steps done."]
    page.close()


@pytest.mark.browser
def test_the_page_saying_why_the_start_failed_is_an_alert_and_the_starting_page_a_status(chromium):
    """The failure was a status, as the starting page is: a screen reader read it as quietly, if at all."""
    page = chromium.new_page()
    page.set_content(status_page("Notedesk could not start", "Cannot open the database.", error=True))
    expect(page.get_by_role("alert")).to_contain_text("Notedesk could not start Cannot open the database.")
    expect(page.get_by_role("status")).to_have_count(0)
    page.set_content(status_page("Starting Notedesk…", "One moment."))
    expect(page.get_by_role("status")).to_contain_text("Starting Notedesk…")
    expect(page.get_by_role("alert")).to_have_count(0)
    page.close()
