"""The update bar the shell adds to the site's pages (updates.js) is English, in a site that may be
in Arabic or Hebrew: it reads left to right there too. In a right-to-left page it took the page's
direction, and showed ".Carnet 1.1.0 is ready", its button on the wrong side."""

import json

import pytest

from django_desktop_shell.updates.banner import SCRIPT_TAG
from tests.page_measures import CONTRAST, FOCUS_RING

pytestmark = pytest.mark.browser

ORIGIN = "http://carnet.test"
RTL_PAGE = ('<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"></head>'
            f'<body><h1>سجل قراءاتي</h1>{SCRIPT_TAG.format("/static/desktop_shell/updates.js")}</body></html>')
READY = {"state": "ready", "app": "Carnet", "version": "1.1.0", "csrf_token": "token"}


@pytest.fixture
def rtl_page(chromium):
    from django.contrib.staticfiles import finders

    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.route(f"{ORIGIN}/", lambda route: route.fulfill(content_type="text/html", body=RTL_PAGE))
    page.route(f"{ORIGIN}/static/**", lambda route: route.fulfill(path=finders.find(route.request.url.split("/static/")[1])))
    page.route(f"{ORIGIN}/_desktop/updates/status", lambda route: route.fulfill(content_type="application/json",
                                                                                 body=json.dumps(READY)))
    yield page
    context.close()


def test_the_update_bar_reads_left_to_right_in_a_right_to_left_page(rtl_page):
    rtl_page.goto(f"{ORIGIN}/")
    bar = rtl_page.locator("#desktop-shell-update")
    bar.get_by_role("button", name="Restart to update").wait_for()
    # Where the sentence's first and last characters are drawn, and where its button is.
    first, last, text_right, button_left = rtl_page.evaluate("""() => {
        const bar = document.getElementById("desktop-shell-update");
        const text = bar.firstChild;
        const at = (start) => { const range = document.createRange(); range.setStart(text, start);
                                range.setEnd(text, start + 1); return range.getBoundingClientRect().left; };
        const whole = document.createRange(); whole.selectNodeContents(text);
        return [at(0), at(text.length - 1), whole.getBoundingClientRect().right, bar.querySelector("button").getBoundingClientRect().left];
    }""")
    assert bar.first.text_content().startswith("Carnet 1.1.0 is ready.")
    assert first < last  # "Carnet … ready." with its full stop at the end, not ".Carnet … ready"
    assert text_right <= button_left  # the button after the sentence
    assert bar.get_attribute("lang") == "en"


def test_the_update_bars_buttons_show_the_keyboards_focus_at_3_to_1(rtl_page):
    """They had the engine's own 1 px ring, in the window a light blue on the bar's dark grey."""
    rtl_page.goto(f"{ORIGIN}/")
    button = rtl_page.locator("#desktop-shell-update").get_by_role("button", name="Restart to update")
    button.wait_for()
    button.focus()
    rtl_page.keyboard.press("Shift+Tab")
    rtl_page.keyboard.press("Tab")  # the keyboard's focus, which :focus-visible shows
    style, width, contrast = button.evaluate(FOCUS_RING)
    assert style not in ("none", "auto") and width >= 2 and contrast >= 3, (style, width, contrast)


def test_a_refused_restart_says_why_on_the_bar(rtl_page):
    """"Restart to update" refused (another window runs from the same install): the bar went blank."""
    refusal = "Close the other Carnet windows first (on another data folder): they run from the folder the update replaces."
    rtl_page.route(f"{ORIGIN}/_desktop/updates/restart", lambda route: route.fulfill(
        status=409, content_type="application/json", body=json.dumps({"error": refusal})))
    rtl_page.goto(f"{ORIGIN}/")
    bar = rtl_page.locator("#desktop-shell-update")
    bar.get_by_role("button", name="Restart to update").click()
    rtl_page.wait_for_function("document.getElementById('desktop-shell-update').textContent.startsWith('Close')")
    assert bar.text_content() == refusal and bar.is_visible()


def test_the_notices_details_link_reads_at_4_5_to_1(rtl_page):
    """It kept the engine's link blue, on the bar's dark grey: "Updated to Carnet 1.1.0. Details" with
    the link all but invisible."""
    notice = {"state": "up-to-date", "app": "Carnet", "notice": "Updated to Carnet 1.1.0.", "csrf_token": "token"}
    rtl_page.route(f"{ORIGIN}/_desktop/updates/status", lambda route: route.fulfill(content_type="application/json",
                                                                                     body=json.dumps(notice)))
    rtl_page.goto(f"{ORIGIN}/")
    details = rtl_page.locator("#desktop-shell-update").get_by_role("link", name="Details")
    details.wait_for()
    assert details.evaluate(CONTRAST) >= 4.5
