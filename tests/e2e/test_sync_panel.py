"""The sidebar's sync state (docs/sync.md): not connected at first, and then asking nothing while
the window is idle; connected to a server that cannot be reached, it says so and counts what
waits to be sent; the app works on meanwhile. After a sync round the open note shows what the
round brought, unless something typed here waits to be saved."""

import itertools

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def disconnected_after():
    yield
    from embedded_site.sync import worker

    worker.disconnect()  # the background sync thread ends with the test


def connect_to_an_unreachable_server(app):
    app.click("#syncSetup")
    app.fill("#syncServerUrl", "http://127.0.0.1:9")  # nothing listens there
    app.fill("#syncToken", "a-device-token")
    app.click("#syncForm button[type=submit]")


def test_a_window_without_a_server_does_not_keep_asking_for_the_sync_state(app):
    asked = []
    app.on("request", lambda request: asked.append(request.url) if "/api/sync/status/" in request.url else None)
    app.reload()
    expect(app.locator("#syncState")).to_have_text("Not connected: notes stay on this computer.")
    app.wait_for_timeout(4000)  # longer than the panel's poll while connected (3 s)
    assert len(asked) == 1, asked


def test_the_sync_panel_lines_up_with_the_sidebars_links(app):
    def left(selector):
        return app.locator(selector).evaluate("element => Math.round(element.getBoundingClientRect().left)")

    def text_left(selector):  # where its text starts, inside its padding
        return app.locator(selector).evaluate(
            "element => Math.round(element.getBoundingClientRect().left + parseFloat(getComputedStyle(element).paddingLeft))")

    assert left("#syncHeading") == text_left("#syncState") == text_left("#syncSetup") == text_left("#transfersToggle")


def test_the_connect_form_says_that_every_note_here_goes_to_the_account(app):
    """Until this, nothing said so: a laptop connected to a work account sent it every personal note."""
    app.click("#syncSetup")
    expect(app.locator("#syncForm")).to_contain_text(
        "Every note on this computer is sent to the account this token belongs to, and stays there after you disconnect.")


def test_escape_in_the_connect_form_folds_it_with_the_focus_back_on_its_button(app):
    """Escape there went to the list, as the app's Escape does, and left the form open, with what was
    typed in it, behind the focus."""
    app.click("#syncSetup")
    app.fill("#syncServerUrl", "https://notes.example.org")
    app.keyboard.press("Escape")
    expect(app.locator("#syncForm")).to_be_hidden()
    expect(app.locator("#syncSetup")).to_be_focused()
    expect(app.locator("#syncSetup")).to_have_attribute("aria-expanded", "false")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_connect_forms_fields_are_drawn_as_the_search_field_is(app, scheme):
    """They were the sidebar's own colour with a faint edge: in the dark scheme two blank lines
    under "Server address" and "Device token", not fields to type in."""
    app.emulate_media(color_scheme=scheme)
    app.click("#syncSetup")
    look = "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.borderTopColor, s.borderTopLeftRadius]; }"
    search = app.locator("#search").evaluate(look)
    assert app.locator("#syncServerUrl").evaluate(look) == app.locator("#syncToken").evaluate(look) == search
    assert search[0] != app.locator("#sidebar").evaluate("el => getComputedStyle(el).backgroundColor")


def test_the_sidebar_says_why_it_cannot_sync_and_what_waits(app, disconnected_after):
    expect(app.locator("#syncState")).to_have_text("Not connected: notes stay on this computer.")
    create_note_in_page(app, "Written offline", "Still here")
    connect_to_an_unreachable_server(app)
    expect(app.locator("#syncError")).to_contain_text("cannot be reached: Connection refused")
    expect(app.locator("#syncState")).to_have_text("Not synced yet · 1 change to send")
    create_note_in_page(app, "Another one", "Also kept")
    expect(app.locator("#syncState")).to_have_text("Not synced yet · 2 changes to send")
    app.click("#syncSetup")
    app.click("#syncDisconnect")
    expect(app.locator("#syncState")).to_have_text("Not connected: notes stay on this computer.")
    expect(app.locator(".note-item-title")).to_have_text(["Another one", "Written offline"])


def test_syncing_shown_by_a_poll_gives_way_to_the_outcome_at_once(app, disconnected_after):
    connect_to_an_unreachable_server(app)
    expect(app.locator("#syncError")).to_contain_text("cannot be reached")
    answered = []  # the next poll lands in a round: its answer says "syncing"

    def as_if_in_a_round(route):
        if answered:
            route.continue_()
            return
        answer = route.fetch()
        answered.append(answer)
        route.fulfill(response=answer, json={**answer.json(), "syncing": True})

    app.route("**/api/sync/status/", as_if_in_a_round)
    expect(app.locator("#syncState")).to_have_text("Syncing…", timeout=5000)
    expect(app.locator("#syncState")).to_have_text("Not synced yet", timeout=10_000)
    asked_again_after_ms = app.evaluate("""() => {
      const [syncing, next] = performance.getEntriesByType('resource')
        .filter((entry) => entry.name.includes('/api/sync/status/')).slice(-2);
      return next.startTime - syncing.responseEnd;
    }""")
    assert asked_again_after_ms < 2000  # at once, not after the 3 s of a poll


def test_a_status_asked_before_a_disconnect_and_answered_after_it_does_not_undo_it(app, disconnected_after):
    connect_to_an_unreachable_server(app)
    expect(app.locator("#syncError")).to_contain_text("cannot be reached")
    held = []  # the first poll from now, answered by the server while still connected, its answer held back

    def hold_first(route):
        if held:
            route.continue_()
        else:
            held.append((route, route.fetch()))

    app.route("**/api/sync/status/", hold_first)
    for _ in range(100):  # the panel polls every 3 s
        if held:
            break
        app.wait_for_timeout(100)
    assert held, "the panel did not poll"
    app.click("#syncSetup")
    app.click("#syncDisconnect")
    expect(app.locator("#syncState")).to_have_text("Not connected: notes stay on this computer.")
    route, stale_answer = held[0]
    route.fulfill(response=stale_answer)
    app.wait_for_timeout(300)  # the stale answer's turn to be shown, if it were; the next poll is ~2 s away
    # Read once, not retried: a retrying check would pass on the next poll's answer.
    assert app.locator("#syncState").text_content() == "Not connected: notes stay on this computer."
    assert app.locator("#syncDisconnect").is_hidden()


def rounds_every_poll(app):
    """The panel's every poll from now on says a sync round has just ended (a new last_synced)."""
    seconds = itertools.count()
    status = {"connected": True, "syncing": False, "pending": 0, "error": None, "server_url": "https://notes.example"}
    app.route("**/api/sync/status/", lambda route: route.fulfill(
        json={**status, "last_synced": f"2026-12-03T08:00:{next(seconds) % 60:02d}+00:00"}))
    app.reload()


def test_the_open_note_shows_what_a_sync_round_brought(app, live_app):
    rounds_every_poll(app)
    create_note_in_page(app, "Shared", "Written here")
    app.focus("#noteBody")
    app.evaluate("document.getElementById('noteBody').setSelectionRange(3, 3)")
    note = api(live_app, "GET", "/api/notes/")["notes"][0]
    api(live_app, "PATCH", f"/api/notes/{note['id']}/", {"version": note["version"], "body": "Written on the laptop", "tags": ["work"]})
    expect(app.locator("#noteBody")).to_have_value("Written on the laptop", timeout=10_000)
    expect(app.locator("#noteTags")).to_have_value("work")
    assert app.evaluate("document.getElementById('noteBody').selectionStart") == 3
    app.keyboard.type("xyz")  # typed on from there: saved over the version shown, no conflict
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert api(live_app, "GET", f"/api/notes/{note['id']}/")["body"] == "Wrixyztten on the laptop"


def test_a_sync_round_never_replaces_what_was_typed_here(app, live_app):
    rounds_every_poll(app)
    create_note_in_page(app, "Shared", "Written here")
    note = api(live_app, "GET", "/api/notes/")["notes"][0]
    api(live_app, "PATCH", f"/api/notes/{note['id']}/", {"version": note["version"], "body": "Written on the laptop"})
    app.fill("#noteBody", "Typed here meanwhile")
    expect(app.locator("#saveState")).to_have_text("Conflict — choose a version")
    with app.expect_response("**/api/notes/?*", timeout=15_000):
        pass  # the list shown again after a round: the round has been seen
    expect(app.locator("#noteBody")).to_have_value("Typed here meanwhile")
    expect(app.locator("#saveState")).to_have_text("Conflict — choose a version")


def test_a_note_deleted_elsewhere_closes_and_one_trashed_there_opens_read_only(app, live_app):
    rounds_every_poll(app)
    create_note_in_page(app, "Trashed elsewhere", "one")
    note = api(live_app, "GET", "/api/notes/")["notes"][0]
    api(live_app, "DELETE", f"/api/notes/{note['id']}/")
    expect(app.locator("#saveState")).to_have_text("In the trash", timeout=10_000)
    expect(app.locator("#restoreNote")).to_be_visible()
    api(live_app, "DELETE", f"/api/notes/{note['id']}/?purge=1")
    expect(app.locator("#emptyState")).to_be_visible(timeout=10_000)


def test_a_sync_round_leaves_the_list_where_it_was_scrolled(app, live_app):
    from tests.e2e.test_list_state import bulk_add_notes, scroll_to_the_last_note

    bulk_add_notes(120)
    rounds_every_poll(app)
    last = scroll_to_the_last_note(app, 120)
    scrolled = app.locator("#noteList").evaluate("list => list.scrollTop")
    with app.expect_response("**/api/notes/?*offset=0*", timeout=15_000):
        pass  # the list asked for again after a round, from its first note
    app.wait_for_timeout(300)  # and shown
    expect(last).to_be_visible()
    assert app.locator("#noteList").evaluate("list => list.scrollTop") == scrolled


def test_a_round_under_way_does_not_say_up_to_date(app, disconnected_after):
    """A round stuck on a bad network said "Syncing… · up to date" for as long as it took: whatever
    the server has that this device lacks is not known until the round brings it."""
    connect_to_an_unreachable_server(app)
    expect(app.locator("#syncError")).to_contain_text("cannot be reached")

    def in_a_round(route):
        answer = route.fetch()
        route.fulfill(response=answer, json={
            **answer.json(), "syncing": True, "pending": 0, "error": None, "last_synced": "2026-01-01T00:00:00+00:00"})

    app.route("**/api/sync/status/", in_a_round)
    expect(app.locator("#syncState")).to_have_text("Syncing… · nothing waiting to be sent", timeout=5000)


@pytest.mark.parametrize("width", [1120, 940, 840])  # the window's page at its first size; zoomed in once, twice
def test_the_server_form_of_a_connection_fits_the_sidebar(app, disconnected_after, width):
    """Its Connect and Disconnect side by side were wider than the sidebar, which scrolled sideways
    with Disconnect cut off at its edge (in the window at its first size: WebKitGTK's fonts and
    scroll bar are wider than Chromium's)."""
    app.set_viewport_size({"width": width, "height": 735})
    connect_to_an_unreachable_server(app)
    expect(app.locator("#syncError")).to_contain_text("cannot be reached")
    app.click("#syncSetup")
    expect(app.locator("#syncDisconnect")).to_be_visible()
    assert app.locator(".sidebar").evaluate("sidebar => sidebar.scrollWidth - sidebar.clientWidth") == 0


def test_connect_with_a_field_left_empty_says_why_and_puts_the_focus_on_that_field(app):
    # The engine's "Fill out this field" bubble was all it did, which WebKitGTK gives a screen
    # reader nothing of: Enter went unanswered. And each field was read "invalid entry" as the
    # focus first came to it, before anything was typed.
    app.focus("#syncSetup")
    app.keyboard.press("Enter")
    expect(app.locator("#syncServerUrl")).to_be_focused()
    expect(app.locator("#syncServerUrl")).not_to_have_attribute("aria-invalid", "true")
    expect(app.locator("#syncPanel")).not_to_contain_text("{#")  # a template's comment, shown
    app.keyboard.press("Enter")
    expect(app.locator(".toast")).to_contain_text("Server address, Device token: This field is required.")
    expect(app.locator("#syncServerUrl")).to_be_focused()
    expect(app.locator("#syncServerUrl")).to_have_attribute("aria-invalid", "true")
    expect(app.locator("#syncServerUrl")).to_have_attribute("aria-required", "true")
    app.keyboard.type("https://notes.example.org")
    expect(app.locator("#syncServerUrl")).to_have_attribute("aria-invalid", "false")
