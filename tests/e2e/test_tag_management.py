"""The sidebar's tags: renaming one (onto another: a merge, said before it is made), deleting one
after a confirm naming how many notes lose it, and Undo; the list, the counts and the open note
follow, and what was typed in the open note is kept."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_empty_trash import accept_next_dialog
from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("NOTEDESK_SCREENSHOTS", "/tmp/notedesk-screenshots"))


def edit_tag(app, name):
    app.locator(".tag-item", has=app.locator(".tag-button", has_text=name)).hover()
    app.get_by_role("button", name=f"Rename or delete the tag “{name}”").click()
    expect(app.locator("#tagDialog")).to_be_visible()


def test_a_tag_is_renamed_merged_and_deleted_from_the_sidebar_and_the_open_note_follows(app, live_app):
    plan = api(live_app, "POST", "/api/notes/", {"title": "Plan", "body": "Draft", "tags": ["work", "ideas"]})
    api(live_app, "POST", "/api/notes/", {"title": "Budget", "body": "Numbers", "tags": ["work"]})
    api(live_app, "POST", "/api/notes/", {"title": "Jobs", "body": "Listings", "tags": ["job"]})
    app.set_viewport_size({"width": 1280, "height": 800})
    app.reload()
    expect(app.locator(".tag-button")).to_have_text(["ideas1", "job1", "work2"])
    app.click(f"#note-{plan['id']}")
    app.locator("#noteBody").press_sequentially(" and more")  # not saved yet when the dialog opens

    edit_tag(app, "work")
    expect(app.locator("#tagDialogCount")).to_have_text("On 2 notes")
    app.fill("#tagName", "#Job")
    expect(app.locator("#tagHint")).to_have_text("“job” is a tag already, on 1 note: renaming merges the two into “job”.")
    expect(app.locator("#renameTag")).to_have_text("Merge")
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(SHOTS / "tag-merge-dialog.png"))
    app.click("#renameTag")
    expect(app.locator("#tagDialog")).to_be_hidden()
    expect(app.locator(".toast", has_text="Merged “work” into “job” (2 notes)")).to_be_visible()
    expect(app.locator(".tag-button")).to_have_text(["ideas1", "job3"])
    expect(app.locator("#noteTags")).to_have_value("ideas, job")
    expect(app.locator("#noteBody")).to_have_value("Draft and more")
    expect(app.locator("#saveState")).to_have_text("Saved")

    app.locator(".tag-item").first.hover()
    app.screenshot(path=str(SHOTS / "tag-list-hover.png"))
    edit_tag(app, "ideas")
    confirm = accept_next_dialog(app)
    app.click("#deleteTag")
    expect(app.locator(".tag-button")).to_have_text(["job3"])
    assert confirm == ["Remove the tag “ideas” from 1 note? The notes stay."]
    expect(app.locator("#noteTags")).to_have_value("job")
    app.locator(".toast", has_text="Removed the tag “ideas” from 1 note").get_by_role("button", name="Undo").click()
    expect(app.locator(".tag-button")).to_have_text(["ideas1", "job3"])
    expect(app.locator("#noteTags")).to_have_value("ideas, job")

    # A rename to a name the server refuses is said in the dialog, which stays open.
    edit_tag(app, "job")
    app.keyboard.press("Control+a")
    app.keyboard.type("x" * 51)
    app.keyboard.press("Enter")
    expect(app.locator("#tagHint")).to_have_text("A tag has at most 50 characters.")
    app.keyboard.press("Control+a")
    app.keyboard.type("Work, Stuff")  # the Tags field would show it as two tags
    app.keyboard.press("Enter")
    expect(app.locator("#tagHint")).to_have_text(
        "A tag's name cannot contain a comma (, or ،): the Tags field separates tags with commas.")
    app.keyboard.press("Escape")
    expect(app.locator("#tagDialog")).to_be_hidden()

    app.reload()
    app.click(f"#note-{plan['id']}")
    expect(app.locator("#noteBody")).to_have_value("Draft and more")
    expect(app.locator("#noteTags")).to_have_value("ideas, job")


def test_the_tags_are_one_tab_stop_walked_with_the_arrow_keys(app, live_app):
    """Thirty tags were sixty Tab stops (each tag and its ⋯) between the views and the rest."""
    for tag in ("alpha", "beta", "gamma"):
        api(live_app, "POST", "/api/notes/", {"title": tag, "body": "", "tags": [tag]})
    app.reload()
    expect(app.locator(".tag-button")).to_have_count(3)
    tag = lambda name: app.locator(".tag-button", has_text=name)  # noqa: E731
    app.focus(".view[data-view='trash']")
    app.keyboard.press("Tab")
    expect(app.locator(".tag-button").first).to_be_focused()
    app.keyboard.press("Tab")
    expect(app.locator("#syncSetup")).to_be_focused()
    app.keyboard.press("Shift+Tab")
    expect(app.locator(".tag-button").first).to_be_focused()
    app.keyboard.press("End")
    expect(tag("gamma")).to_be_focused()
    app.keyboard.press("ArrowUp")
    expect(tag("beta")).to_be_focused()
    app.keyboard.press("Enter")
    expect(app.locator("#listStatus")).to_have_text("1 note tagged “beta”")
    app.keyboard.press("ArrowRight")
    expect(app.get_by_role("button", name="Rename or delete the tag “beta”")).to_be_focused()
    app.keyboard.press("Enter")
    expect(app.locator("#tagName")).to_have_value("beta")
    app.keyboard.press("Escape")
    expect(app.locator("#tagDialog")).to_be_hidden()
    app.focus("#syncSetup")
    app.keyboard.press("Shift+Tab")  # back to where the keyboard left the tags
    expect(app.get_by_role("button", name="Rename or delete the tag “beta”")).to_be_focused()
    app.keyboard.press("ArrowLeft")
    app.keyboard.press("F2")
    expect(app.locator("#tagName")).to_have_value("beta")


def test_the_tags_are_in_the_order_of_the_persons_language_numbers_by_value(app, live_app):
    """By code point, "äpfel" and "école" came after "zucker", and "trip 10" before "trip 9"."""
    for tag in ["zucker", "äpfel", "trip 10", "école", "trip 9", "obst"]:
        api(live_app, "POST", "/api/notes/", {"title": tag, "body": "x", "tags": [tag]})
    app.reload()
    expect(app.locator(".tag-name")).to_have_text(["äpfel", "école", "obst", "trip 9", "trip 10", "zucker"])


def test_a_long_tag_name_is_cut_short_in_the_sidebar_and_its_count_stays(app, live_app):
    long_name = "quarterly-planning-and-budget-review"
    api(live_app, "POST", "/api/notes/", {"title": "Plan", "body": "Draft", "tags": [long_name]})
    app.set_viewport_size({"width": 1280, "height": 800})
    app.reload()
    tag = app.locator(".tag-item")
    name, count = app.locator(".tag-name"), app.locator(".tag-count")
    expect(name).to_have_attribute("title", long_name)  # read whole on hover
    tag_box, name_box, count_box = tag.bounding_box(), name.bounding_box(), count.bounding_box()
    assert name_box["x"] + name_box["width"] <= count_box["x"]
    assert count_box["x"] + count_box["width"] <= tag_box["x"] + tag_box["width"]
    assert name.evaluate("element => element.scrollWidth > element.clientWidth")  # cut, with an ellipsis


def test_a_focused_tag_shows_its_whole_focus_ring_inside_the_scrolling_tag_list(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Plan", "body": "Draft", "tags": ["ideas", "work"]})
    app.reload()
    app.focus("#search")
    for _ in range(4):  # back past the sidebar's links to the tags
        app.keyboard.press("Shift+Tab")
    tag = app.locator(".tag-button", has_text="ideas")
    expect(tag).to_be_focused()
    ring = tag.evaluate("""button => {
        const style = getComputedStyle(button), box = button.getBoundingClientRect();
        const reach = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
        return { top: box.top - reach, bottom: box.bottom + reach };
    }""")
    tag_list = app.locator("#tagList").bounding_box()
    assert tag_list["y"] <= ring["top"] and ring["bottom"] <= tag_list["y"] + tag_list["height"]


# The tag rows wholly inside the tag list's box, as the person sees them without scrolling.
TAGS_IN_VIEW = """list => {
  const box = list.getBoundingClientRect();
  return [...list.querySelectorAll('.tag-button')].filter(tag => {
    const row = tag.getBoundingClientRect();
    return row.top >= box.top - 0.5 && row.bottom <= box.bottom + 0.5;
  }).length;
}"""


@pytest.mark.parametrize("size, shown", [pytest.param((1280, 800), 10, id="1280x800"),
                                          pytest.param((1120, 735), 8, id="first-window-size")])
def test_thirty_tags_get_the_sidebars_room_and_each_is_reached_by_mouse_and_keyboard(app, live_app, size, shown):
    """A person coming from Obsidian brings many tags: the sync panel and the sidebar's footer took
    the room, and 1280×800 showed six of them."""
    for number in range(30):
        api(live_app, "POST", "/api/notes/", {"title": f"Note {number}", "body": "text", "tags": [f"topic {number:02}"]})
    app.set_viewport_size({"width": size[0], "height": size[1]})
    app.reload()
    tag_list = app.locator("#tagList")
    expect(app.locator(".tag-button")).to_have_count(30)
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(SHOTS / f"tag-list-thirty-{size[0]}x{size[1]}.png"))
    assert tag_list.evaluate(TAGS_IN_VIEW) >= shown

    last = app.locator(".tag-button", has_text="topic 29")
    app.locator(".tag-button").first.focus()
    app.keyboard.press("End")
    expect(last).to_be_focused()
    expect(last).to_be_in_viewport(ratio=0.9)
    app.keyboard.press("Home")
    tag_list.hover()
    app.mouse.wheel(0, 2000)
    expect(last).to_be_in_viewport(ratio=0.9)
    last.click()
    expect(app.locator("#listStatus")).to_have_text("1 note tagged “topic 29”")
    # The rest of the sidebar stays where it was: the tags scroll in their own box.
    expect(app.locator("#transfersToggle")).to_be_in_viewport(ratio=1)
