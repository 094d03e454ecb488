"""notedesk://note/<uid> links: the one form opens its note; anything else is refused, logged,
and says so."""

import logging
import threading
import uuid
from concurrent.futures import Future

import pytest

from django_desktop_shell import opening
from django_desktop_shell.identity import load
from django_desktop_shell.process.open_requests import OpenQueue
from embedded_site.notes.models import Note
from embedded_site.notes.owners import local_owner
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


def test_a_link_opens_its_note():
    note = Note.objects.create(owner=local_owner(), title="Linked")
    detail = opening.open_url(f"notedesk://note/{note.uid}")
    assert [opened["id"] for opened in detail["notes"]] == [note.pk] and detail["messages"] == []


def test_an_unknown_note_and_a_trashed_one_say_so():
    unknown = opening.open_url(f"notedesk://note/{uuid.uuid4()}")
    assert unknown["notes"] == [] and unknown["messages"][0]["text"].startswith("No note has this link")
    trashed = Note.objects.create(owner=local_owner(), title="Old", trashed_at="2026-01-01T00:00:00Z")
    assert "“Old” is in the trash" in opening.open_url(f"notedesk://note/{trashed.uid}")["messages"][0]["text"]


@pytest.mark.parametrize("tail", ["note/{uid}/", "note/{uid}?edit=1", "note/{uid}#x", "notes/{uid}", "note/{upper}", "note/42",
                                  "note/", "note/{uid}/../../etc", "//note/{uid}"])
def test_any_other_form_is_refused_and_logged(tail, caplog):
    note = Note.objects.create(owner=local_owner(), title="Linked")
    url = "notedesk://" + tail.format(uid=note.uid, upper=str(note.uid).upper())
    with caplog.at_level(logging.WARNING):
        detail = opening.open_url(url)
    assert detail["notes"] == [] and "only notedesk://note/ followed by a note's id opens" in detail["messages"][0]["text"]
    assert "Refused a link" in caplog.text


def test_the_window_refuses_a_link_of_another_scheme_sent_over_the_channel(caplog):
    startup, ready, shown = Future(), threading.Event(), []
    startup.set_result(None)
    ready.set()
    done = threading.Event()
    queue = OpenQueue(load(ROOT), startup, ready.wait, lambda event, detail: (shown.append((event, detail)), done.set()),
                      lambda activation_token: None)
    with caplog.at_level(logging.WARNING):
        queue.put({"type": "open-url", "url": "javascript://note/alert(1)"})
        assert done.wait(10)
    assert shown == [("desktop:open", {"messages": [{"kind": "error", "text": "Notedesk does not open javascript: links."}]})]
    assert "Refused a link of the scheme 'javascript'" in caplog.text
