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
