"""Text is read against what is behind it at 4.5:1 at least (WCAG AA), in the light scheme and the
dark one: the save state, a note without text's placeholder, the selected tag's count, the search
field's placeholder; 7:1 where more contrast is asked for; the keyboard's focus ring at 3:1."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page  # noqa: F401 (app is a fixture)
from tests.page_measures import CONTRAST, CONTRAST_OF, FOCUS_RING, PLACEHOLDER_CONTRAST

pytestmark = pytest.mark.browser


def assert_readable(app, selector):
    contrast = app.locator(selector).first.evaluate(CONTRAST)
    assert contrast >= 4.5, f"{selector}: {contrast:.2f}:1"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_small_text_has_a_contrast_of_4_5_to_1(app, live_app, scheme):
    app.emulate_media(color_scheme=scheme)
    api(live_app, "POST", "/api/notes/", {"title": "Empty", "body": "", "tags": ["work"]})
    app.reload()
    expect(app.locator(".note-item-excerpt.empty")).to_have_text("No additional text")
    assert_readable(app, ".note-item-excerpt.empty")
    app.click(".tag-button")
    expect(app.locator(".tag-button[aria-current='true']")).to_have_count(1)
    assert_readable(app, ".tag-button[aria-current='true'] .tag-count")
    create_note_in_page(app, "Letter", "Dear Anna")
    assert_readable(app, "#saveState")
    app.route("**/api/notes/*/", lambda route: route.fulfill(
        status=400, content_type="application/json", body=json.dumps({"error": "Refused."}))
        if route.request.method == "PATCH" else route.continue_())
    app.keyboard.type(",")
    expect(app.locator("#saveState")).to_have_text("Not saved: Refused.")
    assert_readable(app, "#saveState")


# WebKitGTK's own style sheet greys a field's placeholder with darkgray (#a9a9a9: 2.3:1 on white;
# Chromium's #757575 is 3.5:1 on the dark scheme's field). The page is given WebKitGTK's, as the
# window has it, in a layer: the page's own rules win over it as they do over the browser's.
WEBKIT_PLACEHOLDER = "@layer webkit { ::placeholder { color: darkgray; } }"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_fields_placeholder_has_a_contrast_of_4_5_to_1(app, scheme):
    """The search field's "Search", its only visible label, was light grey on white in the window."""
    app.emulate_media(color_scheme=scheme)
    app.evaluate("(rule) => { const sheet = new CSSStyleSheet(); sheet.replaceSync(rule); "
                 "document.adoptedStyleSheets = [sheet]; }", WEBKIT_PLACEHOLDER)
    contrast = app.locator("#search").evaluate(PLACEHOLDER_CONTRAST)
    assert contrast >= 4.5, f"the search field's placeholder: {contrast:.2f}:1"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_more_contrast_asked_for_gives_7_to_1_text_and_3_to_1_field_edges(app, live_app, scheme):
    """With a high-contrast theme (GTK's HighContrast: prefers-contrast: more in WebKitGTK), the
    page kept its soft greys: the list's dates and excerpts at 5.5:1, "Saved" in green at 5:1, the
    search field's edge at 1.3:1 against the field, as if nothing had been asked."""
    app.emulate_media(color_scheme=scheme, contrast="more")
    api(live_app, "POST", "/api/notes/", {"title": "Empty", "body": "", "tags": ["work"]})
    app.reload()
    expect(app.locator(".note-item-excerpt.empty")).to_have_text("No additional text")
    for selector in (".note-item-excerpt.empty", ".note-item-meta time", ".note-item-meta .chip", ".tag-count", "#listStatus"):
        contrast = app.locator(selector).first.evaluate(CONTRAST)
        assert contrast >= 7, f"{selector}: {contrast:.2f}:1"
    create_note_in_page(app, "Letter", "Dear Anna")
    contrast = app.locator("#saveState").evaluate(CONTRAST)
    assert contrast >= 7, f"the save state \"Saved\": {contrast:.2f}:1"
    edge = app.locator("#search").evaluate(
        f"(field) => ({CONTRAST_OF})(getComputedStyle(field).borderTopColor, getComputedStyle(field).backgroundColor, 1)")
    assert edge >= 3, f"the search field's edge: {edge:.2f}:1"




@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_keyboards_focus_ring_is_2_px_at_3_to_1_on_every_button_and_link(app, live_app, scheme):
    """The sidebar's views, its links, the ? of search and the note's toolbar had the engine's own
    ring: in the window a 1 px light blue at 2.6:1 against the sidebar, lost beside the selected view."""
    app.emulate_media(color_scheme=scheme)
    create_note_in_page(app, "Letter", "Dear Anna")
    app.click("#newNote")
    app.keyboard.press("Escape")
    app.focus("#newNote")
    rings = {}
    for _ in range(30):
        app.keyboard.press("Tab")
        focused = app.locator(":focus")
        if focused.evaluate("el => el.matches('button, a, summary')"):
            rings[focused.evaluate("el => el.id || el.textContent.trim()")] = focused.evaluate(FOCUS_RING)
    assert {"All notes", "Pinned", "searchHelpToggle", "togglePreview", "trashNote"} <= set(rings), rings
    faint = {name: ring for name, ring in rings.items() if ring[0] in ("none", "auto") or ring[1] < 2 or ring[2] < 3}
    assert not faint, faint


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_selected_text_stands_out_from_the_note_and_reads_at_4_5_to_1(app, scheme):
    """In the window's dark scheme, text selected in a note was on a navy barely darker than the
    page's black (1.2:1): where the selection ended could not be seen."""
    app.emulate_media(color_scheme=scheme)
    create_note_in_page(app, "Letter", "Dear Anna")
    for selector in ("#noteBody", "#noteTitle"):
        selection = app.locator(selector).evaluate("""(field) => {
          const selection = getComputedStyle(field, '::selection');
          let background = 'rgb(255, 255, 255)';
          for (let node = field; node; node = node.parentElement) {
            const colour = getComputedStyle(node).backgroundColor, alpha = colour.match(/[\\d.]+/g)[3];
            if (alpha === undefined || Number(alpha) === 1) { background = colour; break; }
          }
          return [selection.backgroundColor, selection.color, background];
        }""")
        highlight, text, page = selection
        stands_out = app.evaluate(f"([a, b]) => ({CONTRAST_OF})(a, b, 1)", [highlight, page])
        reads = app.evaluate(f"([a, b]) => ({CONTRAST_OF})(a, b, 1)", [text, highlight])
        assert stands_out >= 3 and reads >= 4.5, f"{selector}: {selection}, {stands_out:.2f}:1 and {reads:.2f}:1"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_error_toast_reads_at_4_5_to_1(app, scheme):
    """In the dark scheme an error's toast was white on salmon, 2.8:1."""
    app.emulate_media(color_scheme=scheme, reduced_motion="reduce")  # read once shown, not as it fades in
    create_note_in_page(app, "Letter", "Dear Anna")
    app.route("**/api/notes/*/**", lambda route: route.fulfill(
        status=400, content_type="application/json", body=json.dumps({"error": "Refused."})))
    app.click("#trashNote")
    expect(app.locator(".toast-error")).to_contain_text("Refused.")
    assert_readable(app, ".toast-error")


PYTHON_BLOCK = '```python\n@cache\ndef area(r: float) -> float:\n    """Circle."""\n    return 3.14 * r ** 2  # πr²\n```'
CODE_TOKENS = {"keyword": ".k", "decorator": ".nd", "function": ".nf", "builtin": ".nb",
               "string": ".sd", "number": ".mf", "comment": ".c1"}


@pytest.mark.parametrize(("scheme", "contrast", "at_least"), [("light", "no-preference", 4.5), ("dark", "no-preference", 4.5),
                                                              ("light", "more", 7), ("dark", "more", 7)])
def test_a_code_block_in_the_preview_is_coloured_and_each_colour_reads(app, scheme, contrast, at_least):
    """A lecture's Python in ```python was one grey block, where Obsidian and Joplin colour it."""
    app.emulate_media(color_scheme=scheme, contrast=contrast)
    create_note_in_page(app, "Lecture 3", PYTHON_BLOCK)
    app.click("#togglePreview")
    code = app.locator("#preview pre code")
    expect(code.locator(".k")).to_have_text(["def", "return"])
    plain = code.evaluate("(code) => getComputedStyle(code).color")
    colours = {}
    for name, selector in CODE_TOKENS.items():
        token = code.locator(selector).first
        colours[name] = token.evaluate("(token) => getComputedStyle(token).color")
        reads = token.evaluate(CONTRAST)
        assert reads >= at_least, f"{name} ({selector}): {reads:.2f}:1"
    assert len({colours[name] for name in ("keyword", "function", "string", "number")} | {plain}) == 5, colours
