"""The sidebar's sync state (docs/sync.md): not connected at first; connected to a server that
cannot be reached, it says so and counts what waits to be sent; the app works on meanwhile."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import app, create_note_in_page  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def disconnected_after():
    yield
    from embedded_site.sync import worker

    worker.disconnect()  # the background sync thread ends with the test


def test_the_sidebar_says_why_it_cannot_sync_and_what_waits(app, disconnected_after):
    expect(app.locator("#syncState")).to_have_text("Not connected: notes stay on this computer.")
    create_note_in_page(app, "Written offline", "Still here")
    app.click("#syncSetup")
    app.fill("#syncServerUrl", "http://127.0.0.1:9")  # nothing listens there
    app.fill("#syncToken", "a-device-token")
    app.click("#syncForm button[type=submit]")
    expect(app.locator("#syncError")).to_contain_text("cannot be reached: Connection refused")
    expect(app.locator("#syncState")).to_have_text("Not synced yet · 1 change to send")
    create_note_in_page(app, "Another one", "Also kept")
    expect(app.locator("#syncState")).to_have_text("Not synced yet · 2 changes to send")
    app.click("#syncSetup")
    app.click("#syncDisconnect")
    expect(app.locator("#syncState")).to_have_text("Not connected: notes stay on this computer.")
    expect(app.locator(".note-item-title")).to_have_text(["Another one", "Written offline"])
