"""Files pasted into a note's text, or given to Attach: attached to the note, and named in its text
at the caret (`![[image.png]]`, `[[file.pdf]]`), which the preview shows."""

import base64
import os
import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page, wait_for  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("NOTEDESK_SCREENSHOTS", "/tmp/notedesk-screenshots"))
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="  # 1×1
PASTED_NAME = r"Pasted image \d{4}-\d\d-\d\d \d\d-\d\d-\d\d\.png"
LIMIT = 25 * 1024 * 1024
SCREENSHOT = {"name": "image.png", "type": "image/png", "base64": PNG}  # as a browser names a pasted bitmap


def paste(app, *files, text=None) -> bool:
    """A paste into the note's text as the browser dispatches one, its DataTransfer holding the
    files ({name, type, and base64 or size}) and the text. Whether the page left it to the browser."""
    return app.evaluate(
        """([files, text]) => {
          const data = new DataTransfer();
          for (const { name, type, base64, size } of files) {
            const bytes = base64 ? Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)) : new Uint8Array(size);
            data.items.add(new File([bytes], name, { type }));
          }
          if (text !== null) data.setData('text/plain', text);
          return document.getElementById('noteBody').dispatchEvent(
            new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        }""",
        [list(files), text],
    )


def put_caret(app, position):
    app.locator("#noteBody").evaluate("(body, at) => { body.focus(); body.setSelectionRange(at, at); }", position)


def saved_note(live_app):
    [note] = api(live_app, "GET", "/api/notes/")["notes"]
    return api(live_app, "GET", f"/api/notes/{note['id']}/")


def test_a_pasted_screenshot_is_attached_and_shown_where_the_caret_was(app, live_app):
    create_note_in_page(app, "Trip", "Before after")
    put_caret(app, len("Before "))
    assert not paste(app, SCREENSHOT)
    expect(app.locator("#noteBody")).to_have_value(re.compile(rf"^Before !\[\[{PASTED_NAME}\]\]after$"))
    app.keyboard.type("!")  # the caret is past the reference
    expect(app.locator("#saveState")).to_have_text("Saved")

    note = saved_note(live_app)
    [attachment] = note["attachments"]
    assert re.fullmatch(PASTED_NAME, attachment["name"])
    assert note["body"] == f"Before ![[{attachment['name']}]]!after"
    with urllib.request.urlopen(urllib.request.Request(live_app.origin + attachment["url"], headers=live_app.auth_headers), timeout=5) as response:
        assert response.read() == base64.b64decode(PNG)
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(SHOTS / "pasted-image-text.png"))
    app.click("#togglePreview")
    expect(app.locator("#preview img")).to_have_attribute("src", attachment["url"])
    app.wait_for_function("() => document.querySelector('#preview img').naturalWidth === 1")
    app.screenshot(path=str(SHOTS / "pasted-image-preview.png"))


def test_an_image_on_the_clipboard_is_pasted_with_ctrl_v(app, live_app):
    app.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.origin)
    create_note_in_page(app, "Clipboard", "ab")
    put_caret(app, 1)
    app.evaluate("""async () => {
      const canvas = new OffscreenCanvas(20, 20);
      canvas.getContext('2d').fillRect(0, 0, 20, 20);
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': await canvas.convertToBlob() })]);
    }""")
    app.keyboard.press("Control+v")
    expect(app.locator("#noteBody")).to_have_value(re.compile(rf"^a!\[\[{PASTED_NAME}\]\]b$"))
    expect(app.locator("#attachmentList li")).to_have_count(1)


def test_a_paste_into_a_new_note_saves_it_first(app, live_app):
    app.keyboard.press("Control+n")
    app.click("#noteBody")
    paste(app, SCREENSHOT, SCREENSHOT)  # two at once get two names
    expect(app.locator("#attachmentList li")).to_have_count(2)
    expect(app.locator("#saveState")).to_have_text("Saved")
    note = saved_note(live_app)
    first, second = (attachment["name"] for attachment in note["attachments"])
    assert second == first.replace(".png", " 1.png")
    assert (note["title"], note["body"]) == (first, f"![[{first}]]\n![[{second}]]")


def test_typing_while_a_paste_uploads_is_kept_and_the_file_is_named_where_the_paste_was(app, live_app):
    create_note_in_page(app, "Minutes", "Minutes")
    held = []
    app.route("**/attachments/", lambda route: held.append(route))
    put_caret(app, len("Minutes"))
    # The server stores the name without its invisible character: the text names the file so.
    paste(app, {"name": "report\u200b.pdf", "type": "application/pdf", "base64": base64.b64encode(b"%PDF-1.4").decode()})
    wait_for(app, lambda: held)
    expect(app.locator("#uploadStatus")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(SHOTS / "pasted-file-uploading.png"))
    app.keyboard.type(" typed after")
    app.keyboard.press("Control+Home")
    app.keyboard.type("Draft: ")
    held[0].continue_()
    expect(app.locator("#noteBody")).to_have_value("Draft: Minutes[[report.pdf]] typed after")
    expect(app.locator("#uploadStatus")).to_be_hidden()
    expect(app.locator("#saveState")).to_have_text("Saved")
    note = saved_note(live_app)
    assert [attachment["name"] for attachment in note["attachments"]] == ["report.pdf"]
    assert note["body"] == "Draft: Minutes[[report.pdf]] typed after"


def test_a_pasted_file_over_the_limit_is_refused_saying_why_and_names_nothing(app, live_app):
    create_note_in_page(app, "Scans", "Keep me")
    put_caret(app, len("Keep"))
    paste(app, {"name": "scan.png", "type": "image/png", "size": LIMIT + 1})
    expect(app.locator(".toast").last).to_contain_text("The file is larger than the limit of 25.0")
    expect(app.locator("#uploadStatus")).to_be_hidden()
    expect(app.locator("#noteBody")).to_have_value("Keep me")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert (saved_note(live_app)["body"], saved_note(live_app)["attachments"]) == ("Keep me", [])
    app.screenshot(path=str(SHOTS / "pasted-image-too-large.png"))


def test_pasted_text_is_pasted_as_before(app, live_app):
    create_note_in_page(app, "Copied", "one three")
    app.locator("#noteBody").evaluate("(body) => { body.focus(); body.setSelectionRange(0, 4); }")
    app.keyboard.press("Control+c")
    put_caret(app, len("one "))
    app.keyboard.press("Control+v")
    expect(app.locator("#noteBody")).to_have_value("one one three")
    # Cells copied from a spreadsheet come as text and as a picture of them: the text is pasted.
    assert paste(app, SCREENSHOT, text="a\tb")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert (saved_note(live_app)["body"], saved_note(live_app)["attachments"]) == ("one one three", [])


def test_files_attached_are_named_at_the_caret(app, live_app, tmp_path):
    create_note_in_page(app, "Agenda", "Agenda\nNotes")
    (tmp_path / "report.txt").write_text("quarterly numbers")
    (tmp_path / "photo.png").write_bytes(base64.b64decode(PNG))
    put_caret(app, len("Agenda\n"))
    app.set_input_files("#attachmentInput", [str(tmp_path / "report.txt"), str(tmp_path / "photo.png")])
    expect(app.locator("#noteBody")).to_have_value("Agenda\n[[report.txt]]\n![[photo.png]]Notes")
    expect(app.locator("#saveState")).to_have_text("Saved")
    note = saved_note(live_app)
    assert [attachment["name"] for attachment in note["attachments"]] == ["report.txt", "photo.png"]
    assert note["body"] == "Agenda\n[[report.txt]]\n![[photo.png]]Notes"


def paste_html(app, html, text):
    return app.evaluate(
        """([html, text]) => {
          const data = new DataTransfer();
          data.setData('text/html', html);
          data.setData('text/plain', text);
          return document.getElementById('noteBody').dispatchEvent(
            new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        }""",
        [html, text],
    )


def test_rich_text_pasted_is_pasted_as_markdown(app, live_app):
    """Copied from a web page: its headings, lists, links, emphasis, quotes, code and tables kept,
    as Obsidian and Joplin paste them (it was pasted as its bare text, links lost)."""
    create_note_in_page(app, "Clipping", "Start\n")
    body = app.locator("#noteBody")
    body.evaluate("(field) => { field.focus(); field.setSelectionRange(6, 6); }")
    html = (
        '<meta charset="utf-8"><h2>Release <em>notes</em></h2><p>Read <a href="https://example.org/a(b)">the '
        '<b>full</b> post</a> and <a href="javascript:alert(1)">this</a>.<br>Next line</p>'
        "<ul><li>one</li><li>two<ul><li>two and a half</li></ul></li></ul><ol start=3><li>third</li></ol>"
        "<blockquote><p>Quoted</p></blockquote><pre><code>x = 1\n</code></pre><p>Use <code>pip</code>.</p>"
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2|3</td></tr></table>"
        '<p><img src="https://example.org/p.png" alt="Photo"></p>'
    )
    assert not paste_html(app, html, "Release notes\nRead the full post and this.")
    expected = (
        "Start\n## Release *notes*\n\nRead [the **full** post](https://example.org/a%28b%29) and this.\nNext line\n\n"
        "- one\n- two\n\t- two and a half\n\n3. third\n\n> Quoted\n\n```\nx = 1\n```\n\nUse `pip`.\n\n"
        "| A | B |\n| --- | --- |\n| 1 | 2\\|3 |\n\n[Photo](https://example.org/p.png)"
    )
    expect(body).to_have_value(expected)
    expect(app.locator("#saveState")).to_have_text("Saved")
    app.keyboard.press("Control+z")  # one edit
    expect(body).to_have_value("Start\n")
    # A code editor's copy, and a plain span, are pasted as their text (the browser's own paste).
    code = '<div style="color: #d4d4d4;white-space: pre;"><div><span style="color: #569cd6;">def</span> f():</div></div>'
    assert paste_html(app, code, "def f():")
    assert paste_html(app, "<span>just text</span>", "just text")
    body.evaluate("(field) => { field.value = '```\\n'; field.setSelectionRange(4, 4); }")
    assert paste_html(app, "<b>in code</b>", "in code")  # inside a fenced block


def test_a_google_docs_copy_keeps_its_own_bold_and_italics_only(app, live_app):
    create_note_in_page(app, "Docs", "")
    html = ('<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1"><p dir="ltr">'
            '<span style="font-weight:400;">Plain, </span><span style="font-weight:700;">bold</span>'
            '<span style="font-weight:400;"> and </span><span style="font-style:italic;font-weight:400;">italic</span></p></b>')
    assert not paste_html(app, html, "Plain, bold and italic")
    expect(app.locator("#noteBody")).to_have_value("Plain, **bold** and *italic*")
