"""Background import and export jobs, idempotent creates, and the Markdown preview."""

import io
import json
import re
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
import zipfile

import pytest
from django.db import connection
from webview.util import parse_file_type

from django_desktop_shell import native
from embedded_site.notes import jobs
from tests.conftest import ROOT
from tests.notes.conftest import TOO_MANY_FOR_ONE_QUERY

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_job(api, job, timeout=10):
    deadline = time.monotonic() + timeout
    while job["state"] == "running":
        assert time.monotonic() < deadline, "the job never finished"
        time.sleep(0.02)
        job = api.get(f"/api/jobs/{job['id']}/").json()
    return job


class FakeDialogs:
    """Stands in for the OS's file dialogs: returns the path a person would have picked."""

    def __init__(self, path):
        self.path = path

    def choose_save_path(self, suggested_name, file_types=()):
        self.suggested_name = suggested_name
        return self.chosen(file_types)

    def choose_open_path(self, file_types=()):
        return self.chosen(file_types)

    def choose_open_paths(self, file_types=()):
        chosen = self.chosen(file_types)  # a list: the files chosen at once
        return chosen if isinstance(chosen, list) else [chosen] if chosen else []

    def chosen(self, file_types):
        # The window's dialogs read each file type as pywebview does, and raise on one it cannot
        # read: Import… answered "Something went wrong" and opened no dialog.
        for file_type in file_types:
            parse_file_type(file_type)
        return self.path

    def choose_folder(self):
        return self.path


@pytest.fixture
def dialogs():
    def provide(path):
        fake = FakeDialogs(path)
        native.provide(fake)
        return fake

    yield provide
    native.provide(None)


def make_notes(api, count):
    for number in range(count):
        assert api.post("/api/notes/", {"title": f"Note {number}", "body": "text", "tags": ["t"]}).status_code == 201


def test_a_create_retried_with_the_same_uid_makes_one_note(api):
    uid = str(uuid.uuid4())
    first = api.post("/api/notes/", {"uid": uid, "title": "Once"})
    again = api.post("/api/notes/", {"uid": uid, "title": "Once"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["uid"] == uid
    assert api.get("/api/notes/").json()["total"] == 1


def test_a_malformed_uid_is_400(api):
    response = api.post("/api/notes/", {"uid": "not-a-uuid", "title": "x"})
    assert response.status_code == 400
    assert "uid" in response.json()["fields"]


def test_the_preview_renders_markdown_and_drops_what_is_unsafe(api):
    body = "# Title\n\n**bold** <img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://example.org)"
    html = api.preview(body)
    assert "<h1>Title</h1>" in html and "<strong>bold</strong>" in html
    assert "<img" not in html and 'href="javascript' not in html
    assert '<a href="https://example.org" target="_blank" rel="noopener noreferrer">ok</a>' in html


def test_the_preview_shows_footnotes_in_the_note_and_task_lists_as_checkboxes(api):
    body = "Booked[^1].\n\n- [ ] bread\n- [x] milk\n\n<input type=text name=x>\n\n[^1]: Flight at 9."
    html = api.preview(body)
    # (Before footnotes, `[^1]: Flight at 9.` defined a link to the address "Flight", off the app.)
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1"' in html
    assert '<li id="fn1" class="footnote-item"><p>Flight at 9.' in html
    # Each to-do names its line of the text, which ticking it in the preview ticks (editor.js).
    assert '<input class="task-list-item-checkbox" data-line="2" type="checkbox"> bread' in html
    assert '<input class="task-list-item-checkbox" data-line="3" checked="checked" type="checkbox"> milk' in html
    assert "&lt;input type=text name=x&gt;" in html and html.count("<input") == 2


def test_the_preview_aligns_a_tables_columns_as_its_text_says(api):
    # `---:` right-aligns a column of figures; the style= markdown-it wrote for it was dropped.
    body = "| Item | Q1 | Note |\n|:--|--:|:-:|\n| Rent | 1,200 | x |\n"
    html = api.preview(body)
    assert '<th class="align-left">Item</th>\n<th class="align-right">Q1</th>\n<th class="align-center">Note</th>' in html
    assert '<td class="align-right">1,200</td>' in html and "style" not in html


def test_the_preview_shows_maths_in_dollars_as_formulas_and_prices_as_text(api):
    # A lecture's formulas, as Obsidian and Joplin show them; before, the preview showed the LaTeX.
    body = ("The series of $f$ is $$\\sum_{n=0}^\\infty \\frac{x^n}{n!}$$ here.\n\n"
            "$$\n\\int_0^1 x\\,dx = \\frac{1}{2}\n$$\n\nIt costs $5 and $10 today.\n\n`$x$` is code.")
    html = api.preview(body)
    assert '<p>The series of <math display="inline"><mrow><mi>f</mi></mrow></math> is <math display="block">' in html
    assert "<mfrac><mrow><msup><mi>x</mi><mi>n</mi></msup></mrow><mrow><mi>n</mi><mo>!</mo></mrow></mfrac>" in html
    assert '<math display="block"><mrow><msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup>' in html
    assert "<p>It costs $5 and $10 today.</p>\n<p><code>$x$</code> is code.</p>" in html
    assert "$$" not in html and "\\frac" not in html


def test_maths_the_preview_cannot_read_is_shown_as_written_saying_why(api):
    body = "Broken: $\\frac{1}{$ and $\\begin{matrix}1$, then $\\href{javascript:alert(1)}{x}$"
    html = api.preview(body)
    assert ('<code class="math-error" title="Maths not understood: a brace or an argument is missing">'
            "$\\frac{1}{$</code>") in html
    assert '<code class="math-error" title="Maths not understood: missing end">$\\begin{matrix}1$</code>' in html
    assert "href" not in html and "javascript" not in html


def test_text_in_maths_shows_its_angle_brackets_and_ampersands_as_written(api):
    """latex2mathml writes \\text{…} unescaped: `x<y then` opened a tag that ate the rest of the
    paragraph, and `<b>` or `<a href=…>` typed in it vanished as markup."""
    body = "Case $\\text{if x<y then a&b}$ holds.\n\n$\\text{<a href=\"https://example.com\">here</a>}$"
    html = api.preview(body)
    assert "<mtext>if&nbsp;x&lt;y&nbsp;then&nbsp;a&amp;b</mtext></mrow></math> holds.</p>" in html
    assert "<a " not in html and "&lt;a&nbsp;href" in html
    assert '<mo>&lt;</mo>' in api.preview("$a<b$")


def test_the_markdown_preview_leaves_the_xml_parser_out_of_a_launch_until_the_first_formula():
    """The preview's module (which the site's URLconf imports at every launch) imported
    ElementTree, and with it the expat parser, for the maths alone: ~0.2 MB of memory in the
    app's process for as long as it ran, where no note has a formula."""
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, embedded_site.notes.markdown; print('xml.etree.ElementTree' in sys.modules)"],
        capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert imported.strip() == "False"


def test_the_preview_colours_the_code_of_the_languages_the_app_ships_and_shows_the_others_plain(api):
    """Pygments brings 250 lexers; the built app ships a dozen languages' (pyproject's leave-out), and
    a ```haskell block, coloured run from the source, would have been an error or plain once built:
    it is plain in both, as a language no lexer knows."""
    body = "```python\nx = 1\n```\n\n```TS\nlet a = 1\n```\n\n```haskell\nmain = 1\n```\n\n```klingon\nQapla\n```"
    html = api.preview(body)
    assert '<code class="language-python"><span class="n">x</span>' in html
    assert '<code class="language-TS"><span class="kd">let</span>' in html
    assert '<code class="language-haskell">main = 1\n</code>' in html
    assert '<code class="language-klingon">Qapla\n</code>' in html


def test_a_coloured_code_block_keeps_its_blank_first_and_last_lines_as_a_plain_one_does(api):
    """Pygments drops the blank lines a block starts and ends with: a ```python block lost the
    room its writer left above and below the code, which the same block with no language keeps."""
    for fence in ("```python", "```"):
        html = api.preview(f"{fence}\n\n\nx = 1\n\n\n```")
        code = html.split("<code", 1)[1].split(">", 1)[1].split("</code>")[0]
        assert re.sub("<[^>]+>", "", code) == "\n\nx = 1\n\n\n", fence


def test_code_that_asks_for_a_lexer_the_app_does_not_ship_is_shown_plain_not_an_error(api, monkeypatch):
    """A ```markdown block holding a ```haskell fence, and a PostgreSQL function in Perl: Pygments'
    Markdown and PostgreSQL lexers colour what they hold with that language's lexer, which the built
    app does not ship ("No module named 'pygments.lexers.haskell'": the preview failed there alone)."""
    monkeypatch.setitem(sys.modules, "pygments.lexers.perl", None)  # as the built app, which lacks it
    nested = "````markdown\n```haskell\nmain = 1\n```\n````"
    html = api.preview(nested)
    assert '<span class="sb">```haskell</span>\n<span class="s">main = 1</span>' in html
    perl = "```postgresql\nCREATE FUNCTION f() RETURNS int AS $$ my $x = 1; $$ LANGUAGE plperl;\n```"
    html = api.preview(perl)
    assert '<code class="language-postgresql">CREATE FUNCTION' in html


def test_the_preview_shows_a_front_matter_apart_not_as_a_heading(api):
    # An Obsidian note's properties, as an import keeps them at the top of the text.
    body = "---\naliases: [Start page]\nstatus: <done>\n---\n# Home\n\n- [ ] call\n\nText\n\n---\nnot: properties\n---\n"
    html = api.preview(body)
    assert html.startswith('<pre class="front-matter"><code>aliases: [Start page]\nstatus: &lt;done&gt;</code></pre>\n<h1>Home</h1>')
    assert "<h2>aliases" not in html
    assert 'data-line="6"' in html  # the to-do's line of the text, counted from the top
    assert "<h2>not: properties</h2>" in html  # `---` lines further down are no front matter


def test_an_export_job_reports_progress_and_its_file_downloads(api):
    make_notes(api, 3)
    job = api.post("/api/jobs/export/", {"format": "json", "destination": "download"})
    assert job.status_code == 202
    finished = wait_for_job(api, job.json())
    assert finished["state"] == "done"
    assert (finished["done"], finished["total"]) == (3, 3)
    download = api.get(f"/api/jobs/{finished['id']}/file/")
    assert download["Content-Disposition"].startswith("attachment;")
    exported = json.loads(b"".join(download.streaming_content))
    assert sorted(note["title"] for note in exported["notes"]) == ["Note 0", "Note 1", "Note 2"]


def test_an_export_to_a_path_chosen_in_the_dialog_writes_the_file_there(api, dialogs, tmp_path):
    make_notes(api, 2)
    target = tmp_path / "my-notes.zip"
    chooser = dialogs(target)
    finished = wait_for_job(api, api.post("/api/jobs/export/", {"format": "markdown", "destination": "dialog"}).json())
    assert finished["result"] == {"notes": 2, "path": str(target)}
    assert chooser.suggested_name.endswith(".zip")
    assert len(zipfile.ZipFile(target).namelist()) == 2
    assert [path.name for path in tmp_path.iterdir()] == ["my-notes.zip"]  # no temporary file left


def test_an_export_of_the_notes_a_list_shows_holds_those_alone(api):
    """A course's notes could be exported only with every other note; the page now names the ids
    of the notes its list shows (a tag, a search), and the export holds those alone."""
    ids = [api.post("/api/notes/", {"title": title, "body": "x", "tags": tags}).json()["id"]
           for title, tags in [("Analysis 1", ["analysis"]), ("Analysis 2", ["analysis"]), ("Groceries", ["home"])]]
    api.delete(f"/api/notes/{ids[1]}/")  # in the trash: never exported, even named
    finished = wait_for_job(api, api.post("/api/jobs/export/", {"format": "markdown", "destination": "download", "notes": ids[:2]}).json())
    assert finished["state"] == "done" and finished["result"]["notes"] == 1
    archive = zipfile.ZipFile(io.BytesIO(b"".join(api.get(f"/api/jobs/{finished['id']}/file/").streaming_content)))
    assert archive.namelist() == ["Analysis 1.md"]


def test_an_export_of_as_many_notes_as_a_list_may_name_is_done(api, sqlite_as_most_systems_build_it):
    """100,000 ids made one query of 100,000 variables, more than SQLite (but Debian's) and
    PostgreSQL take: the export failed with a server error. The ids are now asked for in parts."""
    ids = [api.post("/api/notes/", {"title": title, "body": "x"}).json()["id"] for title in ("First", "Second")]
    named = [*ids, *range(ids[-1] + 1, ids[-1] + TOO_MANY_FOR_ONE_QUERY)]  # the rest no note's
    for export_format in ("json", "markdown"):
        started = api.post("/api/jobs/export/", {"format": export_format, "destination": "download", "notes": named})
        finished = wait_for_job(api, started.json())
        assert (finished["state"], finished["result"]["notes"] if finished["result"] else finished["error"]) == ("done", 2)


@pytest.mark.parametrize("notes, message", [
    ("3", "Enter the notes as a list of their ids."),
    ([1, "2"], "Enter the notes as a list of their ids."),
    ([True], "Enter the notes as a list of their ids."),
    (list(range(1, 100_002)), "Choose at most 100,000 notes."),
])
def test_an_export_of_chosen_notes_named_wrongly_is_400_saying_so(api, notes, message):
    response = api.post("/api/jobs/export/", {"format": "json", "destination": "download", "notes": notes})
    assert response.status_code == 400
    assert response.json()["fields"]["notes"] == [message]


def test_closing_the_save_dialog_starts_nothing(api, dialogs):
    dialogs(None)
    assert api.post("/api/jobs/export/", {"format": "json", "destination": "dialog"}).status_code == 204


def test_dialogs_outside_the_window_are_a_clear_400(api):
    response = api.post("/api/jobs/export/", {"format": "json", "destination": "dialog"})
    assert response.status_code == 400
    assert response.json()["error"] == "File dialogs are only available in the Notedesk window."


def test_an_export_to_a_folder_that_cannot_be_written_fails_with_a_message(api, dialogs, tmp_path):
    dialogs(tmp_path / "missing-folder" / "notes.json")
    finished = wait_for_job(api, api.post("/api/jobs/export/", {"format": "json", "destination": "dialog"}).json())
    assert finished["state"] == "failed"
    assert finished["error"].startswith(f"Cannot write to {tmp_path / 'missing-folder'}")


def test_an_uploaded_import_runs_as_a_job_and_is_idempotent(api):
    document = {"format": "notedesk-notes", "version": 1, "notes": [
        {"uid": str(uuid.uuid4()), "title": "Imported", "body": "b", "tags": ["x"], "pinned": False,
         "created": "2026-01-01T00:00:00+00:00", "updated": "2026-01-02T00:00:00+00:00"},
    ]}
    content = json.dumps(document).encode()
    first = wait_for_job(api, api.upload("/api/jobs/import/", "notes.json", content).json())
    again = wait_for_job(api, api.upload("/api/jobs/import/", "notes.json", content).json())
    assert first["result"] == {"created": 1, "updated": 0, "unchanged": 0, "attachments": 0, "tags": [{"name": "x", "notes": 1}]}
    assert again["result"] == {"created": 0, "updated": 0, "unchanged": 1, "attachments": 0, "tags": [{"name": "x", "notes": 1}]}
    assert api.get("/api/notes/").json()["total"] == 1


def test_a_bad_import_file_fails_with_the_reason(api):
    finished = wait_for_job(api, api.upload("/api/jobs/import/", "notes.json", b"{}").json())
    assert finished["state"] == "failed"
    assert finished["error"] == "This JSON file is not a Notedesk export."


def test_an_import_job_is_all_or_nothing_a_bad_note_after_the_first_batch_imports_none(api):
    from tests.notes.test_transfer import six_hundred_notes_the_551st_of_which_cannot_be_stored

    content = six_hundred_notes_the_551st_of_which_cannot_be_stored()
    finished = wait_for_job(api, api.upload("/api/jobs/import/", "notes.json", content).json())
    assert finished["state"] == "failed"
    assert finished["error"] == "Note 551: body: This text holds U+DC80, half of a surrogate pair, which is not a character."
    assert api.get("/api/notes/").json()["total"] == 0


@pytest.mark.desktop  # SQLite's lock, taken by another program
def test_an_import_stopped_by_another_program_locking_the_database_says_so_and_can_be_run_again(api, monkeypatch):
    document = {"format": "notedesk-notes", "version": 1, "notes": [
        {"uid": str(uuid.uuid4()), "title": f"Imported {number}", "body": "", "tags": [], "pinned": False,
         "created": "2026-01-01T00:00:00+00:00", "updated": "2026-01-02T00:00:00+00:00"}
        for number in range(3)
    ]}
    content = json.dumps(document).encode()
    database = connection.settings_dict
    monkeypatch.setitem(database["OPTIONS"], "timeout", 0.2)  # the job's own connection opens with it
    other_program = sqlite3.connect(database["NAME"], isolation_level=None)
    other_program.execute("BEGIN IMMEDIATE")
    try:
        stopped = wait_for_job(api, api.upload("/api/jobs/import/", "notes.json", content).json())
    finally:
        other_program.execute("ROLLBACK")
        other_program.close()
    assert stopped["state"] == "failed"
    assert stopped["error"].startswith("Another program is using the notes database: the import stopped after 0 of 3")
    assert "import the file again" in stopped["error"]
    finished = wait_for_job(api, api.upload("/api/jobs/import/", "notes.json", content).json())
    assert finished["result"]["created"] == 3


def test_an_import_job_of_a_zip_writes_its_attachments_from_the_uploaded_file_and_then_removes_it(api, settings):
    from tests.notes.test_transfer import zip_whose_notes_all_name_one_file

    content = zip_whose_notes_all_name_one_file(notes=3, size=100_000)
    finished = wait_for_job(api, api.upload("/api/jobs/import/", "notes.zip", content).json())
    assert finished["result"] == {"created": 3, "updated": 0, "unchanged": 0, "attachments": 3, "tags": []}
    notes = api.get("/api/notes/").json()["notes"]
    assert [note["attachments"][0]["size"] for note in notes] == [100_000] * 3
    assert list((settings.DESKTOP_DATA_DIR / "imports").iterdir()) == []


def test_an_import_whose_attached_files_find_the_disk_full_says_so_and_imports_nothing(api, settings, monkeypatch):
    from embedded_site.notes.importing import AttachmentSpool
    from tests.notes.test_transfer import GOOD, export_document

    def disk_full(spool, decoding, letters):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(AttachmentSpool, "write", disk_full)
    content = export_document({**GOOD, "attachments": [{"name": "a.bin", "data": "Ynl0ZXM="}]})
    finished = wait_for_job(api, api.upload("/api/jobs/import/", "backup.json", content).json())
    assert finished["state"] == "failed"
    assert finished["error"].startswith("The disk is full: there is no room to read ")
    assert "Nothing was imported." in finished["error"]
    assert api.get("/api/notes/").json()["notes"] == []
    assert list((settings.DESKTOP_DATA_DIR / "imports").iterdir()) == []  # neither the upload nor what was decoded


def test_an_import_from_the_open_dialog_reads_the_chosen_file(api, dialogs, tmp_path):
    make_notes(api, 2)
    export = tmp_path / "backup.json"
    dialogs(export)
    wait_for_job(api, api.post("/api/jobs/export/", {"format": "json", "destination": "dialog"}).json())
    finished = wait_for_job(api, api.post("/api/jobs/import-from-dialog/").json())
    assert finished["result"] == {"created": 0, "updated": 0, "unchanged": 2, "attachments": 0, "tags": [{"name": "t", "notes": 2}]}
    assert export.exists()  # the person's own file is never removed


def test_a_cancelled_export_stops_and_leaves_no_file(api, monkeypatch):
    make_notes(api, 3)
    monkeypatch.setattr("embedded_site.notes.exporting.BATCH_SIZE", 1)
    started = threading_gate(monkeypatch)
    job = api.post("/api/jobs/export/", {"format": "json", "destination": "download"}).json()
    started.wait(5)
    api.delete(f"/api/jobs/{job['id']}/")
    started.release()
    finished = wait_for_job(api, job)
    assert finished["state"] == "cancelled"
    assert api.get(f"/api/jobs/{job['id']}/file/").status_code == 409


class Gate:
    """Holds a job after its first step until the test has asked for it to be cancelled."""

    def __init__(self):
        self.reached = threading.Event()
        self.opened = threading.Event()

    def wait(self, timeout):
        assert self.reached.wait(timeout)

    def release(self):
        self.opened.set()


def threading_gate(monkeypatch):
    gate = Gate()
    real_follow = jobs.follow

    def gated_follow(job, steps):
        def held(steps):
            for step in steps:
                yield step
                gate.reached.set()
                gate.opened.wait(60)

        return real_follow(job, held(steps))

    monkeypatch.setattr(jobs, "follow", gated_follow)
    return gate


def test_an_unknown_job_is_404(api):
    assert api.get("/api/jobs/nope/").status_code == 404


def test_an_export_job_with_a_bad_format_is_400(api):
    response = api.post("/api/jobs/export/", {"format": "pdf", "destination": "download"})
    assert response.status_code == 400
    assert "format" in response.json()["fields"]


def test_an_export_job_with_a_choice_that_is_no_json_string_is_400_naming_it_without_python_in_the_words(api):
    response = api.post("/api/jobs/export/", {"format": ["json"], "destination": 1})
    assert response.status_code == 400
    assert response.json()["fields"] == {"format": ["Enter one of the choices (a JSON string)."],
                                         "destination": ["Enter one of the choices (a JSON string)."]}


def test_the_export_file_is_deleted_when_old_jobs_are_forgotten(api, owner, monkeypatch):
    monkeypatch.setattr(jobs, "JOBS_KEPT", 1)
    first = wait_for_job(api, api.post("/api/jobs/export/", {"format": "json", "destination": "download"}).json())
    output = jobs.find_job(owner, first["id"]).output
    wait_for_job(api, api.post("/api/jobs/export/", {"format": "json", "destination": "download"}).json())
    assert not output.exists()
    assert api.get(f"/api/jobs/{first['id']}/").status_code == 404


def test_export_jobs_are_only_started_with_post(api):
    assert api.get("/api/jobs/export/").status_code == 405


def test_an_address_typed_as_it_is_is_a_link(api):
    body = ("See https://example.org/a?b=1&c=(2). Or http://example.com/path_(x), then `https://in.code/x`, "
            "[text https://inside.link](https://example.net) and <https://angle.example>; nothing for https:// alone.")
    html = api.preview(body)
    assert '<a href="https://example.org/a?b=1&amp;c=(2)" target="_blank" rel="noopener noreferrer">https://example.org/a?b=1&amp;c=(2)</a>.' in html
    assert '<a href="http://example.com/path_(x)" target="_blank" rel="noopener noreferrer">http://example.com/path_(x)</a>,' in html
    assert "<code>https://in.code/x</code>" in html
    assert html.count("<a ") == 4  # the link's text stays text; the one in angle brackets is one link
    assert "nothing for https:// alone." in html
    html = api.preview("(see https://example.org/x) and javascript://alert(1)")
    assert '(see <a href="https://example.org/x" target="_blank" rel="noopener noreferrer">https://example.org/x</a>)' in html
    assert "javascript" in html and html.count("<a ") == 1


def test_obsidian_s_comments_are_not_shown(api):
    """A vault's `%%…%%` comments, which Obsidian shows only in its editor, were shown in the preview
    and printed."""
    body = ("Tomatoes, %%ask Ann%% onions, `%%kept in code%%` and 100%% sure.\n\n"
            "%%\nNot for the print.\n\nNor this.\n%%\n\nLime. %%one on\ntwo lines%% Salt.\n%%a line of its own%%\n")
    html = api.preview(body)
    assert "<p>Tomatoes,  onions, <code>%%kept in code%%</code> and 100%% sure.</p>" in html
    assert "<p>Lime.  Salt.</p>" in html
    assert not any(hidden in html for hidden in ("Ann", "print", "Nor this", "two lines", "of its own"))


def test_obsidian_s_highlights_and_callouts_are_shown_as_such(api):
    body = ("A ==very **important**== point, not == this == nor a===b.\n\n"
            "> [!warning] Mind the gap\n> Trains *stop* here.\n\n> [!tip]\n> No title of its own.\n\n> [!note] Title only\n\n> A plain quote")
    html = api.preview(body)
    assert "A <mark>very <strong>important</strong></mark> point, not == this == nor a===b." in html
    assert ('<blockquote class="callout callout-warning" dir="auto">\n<p class="callout-title">Mind the gap</p>'
            "<p>Trains <em>stop</em> here.</p>") in html
    assert '<blockquote class="callout callout-tip" dir="auto">\n<p class="callout-title">Tip</p><p>No title of its own.</p>' in html
    assert '<blockquote class="callout callout-note" dir="auto">\n<p class="callout-title">Title only</p>' in html
    assert '<blockquote dir="auto">\n<p>A plain quote</p>' in html
