"""Typing through an input method (Japanese here; Chinese, Korean and Vietnamese alike): Enter
commits the word being composed, Escape cancels it, the arrow keys choose among its candidates.
Those keys are the input method's, never the app's as well. Chromium's own composition, driven
through the DevTools protocol as an input method drives it, sends them with isComposing; the
window's WebKit sends the Enter that commits after the composition, as key code 229."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


class InputMethod:
    def __init__(self, page):
        self.page = page
        self.session = page.context.new_cdp_session(page)

    def compose(self, text):
        self.session.send("Input.imeSetComposition", {"text": text, "selectionStart": len(text), "selectionEnd": len(text)})

    def commit(self, text):
        self.session.send("Input.insertText", {"text": text})

    def key(self, name, code):
        """A key the input method takes: the page sees it pressed, and no character typed."""
        for kind in ("rawKeyDown", "keyUp"):
            self.session.send("Input.dispatchKeyEvent", {"type": kind, "key": name, "code": name,
                                                         "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code})

    def enter(self):
        """Enter, pressed to commit the word being composed (Chromium: isComposing)."""
        self.key("Enter", 13)

    def webkit_commit_enter(self):
        """The Enter that committed a word, as WebKit sends it once the composition has ended."""
        self.key("Enter", 229)


def composing_a_search(app, live_app, title, body, word):
    """A note, and `word` being composed in the search field; the input method."""
    api(live_app, "POST", "/api/notes/", {"title": title, "body": body})
    app.reload()
    method = InputMethod(app)
    app.click("#search")
    method.compose(word)
    return method


def at_the_end_of(app, note_id):
    """The note open, the caret at the end of its text; its text field."""
    app.reload()
    app.click(f"#note-{note_id}")
    body = app.locator("#noteBody")
    body.click()
    body.press("End")
    return body


def test_enter_that_commits_a_word_in_the_search_field_stays_there(app, live_app):
    method = composing_a_search(app, live_app, "予定", "明日のかいぎは会議室で", "かいぎ")
    expect(app.locator(".note-item-title")).to_have_text(["予定"])  # the list follows the word being typed
    method.enter()
    method.commit("会議")
    method.webkit_commit_enter()
    expect(app.locator("#search")).to_have_value("会議")
    expect(app.locator("#search")).to_be_focused()
    expect(app.locator("#noteTitle")).to_be_hidden()  # no note opened
    app.keyboard.press("Enter")  # a plain Enter still opens the first result to edit
    expect(app.locator("#listStatus")).to_contain_text("会議")
    expect(app.locator("#search")).not_to_be_focused()


def test_escape_and_arrows_while_composing_leave_the_search_and_the_text_where_they_are(app, live_app):
    method = composing_a_search(app, live_app, "かいぎ", "x", "かいぎ")
    method.key("ArrowDown", 40)
    method.key("Escape", 27)
    method.commit("かいぎ")
    expect(app.locator("#search")).to_have_value("かいぎ")
    expect(app.locator("#search")).to_be_focused()
    body = at_the_end_of(app, app.locator(".note-item").get_attribute("data-id"))
    method.compose("めも")
    method.key("Escape", 27)
    method.commit("")
    expect(body).to_be_focused()  # Escape cancelled the word; it did not leave the note for the list


def test_enter_that_commits_a_word_after_two_brackets_is_not_a_title_chosen(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "かいぎメモ", "body": ""})
    journal = api(live_app, "POST", "/api/notes/", {"title": "日記", "body": "今日"})
    body = at_the_end_of(app, journal["id"])
    app.keyboard.type(" [[")
    method = InputMethod(app)
    method.compose("かいぎ")
    expect(app.locator("#titleCompletions [role=option] .completion-title")).to_have_text(["かいぎメモ"])
    method.enter()
    method.commit("会議")
    method.webkit_commit_enter()
    expect(body).to_have_value("今日 [[会議")
    expect(app.locator("#saveState")).to_have_text("Saved")


def test_enter_that_commits_a_word_in_a_list_item_starts_no_new_item(app, live_app):
    note = api(live_app, "POST", "/api/notes/", {"title": "買い物", "body": "- 牛乳"})
    body = at_the_end_of(app, note["id"])
    method = InputMethod(app)
    method.compose("たまご")
    method.commit("卵")
    method.webkit_commit_enter()
    expect(body).to_have_value("- 牛乳卵")
    app.keyboard.press("Enter")
    expect(body).to_have_value("- 牛乳卵\n- ")


def test_a_word_being_composed_is_not_saved_until_it_is_chosen(app, live_app):
    note = api(live_app, "POST", "/api/notes/", {"title": "予定", "body": "明日の"})
    body = at_the_end_of(app, note["id"])
    app.clock.install()
    method = InputMethod(app)
    method.compose("かいぎ")  # the candidates are looked at for a while
    app.clock.run_for(10_000)
    expect(app.locator("#saveState")).to_have_text("Editing…")
    assert api(live_app, "GET", f"/api/notes/{note['id']}/")["body"] == "明日の"
    expect(app.locator(".note-item-excerpt")).to_have_text("明日の")

    method.commit("会議")
    expect(body).to_have_value("明日の会議")
    app.clock.run_for(1000)
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert api(live_app, "GET", f"/api/notes/{note['id']}/")["body"] == "明日の会議"


def test_typing_after_an_input_method_lost_the_end_of_its_word_is_saved(app, live_app):
    """An input method that goes away mid-word (it crashed, or was switched off) may never say
    the word has ended: the keys typed after it are still saved, not only kept in the draft."""
    note = api(live_app, "POST", "/api/notes/", {"title": "予定", "body": "明日の"})
    body = at_the_end_of(app, note["id"])
    body.dispatch_event("compositionstart", {"data": ""})
    app.keyboard.type(" meeting")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert api(live_app, "GET", f"/api/notes/{note['id']}/")["body"] == "明日の meeting"


def test_enter_and_escape_that_end_a_word_in_find_and_replace_replace_nothing_and_close_nothing(app, live_app):
    note = api(live_app, "POST", "/api/notes/", {"title": "予定", "body": "明日の会議、来週の会議"})
    body = at_the_end_of(app, note["id"])
    app.keyboard.press("Control+h")
    app.fill("#findText", "会議")
    expect(app.locator("#findCount")).to_have_text("1 of 2")
    app.click("#replaceText")
    method = InputMethod(app)
    method.compose("かいぎしつ")
    method.enter()
    method.commit("会議室")
    method.webkit_commit_enter()
    expect(app.locator("#replaceText")).to_have_value("会議室")
    method.compose("で")
    method.key("Escape", 27)
    method.commit("")
    expect(app.locator("#findBar")).to_be_visible()  # Escape cancelled the word, not the bar
    expect(body).to_have_value("明日の会議、来週の会議")  # nothing replaced yet
    expect(app.locator("#findCount")).to_have_text("1 of 2")
    app.keyboard.press("Enter")  # a plain Enter replaces this one
    expect(body).to_have_value("明日の会議室、来週の会議")
