"""The note list keeps its place: the rows loaded, the filter shown, the selection moving on; it makes
rows only for the notes in view, and loads the next page as it is scrolled to its end."""

import time

import pytest
from playwright.sync_api import expect

from embedded_site.notes.models import Note
from embedded_site.notes.owners import local_owner
from tests.e2e.test_notes_app import api, app, wait_for  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def add_notes(live_app, count, **fields):
    # Created oldest first, so the list (newest first) shows "Note <count - 1>" at the top.
    return [api(live_app, "POST", "/api/notes/", {"title": f"Note {n}", "body": "text", **fields}) for n in range(count)]


MOST_ROWS_MADE = 40  # the rows in view (about 6 in this page's list) and a margin of 10 above and below


def bulk_add_notes(count):
    # Oldest first, as add_notes: the list shows "Note <count - 1>" at the top and "Note 0" at the end.
    Note.objects.bulk_create(Note(owner=local_owner(), title=f"Note {n}", body="text") for n in range(count))


def rows_made(app):
    return app.locator(".note-item").count()


def scroll_list_to(app, where):
    app.locator("#noteList").evaluate(f"list => {{ list.scrollTop = {where}; }}")


def scroll_to_the_last_note(app, total):
    """Scroll down as a person would, a screenful at a time, until the last note shows; the list
    never has more than MOST_ROWS_MADE rows on the way."""
    last = app.locator(f".note-item[aria-posinset='{total}']")
    for _ in range(1000):
        assert rows_made(app) <= MOST_ROWS_MADE
        if last.count() and last.is_visible():
            return last
        app.locator("#noteList").evaluate("list => { list.scrollTop += list.clientHeight; }")
        app.wait_for_timeout(20)
    raise AssertionError(f"note {total} never showed")


def assert_in_view(app, row):
    box, list_box = row.bounding_box(), app.locator("#noteList").bounding_box()
    assert list_box["y"] <= box["y"] and box["y"] + box["height"] <= list_box["y"] + list_box["height"], \
        "the row is not inside the list's visible part"


def test_scrolling_to_the_end_loads_every_page_and_makes_only_the_rows_in_view(app, live_app):
    bulk_add_notes(300)
    held = []
    app.route("**/api/notes/?*offset=50*", lambda route: route.continue_() if held else held.append(route))
    app.reload()
    expect(app.locator("#listStatus")).to_have_text("300 notes")
    scroll_list_to(app, "list.scrollHeight")
    expect(app.locator("#listLoading")).to_be_visible()  # while the next page is on its way
    wait_for(app, lambda: held)
    held[0].continue_()
    expect(app.locator("#listLoading")).to_be_hidden()

    last = scroll_to_the_last_note(app, 300)
    expect(last).to_contain_text("Note 0")
    expect(last).to_have_attribute("aria-setsize", "300")
    expect(app.locator("#listStatus")).to_have_text("300 notes")
    expect(app.locator("#listLoading")).to_be_hidden()


def test_arrow_keys_go_on_to_rows_not_made_yet_and_keep_the_selection_in_view(app, live_app):
    bulk_add_notes(120)
    app.reload()
    app.locator(".note-item").first.click()
    expect(app.locator("#noteTitle")).to_have_value("Note 119")
    app.focus("#noteList")
    for _ in range(60):  # past the first page of 50, and far past the rows made at first
        app.keyboard.press("ArrowDown")
    expect(app.locator("#noteTitle")).to_have_value("Note 59")
    selected = app.locator(".note-item[aria-selected='true']")
    expect(selected).to_have_count(1)
    expect(selected).to_have_attribute("aria-posinset", "61")
    expect(app.locator("#noteList")).to_have_attribute("aria-activedescendant", selected.get_attribute("id"))
    assert_in_view(app, selected)
    assert rows_made(app) <= MOST_ROWS_MADE
    app.keyboard.press("ArrowUp")
    expect(app.locator("#noteTitle")).to_have_value("Note 60")
    assert_in_view(app, app.locator(".note-item[aria-selected='true']"))


def test_the_selection_survives_scrolling_away_and_back(app, live_app):
    bulk_add_notes(200)
    app.reload()
    app.locator(".note-item-title").get_by_text("Note 197", exact=True).click()
    scroll_to_the_last_note(app, 200)
    expect(app.locator(".note-item[aria-selected='true']")).to_have_count(0)  # its row is not made now
    scroll_list_to(app, 0)
    selected = app.locator(".note-item[aria-selected='true']")
    expect(selected).to_have_count(1)
    expect(selected.locator(".note-item-title")).to_have_text("Note 197")
    expect(app.locator("#noteTitle")).to_have_value("Note 197")


def test_a_save_keeps_the_rows_loaded_and_the_place_in_the_list(app, live_app):
    bulk_add_notes(120)
    app.reload()
    scroll_to_the_last_note(app, 120)
    app.locator(".note-item-title").get_by_text("Note 3", exact=True).click()
    app.fill("#noteBody", "text, edited far down the list")
    expect(app.locator("#saveState")).to_have_text("Saved")
    # The list is loaded again, its 120 rows: the edited note first now, the place kept.
    expect(app.locator(".note-item[aria-posinset='120']")).to_contain_text("Note 0")
    expect(app.locator("#listLoading")).to_be_hidden()
    scroll_list_to(app, 0)
    expect(app.locator(".note-item[aria-posinset='1']")).to_contain_text("Note 3")
    expect(app.locator(".note-item[aria-posinset='1']")).to_have_attribute("aria-selected", "true")


def test_a_click_on_a_row_opens_its_note_while_the_list_makes_and_loads_rows(app, live_app):
    """A row that stays in the list is never taken out and put back: moved between the press and
    the release of the button, it lost the click (as the list made rows at the end of a scroll, or
    was loaded again after a save)."""
    bulk_add_notes(60)
    app.reload()

    def press_on(title):
        box = app.locator(".note-item-title").get_by_text(title, exact=True).bounding_box()
        app.mouse.move(box["x"] + 5, box["y"] + 5)
        app.mouse.down()

    made = rows_made(app)
    press_on("Note 58")
    app.set_viewport_size({"width": 1280, "height": 1000})  # more rows in view, made as the button is held
    wait_for(app, lambda: rows_made(app) > made)
    app.mouse.up()
    expect(app.locator("#noteTitle")).to_have_value("Note 58")

    held = []
    app.route("**/api/notes/?*", lambda route: held.append(route) if route.request.method == "GET" else route.continue_())
    app.fill("#noteBody", "edited")  # saved, and the list loaded again (held here) 300 ms later
    wait_for(app, lambda: held)
    press_on("Note 57")
    held[0].continue_()
    app.unroute("**/api/notes/?*")
    expect(app.locator(".note-item[aria-posinset='1']")).to_contain_text("Note 58")  # the edited note first now
    app.mouse.up()
    expect(app.locator("#noteTitle")).to_have_value("Note 57")


def test_arrow_down_past_the_last_loaded_row_loads_the_next_page(app, live_app):
    add_notes(live_app, 55)
    server_busy = [True]

    def next_page(route):
        if server_busy[0]:
            route.fulfill(status=500, json={"error": "The database is busy"})
        else:
            route.continue_()

    app.route("**/api/notes/?*offset=50*", next_page)
    app.reload()
    scroll_list_to(app, "list.scrollHeight")  # the next page fails: the list says so and stops there
    expect(app.locator("#listStatus")).to_contain_text("Could not load notes")
    expect(app.locator("#listLoading")).to_be_hidden()
    app.locator(".note-item[aria-posinset='50']").click()
    expect(app.locator("#noteTitle")).to_have_value("Note 5")
    app.focus("#noteList")
    server_busy[0] = False
    app.keyboard.press("ArrowDown")
    expect(app.locator("#noteTitle")).to_have_value("Note 4")
    expect(app.locator("#listStatus")).to_have_text("55 notes")
    expect(app.locator(".note-item[aria-posinset='51']")).to_have_attribute("aria-selected", "true")


def test_arrow_down_moves_on_even_when_the_page_on_its_way_then_fails(app, live_app):
    add_notes(live_app, 55)
    held = []  # the next page asked for while the server is busy, answered when the test says

    def next_page(route):
        if held is not None:
            held.append(route)
        else:
            route.continue_()

    app.route("**/api/notes/?*offset=50*", next_page)
    app.reload()
    scroll_list_to(app, "list.scrollHeight")  # the next page is on its way
    expect(app.locator("#listLoading")).to_be_visible()
    app.locator(".note-item[aria-posinset='50']").click()  # the last loaded row
    expect(app.locator("#noteTitle")).to_have_value("Note 5")
    app.focus("#noteList")
    app.keyboard.press("ArrowDown")  # waits for that page
    on_its_way, held = held, None  # from now on the server answers
    for route in on_its_way:
        route.fulfill(status=500, json={"error": "The database is busy"})
    expect(app.locator("#noteTitle")).to_have_value("Note 4")
    expect(app.locator(".note-item[aria-posinset='51']")).to_have_attribute("aria-selected", "true")


def test_removing_the_shown_tag_from_its_last_note_shows_all_notes(app, live_app):
    add_notes(live_app, 2)
    api(live_app, "POST", "/api/notes/", {"title": "Only one", "body": "text", "tags": ["solo"]})
    app.reload()
    app.locator(".tag-button", has_text="solo").click()
    expect(app.locator("#listStatus")).to_have_text("1 note tagged “solo”")
    app.fill("#search", "text")  # a search within the tag says so
    expect(app.locator("#listStatus")).to_have_text("1 note tagged “solo” found for “text”")
    app.fill("#search", "zebra")
    expect(app.locator("#listStatus")).to_have_text("Nothing tagged “solo” found for “zebra”")
    app.fill("#search", "")
    app.locator(".note-item", has_text="Only one").click()
    app.fill("#noteTags", "")
    app.click("#noteBody")
    expect(app.locator("#listStatus")).to_have_text("3 notes")
    expect(app.locator(".view[data-view='all']")).to_have_attribute("aria-current", "true")
    expect(app.locator("#noteTitle")).to_have_value("Only one")  # the note stays open

    app.keyboard.press("Control+n")
    app.fill("#noteTitle", "Untagged")
    expect(app.locator("#saveState")).to_have_text("Saved")
    created = next(note for note in api(live_app, "GET", "/api/notes/")["notes"] if note["title"] == "Untagged")
    assert created["tags"] == []


def test_an_empty_tag_or_pinned_view_says_what_it_shows(app, live_app):
    app.locator(".view[data-view='pinned']").click()
    expect(app.locator("#listStatus")).to_have_text("No pinned notes")


def test_scrolling_with_the_wheel_never_shows_a_gap_where_rows_should_be(app, live_app):
    bulk_add_notes(150)
    app.reload()
    expect(app.locator("#listStatus")).to_have_text("150 notes")
    # At every frame the page paints, the rows made cover the list's visible part.
    app.evaluate("""() => {
      window.gaps = [];
      window.frames = 0;
      const list = document.getElementById('noteList');
      const check = () => {
        const view = list.getBoundingClientRect();
        const rows = list.querySelectorAll('.note-item');
        const top = rows[0].getBoundingClientRect().top;
        const bottom = rows[rows.length - 1].getBoundingClientRect().bottom;
        const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 1;
        if (top > view.top + 1 || (bottom < view.bottom - 13 && !atEnd)) window.gaps.push([list.scrollTop, top, bottom, view.top, view.bottom]);
        window.frames += 1;
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    }""")
    box = app.locator("#noteList").bounding_box()
    app.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    last = app.locator(".note-item[aria-posinset='150']")
    deadline = time.monotonic() + 30
    while not last.count() and time.monotonic() < deadline:  # down to the last note, the next pages loading on the way
        app.mouse.wheel(0, 700)
        app.wait_for_timeout(20)
    expect(last).to_be_attached()
    for _ in range(30):
        app.mouse.wheel(0, -900)
    expect(app.locator(".note-item[aria-posinset='1']")).to_be_attached()
    assert app.evaluate("window.frames") > 10
    assert app.evaluate("window.gaps") == []


def test_the_first_paint_of_the_page_already_shows_its_notes(page, live_app):
    """No frame of the page without its list: the page is painted first once main.js has shown it."""
    add_notes(live_app, 3)
    page.goto(live_app.launch_url("/"))
    expect(page.locator(".note-item")).to_have_count(3)
    first_paint, list_shown = page.evaluate("""() => new Promise((resolve) => {
        new PerformanceObserver((entries, observer) => {
            observer.disconnect();
            resolve([entries.getEntries()[0].startTime, performance.getEntriesByName('notes:first-list-shown')[0].startTime]);
        }).observe({ type: 'paint', buffered: true });
    })""")
    assert first_paint >= list_shown
