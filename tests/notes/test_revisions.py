"""Version history: when revisions are kept, how they are stored, read, restored, pruned,
exported and imported (embedded_site/notes/revisions.py, revision_views.py)."""

import io
import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from embedded_site.notes import revisions
from embedded_site.notes.apps import NotesConfig
from embedded_site.notes.exporting import export_json
from embedded_site.notes.models import Note, Revision
from embedded_site.notes.progress import run_to_completion
from tests.notes.test_transfer import exported, imported


def save(api, note_id, **fields):
    version = api.get(f"/api/notes/{note_id}/").json()["version"]
    response = api.patch(f"/api/notes/{note_id}/", {**fields, "version": version})
    assert response.status_code == 200, response.content
    return response.json()


def history(api, note_id):
    response = api.get(f"/api/notes/{note_id}/revisions/")
    assert response.status_code == 200, response.content
    return response.json()["revisions"]


def age_revisions(by: timedelta):
    for revision in Revision.objects.all():
        Revision.objects.filter(pk=revision.pk).update(created=revision.created - by)


@pytest.fixture
def note(make_note):
    return make_note(title="Groceries", body="milk\nbread", tags=["home"])


def test_the_first_save_keeps_what_it_replaces_and_saves_soon_after_keep_nothing(api, note):
    save(api, note.pk, body="milk\nbread\neggs")
    save(api, note.pk, body="milk\nbread\neggs\nbutter")
    kept = history(api, note.pk)
    assert [(r["reason"], r["title"], r["size"]) for r in kept] == [("edit", "Groceries", len("milk\nbread"))]
    assert kept[0]["summary"] == "Oldest kept version · 2 lines"
    assert kept[0]["reason_text"] == "Edited"


def test_a_save_ten_minutes_after_the_last_revision_keeps_one(api, note):
    save(api, note.pk, body="milk\nbread\neggs")
    age_revisions(timedelta(minutes=11))
    save(api, note.pk, body="milk\nbread\neggs\nbutter")
    newest = history(api, note.pk)[0]
    assert newest["size"] == len("milk\nbread\neggs")
    assert newest["summary"] == "+1 line: “eggs”"


def test_a_revision_timed_ahead_of_this_clock_does_not_stop_versions_being_kept_here(api, note):
    """A revision synced from a computer whose clock is hours ahead is the note's newest. Until
    this, the time since it was negative here for those hours, and no save kept a version: hours of
    edits had no history on this computer (docs/sync.md)."""
    save(api, note.pk, body="milk\nbread\neggs")
    Revision.objects.filter(note_id=note.pk).update(created=timezone.now() + timedelta(hours=5))
    save(api, note.pk, body="milk\nbread\neggs\nbutter")
    age_revisions(timedelta(minutes=11))
    save(api, note.pk, body="milk\nbread\neggs\nbutter\njam")
    assert sorted(r["size"] for r in history(api, note.pk)) == [
        len("milk\nbread"), len("milk\nbread\neggs"), len("milk\nbread\neggs\nbutter")]


def test_a_large_change_keeps_a_revision_at_once(api, make_note):
    long_note = make_note(title="Draft", body="word " * 1000)
    save(api, long_note.pk, body="word " * 1000 + "end")
    save(api, long_note.pk, body="short now")  # more than half of the body goes
    assert [r["size"] for r in history(api, long_note.pk)] == [5003, 5000]


def test_a_short_note_typed_over_or_a_paragraph_deleted_keeps_what_it_removed_at_once(api, make_note):
    # An accidental select-all and type in a short note.
    short = make_note(title="Codes", body="draft")
    save(api, short.pk, body="draft v2")
    codes = "Door 4411, bike lock 9023, the spare key is under the blue pot; call the plumber on Monday at 8."
    save(api, short.pk, body=codes)  # only added to what was there: the note still holds it all
    assert len(history(api, short.pk)) == 1
    save(api, short.pk, body="oops")
    assert history(api, short.pk)[0]["size"] == len(codes)
    # A paragraph deleted from a long note.
    long_note = make_note(title="Long", body="word " * 2000)
    save(api, long_note.pk, body="word " * 2000 + "important final paragraph " * 74)
    save(api, long_note.pk, body="word " * 2000)  # 1,924 characters go
    assert history(api, long_note.pk)[0]["size"] == len("word " * 2000 + "important final paragraph " * 74)


def test_a_paragraph_deleted_a_few_sentences_per_save_is_kept_once_the_deletions_add_up(api, make_note):
    note = make_note(title="Essay", body="Start.")
    save(api, note.pk, body="Start. first edit")  # keeps the first revision
    sentences = [f"Sentence {i} of the important paragraph I wrote today." for i in range(20)]
    save(api, note.pk, body="Start. first edit\n\n" + " ".join(sentences))
    for left in range(17, -1, -3):  # about 180 characters per save, under the 200 of one large change
        save(api, note.pk, body="Start. first edit\n\n" + " ".join(sentences[: max(left, 0)]))
    kept = " ".join(api.get(f"/api/notes/{note.pk}/revisions/{r['id']}/").json()["body"] for r in history(api, note.pk))
    lost = [sentence for sentence in sentences if sentence not in kept]
    # As for one save: less than a large change may go unkept (the first three sentences deleted).
    assert lost == sentences[17:]
    assert len(" ".join(lost)) < revisions.LARGE_CHANGE_CHARS


def test_typing_on_keeps_no_version_at_each_save(api, note):
    text = ""
    for word in ["Monday:", " call", " the", " plumber,", " then", " the", " bank."] * 10:
        text += word
        save(api, note.pk, body=text)
    save(api, note.pk, body=text[:-20])  # a few words taken back
    assert len(history(api, note.pk)) == 1  # the first save's


def test_a_title_changed_alone_keeps_the_title_it_replaces(api, note):
    save(api, note.pk, body="milk\nbread\neggs")
    age_revisions(timedelta(minutes=11))
    save(api, note.pk, title="Groceries for Sunday")
    assert [r["title"] for r in history(api, note.pk)] == ["Groceries", "Groceries"]


def test_pin_and_tags_alone_keep_no_revision(api, note):
    save(api, note.pk, body="milk\nbread\neggs")
    age_revisions(timedelta(hours=1))
    save(api, note.pk, pinned=True, tags=["work"])
    assert len(history(api, note.pk)) == 1


def test_trash_restore_and_a_resolved_conflict_always_keep_one(api, note):
    save(api, note.pk, body="one")
    assert api.delete(f"/api/notes/{note.pk}/").status_code == 200
    assert api.post(f"/api/notes/{note.pk}/restore/").status_code == 200
    version = api.get(f"/api/notes/{note.pk}/").json()["version"]
    response = api.patch(f"/api/notes/{note.pk}/", {"body": "mine", "version": version, "resolves_conflict": True})
    assert response.status_code == 200
    assert [r["reason"] for r in history(api, note.pk)] == ["conflict", "restore", "trash", "edit"]
    assert history(api, note.pk)[0]["reason_text"] == "Before a conflict was resolved"


def test_a_revision_reads_back_whole(api, note):
    save(api, note.pk, title="Shopping", body="milk")
    revision = history(api, note.pk)[0]
    detail = api.get(f"/api/notes/{note.pk}/revisions/{revision['id']}/").json()
    assert (detail["title"], detail["body"], detail["tags"], detail["pinned"]) == ("Groceries", "milk\nbread", ["home"], False)


def test_a_revision_of_another_note_or_none_is_404(api, note, make_note):
    save(api, note.pk, body="changed")
    other = make_note(title="Other")
    revision = history(api, note.pk)[0]["id"]
    response = api.get(f"/api/notes/{other.pk}/revisions/{revision}/")
    assert response.status_code == 404 and response.json()["error"] == f"Note {other.pk} has no revision {revision}."
    assert api.get(f"/api/notes/{note.pk}/revisions/999999/").status_code == 404
    assert api.get("/api/notes/999999/revisions/").status_code == 404
    assert api.post(f"/api/notes/{other.pk}/revisions/{revision}/restore/", {"version": 1}).status_code == 404


@pytest.mark.parametrize("params, field", [({"limit": "0"}, "limit"), ({"offset": "-1"}, "offset"), ({"limit": "x"}, "limit")])
def test_bad_list_parameters_are_400_naming_them(api, note, params, field):
    response = api.get(f"/api/notes/{note.pk}/revisions/", params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_restoring_a_revision_is_a_new_version_that_can_be_undone(api, note):
    save(api, note.pk, title="Shopping", body="milk only", tags=["food"])
    revision = history(api, note.pk)[0]
    version = api.get(f"/api/notes/{note.pk}/").json()["version"]
    response = api.post(f"/api/notes/{note.pk}/revisions/{revision['id']}/restore/", {"version": version})
    assert response.status_code == 200, response.content
    restored = response.json()
    assert (restored["title"], restored["body"], restored["tags"], restored["version"]) == (
        "Groceries", "milk\nbread", ["home"], version + 1)
    undo = api.get(f"/api/notes/{note.pk}/revisions/{restored['undo_revision']}/").json()
    assert (undo["reason"], undo["title"], undo["body"]) == ("revert", "Shopping", "milk only")
    again = api.post(f"/api/notes/{note.pk}/revisions/{undo['id']}/restore/", {"version": restored["version"]}).json()
    assert (again["title"], again["body"], again["tags"]) == ("Shopping", "milk only", ["food"])


def test_restoring_over_a_newer_version_is_409_and_changes_nothing(api, note):
    save(api, note.pk, body="changed")
    revision = history(api, note.pk)[0]["id"]
    response = api.post(f"/api/notes/{note.pk}/revisions/{revision}/restore/", {"version": 1})
    assert response.status_code == 409
    assert response.json()["current"]["body"] == "changed"
    assert Note.objects.get(pk=note.pk).body == "changed"


@pytest.mark.parametrize("payload", [{}, {"version": "two"}, {"version": 0}])
def test_restoring_without_a_valid_version_is_400_naming_it(api, note, payload):
    save(api, note.pk, body="changed")
    revision = history(api, note.pk)[0]["id"]
    response = api.post(f"/api/notes/{note.pk}/revisions/{revision}/restore/", payload)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["version"]
    assert response.json()["error"].startswith("Version: ")


def test_a_trashed_note_is_not_restored_to_a_revision(api, note):
    save(api, note.pk, body="changed")
    revision = history(api, note.pk)[0]["id"]
    trashed = api.delete(f"/api/notes/{note.pk}/").json()
    response = api.post(f"/api/notes/{note.pk}/revisions/{revision}/restore/", {"version": trashed["version"]})
    assert response.status_code == 409
    assert "in the trash" in response.json()["error"]


def test_revisions_are_compressed_against_the_one_before_and_read_back_exactly(note):
    lines = "\n".join(f"Line {i} is about item {i * 7919 % 1009} of {i * 31 % 97}" for i in range(80))
    texts = [lines + f"\nedit {n}" for n in range(40)]
    for text in texts:
        revisions.keep(note.pk, "edit", {"title": "T", "body": text, "tags": [], "pinned": False, "updated": timezone.now()})
    kept = list(Revision.objects.filter(note=note).order_by("pk"))
    assert [r.depth for r in kept[:18]] == [*range(16), 0, 1]
    assert revisions.bodies(kept) == {r.pk: text for r, text in zip(kept, texts)}
    assert revisions.body_of(kept[-1]) == texts[-1]  # alone: reads its chain
    whole = len(revisions.compress(texts[5], None))
    assert len(kept[5].body) < whole / 3


def test_pruning_deletes_old_revisions_and_keeps_the_rest_readable(note, settings):
    settings.NOTEDESK_REVISIONS_KEPT_DAYS = 90
    texts = [f"Version {n}\n" + "shared text\n" * 30 for n in range(20)]
    now = timezone.now()
    for number, text in enumerate(texts):
        created = now - timedelta(days=100 - number)  # the first 10 are older than 90 days
        revisions.keep(note.pk, "edit", {"title": "T", "body": text, "tags": [], "pinned": False, "updated": created},
                       created=created)
    assert revisions.prune_expired(now) == 10
    kept = list(Revision.objects.filter(note=note).order_by("pk"))
    assert kept[0].base_id is None
    assert [revisions.body_of(r) for r in kept] == texts[10:]


def test_the_prune_runs_in_a_thread_of_its_own_at_start(db, monkeypatch):
    ran = threading.Event()
    threads = []
    monkeypatch.setattr(revisions.launch_days, "cutoff", lambda kept_for: timezone.now() - kept_for)
    monkeypatch.setattr(revisions, "prune_before", lambda cutoff: threads.append(threading.current_thread().name) or ran.set() or 0)
    NotesConfig.tidy_at_start()
    assert ran.wait(5)
    assert threads == ["notedesk-prune-revisions"]


def test_revisions_travel_in_the_json_export_and_import_once(api, note):
    save(api, note.pk, title="Shopping", body="milk only")
    document = json.loads(exported(api, "json"))
    [record] = document["notes"]
    assert [(r["reason"], r["title"], r["body"]) for r in record["revisions"]] == [("edit", "Groceries", "milk\nbread")]
    Note.objects.all().delete()
    assert imported(api, "notes.json", json.dumps(document).encode()).status_code == 200
    assert imported(api, "notes.json", json.dumps(document).encode()).status_code == 200
    restored = Note.objects.get()
    [revision] = history(api, restored.pk)
    assert revision["created"] == record["revisions"][0]["created"]
    assert api.get(f"/api/notes/{restored.pk}/revisions/{revision['id']}/").json()["body"] == "milk\nbread"


def test_the_json_export_reads_the_revisions_of_many_notes_together(api, make_note, owner):
    # It read each note's revisions with a query of its own: at 20,000 notes three quarters of an
    # export's 22 s, the progress bar crawling.
    def queries_to_export() -> int:
        with CaptureQueriesContext(connection) as queries:
            run_to_completion(export_json(owner, io.BytesIO()))
        return len(queries)

    def add_notes(count: int) -> None:
        for number in range(count):
            edited = make_note(title=f"Note {number}", body="first")
            revisions.keep(edited.pk, "edit", {"title": edited.title, "body": "first", "tags": [], "pinned": False,
                                               "updated": edited.updated})

    add_notes(5)
    few = queries_to_export()
    add_notes(45)
    assert queries_to_export() == few
    assert all(len(record["revisions"]) == 1 for record in json.loads(exported(api, "json"))["notes"])


def test_an_import_leaves_out_revisions_older_than_they_are_kept_for(api, note, settings):
    settings.NOTEDESK_REVISIONS_KEPT_DAYS = 90
    save(api, note.pk, title="Shopping", body="milk only")
    document = json.loads(exported(api, "json"))
    [recent] = document["notes"][0]["revisions"]
    old = {**recent, "created": (timezone.now() - timedelta(days=91)).isoformat(), "body": "pruned long ago"}
    document["notes"][0]["revisions"] = [old, recent]
    Note.objects.all().delete()
    assert imported(api, "notes.json", json.dumps(document).encode()).status_code == 200
    assert [revision["created"] for revision in history(api, Note.objects.get().pk)] == [recent["created"]]


@pytest.mark.django_db(transaction=True)  # the upkeep's thread has a connection of its own
def test_a_servers_upkeep_purges_the_expired_trash_and_prunes_old_revisions_now_and_daily(make_note, monkeypatch):
    from embedded_site.notes import upkeep

    expired, recent = make_note(title="Trashed long ago"), make_note(title="Trashed today")
    Note.objects.filter(pk=expired.pk).update(trashed_at=timezone.now() - timedelta(days=31))
    Note.objects.filter(pk=recent.pk).update(trashed_at=timezone.now())
    created = timezone.now() - timedelta(days=400)
    revisions.keep(recent.pk, "edit", {"title": "T", "body": "old", "tags": [], "pinned": False, "updated": created}, created=created)
    rounds = threading.Semaphore(0)
    real_keep_up = upkeep.keep_up
    monkeypatch.setattr(upkeep, "keep_up", lambda: (real_keep_up(), rounds.release()))
    monkeypatch.setattr(upkeep, "UPKEEP_EVERY", timedelta(seconds=0.2))
    stop = threading.Event()
    thread = upkeep.keep_up_in_background(stop)
    assert rounds.acquire(timeout=10) and rounds.acquire(timeout=10)  # at once, and again a period later
    stop.set()
    thread.join(5)
    assert list(Note.objects.values_list("title", flat=True)) == ["Trashed today"]
    assert not Revision.objects.exists()


def test_an_import_that_overwrites_a_note_keeps_what_it_overwrote(api, note):
    document = json.loads(exported(api, "json"))
    document["notes"][0].update(body="from the other computer", updated=(timezone.now() + timedelta(hours=1)).isoformat())
    assert imported(api, "notes.json", json.dumps(document).encode()).json()["updated"] == 1
    [revision] = history(api, note.pk)
    assert revision["reason"] == "import"
    assert api.get(f"/api/notes/{note.pk}/revisions/{revision['id']}/").json()["body"] == "milk\nbread"


@pytest.mark.parametrize(
    "revisions_value, message",
    [
        ("many", "Note 1: revisions: must be a list"),
        ([1], "Note 1: revision 1: must be an object"),
        ([{"created": "yesterday"}], "Note 1: revision 1: created: Enter a date and time with its offset (ISO 8601)."),
        ([{"created": "2025-01-01T00:00:00+00:00", "saved_at": "2025-01-01T00:00:00+00:00", "reason": "magic"}],
         "Note 1: revision 1: reason: must be one of"),
        ([{"created": "2025-01-01T00:00:00+00:00", "saved_at": "2025-01-01T00:00:00+00:00", "body": 5}],
         "Note 1: revision 1: body: must be text"),
        ([{"created": "2025-01-01T00:00:00+00:00", "saved_at": "2025-01-01T00:00:00+00:00", "tags": "a"}],
         "Note 1: revision 1: tags: must be a list"),
        ([{"created": "2025-02-30T00:00:00+00:00", "saved_at": "2025-01-01T00:00:00+00:00"}],
         "Note 1: revision 1: created: Enter a date and time with its offset (ISO 8601)."),
        ([{"created": "2025-01-01T00:00:00+00:00", "saved_at": "9999-12-31T23:59:59-01:00"}],
         "Note 1: revision 1: saved_at: Enter a date and time with its offset (ISO 8601)."),
        ([{"created": "2025-01-01T00:00:00+00:00", "saved_at": "2025-01-01T00:00:00+00:00", "body": "a\udc80"}],
         "Note 1: revision 1: body: This text holds U+DC80, half of a surrogate pair"),
        ([{"created": "2025-01-01T00:00:00+00:00", "saved_at": "2025-01-01T00:00:00+00:00", "tags": ["\ud800"]}],
         "Note 1: revision 1: tags: This text holds U+D800, half of a surrogate pair"),
    ],
)
def test_an_import_with_a_bad_revision_is_400_naming_it_and_imports_nothing(api, note, revisions_value, message):
    document = json.loads(exported(api, "json"))
    document["notes"][0]["revisions"] = revisions_value
    Note.objects.all().delete()
    response = imported(api, "notes.json", json.dumps(document).encode())
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert response.json()["fields"] == {"file": [response.json()["error"]]}
    assert not Note.objects.exists()


def test_change_summaries_say_what_changed():
    before = {"title": "A", "body": "one\ntwo\nthree", "tags": ["x"]}
    assert revisions.change_summary(before, {"title": "B", "body": "one\n2\nthree", "tags": ["x", "y"]}) == (
        "Title “A” → “B” · +1 −1 lines: “2” · Tags +y")
    assert revisions.change_summary(before, dict(before)) == "No change to the text"
    assert revisions.removed_characters("abcdef", "abXdef") == 1
    assert revisions.removed_characters("", "abc") == 0
    assert revisions.removed_characters("abc", "") == 3
