"""Notion's "Markdown & CSV" export and Google Takeout's Keep folder, through File › Import… (the
upload of /api/jobs/import/, as for Notedesk's own export) and Import Markdown… (a folder). The
exports are made here as the apps write them."""

import io
import json
import tarfile
import zipfile
from datetime import datetime, timezone
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from embedded_site.notes import foreign_import
from embedded_site.notes.foreign_import import read_markdown_source
from embedded_site.notes.importing import ImportFileError, imports_folder
from embedded_site.notes.models import Attachment, Note, NoteChange
from tests.notes.conftest import XHR
from tests.notes.test_jobs_and_preview import dialogs, wait_for_job  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

TRAVEL = "Travel 1f2e3d4c5b6a79880123456789abcdef"
PACKING = "Packing list a1b2c3d4e5f60718293a4b5c6d7e8f90"
READING = "Reading list 00112233445566778899aabbccddeeff"
DUNE = "Dune 99887766554433221100ffeeddccbbaa"
PHOTO = b"\xff\xd8\xff\xe0 a photo of Lisbon"


def url(path: str) -> str:
    return path.replace(" ", "%20")


def notion_pages() -> dict:
    """A workspace as Notion exports it: a page with a sub-page and an image, a database (its CSV
    files and its rows' pages), links between them as relative URL-encoded paths."""
    return {
        f"{TRAVEL}.md": (
            "# Travel\n\nPlans for the year: the [Packing list]"
            f"({url(f'{TRAVEL}/{PACKING}.md')}) and the [Reading list]({url(f'{READING}.csv')}).\n\n"
            f"![Lisbon.jpg]({url(f'{TRAVEL}/Lisbon.jpg')})\n\n"
            "Read [the book](https://www.notion.so/Dune-99887766554433221100ffeeddccbbaa?pvs=21) on the way; "
            "see [the team's page](https://www.notion.so/Team-55555555555555555555555555555555?pvs=21).\n"
        ),
        f"{TRAVEL}/{PACKING}.md": f"# Packing list\n\n- [ ] Passport\n- [x] Charger\n\nBack to [Travel](../{url(TRAVEL)}.md)\n",
        f"{TRAVEL}/Lisbon.jpg": PHOTO,
        f"{READING}.csv": "Name,Author,Status,Tags\nDune,Frank Herbert,Done,\"scifi, classic\"\n",
        f"{READING}_all.csv": "Name,Author,Status,Tags\nDune,Frank Herbert,Done,\"scifi, classic\"\n",
        f"{READING}/{DUNE}.md": ("# Dune\n\nAuthor: Frank Herbert\nCreated time: June 27, 2023 9:32 PM\n"
                                  "Last edited time: Oct 12, 2023 2:56 PM\nFor: Travel (https://www.notion.so/Travel-1f2e3d4c5b6a79880123456789abcdef?pvs=21)\n"
                                  "Status: Done\nTags: scifi, classic\n\nA desert planet.\n"),
    }


def zipped(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def notion_export() -> bytes:
    """As Notion hands it over: `Export-<uuid>.zip` holding `Export-<uuid>-Part-1.zip`."""
    return zipped({"Export-5e1c2a3b-Part-1.zip": zipped(notion_pages())})


USEC = 1_000_000


def keep_takeout(**changes) -> dict:
    """Google Takeout's Keep folder: a JSON file and an HTML copy for each note, Labels.txt."""
    notes = {
        "Groceries": {"color": "DEFAULT", "isTrashed": False, "isPinned": True, "isArchived": False, "title": "Groceries",
                      "listContent": [{"textHtml": "Milk", "text": "Milk", "isChecked": False},
                                      {"textHtml": "Eggs", "text": "Eggs", "isChecked": True}],
                      "labels": [{"name": "Home"}], "createdTimestampUsec": 1600000000 * USEC,
                      "userEditedTimestampUsec": 1610000000 * USEC},
        "Idea": {"color": "YELLOW", "isTrashed": False, "isPinned": False, "isArchived": True, "title": "Idea",
                 "textContent": "A lamp that follows the sun.", "textContentHtml": "<p>A lamp that follows the sun.</p>",
                 "annotations": [{"description": "", "source": "WEBLINK", "title": "Heliostat", "url": "https://example.org/heliostat"}],
                 "attachments": [{"filePath": "1500000100000.1234567890.jpg", "mimetype": "image/jpeg"}],
                 "createdTimestampUsec": 1500000000 * USEC, "userEditedTimestampUsec": 1500000100 * USEC},
        "Old": {"isTrashed": True, "isPinned": False, "isArchived": False, "title": "Old", "textContent": "gone",
                "createdTimestampUsec": 1400000000 * USEC, "userEditedTimestampUsec": 1400000000 * USEC},
        "2021-03-04T10_11_12.345-05_00": {"isTrashed": False, "isPinned": False, "isArchived": False, "title": "",
                                          "textContent": "Call the plumber", "createdTimestampUsec": 1614870672345000,
                                          "userEditedTimestampUsec": 1614870672345000},
    }
    files = {"Takeout/archive_browser.html": "<html>Takeout</html>", "Takeout/Keep/Labels.txt": "Home\n",
             "Takeout/Keep/1500000100000.1234567890.jpg": PHOTO}
    for name, note in notes.items():
        files[f"Takeout/Keep/{name}.json"] = json.dumps(note)
        files[f"Takeout/Keep/{name}.html"] = f"<html><title>{name}</title></html>"
    files.update(changes)
    return files


def imported(api, content: bytes) -> dict:
    """`content` imported as File › Import… uploads a file."""
    job = api.client.post("/api/jobs/import/", {"file": io.BytesIO(content)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert job.status_code == 202, job.content
    return wait_for_job(api, job.json())


def test_a_notion_export_becomes_notes_titled_without_ids_with_their_links_images_and_database_rows(api):
    finished = imported(api, notion_export())
    assert finished["state"] == "done", finished
    notes = {note.title: note for note in Note.objects.all()}
    assert sorted(notes) == ["Dune", "Packing list", "Travel"]
    travel, packing, dune = notes["Travel"], notes["Packing list"], notes["Dune"]
    # Its heading is its title; its files are its attachments, named and shown without Notion's ids.
    assert travel.body.startswith("Plans for the year: the [[Packing list]] and the [[Reading list.csv]].\n\n![[Lisbon.jpg]]\n")
    assert packing.body == "- [ ] Passport\n- [x] Charger\n\nBack to [[Travel]]\n"
    assert [tag.name for tag in packing.tags.all()] == ["travel"]  # the page it is under
    assert sorted(tag.name for tag in dune.tags.all()) == ["classic", "reading list", "scifi"]  # its database, its Tags
    assert dune.body.startswith("Author: Frank Herbert\nCreated time: June 27, 2023 9:32 PM\n")  # its properties, as text
    assert sorted(Attachment.objects.filter(note=travel).values_list("name", flat=True)) == ["Lisbon.jpg", "Reading list.csv"]
    assert api.get(f"/api/notes/{packing.pk}/backlinks/").json()["total"] == 1
    # A page's Notion address, in a link or a relation property, leads to it here; one of a page not exported stays.
    assert "Read [[Dune|the book]] on the way; see [the team's page](https://www.notion.so/Team-5555" in travel.body
    assert "\nFor: [[Travel]]\n" in dune.body
    photo = Attachment.objects.get(note=travel, name="Lisbon.jpg")
    assert f'src="/api/attachments/{photo.pk}/"' in api.preview(travel.body, note=travel.pk)  # the image shows where it was

    again = imported(api, notion_export())
    assert (again["result"]["created"], again["result"]["attachments"]) == (0, 0)
    assert Note.objects.count() == 3 and Attachment.objects.count() == 2


def test_a_notion_database_row_is_dated_by_its_created_and_last_edited_times(settings):
    settings.TIME_ZONE = "Europe/Lisbon"  # the person's own time, as Notion showed it
    found = read_markdown_source(io.BytesIO(zipped(notion_pages())))
    dune = next(record for record in found.records if record["title"] == "Dune")
    assert (dune["created"], dune["updated"]) == (datetime(2023, 6, 27, 20, 32, tzinfo=timezone.utc),
                                                  datetime(2023, 10, 12, 13, 56, tzinfo=timezone.utc))


def test_a_notion_export_unzipped_imports_as_a_folder_with_import_markdown(tmp_path):
    for name, content in notion_pages().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    found = read_markdown_source(tmp_path)
    assert sorted(record["title"] for record in found.records) == ["Dune", "Packing list", "Travel"]


def test_a_keep_takeout_becomes_notes_with_checklists_labels_pins_dates_and_attachments(api):
    finished = imported(api, zipped(keep_takeout()))
    assert finished["state"] == "done", finished
    assert finished["result"]["skipped_files"] == [{"path": "Takeout/Keep/Old.json", "reason": "in Google Keep’s trash: not imported"}]
    notes = {note.title: note for note in Note.objects.all()}
    assert sorted(notes) == ["", "Groceries", "Idea"]
    groceries, idea = notes["Groceries"], notes["Idea"]
    assert groceries.body == "- [ ] Milk\n- [x] Eggs\n"
    assert groceries.pinned and [tag.name for tag in groceries.tags.all()] == ["home"]
    assert (groceries.created, groceries.updated) == (datetime(2020, 9, 13, 12, 26, 40, tzinfo=timezone.utc),
                                                      datetime(2021, 1, 7, 6, 13, 20, tzinfo=timezone.utc))
    assert idea.body == "A lamp that follows the sun.\n\n- [Heliostat](https://example.org/heliostat)\n\n![[1500000100000.1234567890.jpg]]\n"
    assert [tag.name for tag in idea.tags.all()] == ["archived"]
    attachment = Attachment.objects.get()
    assert attachment.note_id == idea.pk
    assert b"".join(api.get(f"/api/attachments/{attachment.pk}/").streaming_content) == PHOTO
    assert notes[""].body == "Call the plumber\n"

    again = imported(api, zipped(keep_takeout()))
    assert (again["result"]["created"], again["result"]["updated"], again["result"]["attachments"]) == (0, 0, 0)


def test_a_keep_note_cut_short_is_left_out_naming_it_and_the_rest_imported(api):
    finished = imported(api, zipped(keep_takeout(**{"Takeout/Keep/Idea.json": '{"title": "Idea", "textCont'})))
    assert finished["state"] == "done", finished
    assert {"path": "Takeout/Keep/Idea.json",
            "reason": "not whole JSON (cut short?): it breaks off at line 1, column 19"} in finished["result"]["skipped_files"]
    assert sorted(Note.objects.values_list("title", flat=True)) == ["", "Google Keep pictures waiting for their notes", "Groceries"]
    assert Attachment.objects.get().name == "1500000100000.1234567890.jpg"  # the left-out note's picture is not lost


def test_a_part_of_a_notion_export_cut_short_is_refused_naming_it_and_nothing_imported(api):
    part = zipped(notion_pages())
    finished = imported(api, zipped({"Export-5e1c2a3b-Part-1.zip": part[: len(part) // 2]}))
    assert finished["state"] == "failed", finished
    assert finished["error"] == ("Export-5e1c2a3b-Part-1.zip, in this zip file: This zip file is damaged (cut short?): "
                                 "the list of its files, at its end, is missing. Nothing was imported.")
    assert Note.objects.count() == 0


def test_a_keep_note_with_damaged_fields_is_imported_with_what_it_has():
    """Fields of another type than Keep writes (a damaged or crafted file) are none, not a failed import."""
    damaged = {"title": "Odd", "textContent": "kept", "labels": 7, "listContent": "Milk", "annotations": [3],
               "attachments": {"filePath": "x.jpg"}, "createdTimestampUsec": "soon", "isPinned": "yes"}
    found = read_markdown_source(io.BytesIO(zipped({"Takeout/Keep/Odd.json": json.dumps(damaged)})))
    [record] = found.records
    assert (record["title"], record["body"], record["tags"], record["pinned"]) == ("Odd", "kept\n", [], False)


def test_the_import_api_takes_a_notion_export_and_refuses_a_damaged_part_naming_it(api):
    answer = api.client.post("/api/import/", {"file": io.BytesIO(notion_export())}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert answer.status_code == 200, answer.content
    assert (answer.json()["created"], answer.json()["attachments"]) == (3, 2)
    part = zipped(notion_pages())
    answer = api.client.post("/api/import/", {"file": io.BytesIO(zipped({"Export-5e1c2a3b-Part-2.zip": part[:100]}))},
                             HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("Export-5e1c2a3b-Part-2.zip, in this zip file: This zip file is damaged")
    assert Note.objects.count() == 3


def tgz(files: dict, links: dict | None = None) -> bytes:
    """A compressed tar, as Google Takeout makes when asked for a .tgz; `links` are symbolic links in it."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            data = content if isinstance(content, bytes) else content.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    return buffer.getvalue()


def test_a_tgz_whose_files_have_times_out_of_any_calendar_imports_them_dated_by_the_import(api):
    """A tar may give a file any time (GNU's numbers have no bound): one of year 36812 stopped the
    import with "Something went wrong" (Python's dates end at 9999)."""
    for seconds in (2**40, -2**40):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.GNU_FORMAT) as archive:
            info = tarfile.TarInfo(f"Notes/plan {seconds}.md")
            info.size, info.mtime = 7, seconds
            archive.addfile(info, io.BytesIO(b"# Plan\n"))
        before = datetime.now(timezone.utc)
        answer = api.client.post("/api/import/", {"file": io.BytesIO(buffer.getvalue())}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert answer.status_code == 200, answer.content
        assert Note.objects.get(title=f"plan {seconds}").updated >= before


def test_a_takeout_tgz_imports_as_its_zip_does(api):
    for url, fields in (("/api/jobs/import/", {}), ("/api/jobs/import-other/", {"source": "markdown-folder"})):
        job = api.client.post(url, {**fields, "file": io.BytesIO(tgz(keep_takeout()))}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        finished = wait_for_job(api, job.json())
        assert finished["state"] == "done", finished
        assert sorted(Note.objects.values_list("title", flat=True)) == ["", "Groceries", "Idea"]
        assert Attachment.objects.count() == 1
    assert b"".join(api.get(f"/api/attachments/{Attachment.objects.get().pk}/").streaming_content) == PHOTO
    answer = api.client.post("/api/import/", {"file": io.BytesIO(tgz(keep_takeout()))}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert (answer.status_code, answer.json()["unchanged"]) == (200, 3)


def test_a_tgz_is_read_with_the_zips_limits_its_links_and_paths_out_of_it_skipped_and_a_bomb_refused(monkeypatch):
    files = {"Notes/plan.md": "# Plan\n", "../escape.md": "# Out\n"}
    found = read_markdown_source(io.BytesIO(tgz(files, links={"Notes/secret.md": "/etc/passwd"})))
    assert [record["title"] for record in found.records] == ["plan"]
    assert sorted((item.path, item.reason) for item in found.skipped) == [
        ("../escape.md", "a path out of the folder"), ("Notes/secret.md", "a link to a file: not followed")]
    monkeypatch.setattr("embedded_site.notes.foreign_import.MAX_TOTAL_SIZE", 64 * 1024)
    monkeypatch.setattr("embedded_site.notes.foreign_import.MAX_FILES", 10)  # refused as it unpacks, not once unpacked
    bomb = tgz({"Notes/zeros.md": b"0" * 4 * 1024 * 1024})  # a few kilobytes, four megabytes unpacked
    assert len(bomb) < 64 * 1024
    with pytest.raises(ImportFileError, match=r"^The files in this compressed tar file add up to more than 64\.0\sKB once unpacked"):
        read_markdown_source(io.BytesIO(bomb))


def test_a_tgz_of_more_files_than_an_archive_may_hold_is_refused_once_past_the_limit_not_after_reading_them_all(monkeypatch):
    """Empty files cost a tar 512 bytes each and a .tgz next to nothing: 7 MB unpacked to 1.1 million
    of them, whose every header was read into memory (1.4 GB, over two minutes) before their number
    was refused."""
    monkeypatch.setattr("embedded_site.notes.foreign_import.MAX_FILES", 10)
    headers_read = 0
    read_header = tarfile.TarInfo.fromtarfile.__func__

    def counted(cls, tar):
        nonlocal headers_read
        headers_read += 1
        return read_header(cls, tar)

    monkeypatch.setattr(tarfile.TarInfo, "fromtarfile", classmethod(counted))
    with pytest.raises(ImportFileError, match=r"^The tar file has more than 10 files: import it in parts\.$"):
        read_markdown_source(io.BytesIO(tgz({f"Takeout/Drive/{number}.txt": b"" for number in range(100)})))
    assert headers_read <= 11 + 1


def test_a_takeout_in_another_language_with_other_products_is_imported_by_its_keep_notes(api):
    """Takeout names Keep's folder in the person's language (German: "Google Notizen")."""
    files = {name.replace("/Keep/", "/Google Notizen/"): content for name, content in keep_takeout().items()}
    files["Takeout/Fit/Aktivitäten.json"] = json.dumps({"steps": 1200})  # another product's, first in order
    finished = imported(api, zipped(files))
    assert finished["state"] == "done", finished
    assert sorted(Note.objects.values_list("title", flat=True)) == ["", "Groceries", "Idea"]
    assert Attachment.objects.count() == 1


def test_a_keep_attachment_listed_as_jpeg_whose_file_is_jpg_is_found():
    """Takeout's JSON may name a picture `….jpeg` where the file it wrote beside it is `….jpg`."""
    idea = json.loads(keep_takeout()["Takeout/Keep/Idea.json"])
    idea["attachments"] = [{"filePath": "1500000100000.1234567890.jpeg", "mimetype": "image/jpeg"}]
    found = read_markdown_source(io.BytesIO(zipped(keep_takeout(**{"Takeout/Keep/Idea.json": json.dumps(idea)}))))
    record = next(record for record in found.records if record["title"] == "Idea")
    assert [attachment.name for attachment in record["attachments"]] == ["1500000100000.1234567890.jpg"]
    assert record["body"].endswith("![[1500000100000.1234567890.jpg]]\n")
    assert not [item for item in found.skipped if "1500000100000.1234567890" in item.reason]


def takeout_in_parts(tmp_path, archive=tgz, listed: str = "1500000100000.1234567890.jpg", folder: str = "Keep") -> list:
    """A Takeout that Google split in two: the notes in the first part, the picture of one in the
    second (`listed` is the name the note's JSON gives it; the file is `1500000100000.1234567890.jpg`); its Keep
    folder named `folder`, as Takeout names it in the person's language."""
    files = {name.replace("/Keep/", f"/{folder}/"): content for name, content in keep_takeout().items()}
    idea = json.loads(files[f"Takeout/{folder}/Idea.json"])
    idea["attachments"] = [{"filePath": listed, "mimetype": "image/jpeg"}]
    files[f"Takeout/{folder}/Idea.json"] = json.dumps(idea)
    picture = {f"Takeout/{folder}/1500000100000.1234567890.jpg": files.pop(f"Takeout/{folder}/1500000100000.1234567890.jpg")}
    extension = "tgz" if archive is tgz else "zip"
    parts = [tmp_path / f"takeout-20261207T070000Z-001.{extension}", tmp_path / f"takeout-20261207T070000Z-002.{extension}"]
    parts[0].write_bytes(archive(files))
    parts[1].write_bytes(archive({"Takeout/archive_browser.html": "<html>Takeout</html>", **picture}))
    return parts


def test_a_takeout_part_without_a_note_s_picture_says_it_is_in_another_part_and_all_parts_at_once_bring_it(api, dialogs, tmp_path):
    parts = takeout_in_parts(tmp_path)
    dialogs([parts[0]])
    alone = wait_for_job(api, api.post("/api/jobs/import-from-dialog/").json())
    assert alone["state"] == "done", alone
    assert {"path": "Takeout/Keep/Idea.json",
            "reason": "its picture or file 1500000100000.1234567890.jpg is not in this export: Google Takeout splits a large export into "
                      "parts (takeout-…-001.tgz, takeout-…-002.tgz…), and it is in another one. Import that part too, now "
                      "or later, or all the parts at once in File › Import…, to add it to the note"} in alone["result"]["skipped_files"]
    idea = Note.objects.get(title="Idea")
    assert idea.body.endswith("![[1500000100000.1234567890.jpg]]\n")  # where it goes, once it comes
    assert not Attachment.objects.exists()

    dialogs(parts)  # the dialog lets her choose several files
    together = wait_for_job(api, api.post("/api/jobs/import-from-dialog/").json())
    assert together["state"] == "done", together
    assert (together["result"]["created"], together["result"]["updated"], together["result"]["attachments"]) == (0, 0, 1)
    assert "skipped_files" not in together["result"] or all("1500000100000.1234567890" not in item["reason"] for item in together["result"]["skipped_files"])
    assert Attachment.objects.get().note_id == idea.pk and Note.objects.count() == 3


@pytest.mark.parametrize("archive", [tgz, zipped])
def test_a_takeout_imported_one_part_at_a_time_gives_a_note_of_the_first_part_its_picture_from_the_second_once(
        api, dialogs, tmp_path, archive):
    """A note listing its picture as `….jpeg`, which Takeout wrote as `….jpg` in the second part:
    part 1 imported, then part 2 later, the note kept an embed that showed nothing (part 2, without
    notes, was "no Markdown notes" or no export at all)."""
    parts = takeout_in_parts(tmp_path, archive, listed="1500000100000.1234567890.jpeg")
    dialogs([parts[0]])
    first = wait_for_job(api, api.post("/api/jobs/import-from-dialog/").json())
    assert first["state"] == "done", first
    assert any("1500000100000.1234567890.jpeg" in item["reason"] and "Import that part too" in item["reason"]
               for item in first["result"]["skipped_files"])
    idea = Note.objects.get(title="Idea")
    assert idea.body.endswith("![[1500000100000.1234567890.jpeg]]\n") and not Attachment.objects.exists()

    results = []
    for _ in range(2):  # the second part imported, and imported again
        dialogs([parts[1]])
        later = wait_for_job(api, api.post("/api/jobs/import-from-dialog/").json())
        assert later["state"] == "done", later
        results.append((later["result"]["created"], later["result"]["updated"], later["result"]["attachments"]))
    assert results == [(0, 1, 1), (0, 0, 0)]
    idea.refresh_from_db()
    assert idea.body == "A lamp that follows the sun.\n\n- [Heliostat](https://example.org/heliostat)\n\n![[1500000100000.1234567890.jpg]]\n"
    photo = Attachment.objects.get()
    assert (photo.note_id, photo.name) == (idea.pk, "1500000100000.1234567890.jpg")
    assert f'src="/api/attachments/{photo.pk}/"' in api.preview(idea.body, note=idea.pk)  # the picture shows
    assert b"".join(api.get(f"/api/attachments/{photo.pk}/").streaming_content) == PHOTO

    dialogs(parts)  # and all of them together, later still, change nothing
    together = wait_for_job(api, api.post("/api/jobs/import-from-dialog/").json())
    assert (together["result"]["created"], together["result"]["updated"], together["result"]["attachments"]) == (0, 0, 0)
    assert Note.objects.count() == 3 and Attachment.objects.count() == 1


@pytest.mark.parametrize("pictures_first", [False, True])
def test_a_note_given_its_picture_by_a_later_part_keeps_its_date_and_place_in_the_list_and_syncs_the_change(
        api, tmp_path, pictures_first):
    """The embed pointed at the picture made the note's `updated` now: a note of 2017 went to the
    top of the list when its picture came."""
    parts = takeout_in_parts(tmp_path, listed="1500000100000.1234567890.jpeg")
    changes_seen = []  # the sync change log's number for the note after each part
    for part in reversed(parts) if pictures_first else parts:
        answer = api.client.post("/api/import/", {"file": io.BytesIO(part.read_bytes())}, **XHR)
        assert answer.status_code == 200, answer.content
        changes_seen.append(NoteChange.objects.filter(note_uid__in=Note.objects.filter(title="Idea").values("uid")).first())
    idea = Note.objects.get(title="Idea")
    assert idea.body.endswith("![[1500000100000.1234567890.jpg]]\n") and idea.attachments.get().name == "1500000100000.1234567890.jpg"
    assert idea.updated == datetime.fromtimestamp(1500000100, timezone.utc)
    assert [note["title"] for note in api.get("/api/notes/").json()["notes"]] == ["Groceries", "", "Idea"]  # pinned, 2021, 2017
    assert idea.revisions.get().reason == "import"  # the embed as it was, in its history
    if not pictures_first:  # a computer that synced the note gets its picture
        assert changes_seen[1].seq > changes_seen[0].seq


@pytest.mark.parametrize("archive", [tgz, zipped])
def test_a_takeout_part_of_only_pictures_in_another_language_gives_the_notes_imported_before_their_picture(
        api, dialogs, tmp_path, archive):
    """Takeout names Keep's folder in the person's language: a part holding only pictures, under
    `Takeout/Notizen/`, was refused (zipped, "not a Notedesk export"; its .tgz, "no Markdown notes")."""
    parts = takeout_in_parts(tmp_path, archive, folder="Notizen")
    for part in parts:
        dialogs([part])
        finished = wait_for_job(api, api.post("/api/jobs/import-from-dialog/").json())
        assert finished["state"] == "done", finished
    assert (finished["result"]["updated"], finished["result"]["attachments"]) == (1, 1)
    assert Attachment.objects.get().note == Note.objects.get(title="Idea")


@pytest.mark.parametrize("chosen", ["", "Takeout", "Takeout/Notizen", "Takeout/Keep"])
def test_a_takeout_part_of_only_pictures_unpacked_gives_the_notes_their_picture_with_import_markdown(
        api, dialogs, tmp_path, chosen):
    """A part of 2 GB or more is over what an archive may hold: the README says to unpack it and
    choose its Keep folder in Import Markdown…, which took the pictures for no notes ("There are no
    Markdown notes"), its folder named Keep or not."""
    folder = PurePosixPath(chosen).name if chosen.startswith("Takeout/") else "Notizen"
    notes, pictures = takeout_in_parts(tmp_path, zipped, folder=folder)
    assert api.client.post("/api/import/", {"file": io.BytesIO(notes.read_bytes())}, **XHR).status_code == 200
    zipfile.ZipFile(pictures).extractall(tmp_path / "part-2")
    dialogs(tmp_path / "part-2" / chosen)
    finished = wait_for_job(api, api.post("/api/jobs/import-other-from-dialog/", {"source": "markdown-folder"}).json())
    assert finished["state"] == "done", finished
    assert (finished["result"]["updated"], finished["result"]["attachments"]) == (1, 1)
    assert Attachment.objects.get().note == Note.objects.get(title="Idea")


def test_a_zip_of_pictures_that_is_no_part_of_a_takeout_is_refused_not_given_to_a_note_waiting_for_a_namesake(api, tmp_path):
    first = api.client.post("/api/import/", {"file": io.BytesIO(takeout_in_parts(tmp_path)[0].read_bytes())}, **XHR)
    assert first.status_code == 200, first.content
    finished = imported(api, zipped({"Holiday/1500000100000.1234567890.jpg": PHOTO, "Holiday/sea.jpg": PHOTO}))
    assert finished["state"] == "failed", finished
    assert finished["error"] == "There are no Markdown notes (.md files) in this zip file.", finished["error"]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("wrapper", ["", "takeout-20261207T070000Z-002/"])  # the folder a zip tool may put the part in
@pytest.mark.parametrize("archive", [tgz, zipped])
@pytest.mark.parametrize("part, holds", [
    # Drive's pictures at its top, laid out as a Keep folder in another language is: taken for Keep's.
    ({"Takeout/Drive/IMG_2041.jpg": PHOTO, "Takeout/Drive/1500000100000.1234567890.jpg": PHOTO}, "Drive (2 files)"),
    ({"Takeout/Drive/Holiday/sea.jpg": PHOTO, "Takeout/Drive/plan.pdf": b"%PDF"}, "Drive (2 files)"),
    ({"Takeout/Google Photos/Photos from 2019/IMG_1.jpg": PHOTO, "Takeout/Google Photos/Photos from 2019/IMG_1.jpg.json": "{}",
      "Takeout/Drive/sea.jpg": PHOTO}, "Drive (1 file) and Google Photos (2 files)"),
])
def test_a_takeout_part_of_another_google_product_than_keep_is_refused_saying_what_it_holds_and_nothing_is_imported(
        api, tmp_path, archive, part, holds, wrapper):
    notes = api.client.post("/api/import/", {"file": io.BytesIO(takeout_in_parts(tmp_path)[0].read_bytes())}, **XHR)
    assert notes.status_code == 200, notes.content
    before = sorted(Note.objects.values_list("title", "body"))
    files = {"Takeout/archive_browser.html": "<html>Takeout</html>", **part}
    finished = imported(api, archive({wrapper + name: content for name, content in files.items()}))
    assert finished["state"] == "failed", finished
    assert finished["error"] == (f"This part of a Google Takeout holds {holds}, not Google Keep’s notes or pictures, which are "
                                 "what Notedesk imports from a Takeout. Nothing was imported.")
    assert sorted(Note.objects.values_list("title", "body")) == before and not Attachment.objects.exists()


@pytest.mark.parametrize("chosen", ["", "Takeout", "Takeout/Drive"])
def test_a_takeout_part_of_drive_unpacked_is_refused_by_import_markdown_saying_what_it_holds(tmp_path, chosen):
    for name in ("Takeout/Drive/IMG_2041.jpg", "Takeout/Drive/sea.jpg"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(PHOTO)
    with pytest.raises(ImportFileError, match=r"^This part of a Google Takeout holds Drive \(2 files\), not Google Keep’s"):
        read_markdown_source(tmp_path / chosen)


def test_a_takeout_part_of_keep_and_drive_imports_keep_and_lists_drive_s_files_as_left_out(api):
    takeout = keep_takeout(**{"Takeout/Drive/IMG_2041.jpg": PHOTO, "Takeout/Drive/Trip/sea.jpg": PHOTO})
    finished = imported(api, zipped(takeout))
    assert finished["state"] == "done", finished
    assert {"path": "Takeout/Drive/", "reason": "2 files of Drive, not Google Keep: not imported"} in finished["result"]["skipped_files"]
    assert sorted(Note.objects.values_list("title", flat=True)) == ["", "Groceries", "Idea"]
    assert Attachment.objects.get().note == Note.objects.get(title="Idea")


def test_the_note_of_waiting_pictures_keeps_the_pin_and_tags_it_was_given_when_more_pictures_come(api, tmp_path):
    first = api.client.post("/api/import/", {"file": io.BytesIO(takeout_in_parts(tmp_path)[1].read_bytes())}, **XHR)
    assert first.status_code == 200, first.content
    held = Note.objects.get(title=WAITING)
    assert api.patch(f"/api/notes/{held.pk}/", {"version": held.version, "pinned": True, "tags": ["takeout"]}).status_code == 200
    more = api.client.post("/api/import/", {"file": io.BytesIO(tgz({"Takeout/Keep/5e6f7a8b.png": b"\x89PNG a drawing"}))}, **XHR)
    assert (more.status_code, more.json()["attachments"]) == (200, 1)
    held.refresh_from_db()
    assert held.body.endswith("![[1500000100000.1234567890.jpg]]\n\n![[5e6f7a8b.png]]\n")
    assert held.pinned and [tag.name for tag in held.tags.all()] == ["takeout"]


def test_a_takeout_part_of_keep_s_pictures_in_another_language_and_drive_s_photos_gives_the_notes_their_picture_only(api, tmp_path):
    """Two folders of `Takeout/` holding only pictures: neither was taken for Keep's, and the part
    was refused as no export."""
    notes, pictures = takeout_in_parts(tmp_path, zipped, folder="Notizen")
    assert api.client.post("/api/import/", {"file": io.BytesIO(notes.read_bytes())}, **XHR).status_code == 200
    with zipfile.ZipFile(pictures) as part:
        files = {name: part.read(name) for name in part.namelist()}
    finished = imported(api, zipped({**files, "Takeout/Drive/IMG_2041.jpg": PHOTO}))
    assert finished["state"] == "done", finished
    assert finished["result"]["skipped_files"] == [{"path": "Takeout/Drive/", "reason": "1 file of Drive, not Google Keep: not imported"}]
    assert Attachment.objects.get().note == Note.objects.get(title="Idea")
    assert not Note.objects.filter(title=WAITING).exists()


def pictures_part_at(tmp_path, layout: str, listed: str = "1500000100000.1234567890.jpg", folder: str = "Keep") -> tuple[bytes, bytes]:
    """The parts of takeout_in_parts(), zipped, the picture in the second (named `listed`) where
    `layout` puts it."""
    notes, _ = takeout_in_parts(tmp_path, zipped, listed=listed, folder=folder)
    pictures = {layout + listed: PHOTO}
    if "Takeout/" in layout:
        pictures[layout.removesuffix(f"{folder}/") + "archive_browser.html"] = "<html>Takeout</html>"
    return notes.read_bytes(), zipped(pictures)


@pytest.mark.parametrize("layout", ["Keep/", "takeout-20261207T070000Z-002/Takeout/Keep/", "takeout-20261207T070000Z-002/Keep/"])
def test_a_keep_folder_of_pictures_zipped_alone_or_in_a_folder_of_the_part_s_name_gives_the_notes_their_picture(
        api, tmp_path, layout):
    """A person who unpacked a part of a Takeout and zipped its Keep folder alone, or whose zip tool put
    the part in a folder named after it: the pictures were refused ("There are no Markdown notes")."""
    notes, pictures = pictures_part_at(tmp_path, layout)
    assert api.client.post("/api/import/", {"file": io.BytesIO(notes)}, **XHR).status_code == 200
    results = [imported(api, pictures) for _ in range(2)]  # imported again: nothing added twice
    assert [(again["state"], again["result"]["updated"], again["result"]["attachments"]) for again in results] == [
        ("done", 1, 1), ("done", 0, 0)], results
    assert Attachment.objects.get().note == Note.objects.get(title="Idea")
    assert not Note.objects.filter(title=WAITING).exists()


@pytest.mark.parametrize("layout", ["", "Notizen/"])
def test_keep_s_pictures_zipped_alone_without_a_folder_or_in_keep_s_folder_named_in_another_language_give_the_notes_their_picture(
        api, dialogs, tmp_path, layout):
    """Keep's pictures picked in a file manager and zipped, or its folder named in the person's
    language zipped alone, then that zip unpacked and chosen with Import Markdown…: refused as "There
    are no Markdown notes (.md files) in this zip file", though named as only Keep names them."""
    notes, pictures = pictures_part_at(tmp_path, layout, folder="Notizen")
    assert api.client.post("/api/import/", {"file": io.BytesIO(notes)}, **XHR).status_code == 200
    finished = imported(api, pictures)
    assert finished["state"] == "done", finished
    assert Attachment.objects.get().note == Note.objects.get(title="Idea")
    zipfile.ZipFile(io.BytesIO(pictures)).extractall(tmp_path / "unpacked")
    dialogs(tmp_path / "unpacked" / layout)
    again = wait_for_job(api, api.post("/api/jobs/import-other-from-dialog/", {"source": "markdown-folder"}).json())
    assert (again["state"], again["result"]["updated"], again["result"]["attachments"]) == ("done", 0, 0), again
    assert Attachment.objects.count() == 1 and not Note.objects.filter(title=WAITING).exists()


@pytest.mark.parametrize("chosen", ["Keep", ""])
def test_a_keep_folder_of_pictures_unpacked_with_no_takeout_above_it_gives_the_notes_their_picture_with_import_markdown(
        api, dialogs, tmp_path, chosen):
    """Its pictures were taken for no notes ("There are no Markdown notes")."""
    notes, pictures = pictures_part_at(tmp_path, "Keep/")
    assert api.client.post("/api/import/", {"file": io.BytesIO(notes)}, **XHR).status_code == 200
    zipfile.ZipFile(io.BytesIO(pictures)).extractall(tmp_path / "unpacked")
    dialogs(tmp_path / "unpacked" / chosen)
    finished = wait_for_job(api, api.post("/api/jobs/import-other-from-dialog/", {"source": "markdown-folder"}).json())
    assert finished["state"] == "done", finished
    assert Attachment.objects.get().note == Note.objects.get(title="Idea")


@pytest.mark.parametrize("layout", ["Takeout/Notizen/", "takeout-20261207T070000Z-002/Takeout/Notizen/"])
def test_a_takeout_part_of_keep_s_pictures_in_another_language_not_named_as_keep_names_them_gives_the_notes_their_picture(
        api, tmp_path, layout):
    """The only folder of the part, holding only pictures (IMG_0042.jpg, not Keep's 1646858452060.156945860.png):
    refused as "This part of a Google Takeout holds Notizen (1 file), not Google Keep’s notes or pictures"."""
    notes, pictures = pictures_part_at(tmp_path, layout, listed="IMG_0042.jpg", folder="Notizen")
    assert api.client.post("/api/import/", {"file": io.BytesIO(notes)}, **XHR).status_code == 200
    finished = imported(api, pictures)
    assert finished["state"] == "done", finished
    assert Attachment.objects.get().note == Note.objects.get(title="Idea")
    assert Note.objects.get(title="Idea").body.endswith("![[IMG_0042.jpg]]\n")
    again = imported(api, pictures)
    assert (again["state"], again["result"]["updated"], again["result"]["attachments"]) == ("done", 0, 0)
    assert Attachment.objects.count() == 1


def test_a_takeout_part_whose_folder_of_pictures_may_be_keep_s_beside_another_is_refused_saying_to_import_it_with_the_notes(
        api, dialogs, tmp_path):
    """Notizen, holding only pictures not named as Keep names them, beside Drive's folder: either may
    be Keep's, and the refusal said the part held no Keep's pictures, with nothing to do about it."""
    notes, pictures = pictures_part_at(tmp_path, "Takeout/Notizen/", listed="IMG_0042.jpg", folder="Notizen")
    with zipfile.ZipFile(io.BytesIO(pictures)) as part:
        files = {name: part.read(name) for name in part.namelist()}
    (tmp_path / "part-2.zip").write_bytes(zipped({**files, "Takeout/Drive/plan.pdf": b"%PDF"}))
    alone = imported(api, (tmp_path / "part-2.zip").read_bytes())
    assert alone["state"] == "failed", alone
    assert alone["error"] == ("This part of a Google Takeout holds Drive (1 file) and Notizen (1 file). Notedesk cannot tell "
                              "whether Notizen is Google Keep’s folder, named in your language: if it is, import this part "
                              "together with the part that holds Keep’s notes (choose both in File › Import…). Nothing was imported.")
    assert not Note.objects.exists()

    (tmp_path / "part-1.zip").write_bytes(notes)
    dialogs([tmp_path / "part-1.zip", tmp_path / "part-2.zip"])
    together = wait_for_job(api, api.post("/api/jobs/import-from-dialog/").json())
    assert together["state"] == "done", together
    assert {"path": "Takeout/Drive/", "reason": "1 file of Drive, not Google Keep: not imported"} in together["result"]["skipped_files"]
    assert Attachment.objects.get().note == Note.objects.get(title="Idea")


def test_words_the_person_wrote_in_the_note_of_waiting_pictures_are_kept_as_pictures_go_and_come(api, tmp_path):
    """The import moved that note to the trash once its pictures had all gone to their notes, and
    rewrote its text when more came: what the person had written there went with it."""
    notes, pictures = takeout_in_parts(tmp_path)
    assert api.client.post("/api/import/", {"file": io.BytesIO(pictures.read_bytes())}, **XHR).status_code == 200
    held = Note.objects.get(title=WAITING)
    words = "The sea at Lisbon: for the album."
    assert api.patch(f"/api/notes/{held.pk}/", {"version": held.version, "body": held.body + "\n" + words + "\n"}).status_code == 200
    assert api.client.post("/api/import/", {"file": io.BytesIO(notes.read_bytes())}, **XHR).status_code == 200
    held.refresh_from_db()
    assert (held.trashed_at, held.body) == (None, f"{words}\n")
    assert Attachment.objects.get().note == Note.objects.get(title="Idea")
    more = api.client.post("/api/import/", {"file": io.BytesIO(tgz({"Takeout/Keep/5e6f7a8b.png": b"\x89PNG a drawing"}))}, **XHR)
    assert more.status_code == 200, more.content
    held.refresh_from_db()
    assert held.body == f"{foreign_import.WAITING_PICTURES_TEXT}\n\n![[5e6f7a8b.png]]\n\n{words}\n"


def test_a_picture_waiting_for_its_note_goes_to_it_on_a_server_whose_attachments_are_in_object_storage(api, monkeypatch, tmp_path):
    """S3 (server_settings.py's "attachments" storage) gives a file no path on disk."""
    monkeypatch.setattr(Attachment.file.field, "storage", InMemoryStorage())
    for part in reversed(takeout_in_parts(tmp_path)):
        answer = api.client.post("/api/import/", {"file": io.BytesIO(part.read_bytes())}, **XHR)
        assert answer.status_code == 200, answer.content
    photo = Attachment.objects.get()
    assert photo.note == Note.objects.get(title="Idea") and photo.file.read() == PHOTO


def test_a_takeout_part_s_picture_of_a_note_in_a_later_part_comes_with_that_part(api, tmp_path):
    """The note in the second part, its picture in the first, imported first: the picture was
    neither listed nor kept, and came only with the first part imported again."""
    files = keep_takeout()
    idea = files.pop("Takeout/Keep/Idea.json")
    first, second = (api.client.post("/api/import/", {"file": io.BytesIO(tgz(part))}, **XHR)
                     for part in (files, {"Takeout/Keep/Idea.json": idea}))
    assert (first.status_code, first.json()["created"], first.json()["attachments"]) == (200, 3, 1)
    assert any(item["path"] == "Takeout/Keep/1500000100000.1234567890.jpg" for item in first.json()["skipped_files"])
    assert (second.status_code, second.json()["created"], second.json()["attachments"]) == (200, 1, 1)
    assert Attachment.objects.get().note == Note.objects.get(title="Idea")
    assert Note.objects.filter(trashed_at__isnull=True).count() == 3


def test_the_import_api_gives_a_note_of_a_takeout_part_imported_before_its_picture_from_a_later_part(api, tmp_path):
    first, later = (api.client.post("/api/import/", {"file": io.BytesIO(part.read_bytes())}, **XHR)
                    for part in takeout_in_parts(tmp_path, listed="1500000100000.1234567890.jpeg"))
    assert (first.status_code, first.json()["attachments"]) == (200, 0)
    assert (later.status_code, later.json()["updated"], later.json()["attachments"]) == (200, 1, 1)
    assert Attachment.objects.get().note.body.endswith("![[1500000100000.1234567890.jpg]]\n")


WAITING = "Google Keep pictures waiting for their notes"


def test_a_takeout_part_of_pictures_imported_before_the_part_with_their_notes_gives_each_note_its_picture_once(
        api, dialogs, tmp_path):
    """The pictures' part first was refused ("import the part with the notes first"): the order
    mattered. Its pictures now wait in a note of their own, and go to their notes when they come."""
    pictures, notes = reversed(takeout_in_parts(tmp_path))
    results = []
    for part in (pictures, pictures, notes, notes, pictures):
        dialogs([part])
        finished = wait_for_job(api, api.post("/api/jobs/import-from-dialog/").json())
        assert finished["state"] == "done", finished
        results.append((finished["result"]["created"], finished["result"]["updated"], finished["result"]["attachments"]))
        if part == notes:  # its list said the picture was in another part, to import too, though it had just come
            assert not any("1500000100000.1234567890" in item["reason"] for item in finished["result"].get("skipped_files", [])), finished
        if len(results) == 1:
            held = Note.objects.get(title=WAITING)
            assert [attachment.name for attachment in held.attachments.all()] == ["1500000100000.1234567890.jpg"]
            assert "![[1500000100000.1234567890.jpg]]" in held.body  # the person sees the picture meanwhile
            assert any("kept in the note “Google Keep pictures waiting for their notes”" in item["reason"]
                       for item in finished["result"]["skipped_files"])
    assert results == [(1, 0, 1), (0, 0, 0), (3, 0, 1), (0, 0, 0), (0, 0, 0)]
    idea = Note.objects.get(title="Idea")
    photo = Attachment.objects.get()
    assert (photo.note_id, photo.name) == (idea.pk, "1500000100000.1234567890.jpg")
    assert f'src="/api/attachments/{photo.pk}/"' in api.preview(idea.body, note=idea.pk)
    assert b"".join(api.get(f"/api/attachments/{photo.pk}/").streaming_content) == PHOTO
    assert Note.objects.get(title=WAITING).trashed_at is not None  # emptied, in the trash
    assert Note.objects.filter(trashed_at__isnull=True).count() == 3


def test_the_parts_of_a_takeout_uploaded_together_from_a_browser_are_one_import(api, tmp_path):
    # `launcher.py --browser`: Import… took one file, so the picture in the second part never came.
    parts = [SimpleUploadedFile(part.name, part.read_bytes()) for part in takeout_in_parts(tmp_path)]
    started = api.client.post("/api/jobs/import/", {"file": parts}, **XHR)
    assert started.status_code == 202, started.json()
    together = wait_for_job(api, started.json())
    assert together["state"] == "done", together
    assert (together["result"]["created"], together["result"]["attachments"]) == (3, 1)
    assert Attachment.objects.get().note_id == Note.objects.get(title="Idea").pk
    assert list(imports_folder().iterdir()) == []  # the uploaded copies, imported, are deleted


def test_several_files_chosen_at_once_that_are_not_parts_of_an_export_are_refused_naming_one(api, dialogs, tmp_path):
    parts = takeout_in_parts(tmp_path)
    other = tmp_path / "notedesk-2026-12-07.json"
    other.write_text(json.dumps({"format": "notedesk", "version": 4, "notes": []}))
    dialogs([parts[0], other])
    finished = wait_for_job(api, api.post("/api/jobs/import-from-dialog/").json())
    assert finished["state"] == "failed", finished
    assert finished["error"] == ("notedesk-2026-12-07.json is not a part of a Google Takeout or Notion export: choose several "
                                 "files at once only for the parts of one export, and import others one at a time. Nothing "
                                 "was imported.")
    assert Note.objects.count() == 0


def test_a_notion_rows_tags_property_becomes_its_tags_not_a_line_of_its_text():
    """As Obsidian's Importer does: a multi-select "Tags" is what tags are for."""
    found = read_markdown_source(io.BytesIO(zipped(notion_pages())))
    dune = next(record for record in found.records if record["title"] == "Dune")
    assert dune["tags"] == ["reading list", "scifi", "classic"]
    assert "Tags:" not in dune["body"] and dune["body"].endswith("Status: Done\n\nA desert planet.\n")


def database_alone(rows: bool = True) -> bytes:
    """A database exported on its own (its ••• › Export): its tables, and, with sub-pages, its rows' pages."""
    return zipped({name: content for name, content in notion_pages().items()
                   if name.startswith(READING) and (rows or name.endswith(".csv"))})


def test_a_notion_database_exported_alone_imports_its_rows_tagged_with_its_name_and_says_its_table_is_attached_to_none(api):
    finished = imported(api, database_alone())
    assert finished["state"] == "done", finished
    dune = Note.objects.get()
    assert sorted(tag.name for tag in dune.tags.all()) == ["classic", "reading list", "scifi"]
    assert finished["result"]["skipped_files"] == [{
        "path": f"{READING}.csv",
        "reason": "the table of the database “Reading list”, which no page of the export links to: attached to no note "
                  "(its rows are the notes tagged “reading list”)"}]


def test_a_notion_databases_table_exported_without_its_rows_pages_becomes_a_note_with_the_table_once(api):
    """Her rows are her data: a database exported without "Include subpages" was refused, nothing imported."""
    table = "Name,Author,Status,Tags\nDune,Frank Herbert,Done,\"scifi, classic\"\n\"The Left Hand | of Darkness\",\"Ursula K.\nLe Guin\",,\n"
    export = zipped({f"{READING}.csv": table, f"{READING}_all.csv": table})
    finished = imported(api, export)
    assert finished["state"] == "done", finished
    note = Note.objects.get()
    assert note.title == "Reading list"
    assert note.body == ("| Name | Author | Status | Tags |\n| --- | --- | --- | --- |\n| Dune | Frank Herbert | Done | scifi, classic |\n"
                         "| The Left Hand \\| of Darkness | Ursula K. Le Guin |  |  |\n\n[[Reading list.csv]]\n")
    assert list(Attachment.objects.values_list("name", flat=True)) == ["Reading list.csv"]  # the table as Notion wrote it
    assert finished["result"]["skipped_files"] == [{
        "path": f"{READING}.csv",
        "reason": "the table of the database “Reading list”, without its rows’ pages: imported as the note “Reading "
                  "list”, a table of its 2 rows and the file attached (the rows’ own text was not exported: export it "
                  "from Notion again with “Include subpages” on to have each row a note)"}]
    again = imported(api, export)
    assert (again["result"]["created"], again["result"]["updated"], again["result"]["attachments"]) == (0, 0, 0)
    assert Note.objects.count() == 1


@pytest.mark.parametrize("names, created, edited", [
    (("Date de création", "Dernière modification", "Étiquettes"), "7 décembre 2026 14:03", "8 déc. 2026 09:15"),  # French
    (("Erstellt", "Zuletzt bearbeitet", "Tags"), "7. Dezember 2026 14:03", "8. Dez. 2026 09:15"),  # German
    (("Hora de creación", "Última edición", "Etiquetas"), "7 de diciembre de 2026 14:03", "8 de dic. de 2026 9:15"),  # Spanish
    (("作成日時", "最終更新日時", "タグ"), "2026年12月7日 14:03", "2026年12月8日 午前9:15"),  # Japanese
    (("생성 일시", "최종 편집 일시", "태그"), "2026년 12월 7일 오후 2:03", "2026년 12월 8일 오전 9:15"),  # Korean
    (("Luotu", "Viimeksi muokattu", "Tunnisteet"), "7. joulukuuta 2026 14:03", "8. jouluk. 2026 klo 9.15"),  # Finnish
    (("สร้างเมื่อ", "แก้ไขล่าสุด", "แท็ก"), "7 ธันวาคม 2569 14:03", "8 ธ.ค. 2569 9:15"),  # Thai, in the Buddhist year
    (("Created time", "Last edited time", "Tags"), "December 7, 2026 2:03 PM", "Dec 8, 2026 9:15 AM"),  # English
    (("Created time", "Last edited time", "Tags"), "2026/12/07 14:03", "2026/12/08 9:15"),  # Year/Month/Day, in any language
])
def test_a_notion_row_written_in_another_language_is_dated_and_tagged_by_its_properties(settings, names, created, edited):
    """Notion names a new database's properties, and writes their dates, in the workspace's language."""
    settings.TIME_ZONE = "Europe/Paris"
    created_name, edited_name, tags_name = names
    page = (f"# Dune\n\nAuthor: Frank Herbert\n{created_name}: {created}\n{edited_name}: {edited}\n"
            f"{tags_name}: scifi, classic\n\nA desert planet.\n")
    found = read_markdown_source(io.BytesIO(zipped({f"{READING}/{DUNE}.md": page})))
    [dune] = found.records
    assert (dune["created"], dune["updated"]) == (datetime(2026, 12, 7, 13, 3, tzinfo=timezone.utc),
                                                  datetime(2026, 12, 8, 8, 15, tzinfo=timezone.utc))
    assert dune["tags"] == ["reading list", "scifi", "classic"]


def database_rows(*dates: str) -> dict:
    """A database's rows, the first created at each of `dates`, as Notion writes them in numbers."""
    return {f"{READING}/Row {number} {str(number) * 32}.md": f"# Row {number}\n\nCreated time: {when}\n\nText.\n"
            for number, when in enumerate(dates, start=1)}


@pytest.mark.parametrize("dates", [
    ("07/12/2026 14:03", "13/11/2026 09:00"),  # Day/Month/Year: the 13th tells which
    ("12/7/2026 2:03 PM", "11/13/2026 9:00 AM"),  # Month/Day/Year
    ("2026/12/07 14:03", "2026/11/13"),  # Year/Month/Day, as ISO orders it
])
def test_a_notion_row_dated_in_numbers_is_dated_by_them_the_database_s_other_rows_telling_day_from_month(settings, dates):
    settings.TIME_ZONE = "UTC"
    found = read_markdown_source(io.BytesIO(zipped(database_rows(*dates))))
    created = {record["title"]: record["created"] for record in found.records}
    assert created["Row 1"] == datetime(2026, 12, 7, 14, 3, tzinfo=timezone.utc)
    assert created["Row 2"].date().isoformat() == "2026-11-13"
    assert found.skipped == []


def test_a_notion_database_whose_numbers_could_be_day_or_month_first_is_not_guessed_and_the_summary_says_so(settings):
    settings.TIME_ZONE = "UTC"
    found = read_markdown_source(io.BytesIO(zipped(database_rows("07/12/2026 14:03", "08/12/2026 09:00"))))
    guesses = {datetime(2026, 12, 7, 14, 3), datetime(2026, 7, 12, 14, 3), datetime(2026, 12, 8, 9), datetime(2026, 8, 12, 9)}
    assert not {record["created"].replace(tzinfo=None) for record in found.records} & guesses
    assert all(record["body"].startswith("Created time: ") for record in found.records)  # the dates kept, as text
    assert [(item.path, item.reason) for item in found.skipped] == [(
        READING, "the database “Reading list” writes its dates in numbers (“07/12/2026 14:03”) that could be day/month "
                 "or month/day, and none of its dates tells which: its rows are dated when Notion exported them, their "
                 "dates kept as text. To have them read, set the dates’ format to “Full date” in Notion (the "
                 "property’s ••• › Date format) and export again")]


def test_file_import_offers_and_imports_a_takeout_tgz_in_the_windows_own_dialog(api, tmp_path, monkeypatch):
    """The window's open dialog as pywebview makes it (Windows, macOS), which checks the file types it is given."""
    from webview.util import parse_file_type

    from django_desktop_shell import native
    from django_desktop_shell.process.native_dialogs import WindowNativeFunctions

    monkeypatch.setattr("django_desktop_shell.process.window.gui", lambda: None)

    takeout = tmp_path / "takeout-20261207.tgz"
    takeout.write_bytes(tgz(keep_takeout()))
    offered = []

    class Window:
        def create_file_dialog(self, dialog_type, directory="", file_types=(), **options):
            offered.extend(parse_file_type(file_type)[1] for file_type in file_types)
            return (str(takeout),)

    native.provide(WindowNativeFunctions(Window()))
    try:
        finished = wait_for_job(api, api.post("/api/jobs/import-from-dialog/").json())
    finally:
        native.provide(None)
    assert "*.tgz" in offered[0].split(";")
    assert finished["state"] == "done", finished
    assert sorted(Note.objects.values_list("title", flat=True)) == ["", "Groceries", "Idea"]


def test_a_notion_page_s_title_ending_in_a_hash_keeps_it_and_only_a_closing_sequence_goes():
    pages = {f"Learning C# {'1' * 32}.md": "# Learning C#\n\nPointers.\n",
             f"Tools {'2' * 32}.md": "# Tools ##  \n\nA hammer.\n",
             f"Issue {'3' * 32}.md": "# Issue #42\n\nOpen.\n"}
    found = read_markdown_source(io.BytesIO(zipped(pages)))
    assert sorted((record["title"], record["body"]) for record in found.records) == [
        ("Issue #42", "Open.\n"), ("Learning C#", "Pointers.\n"), ("Tools", "A hammer.\n")]


def test_a_notion_export_zipped_again_on_a_mac_with_its_hidden_apple_double_files_imports(api):
    # Safari unzips the download; the folder compressed again in the Finder has each part's
    # resource fork beside it, under __MACOSX/, which is no zip.
    parts = zipped({"Export-5e1c2a3b-Part-1.zip": zipped(notion_pages()),
                    "__MACOSX/._Export-5e1c2a3b-Part-1.zip": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X"})
    finished = imported(api, parts)
    assert finished["state"] == "done", finished
    assert sorted(Note.objects.values_list("title", flat=True)) == ["Dune", "Packing list", "Travel"]


def test_a_notion_export_whose_parts_add_up_to_more_than_an_archive_may_hold_is_refused(monkeypatch):
    # Each part under the limit, as a zip bomb's would be, all of them over it: refused before their
    # pages are read into memory.
    monkeypatch.setattr(foreign_import, "MAX_TOTAL_SIZE", 3000)
    parts = {}
    for number in (1, 2):
        part = io.BytesIO()
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"Page {number} {str(number) * 32}.md", f"# Page {number}\n\n" + "words " * 300)
        parts[f"Export-5e1c2a3b-Part-{number}.zip"] = part.getvalue()
    read = []
    monkeypatch.setattr(foreign_import, "markdown_note", lambda entry, *args: read.append(entry.path))
    with pytest.raises(ImportFileError, match="The files in this zip file add up to .* once unpacked"):
        read_markdown_source(io.BytesIO(zipped(parts)))
    assert read == []  # refused before a page was read


@pytest.mark.parametrize("import_markdown", [False, True])
def test_a_takeout_of_every_product_with_a_markdown_file_in_drive_imports_its_keep_notes_and_the_file(api, import_markdown):
    # Takeout's "Select all": Drive's files beside Keep's, a Markdown file among them. Keep's
    # notes were left out without a word (Import Markdown…), or the zip refused (Import…).
    takeout = zipped(keep_takeout(**{"Takeout/Drive/Projects/readme.md": "A file kept in Drive.\n"}))
    if import_markdown:
        found = read_markdown_source(io.BytesIO(takeout))
        assert sorted(record["title"] for record in found.records) == ["", "Groceries", "Idea", "readme"]
        return
    finished = imported(api, takeout)
    assert finished["state"] == "done", finished
    assert sorted(Note.objects.values_list("title", flat=True)) == ["", "Groceries", "Idea", "readme"]


def test_an_obsidian_vault_with_a_folder_named_keep_of_other_json_files_imports_as_a_vault_listing_none_left_out(tmp_path):
    (tmp_path / "Keep").mkdir()
    (tmp_path / "Keep" / "settings.json").write_text('{"theme": "dark"}')
    (tmp_path / "Plan.md").write_text("The plan.\n")
    found = read_markdown_source(tmp_path)
    assert ([record["title"] for record in found.records], found.skipped) == (["Plan"], [])


@pytest.mark.parametrize("zone, when, day", [("America/New_York", "January 1, 0001 12:00 AM", "0001-01-01"),
                                              ("Pacific/Kiritimati", "December 31, 9999 11:59 PM", "9999-12-31")])
def test_a_page_dated_the_calendar_s_first_or_last_day_imports(api, settings, zone, when, day):
    """Another app's note has a name's uid (version 5), as a day note from before journals had: the
    days either side of its day were looked at for one, past the calendar's ends, and the whole
    import 'failed unexpectedly' (a broken export's year 1)."""
    settings.TIME_ZONE = zone
    finished = imported(api, zipped({f"Row {'1' * 32}.md": f"# Row\n\nCreated time: {when}\n\nText.\n"}))
    assert finished["state"] == "done", finished
    assert Note.objects.get().created.astimezone(ZoneInfo(zone)).date().isoformat() == day


def test_a_bracket_left_open_before_a_link_on_its_line_stays_text_and_the_link_is_the_link():
    """As CommonMark reads it, `[1–5: ![photo](…)` is a bracket, then the image: the bracket and
    the words after it were swallowed into the link (an image made a plain link), and a line of
    such brackets took quadratic time (4.9 s at 8,000)."""
    pages = {f"{TRAVEL}.md": (f"# Travel\n\nMarks [1–5: ![Lisbon.jpg]({url(f'{TRAVEL}/Lisbon.jpg')}), "
                              "[draft [the book](https://www.notion.so/Dune-99887766554433221100ffeeddccbbaa?pvs=21).\n"),
             f"{TRAVEL}/Lisbon.jpg": PHOTO,
             f"{DUNE}.md": "# Dune\n\nA desert planet.\n"}
    found = read_markdown_source(io.BytesIO(zipped(pages)))
    bodies = {record["title"]: record["body"] for record in found.records}
    assert bodies["Travel"] == "Marks [1–5: ![[Lisbon.jpg]], [draft [[Dune|the book]].\n"


def test_telling_a_zip_of_many_folders_of_large_json_files_apart_reads_a_bounded_part_of_it(monkeypatch):
    """Told apart before its size is weighed: a zip of 40 folders whose first .json files unpack
    to 4 MB each (a few kB zipped) was unpacked whole, as one of 50,000 would have been."""
    files = {f"Takeout/Product {number:02}/a.json": b" " * (4 * 1024 * 1024) for number in range(40)}
    files["Takeout/Keep/Groceries.json"] = json.dumps({"title": "Groceries", "textContent": "Milk",
                                                       "createdTimestampUsec": 1600000000 * USEC})
    unpacked = []
    read = zipfile.ZipFile.read
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda archive, name, pwd=None: unpacked.append(
        archive.getinfo(name if isinstance(name, str) else name.filename).file_size) or read(archive, name, pwd))
    assert foreign_import.is_notion_or_keep_zip(io.BytesIO(zipped(files)))  # found by its folder's name
    unpacked.clear()
    files.pop("Takeout/Keep/Groceries.json")
    assert foreign_import.is_notion_or_keep_zip(io.BytesIO(zipped(files)))  # a Takeout still: its import names what it holds
    assert sum(unpacked) <= foreign_import.MAX_SNIFFED_SIZE
