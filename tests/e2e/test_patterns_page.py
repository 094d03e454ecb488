"""The AJAX patterns page in Debian's Chromium, against the launcher's own waitress thread."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def patterns(page, live_app):
    page.goto(live_app.launch_url("/ajax/data/"))
    expect(page).to_have_title("AJAX patterns · Notedesk")
    return page


def test_the_launch_url_leaves_no_token_in_the_address_bar(patterns, live_app):
    assert patterns.url == f"{live_app.origin}/ajax/data/"


def test_load_data_shows_the_servers_message(patterns):
    patterns.click("#loadData")
    expect(patterns.locator("#response")).to_have_text("Hello, this is your data!")


def test_submitting_formdata_greets_the_username(patterns):
    patterns.fill("#username", "Ada Lovelace")
    patterns.click("#submitButton")
    expect(patterns.locator("#response")).to_have_text("Hello, Ada Lovelace!")


def test_a_json_post_greets_the_username(patterns):
    patterns.fill("#username", "Grace")
    patterns.click("#sendJson")
    expect(patterns.locator("#response")).to_have_text("Hello, Grace!")


def test_fetch_json_shows_the_object(patterns):
    patterns.click("#fetchJson")
    expect(patterns.locator("#response")).to_contain_text('"email": "john@example.com"')


def test_the_fragment_is_inserted_into_the_page(patterns):
    patterns.click("#loadFragment")
    expect(patterns.locator("#fragment .server-card h3")).to_have_text("Rendered on the server")


def test_a_4xx_answer_shows_its_error_as_a_toast(patterns):
    patterns.click("#triggerError")
    toast = patterns.locator(".toast-error")
    expect(toast).to_have_text("Username: This field is required.")


def test_the_offline_banner_shows_while_the_server_is_away_and_clears_itself(patterns, live_app):
    live_app.stop()
    patterns.click("#loadData")
    banner = patterns.locator("#offlineBanner")
    expect(banner).to_be_visible()
    expect(patterns.locator("#response")).to_have_text("Error: Cannot reach the Notedesk server.")

    live_app.restart()
    expect(banner).to_be_hidden()
    patterns.click("#loadData")
    expect(patterns.locator("#response")).to_have_text("Hello, this is your data!")


def test_the_page_runs_no_inline_script_and_reports_no_csp_violation(patterns):
    violations = []
    patterns.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    patterns.reload()
    patterns.click("#loadData")
    expect(patterns.locator("#response")).to_have_text("Hello, this is your data!")
    assert violations == []
