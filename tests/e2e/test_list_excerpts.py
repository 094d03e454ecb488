"""A row of the list shows a note's words, not its Markdown: until this, a note beginning with its
title as a heading read "# Plan See **the budget** and [the doc](https://…) | Item | Q1 | |---|",
and an untitled one was titled "## Meeting notes"."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def test_a_rows_text_is_the_notes_words_without_their_markdown(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Plan", "body": (
        "# Plan\n\nSee **the budget** and [the doc](https://example.com/plan_v2).\n\n"
        "| Item | Q1 |\n|---|--:|\n| Widgets | 3 |\n")})
    api(live_app, "POST", "/api/notes/", {"title": "", "body": (
        "---\ntags: [work]\n---\n## Meeting notes\n- [ ] call *Ann* about `deploy_v2` and [[Plan|the plan]]\n")})
    app.reload()
    rows = app.locator(".note-item")
    expect(rows).to_have_count(2)
    untitled, plan = rows.nth(0), rows.nth(1)
    expect(plan.locator(".note-item-title")).to_have_text("Plan")
    expect(plan.locator(".note-item-excerpt")).to_have_text("See the budget and the doc. Item · Q1 Widgets · 3")
    expect(untitled.locator(".note-item-title")).to_have_text("Meeting notes")
    expect(untitled.locator(".note-item-excerpt")).to_have_text("call Ann about deploy_v2 and the plan")


def test_a_title_underlined_as_a_heading_is_not_shown_again_with_its_underline(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Trip", "body": "Trip\n====\n\nBook the ferry.\n"})
    api(live_app, "POST", "/api/notes/", {"title": "", "body": "Packing list\n--\nBoots and a map.\n"})
    app.reload()
    rows = app.locator(".note-item")
    expect(rows).to_have_count(2)
    untitled, trip = rows.nth(0), rows.nth(1)
    expect(trip.locator(".note-item-excerpt")).to_have_text("Book the ferry.")
    expect(untitled.locator(".note-item-title")).to_have_text("Packing list")
    expect(untitled.locator(".note-item-excerpt")).to_have_text("Boots and a map.")


def test_a_rows_text_leaves_out_obsidian_s_comments(app, live_app):
    """An imported vault's `%%…%%` comments, which the preview does not show, read in the row."""
    api(live_app, "POST", "/api/notes/", {"title": "Recipes", "body": (
        "%%\nFrom Ann's book,\nnot for the print\n%%\nSalsa: tomatoes, %%ask Ann%% lime. 100%% sure.\n")})
    app.reload()
    expect(app.locator(".note-item-excerpt")).to_have_text("Salsa: tomatoes, lime. 100%% sure.")


@pytest.mark.parametrize("query, marked, text", [
    ("packing", ["Packing"], "See Packing list and bold text. Tickets booked"),  # the word index: FTS5's snippet
    # the trigram index and a phrase: 30 characters either side of the match
    ("ackin", ["ackin"], "See Packing list and bold text.…"),
    ('"packing list"', ["Packing list"], "See Packing list and bold text.…"),
])
def test_a_search_rows_text_is_the_notes_words_with_the_matches_marked(app, live_app, query, marked, text):
    """It read "# Plan - Day 1 See [[Packing list]] and **bold** text. - [x] Tickets…"."""
    api(live_app, "POST", "/api/notes/", {"title": "Plan - Day 1", "body": (
        "# Plan - Day 1\n\nSee [[Packing list]] and **bold** text.\n- [x] Tickets booked\n")})
    app.reload()
    app.fill("#search", query)
    excerpt = app.locator(".note-item-excerpt")
    expect(excerpt.locator("mark")).to_have_text(marked)
    expect(excerpt).to_have_text(text)


def test_a_search_rows_text_turns_nothing_of_the_note_into_html_or_marks(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Tricks", "body": (
        '\ue000not a match\ue001 <img src=x onerror=hacked=1> and **zebra**\n')})
    app.reload()
    app.fill("#search", "zebra")
    excerpt = app.locator(".note-item-excerpt")
    expect(excerpt.locator("mark")).to_have_text(["zebra"])
    expect(excerpt).to_have_text("\ue000not a match\ue001 and zebra")
    assert excerpt.locator("img").count() == 0
    assert app.evaluate("() => window.hacked") is None


def test_a_rows_text_when_only_left_out_words_are_searched_is_the_notes_words(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Plan", "body": "# Plan\n\nSee **the budget**.\n- [ ] Call Ann\n"})
    app.reload()
    app.fill("#search", "-zebra")
    expect(app.locator("#listStatus")).to_have_text("1 note found for “-zebra”")
    expect(app.locator(".note-item-excerpt")).to_have_text("See the budget. Call Ann")


@pytest.mark.parametrize("query", ["zucchini", "title:zucchini", "ucchin"])
def test_a_search_row_of_a_note_found_by_its_title_shows_its_text_and_marks_the_title(app, live_app, query):
    """Its text was the title again ("Zucchini plan", marked), which the row shows above it."""
    api(live_app, "POST", "/api/notes/", {"title": "Zucchini plan", "body": "# Zucchini plan\n\nSow in **May**.\n- [ ] Water\n"})
    app.reload()
    app.fill("#search", query)
    row = app.locator(".note-item")
    expect(row.locator(".note-item-title mark")).to_have_text(["ucchin" if query == "ucchin" else "Zucchini"])
    expect(row.locator(".note-item-title")).to_have_text("Zucchini plan")
    expect(row.locator(".note-item-excerpt")).to_have_text("Sow in May. Water")
    expect(row.locator(".note-item-excerpt mark")).to_have_count(0)


def test_a_title_term_is_marked_in_the_title_line_and_the_other_words_in_the_text(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Garden plan", "body": "The garden beans, the garden peas"})
    app.reload()
    app.fill("#search", "title:garden beans")
    row = app.locator(".note-item")
    expect(row.locator(".note-item-title mark")).to_have_text(["Garden"])
    expect(row.locator(".note-item-excerpt mark")).to_have_text(["beans"])
    expect(row.locator(".note-item-excerpt")).to_have_text("The garden beans, the garden peas")


@pytest.mark.parametrize("body, query, marked, text", [
    # a match in a link's address, which the row does not show: shown after its text
    ("Ideas: [the blog](https://example.com/okra) and more", "okra", ["okra"],
     "Ideas: the blog (https://example.com/okra) and more"),
    ("See [[Okra soup|the soup]] tonight", "okra", ["Okra"], "See the soup (Okra soup) tonight"),
    # a bold text, a tag and a link cut by the excerpt (FTS5's snippet: 12 words)
    ("**Bold words lead here and then we get the kra word and the bold goes on longer than the window**",
     "kra", ["kra"], "Bold words lead here and then we get the kra word and…"),
    ('Words first, and many more words here, <span class="note" title="a b c d e">We get the kra</span> word and '
     "more and more words until the end here", "kra", ["kra"], "…We get the kra word and more and more…"),
    ("A long text before the link: see the kra word [in the guide](https://example.com/a/b/c/d/e/f/g/h)",
     "kra", ["kra"], "…see the kra word in the guide…"),
])
def test_a_search_rows_text_reads_as_plain_text_where_the_excerpt_cuts_the_markdown(app, live_app, body, query, marked, text):
    """It read "Ideas: the blog and more" unmarked, or "**Bold words…", "…d e">We get…", "…[in the guide](https://…"."""
    api(live_app, "POST", "/api/notes/", {"title": "Notes", "body": body})
    app.reload()
    app.fill("#search", query)
    excerpt = app.locator(".note-item-excerpt")
    expect(excerpt.locator("mark")).to_have_text(marked)
    expect(excerpt).to_have_text(text)
