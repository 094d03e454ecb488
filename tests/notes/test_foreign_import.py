"""Imports from other apps: a folder of Markdown files (an Obsidian vault), as a folder or a zip,
and Evernote's .enex, as jobs; hostile input refused cleanly. Every sample is made here."""

import base64
import hashlib
import io
import os
import subprocess
import unicodedata
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from embedded_site.notes.foreign_import import enml_to_markdown, front_matter, read_enex, read_markdown_source
from embedded_site.notes.importing import AttachmentSpool, ImportFileError
from embedded_site.notes.markdown import render_markdown
from embedded_site.notes.models import Attachment, Note
from embedded_site.notes.revisions import body_of
from tests.conftest import launcher_command
from tests.notes.test_jobs_and_preview import FakeDialogs, wait_for_job
from tests.notes.test_transfer import (  # noqa: F401 (two_notes and note_with_attachments are fixtures)
    attachments_as_stored, empty_the_database, exported, note_with_attachments, notes_as_exported, two_notes,
)

pytestmark = pytest.mark.django_db(transaction=True)

NOTE_WITH_FRONT_MATTER = """---
title: Project plan
tags: [work, "q3 plans"]
created: 2025-03-01T09:30:00+00:00
aliases:
  - plan
---
The plan links to [[Meeting notes]] and has an #inline-tag, not `#code`, nor [[#A heading]].

# A heading, not a tag
"""


def vault(root):
    """An Obsidian vault, with what a hostile one may hold too."""
    (root / "Projects" / "Deep").mkdir(parents=True)
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "workspace.md").write_text("not a note")
    (root / "Projects" / "plan.md").write_text(NOTE_WITH_FRONT_MATTER)
    (root / "Meeting notes.md").write_text("Agenda\n- budget\n")
    (root / "Projects" / "Deep" / "idea.md").write_bytes("\ufeffAn idea with a BOM".encode())
    (root / "latin1.md").write_bytes("caf\xe9".encode("latin-1"))
    (root / "binary.md").write_bytes(b"text\x00more")
    (root / "picture.png").write_bytes(b"\x89PNG")
    outside = root.parent / "secret.md"
    outside.write_text("a file outside the vault")
    (root / "secret-link.md").symlink_to(outside)
    (root / "linked-folder").symlink_to(root.parent, target_is_directory=True)
    return root


def test_a_vault_folder_becomes_notes_with_titles_tags_and_dates(tmp_path):
    found = read_markdown_source(vault(tmp_path / "vault"))
    notes = {record["title"]: record for record in found.records}
    assert sorted(notes) == ["Meeting notes", "Project plan", "idea"]
    plan = notes["Project plan"]
    assert plan["tags"] == ["projects", "work", "q3 plans", "inline-tag"]  # its folder first
    assert plan["created"] == datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)
    assert plan["body"].startswith("---\naliases:\n  - plan\n---\nThe plan links to [[Meeting notes]]")
    assert notes["idea"]["body"] == "An idea with a BOM"
    assert notes["idea"]["tags"] == ["projects", "deep"]
    assert sorted((item.path, item.reason) for item in found.skipped) == [
        ("binary.md", "not text (it holds NUL characters)"),
        ("latin1.md", "not UTF-8 text (byte 3)"),
        ("linked-folder", "a link to a folder: not followed"),
        ("secret-link.md", "a link to a file: not followed"),
    ]


def test_inline_tags_in_any_script_keep_their_vowel_signs_and_marks(tmp_path):
    """Python's \\w leaves out combining marks: #टैग was the tag ट, #สวัสดี the tag ส."""
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "नोट.md").write_text("#टैग #สวัสดี #كَلِمَة, #日本語。#work/sub-tag.")
    [record] = read_markdown_source(tmp_path / "vault").records
    assert (record["title"], record["tags"]) == ("नोट", ["टैग", "สวัสดี", "كَلِمَة", "日本語", "work/sub-tag"])


def test_inline_tags_follow_obsidians_rules_not_numbers_links_to_headings_urls_or_escapes(tmp_path):
    """`#2024-review` was no tag (it starts with a digit), and a link to a heading, `[setup](#setup)`,
    or a URL's fragment became one."""
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "Notes.md").write_text(
        "Read #2024-review and #y1984, not issue #1984.\n"
        "See [setup](#setup), <a href=\"#intro\">intro</a>, https://example.com/page-#fragment and \\#escaped.\n"
        "(#reading) #to-do/next\n")
    [record] = read_markdown_source(tmp_path / "vault").records
    assert record["tags"] == ["2024-review", "y1984", "reading", "to-do/next"]


def test_links_to_a_notes_aliases_lead_to_that_note_and_its_aliases_stay(tmp_path):
    """Obsidian links to a note by any name of its `aliases:`: such a link led to no note."""
    (tmp_path / "vault").mkdir()
    plan = "---\ntitle: Project plan\naliases:\n  - Roadmap\n  - The plan\n---\nGoals"
    (tmp_path / "vault" / "plan.md").write_text(plan)
    (tmp_path / "vault" / "Old.md").write_text("---\nalias: Legacy notes\n---\nOld")
    (tmp_path / "vault" / "Shared.md").write_text("---\naliases: [Shared name]\n---\nOne")
    (tmp_path / "vault" / "Other.md").write_text("---\naliases: [Shared name, Roadmap]\n---\nTwo")
    (tmp_path / "vault" / "Roadmap.md").write_text("The note named Roadmap")
    (tmp_path / "vault" / "Hub.md").write_text(
        "[[The plan]], [[the plan#Goals|goals]], [[Legacy notes]], [[Roadmap]], [[Shared name]], `[[The plan]]`")
    notes = {record["title"]: record["body"] for record in read_markdown_source(tmp_path / "vault").records}
    # A file's own name wins over an alias, as in Obsidian; an alias two notes share leads to neither.
    assert notes["Hub"] == ("[[Project plan|The plan]], [[Project plan#Goals|goals]], [[Old|Legacy notes]], [[Roadmap]], "
                            "[[Shared name]], `[[The plan]]`")
    assert notes["Project plan"] == "---\naliases:\n  - Roadmap\n  - The plan\n---\nGoals"


DAILY_NOTE = """# Monday standup
See [[plan]], [[Plan#Goals|the goals]] and [[Projects/plan]]; not `[[plan]]` in code.
![[diagram.png]] and [the brief](../Files/brief%20v2.pdf "the brief"), [a site](https://example.com/a.png),
![gone](missing.png) and [[Meeting notes]].
"""


def linked_vault(root):
    """A vault whose notes link to each other by file name and to files beside them."""
    for folder in ("Daily", "Projects", "Files", "Images", "Other"):
        (root / folder).mkdir(parents=True)
    (root / "Daily" / "2025-03-03.md").write_text(DAILY_NOTE)
    (root / "Projects" / "plan.md").write_text("---\ntitle: Project plan\n---\n# Not the title\nGoals")
    (root / "Meeting notes.md").write_text("```\n# not a heading in code\n```\n## A second-level heading\n")
    (root / "Files" / "brief v2.pdf").write_bytes(b"%PDF-1.7 the brief")
    (root / "Images" / "diagram.png").write_bytes(b"\x89PNG the diagram")
    (root / "Other" / "diagram.png").write_bytes(b"\x89PNG another diagram")
    return root


def test_a_vault_note_is_titled_by_its_front_matter_else_its_file_name_and_its_links_still_lead_where_they_did(tmp_path):
    found = read_markdown_source(linked_vault(tmp_path / "vault"))
    notes = {record["title"]: record for record in found.records}
    assert sorted(notes) == ["2025-03-03", "Meeting notes", "Project plan"]  # not its first heading, as in Obsidian
    daily = notes["2025-03-03"]
    assert daily["body"] == DAILY_NOTE.replace("See [[plan]], [[Plan#Goals|the goals]] and [[Projects/plan]]",
                                               "See [[Project plan|plan]], [[Project plan#Goals|the goals]] and [[Project plan|Projects/plan]]")
    assert daily["tags"] == ["daily"]
    assert daily["body"].splitlines()[1] == (
        "See [[Project plan|plan]], [[Project plan#Goals|the goals]] and [[Project plan|Projects/plan]]; not `[[plan]]` in code."
    )
    assert "and [[Meeting notes]]." in daily["body"]
    attached = [(attachment.name, b"".join(attachment.chunks())) for attachment in daily["attachments"]]
    assert attached == [("brief v2.pdf", b"%PDF-1.7 the brief"), ("diagram.png", b"\x89PNG the diagram")]
    assert found.skipped == []


def test_notes_that_would_share_a_title_get_one_each_and_links_lead_to_the_right_one(tmp_path):
    found = read_markdown_source(io.BytesIO(zipped({
        **{f"V4/Daily/2024-03-0{day}.md": f"# Daily note\n\nWhat happened on 2024-03-0{day}." for day in (1, 2, 3)},
        "V4/Work/Meeting.md": "Work meeting notes", "V4/Home/Meeting.md": "Home meeting notes",
        "V4/Meeting.md": "The meeting at the top of the vault",
        "V4/Trips/rome.md": "---\ntitle: Trip\n---\nRome", "V4/Trips/paris.md": "---\ntitle: Trip\n---\nParis",
        "V4/Hub.md": "[[2024-03-02]], [[Work/Meeting]], [[Home/Meeting|home one]], [[Meeting]], [[Trips/paris]]",
    })))
    notes = {record["title"]: record["body"] for record in found.records}
    assert sorted(notes) == [
        "2024-03-01", "2024-03-02", "2024-03-03", "Hub", "Meeting", "Meeting (Home)", "Meeting (Work)",
        "Trip (Trips/paris)", "Trip (Trips/rome)",
    ]
    assert notes["Hub"] == ("[[2024-03-02]], [[Meeting (Work)|Work/Meeting]], [[Meeting (Home)|home one]], [[Meeting]], "
                            "[[Trip (Trips/paris)|Trips/paris]]")
    assert sorted((item.path, item.reason) for item in found.skipped) == [
        ("V4/Home/Meeting.md", "another imported note is titled “Meeting” too: this one is titled “Meeting (Home)”"),
        ("V4/Trips/paris.md", "another imported note is titled “Trip” too: this one is titled “Trip (Trips/paris)”"),
        ("V4/Trips/rome.md", "another imported note is titled “Trip” too: this one is titled “Trip (Trips/rome)”"),
        ("V4/Work/Meeting.md", "another imported note is titled “Meeting” too: this one is titled “Meeting (Work)”"),
    ]


def test_names_a_mac_zip_stores_decomposed_become_titles_and_tags_as_typed(api):
    decomposed = unicodedata.normalize("NFD", "Café")
    assert decomposed != "Café"
    content = zipped({
        f"vault/{decomposed}/{decomposed} notes.md": f"---\ntags: [{decomposed}]\n---\nEspresso",
        "vault/Hub.md": "See [[Café notes]]",
    })
    finished = wait_for_job(api, api.client.post("/api/jobs/import-other/", {
        "source": "markdown-folder", "file": io.BytesIO(content)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
    assert finished["state"] == "done", finished
    cafe = Note.objects.get(body__endswith="Espresso")
    assert (cafe.title, [tag.name for tag in cafe.tags.all()]) == ("Café notes", ["café"])
    # A link typed here, as the vault's own link, leads to it.
    assert api.get(f"/api/notes/{cafe.pk}/backlinks/").json()["total"] == 1
    assert api.get("/api/links/", {"title": "Café notes"}).json()["total"] == 1
    assert Note.objects.get(title="Hub").body == "See [[Café notes]]"


def test_a_linked_file_over_the_attachment_limit_is_left_out_saying_so(tmp_path, settings):
    settings.NOTEDESK_MAX_ATTACHMENT_SIZE = 10
    found = read_markdown_source(linked_vault(tmp_path / "vault"))
    assert [record["title"] for record in found.records if record["attachments"]] == []
    assert sorted(item.path for item in found.skipped) == ["Files/brief v2.pdf", "Images/diagram.png"]
    assert "larger than the limit for an attachment" in found.skipped[0].reason


def test_every_one_of_hundreds_of_videos_over_the_attachment_limit_is_listed_for_the_person(tmp_path, settings):
    # The job listed the first 50 ("And 250 more, not listed here."): which videos to keep
    # elsewhere could not be told.
    settings.NOTEDESK_MAX_ATTACHMENT_SIZE = 10
    for number in range(300):
        (tmp_path / f"Trip {number}.md").write_text(f"![[trip {number}.mp4]]")
        (tmp_path / f"trip {number}.mp4").write_bytes(b"a long video")
    listed = read_markdown_source(tmp_path).result()["skipped_files"]
    assert sorted(item["path"] for item in listed) == sorted(f"trip {number}.mp4" for number in range(300))


def test_a_zipped_vault_imports_its_linked_files_and_a_second_import_adds_none(api):
    content = zipped({"vault/Daily/Today.md": "# Today\n![[photo.jpg]] see [[plan]]", "vault/plan.md": "---\ntitle: The plan\n---\n",
                      "vault/Daily/photo.jpg": b"\xff\xd8 a photo", "vault/../outside.jpg": b"x"})
    for created in (2, 0):
        finished = wait_for_job(api, api.client.post("/api/jobs/import-other/", {
            "source": "markdown-folder", "file": io.BytesIO(content)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
        assert finished["state"] == "done", finished
        assert (finished["result"]["created"], finished["result"]["attachments"]) == (created, 1 if created else 0)
    today = Note.objects.get(title="Today")
    assert [tag.name for tag in today.tags.all()] == ["daily"]  # not "vault": the zip's folder is the vault
    assert today.body == "# Today\n![[photo.jpg]] see [[The plan|plan]]"
    attachment = Attachment.objects.get()
    assert (attachment.note_id, attachment.name) == (today.pk, "photo.jpg")
    assert b"".join(api.get(f"/api/attachments/{attachment.pk}/").streaming_content) == b"\xff\xd8 a photo"
    plan = Note.objects.get(title="The plan")
    assert api.get(f"/api/notes/{plan.pk}/backlinks/").json()["total"] == 1


def zipped(files: dict, links=()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def test_a_zipped_vault_refuses_paths_out_of_it_and_links(tmp_path):
    content = zipped(
        {"vault/a.md": "A", "../evil.md": "x", "/abs.md": "x", "C:/win.md": "x", "vault/.trash/old.md": "x",
         "__MACOSX/vault/._a.md": "x", "vault/" + "d/" * 40 + "deep.md": "x"},
        links=["vault/link.md"],
    )
    found = read_markdown_source(io.BytesIO(content))
    assert [record["title"] for record in found.records] == ["a"]
    assert sorted((item.path, item.reason) for item in found.skipped) == [
        ("../evil.md", "a path out of the folder"),
        ("/abs.md", "a path out of the folder"),
        ("C:/win.md", "a path out of the folder"),
        ("vault/" + "d/" * 40 + "deep.md", "nested more than 32 folders deep"),
        ("vault/link.md", "a link to a file: not followed"),
    ]
    assert not (tmp_path.parent / "evil.md").exists()


def test_a_zip_too_large_once_uncompressed_is_refused_saying_how_to_import_it_all_the_same(monkeypatch):
    # It said "The files in this zip file are too large to import at once.", and no more: a vault
    # of ten years with its videos could not be imported, and nothing said how.
    monkeypatch.setattr("embedded_site.notes.foreign_import.MAX_TOTAL_SIZE", 1000)
    with pytest.raises(ImportFileError) as refused:
        read_markdown_source(io.BytesIO(zipped({"a.md": "x" * 2000})))
    assert str(refused.value) == (
        "The files in this zip file add up to 2.0\xa0KB once unpacked, more than the 1000\xa0bytes an archive may hold to "
        "be imported at once. Unpack it, and import the folder with Import Markdown… in the Notedesk window: a folder "
        "has no such limit (only its files larger than an attachment may be are left out, each listed).")


def test_a_file_linked_from_many_notes_counts_once_for_each_against_the_zip_limit(monkeypatch):
    """Each note that links a file gets a copy of it: a 26 KB zip of 13 notes linking one 24 MB file
    of zeros wrote 312 MB of attachments."""
    monkeypatch.setattr("embedded_site.notes.foreign_import.MAX_TOTAL_SIZE", 1000)
    notes = {f"n{number}.md": "[[blob.bin]]" for number in range(5)}
    with pytest.raises(ImportFileError, match="each counted once for every note that links to it"):
        read_markdown_source(io.BytesIO(zipped({**notes, "blob.bin": b"\0" * 300})))
    found = read_markdown_source(io.BytesIO(zipped({"n1.md": "[[blob.bin]]", "n2.md": "[[blob.bin]]", "blob.bin": b"\0" * 300})))
    assert [len(record["attachments"]) for record in found.records] == [1, 1]


def test_notes_whose_paths_differ_only_in_case_are_both_imported_once(api):
    """A note's uid comes from its path, whatever its case: two such files had one uid, and the
    import failed, or kept one file's text over the other's."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        for name, text in [("vault/Plan.md", "upper"), ("vault/plan.md", "lower"), ("vault/same.md", "first"),
                           ("vault/same.md", "second")]:
            archive.writestr(name, text)
    for created, unchanged in [(3, 0), (0, 3)]:
        finished = wait_for_job(api, api.client.post("/api/jobs/import-other/", {
            "source": "markdown-folder", "file": io.BytesIO(buffer.getvalue())}, HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
        assert finished["state"] == "done", finished
        assert (finished["result"]["created"], finished["result"]["unchanged"]) == (created, unchanged)
        assert finished["result"]["skipped_files"] == [
            {"path": "vault/same.md", "reason": "in the zip file twice: the first one was imported"},
            {"path": "vault/plan.md", "reason": "another imported note is titled “plan” too: this one is titled “plan 2”"}]
    assert sorted(Note.objects.values_list("title", "body")) == [("Plan", "upper"), ("plan 2", "lower"), ("same", "first")]


def test_a_damaged_file_in_a_zip_is_skipped_saying_so_and_the_rest_imported():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("damaged.md", "words " * 200)
        archive.writestr("fine.md", "fine")
    data = bytearray(buffer.getvalue())
    start = 30 + len("damaged.md")  # the first entry's compressed data, after its local header
    data[start:start + 8] = b"\xff" * 8
    found = read_markdown_source(io.BytesIO(bytes(data)))
    assert [record["title"] for record in found.records] == ["fine"]
    assert [(item.path, item.reason.startswith("cannot be read (")) for item in found.skipped] == [("damaged.md", True)]


def test_a_zip_naming_a_file_in_a_utf8_that_is_not_is_refused_saying_so():
    content = zipped({"u/\u00e9t\u00e9.md": "text"}).replace("\u00e9t\u00e9".encode(), b"\xff\xfet\xc3\xa9")
    with pytest.raises(ImportFileError, match="a file name in it is not UTF-8 text"):
        read_markdown_source(io.BytesIO(content))


def test_a_zip_entry_dated_on_no_calendar_day_is_dated_1980():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("undated.md", date_time=(1980, 0, 0, 0, 0, 0)), "text")
    (record,) = read_markdown_source(io.BytesIO(buffer.getvalue())).records
    assert record["created"] == record["updated"] == datetime(1980, 1, 1, tzinfo=timezone.utc)


def test_a_huge_markdown_file_is_skipped(monkeypatch):
    monkeypatch.setattr("embedded_site.notes.foreign_import.MAX_FILE_SIZE", 100)
    found = read_markdown_source(io.BytesIO(zipped({"big.md": "x" * 101, "small.md": "ok"})))
    assert [r["title"] for r in found.records] == ["small"]
    assert [(s.path, s.reason) for s in found.skipped] == [("big.md", "larger than 100\xa0bytes")]


def test_a_note_longer_than_a_note_holds_is_imported_in_parts_cut_between_lines():
    journal = "".join(f"day {number}: what happened\n" for number in range(90000))  # 2.4 million characters
    found = read_markdown_source(io.BytesIO(zipped({"Journal.md": journal, "links.md": "see [[Journal]]"})))
    parts = [record for record in found.records if record["title"].startswith("Journal")]
    assert [part["title"] for part in parts] == ["Journal", "Journal (2 of 3)", "Journal (3 of 3)"]
    assert "".join(part["body"] for part in parts) == journal
    assert all(part["body"].endswith("\n") for part in parts)
    assert len({part["uid"] for part in parts}) == 3
    assert [(item.path, item.reason) for item in found.skipped] == [
        ("Journal.md", "longer than the 1,000,000 characters a note holds: imported as 3 notes, “Journal” to “Journal (3 of 3)”")]


BOOK_DRAFT = "".join(f"Chapter line {number}: and then it rained.\n" for number in range(40000))  # 1.5 million characters


def test_a_book_draft_in_an_evernote_export_is_imported_in_parts_not_left_out():
    # It was left out: "body: Ensure this value has at most 1000000 characters".
    found = read_enex(io.BytesIO(enex_of(f"<en-note><pre>{BOOK_DRAFT}</pre></en-note>")), io.BytesIO())
    assert [record["title"] for record in found.records] == ["Note", "Note (2 of 2)"]
    assert "".join(record["body"] for record in found.records).split() == ["```", *BOOK_DRAFT.split(), "```"]
    assert [(item.path, item.reason) for item in found.skipped] == [
        ("Note 1 “Note”", "longer than the 1,000,000 characters a note holds: imported as 2 notes, “Note” to “Note (2 of 2)”")]


def test_a_book_draft_in_a_joplin_export_is_imported_in_parts_not_left_out(api):
    book = f"{9:032x}"
    content = zipped({f"export/{book}.md": joplin_item(book, "Book draft", BOOK_DRAFT, is_todo=0, encryption_applied=0,
                                                       **JOPLIN_DATES, type_=1)})
    finished = wait_for_job(api, api.client.post("/api/jobs/import-other/", {
        "source": "markdown-folder", "file": io.BytesIO(content)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
    assert finished["state"] == "done", finished
    assert finished["result"]["skipped_files"] == [{"path": f"export/{book}.md", "reason": (
        "longer than the 1,000,000 characters a note holds: imported as 2 notes, “Book draft” to “Book draft (2 of 2)”")}]
    parts = Note.objects.order_by("title")
    assert [note.title for note in parts] == ["Book draft", "Book draft (2 of 2)"]
    assert "".join(note.body for note in parts) == BOOK_DRAFT


def test_something_without_notes_is_refused_saying_so():
    with pytest.raises(ImportFileError, match="There are no Markdown notes"):
        read_markdown_source(io.BytesIO(zipped({"a.txt": "x"})))
    with pytest.raises(ImportFileError, match="neither a folder nor a zip file"):
        read_markdown_source(io.BytesIO(b"plain bytes"))


def test_a_zip_cut_short_is_said_to_be_damaged_not_to_be_no_zip():
    content = zipped({"a.md": "text " * 200, "b.md": "more " * 200})
    with pytest.raises(ImportFileError, match=r"^This zip file is damaged \(cut short\?\): the list of its files"):
        read_markdown_source(io.BytesIO(content[: len(content) // 2]))


def test_front_matter_keys_not_made_title_tags_or_dates_stay_at_the_top_of_the_text_as_they_were():
    book = ("---\nauthor: Ursula K. Le Guin\nsource: https://example.org/important-url\nrating: 5\naliases:\n"
            "  - Earthsea\nstatus: reading\ncssclasses: wide\ntags: [books]\n---\nMy review of the book.\n")
    found = read_markdown_source(io.BytesIO(zipped({
        "V2/Book.md": book,
        "V2/Dated.md": "---\ntitle: Plans\ncreated: 2025-03-01\ndate: 2024-01-01\nmodified: not a date\n---\nText",
        "V2/Dashed.md": "---\n---\nempty front matter\n",
    })))
    notes = {record["title"]: record for record in found.records}
    assert notes["Book"]["body"] == book.replace("tags: [books]\n", "")
    assert notes["Book"]["tags"] == ["books"]
    # `date` was not the created date (`created` was), nor `modified` a date: both stay.
    assert notes["Plans"]["body"] == "---\ndate: 2024-01-01\nmodified: not a date\n---\nText"
    assert notes["Dashed"]["body"] == "empty front matter\n"
    assert found.skipped == []


def test_a_date_without_an_offset_in_front_matter_is_the_persons_own_time(settings):
    """Obsidian writes its date and time properties in the person's time, with no offset: read as
    UTC, a note created on 1 March was listed in New York as created on 28 February at 7 PM."""
    settings.TIME_ZONE = "America/New_York"
    found = read_markdown_source(io.BytesIO(zipped({
        "V2/Trip.md": "---\ncreated: 2025-03-01\nupdated: 2025-07-04T09:30\n---\nText",
    })))
    record = found.records[0]
    new_york = ZoneInfo("America/New_York")
    assert record["created"] == datetime(2025, 3, 1, tzinfo=new_york)
    assert record["updated"] == datetime(2025, 7, 4, 9, 30, tzinfo=new_york)


def test_front_matter_reads_simple_yaml():
    values, body = front_matter("---\ntitle: 'Quoted'\ntags:\n  - one\n  - two\nempty:\n---\nBody")
    assert values == {"title": "Quoted", "tags": ["one", "two"], "empty": []} and body == "Body"


ENEX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE en-export SYSTEM "http://xml.evernote.com/pub/evernote-export3.dtd">
<en-export export-date="20250301T093000Z" application="Evernote" version="10">
  <note>
    <title>Groceries</title>
    <content><![CDATA[<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE en-note SYSTEM "http://xml.evernote.com/pub/enml2.dtd">
<en-note><div><b>Buy</b> these:</div><ul><li>milk</li><li>bread &amp; butter</li></ul>
<div><en-todo checked="true"/>done</div><div><a href="https://example.com">shop</a> <a href="javascript:x">bad</a></div>
<en-media type="image/png" hash="%s"/> <en-media type="image/png" hash="abc"/></en-note>]]></content>
    <created>20250301T093000Z</created>
    <updated>20250302T100000Z</updated>
    <tag>home</tag><tag>Shopping</tag>
    <resource><data encoding="base64">%s</data><mime>image/png</mime>
      <resource-attributes><file-name>receipt.png</file-name></resource-attributes></resource>
  </note>
  <note><title>Second</title><content><![CDATA[<en-note>Plain</en-note>]]></content><created>20250101T000000Z</created></note>
</en-export>
""" % (hashlib.md5(b"\x89PNG receipt").hexdigest(), base64.b64encode(b"\x89PNG receipt").decode())


def test_an_evernote_export_becomes_notes_with_markdown_tags_dates_and_attachments():
    found = read_enex(io.BytesIO(ENEX.encode()), io.BytesIO())
    groceries, second = found.records
    assert groceries["title"] == "Groceries"
    assert groceries["body"] == (  # the image found by its MD5, as ENML names it
        "**Buy** these:\n\n- milk\n- bread & butter\n\n- [x] done\n\n[shop](https://example.com) bad\n\n![[receipt.png]] (attachment)")
    assert groceries["tags"] == ["home", "shopping"]
    assert groceries["updated"] == datetime(2025, 3, 2, 10, 0, tzinfo=timezone.utc)
    assert [(a.name, b"".join(a.chunks())) for a in groceries["attachments"]] == [("receipt.png", b"\x89PNG receipt")]
    assert second["body"] == "Plain"


def test_an_evernote_note_keeps_its_text_when_an_attached_file_cannot_come_with_it(settings):
    settings.NOTEDESK_MAX_ATTACHMENT_SIZE = 20
    resource = "<resource><data>%s</data><resource-attributes><file-name>%s</file-name></resource-attributes></resource>"
    found = read_enex(io.BytesIO(f"""<en-export><note><title>Trip</title><content>&lt;en-note&gt;Important words&lt;/en-note&gt;</content>
        {resource % (base64.b64encode(b"x" * 100).decode(), "large.jpg")}
        {resource % ("not base64!", "broken.png")}
        {resource % (base64.b64encode(b"small").decode(), "small.txt")}
        </note><note><title>Next</title><content>&lt;en-note/&gt;</content><resource><data>!</data></resource></note>
        </en-export>""".encode()), io.BytesIO())
    trip, _ = found.records
    assert (trip["title"], trip["body"]) == ("Trip", "Important words")
    assert [attachment.name for attachment in trip["attachments"]] == ["small.txt"]
    assert [(item.path, item.reason) for item in found.skipped] == [
        ("Note 1 “Trip”", "its attachment 1 is larger than the limit for an attachment: the note is imported without it"),
        ("Note 1 “Trip”", "its attachment 2 is not valid base64: the note is imported without it"),
        ("Note 2 “Next”", "its attachment 1 is not valid base64: the note is imported without it"),  # still note 2
    ]


def test_a_title_or_tags_past_what_a_note_holds_are_cut_saying_so_and_the_note_imported():
    """A title was cut to 300 characters without a word, tags past 20 were dropped, and one tag
    too long skipped the whole note."""
    tags = "".join(f"<tag>tag {number}</tag>" for number in range(24)) + f"<tag>{'long' * 20}</tag>"
    found = read_enex(io.BytesIO(f"""<en-export><note><title>{'t' * 400}</title>
        <content>&lt;en-note&gt;Kept&lt;/en-note&gt;</content>{tags}</note></en-export>""".encode()), io.BytesIO())
    (note,) = found.records
    assert (note["title"], note["body"], note["tags"]) == ("t" * 300, "Kept", [f"tag {number}" for number in range(20)])
    where = f"Note 1 “{'t' * 60}”"
    assert [(item.path, item.reason) for item in found.skipped] == [
        (where, "its title is longer than 300 characters: the note is imported with the first 300"),
        (where, "it has 25 tags, more than the 20 a note holds: the note is imported with the first 20"),
    ]
    found = read_markdown_source(io.BytesIO(zipped({
        "plan.md": f"---\ntitle: {'p' * 301}\ntags: [{'x' * 51}, work]\n---\nText #idea"})))
    (note,) = found.records
    assert (len(note["title"]), note["tags"]) == (300, ["work", "idea"])
    assert [item.reason for item in found.skipped] == [
        "its title is longer than 300 characters: the note is imported with the first 300",
        f"its tag “{'x' * 40}…” is longer than 50 characters: the note is imported without it",
    ]


def test_a_large_evernote_export_is_read_without_holding_its_attached_files_in_memory(tmp_path, settings):
    import tracemalloc

    photos = [os.urandom(1_500_000) for _ in range(12)]
    export = tmp_path / "photos.enex"
    with export.open("w") as file:
        file.write("<en-export>")
        for number, photo in enumerate(photos):
            file.write(f"<note><title>Photo {number}</title><content>&lt;en-note&gt;Seen&lt;/en-note&gt;</content>"
                       f"<resource><data>{base64.encodebytes(photo).decode()}</data></resource></note>")
        file.write("</en-export>")
    assert export.stat().st_size > 24_000_000
    tracemalloc.start()
    try:
        with export.open("rb") as file, (tmp_path / "spool").open("w+b") as spool:
            found = read_enex(file, spool)
            _, peak = tracemalloc.get_traced_memory()
            read_back = [b"".join(record["attachments"][0].chunks()) for record in found.records]
    finally:
        tracemalloc.stop()
    assert read_back == photos
    assert [record["attachments"][0].size for record in found.records] == [len(photo) for photo in photos]
    assert peak < 6_000_000  # the whole file's attached files would be 18 MB decoded, 24 MB as text


@hypothesis_settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(data=st.binary(max_size=2000), line=st.integers(min_value=0, max_value=80), cuts=st.lists(st.integers(0, 3000)))
def test_an_attached_file_fed_in_any_pieces_is_decoded_whole(data, line, cuts):
    text = base64.b64encode(data).decode()
    if line:  # as Evernote writes it, lines of base64
        text = "\n".join(text[start:start + line] for start in range(0, len(text), line))
    spool = AttachmentSpool(io.BytesIO())
    decoding = spool.begin(md5=True)
    bounds = sorted({0, len(text), *(cut % (len(text) + 1) for cut in cuts)})
    for start, end in zip(bounds, bounds[1:]):
        spool.feed(decoding, text[start:end])
    spool.finish(decoding)
    attachment = spool.attachment(decoding, "file")
    assert decoding.problem == "" and b"".join(attachment.chunks()) == data
    assert (attachment.size, attachment.digest, decoding.md5.hexdigest()) == (
        len(data), hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest())


def test_an_evernote_note_too_large_or_with_data_after_its_padding_is_skipped_and_the_rest_imported():
    content = "x" * (8 * 1024 * 1024 + 1)
    found = read_enex(io.BytesIO(f"""<en-export>
        <note><title>Huge</title><content>{content}</content></note>
        <note><title>Padded</title><content>&lt;en-note&gt;Kept&lt;/en-note&gt;</content>
          <resource><data>QQ==QUFB</data></resource><resource><data>QQ==\n</data></resource></note>
        </en-export>""".encode()), io.BytesIO())
    padded, = found.records
    assert padded["body"] == "Kept" and [b"".join(a.chunks()) for a in padded["attachments"]] == [b"A"]
    assert [(item.path, item.reason) for item in found.skipped] == [
        ("Note 1 “Huge”", "its text is larger than 8.0\xa0MB"),
        ("Note 2 “Padded”", "its attachment 1 is not valid base64: the note is imported without it"),
    ]


@pytest.mark.parametrize("content, message", [
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><en-export><note>'
     b"<title>&b;</title></note></en-export>", "declares entities or external references (EntitiesForbidden)"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><en-export><note><title>&e;</title>'
     b"</note></en-export>", "declares entities or external references"),
    (b"<en-export>" + b"<div>" * 200 + b"</div>" * 200 + b"</en-export>", "nested more than 100 elements deep"),
    (b"<en-export><note><title>caf\xe9</title></note></en-export>", "This is not a valid Evernote export: not well-formed"),
    (b"<html></html>", "This XML file is not an Evernote export"),
    (b"<en-export></en-export>", "This Evernote export has no notes."),
    (b"not xml at all", "This is not a valid Evernote export: syntax error"),
    # An encoding Python does not know failed the import "unexpectedly".
    (b'<?xml version="1.0" encoding="x-evernote"?><en-export></en-export>',
     "This is not a valid Evernote export: its encoding, x-evernote, is not one Notedesk knows"),
])
def test_a_hostile_or_broken_evernote_export_is_refused_clearly(content, message):
    with pytest.raises(ImportFileError) as refused:
        read_enex(io.BytesIO(content), io.BytesIO())
    assert message in str(refused.value)


def test_enml_becomes_markdown():
    assert enml_to_markdown("<en-note><h2>Title</h2><p>One <i>two</i></p><ol><li>a</li></ol><hr/>x</en-note>") == (
        "## Title\n\nOne *two*\n\n1. a\n\n---\n\nx")


SHOPPING_ENML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE en-note SYSTEM "http://xml.evernote.com/pub/enml2.dtd">
<en-note><div><en-todo checked="false"/>bread</div><div><en-todo checked="true"/>milk</div><div><br/></div>
<div><b>Bold </b>and <i>italic</i> text<br/>on two lines<br/></div>
<ul><li><div>one</div></li><li><div>two</div><ul><li>two a</li></ul></li><ul><li>two b</li></ul></ul>
<div>A paragraph after the list.</div>
<ol><li>first<ol><li>inner</li></ol></li><li>second</li></ol>
<table style="border-collapse: collapse;"><tbody><tr><td><div>c1</div></td><td><div>c2</div></td></tr>
<tr><td><div>a | b</div></td><td><div>x</div><div>y</div></td></tr></tbody></table>
<div><en-media type="image/png" hash="%s"/></div>
<div><en-media type="application/pdf" hash="%s"/></div>
<h2>Notes</h2><blockquote><div>quoted</div></blockquote><hr/>
<div style="box-sizing: border-box; padding: 8px; -en-codeblock: true;"><div>def total(items):</div><div>    return sum(items)</div></div>
<pre>x = 1
y = 2</pre>
</en-note>""" % (hashlib.md5(b"\x89PNG receipt").hexdigest(), hashlib.md5(b"%PDF warranty").hexdigest())

SHOPPING_MARKDOWN = """- [ ] bread
- [x] milk

**Bold** and *italic* text\\
on two lines

- one
- two
  - two a
  - two b

A paragraph after the list.

1. first
   1. inner
2. second

| c1 | c2 |
| --- | --- |
| a \\| b | x y |

![[receipt.png]]

[[warranty.pdf]]

## Notes

> quoted

---

```
def total(items):
    return sum(items)
```

```
x = 1
y = 2
```"""


def test_an_evernote_note_keeps_its_structure_as_markdown_and_shows_its_attached_files():
    resource = ("<resource><data encoding=\"base64\">%s</data><mime>%s</mime>"
                "<resource-attributes><file-name>%s</file-name></resource-attributes></resource>")
    receipt, warranty = b"\x89PNG receipt", b"%PDF warranty"
    export = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE en-export SYSTEM "http://xml.evernote.com/pub/evernote-export4.dtd">
<en-export export-date="20250301T093000Z" application="Evernote" version="10.105.4">
  <note><title>Shopping</title><content><![CDATA[{SHOPPING_ENML}]]></content>
    <created>20250301T093000Z</created><updated>20250301T100000Z</updated>
    {resource % (base64.b64encode(receipt).decode(), "image/png", "receipt.png")}
    {resource % (base64.b64encode(warranty).decode(), "application/pdf", "warranty.pdf")}
  </note>
</en-export>"""
    (shopping,) = read_enex(io.BytesIO(export.encode()), io.BytesIO()).records
    assert shopping["body"] == SHOPPING_MARKDOWN
    assert [attachment.name for attachment in shopping["attachments"]] == ["receipt.png", "warranty.pdf"]


def test_the_markdown_of_an_evernote_note_shows_as_it_did_in_evernote(api, make_note):
    note = make_note(title="Shopping", body=enml_to_markdown(SHOPPING_ENML, {
        hashlib.md5(b"\x89PNG receipt").hexdigest(): "receipt.png", hashlib.md5(b"%PDF warranty").hexdigest(): "warranty.pdf"}))
    for name, content in (("receipt.png", b"\x89PNG receipt"), ("warranty.pdf", b"%PDF warranty")):
        assert api.upload(f"/api/notes/{note.pk}/attachments/", name, content).status_code == 201
    html = api.preview(note.body, note=note.pk)
    assert ('type="checkbox"> bread</li>\n<li class="task-list-item enabled"><input class="task-list-item-checkbox" '
            'data-line="1" checked="checked" type="checkbox"> milk</li>') in html
    assert "<strong>Bold</strong> and <em>italic</em> text<br>\non two lines" in html
    assert '<li>two\n<ul dir="auto">\n<li>two a</li>\n<li>two b</li>\n</ul>\n</li>\n</ul>\n<p>A paragraph after the list.</p>' in html
    assert "<td>a | b</td>\n<td>x y</td>" in html
    assert '<img src="/api/attachments/' in html and 'class="attachment-ref"' in html and "warranty.pdf</span>" in html
    assert "<pre><code>def total(items):\n    return sum(items)\n</code></pre>" in html


def enex_of(content: str, dates: str = "") -> bytes:
    return f"<en-export><note><title>Note</title><content><![CDATA[{content}]]></content>{dates}</note></en-export>".encode()


def test_each_evernote_to_do_is_a_task_list_item_whether_its_lines_are_br_div_or_p():
    """To-dos a `<br>` apart in one `<div>`, as Evernote often writes them: the second was
    `  [ ] open B`, a literal "[ ]" in the preview."""
    found = read_enex(io.BytesIO(enex_of(
        '<en-note><div><en-todo checked="true"/>buy milk</div><div><en-todo/>call mum</div>'
        '<div><en-todo checked="true"/>done A<br/><en-todo/>open B<br/></div><p><en-todo/>in a p</p>'
        '<div>Before<br/><en-todo/>task<br/>after, not the task\'s</div></en-note>')), io.BytesIO())
    (note,) = found.records
    assert note["body"] == ("- [x] buy milk\n- [ ] call mum\n- [x] done A\n- [ ] open B\n- [ ] in a p\n\n"
                            "Before\n\n- [ ] task\n\nafter, not the task's")
    html = render_markdown(note["body"])
    assert html.count('<li class="task-list-item enabled">') == 6 and "[ ]" not in html


def test_encrypted_evernote_text_is_marked_not_imported_and_said_in_skipped():
    found = read_enex(io.BytesIO(enex_of(
        '<en-note><div>Wifi:</div><div><en-crypt hint="the usual" cipher="AES" length="128">RU5DMA==</en-crypt></div>'
        '<div>PIN <span><en-crypt>UklOMA==</en-crypt></span></div></en-note>')), io.BytesIO())
    (note,) = found.records
    assert note["body"] == (
        "Wifi:\n\n[Encrypted content from Evernote: not imported (hint: the usual)]\n\n```\nRU5DMA==\n```\n\n"
        "PIN [Encrypted content from Evernote: not imported]")  # a cipher text in a line would read as its text
    assert [(item.path, item.reason) for item in found.skipped] == [(
        "Note 1 “Note”", "it holds 2 encrypted texts, which only Evernote can read, with the passphrase: the note is "
                         "imported with each marked “Encrypted content from Evernote: not imported”")]


def test_bold_italics_and_strikethrough_written_as_inline_styles_are_kept():
    assert enml_to_markdown(
        '<en-note><div><span style="font-weight:bold">bold</span>, <span style="font-weight: 700;">700</span>, '
        '<span style="Font-Style: italic">italic</span>, <font style="font-weight:bold;font-style:italic">both</font>, '
        '<span style="text-decoration: line-through">struck</span>, <span style="text-decoration:underline">under</span>, '
        '<span style="font-weight:400">normal</span></div></en-note>'
    ) == "**bold**, **700**, *italic*, ***both***, ~~struck~~, under, normal"


def test_an_image_a_web_clip_shows_from_elsewhere_becomes_a_link_to_it():
    assert enml_to_markdown(
        '<en-note><div>Map: <img src="https://example.com/map.png" alt="the map"/> '
        '<img src="https://example.com/logo.png"/> <img src="javascript:x"/></div></en-note>'
    ) == "Map: [the map](https://example.com/map.png) [https://example.com/logo.png](https://example.com/logo.png)"


def test_an_evernote_note_with_dates_that_are_not_dates_is_imported_saying_so_and_found_again():
    content = "<en-note>Kept</en-note>"
    dates = "<created>notadate</created><updated>2024-13-45</updated>"
    first = read_enex(io.BytesIO(enex_of(content, dates)), io.BytesIO())
    (note,) = first.records
    assert note["body"] == "Kept" and abs(note["created"] - datetime.now(timezone.utc)).total_seconds() < 60
    assert note["updated"] == note["created"]
    assert [(item.path, item.reason) for item in first.skipped] == [
        ("Note 1 “Note”", "its creation date “notadate” is not a date: the import time is used"),
        ("Note 1 “Note”", "its modification date “2024-13-45” is not a date: its creation date is used"),
    ]
    (again,) = read_enex(io.BytesIO(enex_of(content, dates)), io.BytesIO()).records
    assert again["uid"] == note["uid"]  # it was the import time's: a second import made the note twice


def test_deeply_nested_enml_is_converted_without_recursing_without_end():
    nested = "<en-note>" + "<div><ul><li><b>" * 400 + "deep" + "</b></li></ul></div>" * 400 + "<div>after</div></en-note>"
    text = enml_to_markdown(nested)
    assert "deep" in text and text.endswith("after")


def test_importing_the_same_vault_twice_creates_nothing_the_second_time(api, tmp_path):
    content = zipped({"vault/a.md": "A [[b]]", "vault/b.md": "B", "../x.md": "x"})
    first = wait_for_job(api, api.client.post("/api/jobs/import-other/", {
        "source": "markdown-folder", "file": io.BytesIO(content)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
    assert first["state"] == "done", first
    assert first["result"] == {"created": 2, "updated": 0, "unchanged": 0, "attachments": 0, "tags": [], "skipped": 1,
                               "skipped_files": [{"path": "../x.md", "reason": "a path out of the folder"}]}
    again = wait_for_job(api, api.client.post("/api/jobs/import-other/", {
        "source": "markdown-folder", "file": io.BytesIO(content)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
    assert again["result"]["unchanged"] == 2 and again["result"]["created"] == 0
    b = Note.objects.get(title="b")
    assert api.get(f"/api/notes/{b.pk}/backlinks/").json()["total"] == 1


def test_an_evernote_import_runs_as_a_job_with_its_attachments(api):
    upload = io.BytesIO(ENEX.encode())
    upload.name = "export.enex"
    finished = wait_for_job(api, api.client.post("/api/jobs/import-other/", {"source": "enex", "file": upload},
                                                 HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
    assert finished["result"]["created"] == 2 and finished["result"]["attachments"] == 1
    assert Attachment.objects.get().name == "receipt.png"


def test_a_refused_evernote_export_fails_the_job_with_the_reason(api):
    upload = io.BytesIO(b'<!DOCTYPE x [<!ENTITY a "b">]><en-export>&a;</en-export>')
    finished = wait_for_job(api, api.client.post("/api/jobs/import-other/", {"source": "enex", "file": upload},
                                                 HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
    assert finished["state"] == "failed" and "declares entities" in finished["error"]
    assert not Note.objects.exists()


@pytest.mark.parametrize("data, fields", [
    ({"source": "onenote", "file": io.BytesIO(b"x")}, ["source"]),
    ({"file": io.BytesIO(b"x")}, ["source"]),
    ({"source": "enex"}, ["file"]),
])
def test_a_bad_upload_is_400_naming_the_field(api, data, fields):
    response = api.client.post("/api/jobs/import-other/", data, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == fields


def test_the_window_imports_a_folder_picked_in_its_dialog(api, tmp_path, monkeypatch):
    from django_desktop_shell import native

    path = linked_vault(tmp_path / "vault")
    monkeypatch.setattr(native, "functions", FakeDialogs(path))
    finished = wait_for_job(api, api.post("/api/jobs/import-other-from-dialog/", {"source": "markdown-folder"}).json())
    assert (finished["result"]["created"], finished["result"]["attachments"]) == (3, 2)
    assert (path / "Files" / "brief v2.pdf").exists()  # the person's own files stay
    monkeypatch.setattr(native, "functions", FakeDialogs(None))
    assert api.post("/api/jobs/import-other-from-dialog/", {"source": "enex"}).status_code == 204
    assert api.post("/api/jobs/import-other-from-dialog/", {"source": "x"}).status_code == 400


def test_a_folder_is_read_whole_without_a_zip(tmp_path):
    root = tmp_path / "notes"
    root.mkdir()
    (root / "one.md").write_text("1")
    os.mkfifo(root / "pipe.md")
    found = read_markdown_source(root)
    assert [r["title"] for r in found.records] == ["one"]
    assert [(s.path, s.reason) for s in found.skipped] == [("pipe.md", "not a regular file")]


IMPORT_MARKDOWN = ("/api/jobs/import-other/", {"source": "markdown-folder"})  # the page's "Import Markdown…"
NOTEDESK_IMPORT = ("/api/jobs/import/", {})  # the page's "Import…"


def import_job(api, button, content):
    path, data = button
    return wait_for_job(api, api.client.post(path, {**data, "file": io.BytesIO(content)},
                                             HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())


# The tags of the notes of two_notes and note_with_attachments: where an import of them says they are.
TRIP_AND_TODO_TAGS = [{"name": "todo", "notes": 1}, {"name": "travel", "notes": 1}]


@pytest.mark.parametrize("first, second", [
    (IMPORT_MARKDOWN, IMPORT_MARKDOWN), (IMPORT_MARKDOWN, NOTEDESK_IMPORT), (NOTEDESK_IMPORT, IMPORT_MARKDOWN),
])
def test_a_notedesk_markdown_export_imports_as_notedesks_own_whichever_button_is_used(
    api, two_notes, note_with_attachments, attachments_dir, first, second
):
    notes, attachments = notes_as_exported(), attachments_as_stored()
    content = exported(api, "markdown")
    unchanged = {"created": 0, "updated": 0, "unchanged": 3, "attachments": 0, "tags": TRIP_AND_TODO_TAGS}
    assert import_job(api, IMPORT_MARKDOWN, content)["result"] == unchanged  # its notes are these: none again
    assert (notes_as_exported(), attachments_as_stored()) == (notes, attachments)
    empty_the_database(attachments_dir)
    assert import_job(api, first, content)["result"] == {
        "created": 3, "updated": 0, "unchanged": 0, "attachments": 2, "tags": TRIP_AND_TODO_TAGS}
    assert import_job(api, second, content)["result"] == unchanged
    # Same uids, pinned kept, each body without the export's Attachments links, each attachment once.
    assert (notes_as_exported(), attachments_as_stored()) == (notes, attachments)


def with_file_changed(content: bytes, name: str, change, at: datetime) -> bytes:
    """The zip `content`, its file `name` changed by `change` and dated `at` (as editing it in
    another app, then zipping it again, would leave it)."""
    with zipfile.ZipFile(io.BytesIO(content)) as original:
        files = {info.filename: (info, original.read(info)) for info in original.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info, data in files.values():
            if info.filename == name:
                info = zipfile.ZipInfo(name, date_time=at.astimezone().timetuple()[:6])
                data = change(data.decode()).encode()
            archive.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize("button", [IMPORT_MARKDOWN, NOTEDESK_IMPORT])
def test_a_note_of_the_markdown_export_edited_in_another_app_is_imported_over_the_older_one(api, two_notes, button):
    """An app such as Obsidian changes the text and leaves the front matter the export wrote, its
    `updated` too: the file's own time says the note is newer. The text it replaces is kept in the
    note's history."""
    trip = Note.objects.get(title__startswith="Trip")
    content = exported(api, "markdown")
    edited = with_file_changed(content, "Trip_ Lisbon_Porto.md", lambda text: text + "\nBooked the train.",
                               at=datetime(2026, 1, 2, 10, 0, tzinfo=timezone.utc))
    assert import_job(api, button, edited)["result"] == {
        "created": 0, "updated": 1, "unchanged": 1, "attachments": 0, "tags": TRIP_AND_TODO_TAGS}
    trip.refresh_from_db()
    assert trip.body == "---\nnot front matter\n\u2028line\nBooked the train."
    assert trip.updated == datetime(2026, 1, 2, 10, 0, tzinfo=timezone.utc)
    assert [body_of(revision) for revision in trip.revisions.all()] == ["---\nnot front matter\n\u2028line"]


def test_the_markdown_export_extracted_into_a_folder_and_edited_there_imports_over_its_notes(
        api, two_notes, note_with_attachments, attachments_dir, tmp_path, monkeypatch):
    """The folder picked in the window's dialog (an Obsidian vault made of the export, say): its
    notes are the notes they came from, not new ones, and the one edited there replaces its note."""
    from django_desktop_shell import native

    with zipfile.ZipFile(io.BytesIO(exported(api, "markdown"))) as archive:
        archive.extractall(tmp_path / "vault")
    (tmp_path / "vault" / ".obsidian").mkdir()  # Obsidian's own settings: not part of the export
    (tmp_path / "vault" / ".obsidian" / "app.json").write_text("{}")
    trip = tmp_path / "vault" / "Trip_ Lisbon_Porto.md"
    trip.write_text(trip.read_text() + "\nBooked the train.")
    monkeypatch.setattr(native, "functions", FakeDialogs(tmp_path / "vault"))
    finished = wait_for_job(api, api.post("/api/jobs/import-other-from-dialog/", {"source": "markdown-folder"}).json())
    assert finished["result"] == {"created": 0, "updated": 1, "unchanged": 2, "attachments": 0, "tags": TRIP_AND_TODO_TAGS}
    assert Note.objects.get(title__startswith="Trip").body.endswith("\nBooked the train.")
    assert Note.objects.count() == 3


def test_a_vault_made_of_the_markdown_export_and_changed_in_obsidian_imports_over_its_notes(
    api, two_notes, note_with_attachments, attachments_dir
):
    """A note written in Obsidian since, and another's properties edited there, which rewrites its
    front matter as YAML of Obsidian's own: "Import Markdown…" adds the one, updates the other with
    its own attachments' names, and doubles nothing. Every note of the vault was a new one."""
    receipts = Note.objects.get(title="Receipts")
    attachments = attachments_as_stored()
    exported_text = zipfile.ZipFile(io.BytesIO(exported(api, "markdown"))).read("Receipts.md").decode()
    obsidians = (
        f"---\ntitle: Receipts\ntags:\n  - tax\n  - home\npinned: true\nuid: {receipts.uid}\n"
        "created: 2020-05-17T08:30:15.123456+00:00\nupdated: 2020-05-17T08:30:15.123456+00:00\nattachments:\n"
        "  - name: scan (1).png\n    file: Receipts/scan (1).png\n  - name: scan (1).png\n    file: Receipts/scan (1) 2.png\n---\n"
    )
    changed = with_file_changed(
        exported(api, "markdown"), "Receipts.md",
        lambda text: obsidians + text.split("\n---\n", 1)[1].replace("Two scans", "Two scans, filed"),
        at=datetime(2026, 1, 2, 10, 0, tzinfo=timezone.utc),
    )
    out = io.BytesIO(changed)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("Written in Obsidian.md", "About the [[Receipts]].\n")

    result = import_job(api, IMPORT_MARKDOWN, out.getvalue())["result"]
    assert result == {"created": 1, "updated": 1, "unchanged": 2, "attachments": 0, "skipped": 0, "skipped_files": [],
                      "tags": [{"name": "home", "notes": 1}, {"name": "tax", "notes": 1}, {"name": "todo", "notes": 1}]}
    receipts.refresh_from_db()
    assert (receipts.body, receipts.pinned, sorted(receipts.tags.values_list("name", flat=True))) == (
        "Two scans, filed\n", True, ["home", "tax"])
    assert "**Attachments**" in exported_text  # the links the import took off again
    assert sorted(Note.objects.values_list("title", flat=True)) == ["", "Receipts", "Trip: Lisbon/Porto", "Written in Obsidian"]
    assert attachments_as_stored() == attachments


def test_a_file_older_than_the_note_here_does_not_replace_it(api, two_notes):
    trip = Note.objects.get(title__startswith="Trip")
    content = exported(api, "markdown")
    trip.body, trip.updated = "Written here since", datetime(2026, 1, 3, tzinfo=timezone.utc)
    trip.save()
    edited = with_file_changed(content, "Trip_ Lisbon_Porto.md", lambda text: text + "\nElsewhere, before.",
                               at=datetime(2026, 1, 2, tzinfo=timezone.utc))
    assert import_job(api, NOTEDESK_IMPORT, edited)["result"]["updated"] == 0
    trip.refresh_from_db()
    assert trip.body == "Written here since"


def test_a_zip_of_another_apps_markdown_given_to_notedesks_own_import_api_says_which_import_reads_it(api):
    content = zipped({"MyVault/ideas.md": "# Ideas\n", "MyVault/plan.md": "---\ntitle: Plan\n---\nSteps"})
    refusal = ("MyVault/ideas.md: it does not start with front matter (a line ---). This zip file is not a Notedesk "
               "export: to import Markdown files from another app (an Obsidian vault, say), use “Import Markdown…”.")
    assert api.upload("/api/import/", "vault.zip", content).json()["error"] == refusal
    assert ">Import Markdown…</button>" in (Path(__file__).parents[2] / "ui/templates/notes/app.html").read_text()
    assert not Note.objects.exists()
    assert import_job(api, IMPORT_MARKDOWN, content)["result"]["created"] == 2


def test_a_zipped_vault_given_to_file_import_is_imported_as_import_markdown_imports_it(api):
    """File › Import… of an Obsidian vault's zip refused it, naming "Import Markdown…", which the File
    menu does not have: it takes such a zip as it takes Notion's and Google Keep's."""
    content = zipped({"MyVault/ideas.md": "# Ideas\nSee [[plan]]", "MyVault/plan.md": "---\ntitle: Plan\n---\nSteps"})
    for created in (2, 0):
        finished = import_job(api, NOTEDESK_IMPORT, content)
        assert finished["state"] == "done", finished
        assert finished["result"]["created"] == created
    plan = Note.objects.get(title="Plan")
    assert (plan.body, api.get(f"/api/notes/{plan.pk}/backlinks/").json()["total"]) == ("Steps", 1)


def test_front_matter_reads_quoted_yaml_as_yaml_does():
    values, _ = front_matter('---\ntags: [work, "a, b", \'it\'\'s\']\ntitle: "He said \\"hi\\"\\u00e9"\n'
                             "alias: 'It''s mine'\n---\nBody")
    assert values == {"tags": ["work", "a, b", "it's"], "title": 'He said "hi"é', "alias": "It's mine"}


@pytest.mark.parametrize("broken", ["tags: [unclosed", "title: \"not ended", "tags: [a, 'b]"])
def test_a_front_matter_that_is_not_yaml_stays_in_the_text_and_none_of_it_is_read(broken):
    text = f"---\n{broken}\n---\nBody"
    assert front_matter(text) == ({}, text)


def test_a_tag_holding_commas_becomes_the_tags_between_them_and_the_note_is_imported():
    """Evernote and Obsidian allow no comma in a tag name, and Notedesk's Tags field separates tags
    with commas: a tag "Work, Stuff" in a file is the tags it lists."""
    found = read_enex(io.BytesIO(b"""<en-export><note><title>Plan</title><content>&lt;en-note&gt;Text&lt;/en-note&gt;</content>
        <tag>Work, Stuff</tag><tag>stuff</tag><tag> , </tag></note></en-export>"""), io.BytesIO())
    assert ([note["tags"] for note in found.records], found.skipped) == ([["work", "stuff"]], [])
    found = read_markdown_source(io.BytesIO(zipped({"plan.md": "---\ntags:\n  - Work, Stuff\n  - home\n  - عمل، منزل\n---\nText"})))
    assert ([note["tags"] for note in found.records], found.skipped) == ([["work", "stuff", "home", "عمل", "منزل"]], [])
    # Split past the tags a note holds, the note is still imported, with the first of them.
    tags = "".join(f"<tag>tag {number}</tag>" for number in range(19)) + "<tag>Work, Stuff</tag>"
    found = read_enex(io.BytesIO(f"""<en-export><note><title>Many</title>
        <content>&lt;en-note&gt;Kept&lt;/en-note&gt;</content>{tags}</note></en-export>""".encode()), io.BytesIO())
    assert [note["tags"] for note in found.records] == [[*(f"tag {number}" for number in range(19)), "work"]]
    assert [item.reason for item in found.skipped] == [
        "it has 21 tags, more than the 20 a note holds: the note is imported with the first 20"]


def test_an_imported_link_to_a_heading_keeps_its_heading():
    from embedded_site.notes.foreign_import import links_pointed_at_titles

    titles = {"plan": "Project plan", "projects/plan": "Project plan", "project plan": "Project plan"}
    body = "[[plan#Risks]], [[Projects/plan#^abc123]], [[plan.md#Goals|goals]], [[Project plan#Goals]], [[plan]]"
    assert links_pointed_at_titles(body, titles) == (
        "[[Project plan#Risks|plan#Risks]], [[Project plan#^abc123|Projects/plan#^abc123]], "
        "[[Project plan#Goals|goals]], [[Project plan#Goals]], [[Project plan|plan]]"
    )


def joplin_item(item_id, title, body, **properties):
    lines = [f"{key}: {value}" for key, value in {"id": item_id, **properties}.items()]
    head = f"{title}\n\n{body}\n\n" if body else (f"{title}\n\n" if title else "")
    return head + "\n".join(lines)


JOPLIN_DATES = {"created_time": "2024-02-01T10:00:00.000Z", "updated_time": "2024-02-02T10:00:00.000Z",
                "user_created_time": "2024-02-01T10:00:00.000Z", "user_updated_time": "2024-02-02T10:00:00.000Z"}


def joplin_raw_export() -> bytes:
    work, projects, plan, meeting, todo, gone, image, tag = (f"{n:032x}" for n in range(1, 9))
    return zipped({
        f"export/{work}.md": joplin_item(work, "Work", "", **JOPLIN_DATES, parent_id="", type_=2),
        f"export/{projects}.md": joplin_item(projects, "Projects", "", **JOPLIN_DATES, parent_id=work, type_=2),
        f"export/{plan}.md": joplin_item(plan, "Project plan", "# Goals\n\nShip it.", parent_id=projects, is_todo=0,
                                         encryption_applied=0, deleted_time=0, **JOPLIN_DATES, latitude="0.00000000", type_=1),
        f"export/{meeting}.md": joplin_item(
            meeting, "Meeting", f"See [the plan](:/{plan}) and [Project plan](:/{plan}#goals).\n\n![diagram.png](:/{image})",
            parent_id=work, is_todo=0, encryption_applied=0, deleted_time=0, **JOPLIN_DATES, type_=1),
        f"export/{todo}.md": joplin_item(todo, "Call the bank", "", parent_id=work, is_todo=1, todo_completed=1700000000000,
                                         encryption_applied=0, deleted_time=0, **JOPLIN_DATES, type_=1),
        f"export/{gone}.md": joplin_item(gone, "In Joplin's trash", "old", parent_id=work, is_todo=0, encryption_applied=0,
                                         deleted_time=1700000000000, **JOPLIN_DATES, type_=1),
        f"export/{image}.md": joplin_item(image, "diagram.png", "", mime="image/png", file_extension="png", **JOPLIN_DATES, type_=4),
        f"export/resources/{image}.png": b"\x89PNG the diagram",
        f"export/{tag}.md": joplin_item(tag, "Urgent", "", **JOPLIN_DATES, type_=5),
        f"export/{'f' * 32}.md": joplin_item("f" * 32, "", "", note_id=meeting, tag_id=tag, **JOPLIN_DATES, type_=6),
    })


def test_a_joplin_raw_export_becomes_its_notes_with_notebooks_tags_dates_links_and_files(api):
    # It was read as another app's folder: each note titled by its id, its text ending in
    # Joplin's thirty lines of properties, each notebook and file a note of its own.
    content = joplin_raw_export()
    for created in (3, 0):
        finished = wait_for_job(api, api.client.post("/api/jobs/import-other/", {
            "source": "markdown-folder", "file": io.BytesIO(content)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
        assert finished["state"] == "done", finished
        assert finished["result"]["created"] == created
    assert sorted(Note.objects.values_list("title", flat=True)) == ["Call the bank", "Meeting", "Project plan"]
    plan = Note.objects.get(title="Project plan")
    assert plan.body == "# Goals\n\nShip it."
    assert sorted(tag.name for tag in plan.tags.all()) == ["projects", "work"]
    assert plan.created.isoformat() == "2024-02-01T10:00:00+00:00" and plan.updated.isoformat() == "2024-02-02T10:00:00+00:00"
    meeting = Note.objects.get(title="Meeting")
    assert meeting.body == "See [[Project plan|the plan]] and [[Project plan#goals]].\n\n![diagram.png](<diagram.png>)"
    assert sorted(tag.name for tag in meeting.tags.all()) == ["urgent", "work"]
    [attachment] = meeting.attachments.all()
    assert attachment.name == "diagram.png"
    html = api.preview(meeting.body, note=meeting.pk)
    assert f'<img src="/api/attachments/{attachment.pk}/" alt="diagram.png">' in html
    assert f'data-note="{plan.pk}"' in html
    assert api.get(f"/api/notes/{plan.pk}/backlinks/").json()["total"] == 1
    assert Note.objects.get(title="Call the bank").body == "- [x] Call the bank\n"


def test_markdown_links_between_the_notes_of_a_folder_become_links_between_notes(api):
    # Joplin's Markdown export, and Obsidian with "Use [[Wikilinks]]" off, link notes so; the
    # preview showed them as text ("Not a note or a file of this note").
    content = zipped({
        "export/Work/Meeting.md": "# Meeting\n\nSee [Plan](../Work/Plan.md), [the plan](<../Work/Plan.md#Goals>), "
                                  "[Trip](../Home/Trip%20to%20Rome.md) and [x](Work/Plan.md); not `[Plan](Plan.md)`, "
                                  "[gone](Gone.md) nor [site](https://example.org/a.md).",
        "export/Work/Plan.md": "# Plan\n\n## Goals\n",
        "export/Home/Trip to Rome.md": "Flights",
    })
    finished = wait_for_job(api, api.client.post("/api/jobs/import-other/", {
        "source": "markdown-folder", "file": io.BytesIO(content)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
    assert finished["state"] == "done", finished
    meeting = Note.objects.get(title="Meeting")
    assert meeting.body == (
        "# Meeting\n\nSee [[Plan]], [[Plan#Goals|the plan]], [[Trip to Rome|Trip]] and [[Plan|x]]; not `[Plan](Plan.md)`, "
        "[gone](Gone.md) nor [site](https://example.org/a.md)."
    )
    plan = Note.objects.get(title="Plan")
    assert api.get(f"/api/notes/{plan.pk}/backlinks/").json()["total"] == 1


def joplin_jex(*, with_link=True) -> bytes:
    """JEX, Joplin's own export file: a tar of its RAW export directory's files."""
    import tarfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(joplin_raw_export())) as raw, tarfile.open(fileobj=buffer, mode="w") as archive:
        for info in raw.infolist():
            content = raw.read(info)
            member = tarfile.TarInfo(info.filename.removeprefix("export/"))
            member.size, member.mtime = len(content), 1700000000
            archive.addfile(member, io.BytesIO(content))
        if with_link:
            link = tarfile.TarInfo("evil.md")
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
            archive.addfile(link)
    return buffer.getvalue()


def test_a_joplin_jex_export_is_imported_as_its_raw_export_directory_is(api):
    finished = wait_for_job(api, api.client.post("/api/jobs/import-other/", {
        "source": "markdown-folder", "file": io.BytesIO(joplin_jex())}, HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
    assert finished["state"] == "done", finished
    assert sorted(Note.objects.values_list("title", flat=True)) == ["Call the bank", "Meeting", "Project plan"]
    meeting = Note.objects.get(title="Meeting")
    [attachment] = meeting.attachments.all()
    assert b"".join(api.get(f"/api/attachments/{attachment.pk}/").streaming_content) == b"\x89PNG the diagram"
    assert finished["result"]["skipped_files"] == [{"path": "evil.md", "reason": "a link to a file: not followed"}]


class RecordingDialogs(FakeDialogs):
    def choose_open_paths(self, file_types=()):
        self.file_types = file_types
        return super().choose_open_paths(file_types)


def test_a_joplin_jex_is_imported_by_import_as_notedesk_s_own_export_is(api, tmp_path, monkeypatch):
    """File › Import… (the upload, and the window's dialog) refused a .jex: "This is neither a
    Notedesk JSON export nor a zip of Markdown notes." Only Import Markdown folder… read it, and
    the dialog did not list .jex files."""
    from django_desktop_shell import native

    finished = wait_for_job(api, api.client.post("/api/jobs/import/", {"file": io.BytesIO(joplin_jex(with_link=False))},
                                                 HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
    assert finished["state"] == "done", finished
    assert sorted(Note.objects.values_list("title", flat=True)) == ["Call the bank", "Meeting", "Project plan"]
    # Where the person finds them: the tags of Joplin's notebooks and tags, the most used first.
    assert finished["result"]["tags"] == [{"name": "work", "notes": 3}, {"name": "projects", "notes": 1},
                                          {"name": "urgent", "notes": 1}]

    Note.objects.all().delete()
    path = tmp_path / "Joplin export.jex"
    path.write_bytes(joplin_jex(with_link=False))
    dialogs = RecordingDialogs(path)
    monkeypatch.setattr(native, "functions", dialogs)
    finished = wait_for_job(api, api.post("/api/jobs/import-from-dialog/", {}).json())
    assert finished["state"] == "done", finished
    assert Note.objects.count() == 3
    assert any("*.jex" in file_type for file_type in dialogs.file_types)
    assert path.exists()  # the person's file, read where it is


def test_a_jex_cut_short_is_refused_whole_saying_so(api):
    """A .jex cut at a block's end (a download stopped) imported the notes before the cut as if it
    were whole; cut inside a block, it said "This tar file cannot be read: unexpected end of data."."""
    content = joplin_jex(with_link=False)
    for cut in (len(content) // 2, 3000):
        finished = wait_for_job(api, api.client.post("/api/jobs/import/", {"file": io.BytesIO(content[:cut])},
                                                     HTTP_X_REQUESTED_WITH="XMLHttpRequest").json())
        assert finished["state"] == "failed", finished
        assert finished["error"].startswith("This tar file (a Joplin .jex export, say) is cut short or damaged"), finished
        assert finished["error"].endswith("Nothing was imported. Export it again and import the new file.")
    assert Note.objects.count() == 0


def test_a_jex_that_is_no_tar_is_refused_as_no_joplin_export(api, tmp_path):
    """A .jex that was no tar (a web page saved in its place, a download cut in its first block)
    was refused as "neither a Notedesk JSON export nor a zip of Markdown notes" by File › Import…,
    and as "neither a folder nor a zip file of one" opened with the app."""
    from embedded_site.open_with.handlers import import_of

    refusal = ("This .jex file is not a Joplin export: Joplin writes one as a tar archive, and this is none (cut "
               "short, or another file renamed?). Nothing was imported. Export it from Joplin again (File › Export all › JEX).")
    for content in (b"<html>Sign in</html>", joplin_jex()[:300]):
        finished = wait_for_job(api, api.upload("/api/jobs/import/", "Joplin.jex", content).json())
        assert (finished["state"], finished["error"]) == ("failed", refusal)
        path = tmp_path / "Opened.jex"
        path.write_bytes(content)
        opened = import_of(path)
        wait_for_job(api, opened.payload())
        assert (opened.state, opened.error) == ("failed", refusal)
    assert Note.objects.count() == 0


def test_the_other_apps_readers_are_imported_at_the_first_import_not_at_every_launch(tmp_path):
    """The site's URLconf imported the readers of Evernote's, Notion's, Keep's and Joplin's exports
    (and csv and tarfile with them) at every launch: ~0.4 MB of code in the app's process for as
    long as it ran, for what a person does once."""
    asked = ("import sys; from django.urls import resolve; resolve('/'); "
             "print('embedded_site.notes.foreign_import' in sys.modules)")
    imported = subprocess.run(launcher_command("--data-dir", str(tmp_path), "manage", "shell", "-c", asked),
                              capture_output=True, text=True, check=True).stdout
    assert imported.strip().splitlines()[-1] == "False"
