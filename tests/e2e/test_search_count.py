"""How the list counts its notes: thousands with their separators; a search matching more notes
than are counted says so, and scrolling on loads the rest."""

import pytest
from playwright.sync_api import expect

from embedded_site.notes import search_query
from embedded_site.notes.models import Note
from embedded_site.notes.owners import local_owner
from embedded_site.notes.tagging import set_tags

pytestmark = pytest.mark.browser


def test_a_count_that_stopped_is_shown_as_at_least_and_the_rest_still_loads(page, live_app, monkeypatch):
    monkeypatch.setattr(search_query, "COUNT_AHEAD", 2)
    Note.objects.bulk_create(Note(owner=local_owner(), title=f"Zebra {number}") for number in range(80))
    page.goto(live_app.launch_url("/"))
    expect(page.locator("#listStatus")).to_have_text("80 notes")
    page.keyboard.press("Control+f")
    page.keyboard.type("zebra")
    expect(page.locator("#listStatus")).to_have_text("52+ notes found for “zebra”")
    page.locator("#noteList").evaluate("list => { list.scrollTop = list.scrollHeight; }")
    expect(page.locator("#listStatus")).to_have_text("80 notes found for “zebra”")
    page.locator("#noteList").evaluate("list => { list.scrollTop = list.scrollHeight; }")
    expect(page.locator(".note-item[aria-posinset='80']")).to_contain_text("Zebra")


def test_counts_of_thousands_are_written_with_their_separators(page, live_app):
    notes = Note.objects.bulk_create(Note(owner=local_owner(), title=f"Note {number}") for number in range(1200))
    set_tags(local_owner(), {note.pk: ["work"] for note in notes})
    page.goto(live_app.launch_url("/"))
    expect(page.locator("#listStatus")).to_have_text("1,200 notes")
    expect(page.locator(".tag-button .tag-count")).to_have_text("1,200")
    page.locator(".tag-button", has_text="work").click()
    expect(page.locator("#listStatus")).to_have_text("1,200 notes tagged “work”")
