"""Links between notes: `[[Title]]`, the links table, backlinks, the preview, the `[[`
completion and renaming (embedded_site/notes/links.py, link_views.py)."""

import json
from unittest import mock
from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from embedded_site.notes import links
from embedded_site.notes.links import links_in, rewritten
from embedded_site.notes.models import Note, NoteLink
from tests.notes.test_transfer import exported, imported

LATER = datetime(2030, 1, 1, tzinfo=timezone.utc)


def create(api, title, body="", **fields):
    response = api.post("/api/notes/", {"title": title, "body": body, **fields})
    assert response.status_code == 201, response.content
    return response.json()


def save(api, note, **fields):
    response = api.patch(f"/api/notes/{note['id']}/", {**fields, "version": note["version"]})
    assert response.status_code == 200, response.content
    return response.json()


def link_keys(note):
    return sorted(NoteLink.objects.filter(source_id=note["id"]).values_list("target_key", flat=True))


def test_links_are_found_in_the_body_but_not_in_code():
    body = "See [[Groceries]] and [[ trip  PLANS |the trip]].\n`[[not a link]]`\n```\n[[nor this]]\n```\n[[Last]]"
    assert list(links_in(body)) == ["groceries", "trip plans", "last"]
    assert links_in(body)["groceries"] == "See [[Groceries]] and [[ trip PLANS |the trip]]."
    assert links_in("[[]] [[ ]] [[a|]] plain") == {"a": "[[]] [[ ]] [[a|]] plain"}


def test_a_long_text_linking_the_same_notes_again_and_again_reads_each_link_once():
    """A chapter of 11,000 links to a few notes took 0.4 s of each save to read them: each link's
    target was taken apart again (a path, its title keys)."""
    paragraph = "She went back to [[The harbour]], as in [[Chapter 2#The storm]], and on.\n"
    with mock.patch("embedded_site.notes.links.file_key", wraps=links.file_key) as file_key:
        found = links_in("Start. " + paragraph * 5000, frozenset({"photo.png"}))
    assert file_key.call_count == 2
    assert list(found) == ["the harbour", "chapter 2#the storm", "chapter 2"]
    assert found["the harbour"] == "Start. She went back to [[The harbour]], as in [[Chapter 2#The storm]], and on."


def test_a_save_writes_the_links_in_the_same_transaction(api):
    note = create(api, "Index", "[[Alpha]] and [[beta]]")
    assert link_keys(note) == ["alpha", "beta"]
    note = save(api, note, body="only [[Gamma]] now")
    assert link_keys(note) == ["gamma"]
    save(api, note, body="no links")
    assert link_keys(note) == []


def test_backlinks_list_the_notes_linking_here_with_a_snippet(api):
    target = create(api, "Groceries")
    create(api, "Monday", "Buy what is on [[groceries]] before noon")
    create(api, "Tuesday", "[[GROCERIES|the list]] again")
    trashed = create(api, "Old", "[[Groceries]] from the trash")
    api.delete(f"/api/notes/{trashed['id']}/")
    answer = api.get(f"/api/notes/{target['id']}/backlinks/").json()
    assert answer["total"] == 2 and not answer["ambiguous"]
    assert [(n["title"], n["snippet"]) for n in answer["notes"]] == [
        ("Tuesday", "[[GROCERIES|the list]] again"),
        ("Monday", "Buy what is on [[groceries]] before noon"),
    ]


def test_with_two_notes_of_one_title_links_go_to_the_most_recently_updated(api, make_note):
    older = make_note(title="Plans", updated=LATER - timedelta(days=1))
    newer = make_note(title="plans", updated=LATER)
    create(api, "Linker", "see [[Plans]]")
    answer = api.get(f"/api/notes/{newer.pk}/backlinks/").json()
    assert answer["ambiguous"] and [n["title"] for n in answer["notes"]] == ["Linker"]
    answer = api.get(f"/api/notes/{older.pk}/backlinks/").json()
    assert answer["notes"] == [] and answer["goes_to"] == {"id": newer.pk, "title": "plans"}
    html = api.preview("[[PLANS]]")
    assert f'href="#note-{newer.pk}"' in html
    assert 'class="wikilink-ambiguous"' in html and "2 notes" in html


def test_the_preview_links_to_notes_and_offers_missing_ones(api):
    target = create(api, "Groceries")
    html = api.preview("[[groceries|the list]] and [[Nowhere <b>]] and `[[code]]`")
    assert f'<a href="#note-{target["id"]}" class="wikilink" data-note="{target["id"]}"' in html
    assert ">the list</a>" in html
    assert 'class="wikilink missing" data-title="Nowhere &lt;b&gt;"' in html
    assert "<b>" not in html
    assert "<code>[[code]]</code>" in html


def test_the_preview_offers_to_restore_a_linked_note_that_is_in_the_trash(api):
    trashed = create(api, "Old trip")
    assert api.delete(f"/api/notes/{trashed['id']}/").status_code == 200
    html = api.preview("See [[old trip]]")
    assert f'class="wikilink missing" data-title="old trip" data-in-trash="{trashed["id"]}"' in html
    assert "“old trip” is in the trash: click it for a way to restore it" in html
    live = create(api, "Old trip")  # a note of the title outside the trash is the one a link opens
    html = api.preview("See [[old trip]]")
    assert f'data-note="{live["id"]}"' in html and "data-in-trash" not in html


def test_the_preview_of_a_note_shows_its_attached_images_where_its_text_names_them(api, make_note, attachments_dir):
    note, other = make_note(title="Trip"), make_note(title="Other")
    photo = api.upload(f"/api/notes/{note.pk}/attachments/", "Beach photo.PNG", b"\x89PNG beach").json()
    report = api.upload(f"/api/notes/{note.pk}/attachments/", "report.pdf", b"%PDF-1.7").json()
    api.upload(f"/api/notes/{other.pk}/attachments/", "theirs.png", b"\x89PNG theirs")
    body = ("![[beach photo.png]] ![the beach](images/Beach%20photo.png) [[report.pdf]] "
            "![[theirs.png]] ![remote](https://example.com/Beach%20photo.png)")
    html = api.preview(body, note=note.pk)
    assert html.count(f'<img src="{photo["url"]}"') == 2
    assert '<span class="attachment-ref" title="Attached to this note: see Attachments">report.pdf</span>' in html
    assert report["url"] not in html
    assert 'data-title="theirs.png"' in html  # another note's file: not this note's, so a missing title
    assert '<img src="https://example.com/Beach%20photo.png" alt="remote">' in html  # not a file of the note
    without_the_note = api.preview(body)
    assert photo["url"] not in without_the_note
    assert api.post("/api/preview/", {"body": body, "note": "one"}).status_code == 400


def test_the_completion_lists_titles_starting_with_the_text_then_words_inside(api):
    for title in ["Meeting notes", "meeting NOTES", "Meetings", "Team meeting", "Other"]:
        create(api, title)
    titles = api.get("/api/titles/", {"q": "MEET"}).json()["titles"]
    assert [(t["title"], t["count"]) for t in titles] == [("meeting NOTES", 2), ("Meetings", 1), ("Team meeting", 1)]
    assert len(api.get("/api/titles/", {"q": ""}).json()["titles"]) == 5
    assert api.get("/api/titles/", {"q": "zzz"}).json()["titles"] == []
    assert api.get("/api/titles/", {"q": '"*( OR'}).status_code == 200


def test_the_completion_finds_a_title_by_the_starts_of_several_of_its_words_in_any_order(api):
    # Go to note's "lem sal", as Obsidian's switcher takes it: each word typed starts a word of the title.
    for title in ["A tea lemon salad", "Lemon walk", "Salad days"]:
        create(api, title)
    assert [t["title"] for t in api.get("/api/titles/", {"q": "lem sal"}).json()["titles"]] == ["A tea lemon salad"]
    assert [t["title"] for t in api.get("/api/titles/", {"q": "salad lem"}).json()["titles"]] == ["A tea lemon salad"]
    assert [t["title"] for t in api.get("/api/titles/", {"q": "lemon w"}).json()["titles"]] == ["Lemon walk"]


@pytest.mark.parametrize("each", ["", "1"])
def test_the_completion_minds_no_accents_on_either_database(api, each):
    # On PostgreSQL (a server), "cafe" did not find "Café menus", which the desktop's finds.
    for title in ["Café menus", "Crème brûlée", "Cafeteria"]:
        create(api, title)
    assert [t["title"] for t in api.get("/api/titles/", {"q": "cafe", "each": each}).json()["titles"]] == ["Cafeteria", "Café menus"]
    assert [t["title"] for t in api.get("/api/titles/", {"q": "BRULEE crem", "each": each}).json()["titles"]] == ["Crème brûlée"]
    assert [t["title"] for t in api.get("/api/titles/", {"q": "café", "each": each}).json()["titles"]] == ["Café menus", "Cafeteria"]


@pytest.mark.parametrize("each", ["", "1"])
def test_the_completion_lists_the_titles_with_the_text_as_typed_first_on_either_database(api, each):
    """Of the titles with a word starting with each word typed, the desktop lists first those with
    the text as it was typed; the server listed them all in alphabetical order."""
    for title in ["A pie with lime", "Key lime pie", "Pies: lime and more", "Lime pie"]:
        create(api, title)
    titles = api.get("/api/titles/", {"q": "lime pie", "each": each}).json()["titles"]
    assert [t["title"] for t in titles] == ["Lime pie", "Key lime pie", "A pie with lime", "Pies: lime and more"]


def test_each_note_is_listed_for_go_to_note_those_of_one_title_and_those_a_link_cannot_hold_too(api):
    # Go to note (each=1) listed two notes of one title once: the older could not be reached from it.
    older, newer = create(api, "Meeting"), create(api, "Meeting")
    bracketed = create(api, "Plan [draft]")
    create(api, "Trashed plan")
    api.delete(f"/api/notes/{api.get('/api/titles/', {'q': 'trashed'}).json()['titles'][0]['id']}/")
    for q, expected in [("meet", [newer, older]), ("plan", [bracketed])]:
        titles = api.get("/api/titles/", {"q": q, "each": "1"}).json()["titles"]
        assert [t["id"] for t in titles] == [note["id"] for note in expected]
        assert all(t["count"] == 1 for t in titles)
    assert len(api.get("/api/titles/", {"q": "", "each": "1"}).json()["titles"]) == 3
    assert [t["count"] for t in api.get("/api/titles/", {"q": "meet"}).json()["titles"]] == [2]  # the [[ completion's, as before


def test_the_completion_leaves_out_titles_a_link_cannot_hold(api):
    # `[[a|b]]` is a link to "a" shown as "b", and `[[x [1]]]` no link: offered, they would lead elsewhere.
    for title in ["a|b", "x [1]", "Plan ]] B", "Plan A", "Team a|b"]:
        create(api, title)
    assert [t["title"] for t in api.get("/api/titles/", {"q": "a"}).json()["titles"]] == ["Plan A"]
    assert [t["title"] for t in api.get("/api/titles/", {"q": "plan"}).json()["titles"]] == ["Plan A"]
    assert [t["title"] for t in api.get("/api/titles/", {"q": ""}).json()["titles"]] == ["Plan A"]


def test_go_to_note_gets_the_titles_of_the_notes_opened_last_in_one_request_without_their_text(api):
    """Until this, with nothing typed, it read each of them whole (a 1 MB draft, 1 MB at each
    Ctrl+O) for its title and whether it is in the trash."""
    draft, plan, trashed = (create(api, title) for title in ["Draft", "Plan", "Trashed"])
    untitled = create(api, "", "A body and no title")
    api.delete(f"/api/notes/{trashed['id']}/")
    ids = [plan["id"], trashed["id"], 99999, draft["id"], untitled["id"], plan["id"]]
    titles = api.get("/api/titles/", {"ids": ",".join(map(str, ids))}).json()["titles"]
    assert titles == [{"title": "Plan", "id": plan["id"], "count": 1, "updated": plan["updated"]},
                      {"title": "Draft", "id": draft["id"], "count": 1, "updated": draft["updated"]},
                      {"title": "", "id": untitled["id"], "count": 1, "updated": untitled["updated"], "start": "A body and no title"}]
    assert api.get("/api/titles/", {"ids": "3,x"}).json()["error"] == (
        "Note ids: Enter the notes' ids, whole numbers separated by commas (3,5,8).")


def test_go_to_note_offers_a_note_without_a_title_by_its_first_line_on_either_database(api):
    """Until this, a note without a title was never offered: typed or not, it could not be reached."""
    shopping = create(api, "", "\n# Shopping list\n\nMilk, eggs, *café*.")
    recipe = create(api, "", "Crème brûlée for Sunday")
    create(api, "Shopping", "A titled note.")
    create(api, "", "Eggs are on the second line only.\nlist")
    titles = api.get("/api/titles/", {"q": "list shop", "each": "1"}).json()["titles"]
    assert [(t["id"], t.get("start")) for t in titles] == [(shopping["id"], shopping["body"])]
    assert [t["id"] for t in api.get("/api/titles/", {"q": "creme BRU", "each": "1"}).json()["titles"]] == [recipe["id"]]
    assert [t["title"] for t in api.get("/api/titles/", {"q": "shop", "each": "1"}).json()["titles"]] == ["Shopping", ""]
    assert api.get("/api/titles/", {"q": "eggs", "each": "1"}).json()["titles"][0]["start"].startswith("Eggs are")
    everything = api.get("/api/titles/", {"q": "", "each": "1"}).json()["titles"]
    assert len(everything) == 4 and "start" not in everything[1]
    long = create(api, "", "Long draft " + "word " * 150_000)
    assert api.get("/api/titles/", {"ids": long["id"]}).json()["titles"][0]["start"] == long["body"][:300]  # its start alone
    assert [t["title"] for t in api.get("/api/titles/", {"q": "shop"}).json()["titles"]] == ["Shopping"]  # a link needs a title


@pytest.mark.parametrize("typed, first_line", [
    ("strasse", "Hauptstraße 5, Straße"), ("NAIVE c++", "A naïve C++ parser"), ("- todo", "- [ ] todo: call"),
    ("елка", "Ёлка и подарки"), ("كتب", "كَتَبَ الرسالة"), ("2026", "Plan 2026-12"), ("会議", "会議メモ"),
    ("example", "Call ana@example.com"), ("12 07", "Due 2026-12-07"), ("14", "Pi is 3.14"), ("bin", "In /usr/local/bin"),
    ("example org", "See docs.example.org"),
])
def test_go_to_note_finds_a_note_without_a_title_by_a_first_line_of_any_script_or_punctuation(api, typed, first_line):
    """Its notes are looked for through the word index first (links.untitled_matching), whose
    words are not the first line's: each of these must still be found, and a note having the words
    further down only not."""
    note = create(api, "", f"\n{first_line}\nmore text")
    create(api, "", f"Another note\n{first_line}")
    assert [t["id"] for t in api.get("/api/titles/", {"q": typed, "each": "1"}).json()["titles"]] == [note["id"]]


def test_go_to_note_reads_the_first_lines_of_only_the_untitled_notes_whose_text_has_the_words_typed(api, owner):
    """On either database, through its word index: on PostgreSQL, each key read and folded the
    start of every note without a title (bench/untitled_titles.py --database postgresql)."""
    Note.objects.bulk_create(Note(owner=owner, title="", body=f"Nothing here {number}\nnor below") for number in range(30))
    shopping = create(api, "", "Shopping list\nmilk")
    with mock.patch.object(links, "word_form", wraps=links.word_form) as word_form:
        titles = api.get("/api/titles/", {"q": "shop", "each": "1"}).json()["titles"]
    assert [t["id"] for t in titles] == [shopping["id"]]
    assert [call.args[0] for call in word_form.call_args_list if call.args[0].startswith("Nothing")] == []


# What a person types for a word written otherwise, which search folds (search_folding.py): a
# title's, found by the `[[` completion and Go to note, a first line's by Go to note.
FOLDED_TYPING = [
    ("cafe", "Café au lait"), ("CAFÉ", "cafe au lait"), ("ΟΔΟΣ", "Η οδός μας"), ("οδος", "ΟΔΟΣ ΠΑΝΕΠΙΣΤΗΜΙΟΥ"),
    ("كتب", "كَتَبَ الرسالة"), ("كَتَبَ", "كتب الرسالة"), ("كتاب", "این کتاب"), ("1403", "سال ۱۴۰۳"),
    ("abc", "Order ＡＢＣ"), ("елка", "Ёлка и подарки"), ("strasse", "Die Straße"), ("שלום", "שָׁלוֹם עוֹלָם"),
]


@pytest.mark.parametrize("typed, title", FOLDED_TYPING)
def test_the_completion_and_go_to_note_fold_what_is_typed_as_search_does_on_either_database(api, typed, title):
    """Until this, the completion took off Latin accents alone (on PostgreSQL, what its unaccent
    takes off), so that `كتب` missed "كَتَبَ" and, on PostgreSQL, `ΟΔΟΣ` "οδός", which search and
    Go to note's notes without a title found."""
    titled, untitled = create(api, title), create(api, "", f"{title}\nmore text")
    create(api, "Other", f"Nothing\n{title}")
    assert [t["id"] for t in api.get("/api/titles/", {"q": typed}).json()["titles"]] == [titled["id"]]
    assert [t["id"] for t in api.get("/api/titles/", {"q": typed, "each": "1"}).json()["titles"]] == [titled["id"], untitled["id"]]


@pytest.mark.parametrize("params, field", [({"limit": "0"}, "limit"), ({"limit": "99"}, "limit"), ({"q": "x" * 301}, "q"),
                                           ({"ids": "1,two"}, "ids"), ({"ids": "1,,2"}, "ids"), ({"ids": "-1"}, "ids"),
                                           ({"ids": str(2**63)}, "ids"), ({"ids": "9" * 5000}, "ids"), ({"ids": ",".join(map(str, range(1, 22)))}, "ids"),
                                           ({"ids": "1", "q": "plan"}, "ids")])
def test_bad_completion_parameters_are_400_naming_them(api, params, field):
    response = api.get("/api/titles/", params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_the_notes_linking_to_a_title_need_the_title(api):
    create(api, "A", "[[Target]]")
    assert api.get("/api/links/", {"title": "target"}).json()["total"] == 1
    response = api.get("/api/links/", {"title": "  "})
    assert response.status_code == 400 and response.json()["fields"] == {"title": ["This field is required."]}


def test_renaming_points_the_links_at_the_new_title(api):
    target = create(api, "Groceries")
    linker = create(api, "Monday", "Buy [[groceries]], see [[Groceries|the list]], not [[Groceries list]]")
    renamed = save(api, target, title="Shopping")
    response = api.post(f"/api/notes/{renamed['id']}/relink/", {"former_title": "Groceries"})
    assert response.json() == {"updated": 1, "notes": [linker["id"]]}
    after = api.get(f"/api/notes/{linker['id']}/").json()
    assert after["body"] == "Buy [[Shopping]], see [[Shopping|the list]], not [[Groceries list]]"
    assert after["version"] == linker["version"] + 1
    assert api.get(f"/api/notes/{renamed['id']}/backlinks/").json()["total"] == 1
    [revision] = api.get(f"/api/notes/{linker['id']}/revisions/").json()["revisions"]
    assert revision["reason"] == "relink"


def test_renaming_leaves_links_written_in_code_as_they_were(api):
    target = create(api, "Old name")
    body = "Real link: [[Old name]]\n\n```markdown\nExample of syntax: [[Old name]]\n```\n\nInline `[[Old name]]` code.\n"
    docs = create(api, "Docs about links", body)
    renamed = save(api, target, title="New name")
    assert api.post(f"/api/notes/{renamed['id']}/relink/", {"former_title": "Old name"}).json()["updated"] == 1
    assert api.get(f"/api/notes/{docs['id']}/").json()["body"] == body.replace("Real link: [[Old name]]", "Real link: [[New name]]")


def test_a_note_s_own_files_named_in_its_text_are_not_links_and_a_rename_leaves_them_alone(api, attachments_dir):
    trip = create(api, "Trip", "Image: ![[photo.png]]\n\nPDF: [[Report.pdf]], and the note [[report.pdf]] too")
    api.upload(f"/api/notes/{trip['id']}/attachments/", "photo.png", b"\x89PNG beach")
    api.upload(f"/api/notes/{trip['id']}/attachments/", "report.pdf", b"%PDF-1.7")
    assert link_keys(trip) == []  # both name the note's own files
    # A note given a file's name (Attach on a new note titled so) has no backlinks from them...
    named = create(api, "photo.png")
    assert api.get(f"/api/notes/{named['id']}/backlinks/").json()["total"] == 0
    # ...and renaming it, then updating the links to it, leaves the files' names as they were.
    renamed = save(api, named, title="Photo note")
    assert api.post(f"/api/notes/{renamed['id']}/relink/", {"former_title": "photo.png"}).json()["updated"] == 0
    assert api.get(f"/api/notes/{trip['id']}/").json()["body"] == trip["body"]


def test_a_file_attached_after_its_name_was_written_stops_being_a_link(api, attachments_dir):
    trip = create(api, "Trip", "See [[notes.txt]]")
    assert link_keys(trip) == ["notes.txt"]
    attachment = api.upload(f"/api/notes/{trip['id']}/attachments/", "notes.txt", b"the file").json()
    assert link_keys(trip) == []
    api.delete(f"/api/notes/{trip['id']}/attachments/{attachment['id']}/")
    assert link_keys(trip) == ["notes.txt"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_the_links_indexed_for_a_note_s_own_files(api, attachments_dir):
    trip = create(api, "Trip", "![[photo.png]] and [[Packing list]]")
    api.upload(f"/api/notes/{trip['id']}/attachments/", "photo.png", b"\x89PNG beach")
    NoteLink.objects.create(source_id=trip["id"], target_key="photo.png", snippet="![[photo.png]]")  # as indexed before
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("notes")
    executor.migrate([("notes", "0011_pinned_notes_index")])
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert link_keys(trip) == ["packing list"]


def test_relink_refuses_bad_input(api):
    note = create(api, "Groceries")
    response = api.post(f"/api/notes/{note['id']}/relink/", {})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["former_title"]
    assert response.json()["error"] == "Former title: This field is required."
    assert api.post("/api/notes/99999/relink/", {"former_title": "x"}).status_code == 404
    api.delete(f"/api/notes/{note['id']}/")
    assert api.post(f"/api/notes/{note['id']}/relink/", {"former_title": "x"}).status_code == 409


def test_rewriting_leaves_other_links_and_text_alone():
    assert rewritten("[[a]] [[A|x]] [[ab]] a", "a", "B", frozenset()) == "[[B]] [[B|x]] [[ab]] a"


def test_imported_notes_get_their_title_keys_and_links(api):
    target = create(api, "Target")
    create(api, "Source", "[[target]]")
    document = json.loads(exported(api, "json"))
    Note.objects.all().delete()
    assert imported(api, "notes.json", json.dumps(document).encode()).status_code == 200
    new_target = Note.objects.get(title="Target")
    assert new_target.title_key == "target"
    assert api.get(f"/api/notes/{new_target.pk}/backlinks/").json()["total"] == 1
    record = next(n for n in document["notes"] if n["title"] == "Target")
    record.update(title="Renamed ÄRGER", updated=(LATER + timedelta(days=1)).isoformat())
    imported(api, "notes.json", json.dumps(document).encode())
    assert Note.objects.get(pk=new_target.pk).title_key == "renamed ärger"
    assert target  # the original was deleted; the import made the notes again


def preview_with_a_file(api, make_note, name: str, content: bytes, body: str) -> tuple[dict, str]:
    """The attached file, and the preview of `body` in its note."""
    note = make_note(title="Trip")
    attached = api.upload(f"/api/notes/{note.pk}/attachments/", name, content).json()
    return attached, api.preview(body, note=note.pk)


def linked(file: dict, text: str) -> str:
    return f'<a href="{file["url"]}" target="_blank" rel="noopener noreferrer">{text}</a>'


def unlinked(address: str, text: str) -> str:
    return f'<span class="unlinked" title="Not a note or a file of this note: {address}">{text}</span>'


def test_a_relative_link_goes_to_the_notes_file_of_that_name_or_is_shown_as_text(api, make_note, attachments_dir):
    # As Joplin's and Obsidian's Markdown exports write them; followed, the address was a 404 page
    # in place of the app.
    body = ("[the manual](../_resources/Manual.pdf) [Trip plan](../Notebook%20B/Trip%20plan.md) "
            "[top](#top) [site](https://example.org) [api](/api/tags/)")
    manual, html = preview_with_a_file(api, make_note, "Manual.pdf", b"%PDF-1.7", body)
    assert linked(manual, "the manual") in html
    assert unlinked("../Notebook B/Trip plan.md", "Trip plan") in html
    assert "Trip%20plan.md" not in html
    assert 'href="#top"' in html and 'href="https://example.org"' in html and 'href="/api/tags/"' in html
    without_the_note = api.preview(body)
    assert manual["url"] not in without_the_note and '<span class="unlinked"' in without_the_note


def test_a_link_to_a_file_on_this_computer_goes_to_the_notes_file_of_that_name_or_is_shown_as_text(api, make_note, attachments_dir):
    # Followed in the window, `/home/me/…` replaced the app with a 404 page, and `file:///…`
    # showed as its brackets and address.
    body = ("[report](/home/me/Documents/report.pdf) [the photo](file:///home/me/Pictures/photo.png) "
            "![shown](/home/me/Pictures/photo.png) [Old plan](file:///C:/Users/me/plan.txt) [api](/api/tags/)")
    photo, html = preview_with_a_file(api, make_note, "photo.png", b"\x89PNG\r\n\x1a\n", body)
    assert unlinked("/home/me/Documents/report.pdf", "report") in html
    assert linked(photo, "the photo") in html
    assert f'<img src="{photo["url"]}" alt="shown">' in html
    assert unlinked("file:///C:/Users/me/plan.txt", "Old plan") in html
    assert "file:" not in html.replace('title="Not a note or a file of this note: file:', "")
    assert 'href="/api/tags/"' in html  # the app's own address


def test_a_link_to_a_heading_is_a_link_to_its_note():
    # Obsidian's `[[Note#Heading]]`, `[[Note#Heading|text]]` and `[[Note#^block]]` link to "Note";
    # a note may be titled with a `#` too (`C#`), so the whole target is a key as well.
    assert list(links_in("[[Plan#Goals]] [[plan#Risks|the risks]] [[Plan#^abc123]] [[C#]]")) == [
        "plan#goals", "plan", "plan#risks", "plan#^abc123", "c#", "c",
    ]
    assert list(links_in("[[#A heading of this note]]")) == ["#a heading of this note"]


def test_the_preview_leads_a_heading_link_to_its_note_at_the_heading(api):
    target = create(api, "Project plan", "# Goals\n\nShip.\n")
    html = api.preview("[[Project plan#Goals]] and [[project plan#Goals|the goals]]")
    assert html.count(f'class="wikilink" data-note="{target["id"]}" data-heading="Goals"') == 2
    assert ">Project plan › Goals</a>" in html and ">the goals</a>" in html
    assert "missing" not in html
    # A heading of the note itself; a note missing, whose creation makes the title, not "Title#Heading".
    html = api.preview("[[#Goals]] and [[Nowhere#Goals]]")
    assert '<a href="#heading" class="heading-link" data-heading="Goals"' in html and ">Goals</a>" in html
    assert 'class="wikilink missing" data-title="Nowhere"' in html
    # A note titled with the `#` is the one the whole target names.
    sharp = create(api, "C#")
    html = api.preview("[[C#]]")
    assert f'data-note="{sharp["id"]}"' in html and "data-heading" not in html


def test_heading_links_are_backlinks_and_follow_a_rename(api):
    target = create(api, "Project plan", "# Goals\n")
    linker = create(api, "Index", "[[Project plan#Goals]], [[project plan#Goals|goals]], [[Project plan#^abc]], [[Project planet#x]]")
    assert [n["title"] for n in api.get(f"/api/notes/{target['id']}/backlinks/").json()["notes"]] == ["Index"]
    save(api, target, title="Plan B")
    response = api.post(f"/api/notes/{target['id']}/relink/", {"former_title": "Project plan"})
    assert response.json() == {"updated": 1, "notes": [linker["id"]]}
    assert api.get(f"/api/notes/{linker['id']}/").json()["body"] == (
        "[[Plan B#Goals]], [[Plan B#Goals|goals]], [[Plan B#^abc]], [[Project planet#x]]"
    )
