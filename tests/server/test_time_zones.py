"""Each person's days in their own time zone on a server: the zone the page's ajax.js sends
(embedded_site/time_zones.py), where the server's own TIME_ZONE is UTC."""

import io
import logging
import time
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from embedded_site.devices.tokens import new_device
from embedded_site.notes.models import Note
from tests.notes.conftest import Api
from tests.notes.test_jobs_and_preview import wait_for_job
from tests.server_mode import HttpsClient, make_user

# 00:30 on 6 December in Berlin, 12:30 in Auckland: still the 5th in UTC.
BERLIN_HALF_PAST_MIDNIGHT = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)


@pytest.fixture
def half_past_midnight_in_berlin(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: BERLIN_HALF_PAST_MIDNIGHT)


def browser(username: str, zone: str) -> Api:
    client = HttpsClient(headers={"Origin": "https://testserver", "X-Time-Zone": zone})
    client.force_login(make_user(username))
    return Api(client)


@pytest.mark.usefixtures("half_past_midnight_in_berlin")
def test_todays_note_is_the_day_of_each_persons_own_time_zone(db):
    berlin = browser("alice", "Europe/Berlin").post("/api/notes/today/")
    auckland = browser("bob", "Pacific/Auckland").post("/api/notes/today/")
    honolulu = browser("carol", "Pacific/Honolulu").post("/api/notes/today/")
    assert (berlin.status_code, berlin.json()["title"]) == (201, "2026-12-06")
    assert auckland.json()["title"] == "2026-12-06"
    assert honolulu.json()["title"] == "2026-12-05"


@pytest.mark.usefixtures("half_past_midnight_in_berlin")
def test_created_operators_count_days_in_the_persons_zone(db):
    berlin = browser("alice", "Europe/Berlin")
    note = berlin.post("/api/notes/", {"title": "Just after midnight", "body": ""}).json()
    found = lambda query: [item["id"] for item in berlin.get("/api/notes/", {"q": query}).json()["notes"]]  # noqa: E731
    assert found("created:2026-12-06") == [note["id"]]
    assert found("created:today") == [note["id"]]
    assert found("created:2026-12-05") == [] and found("created:yesterday") == []


def markdown_export(person: Api) -> bytes:
    finished = wait_for_job(person, person.post("/api/jobs/export/", {"format": "markdown", "destination": "download"}).json())
    return b"".join(person.get(f"/api/jobs/{finished['id']}/file/").streaming_content)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("half_past_midnight_in_berlin")
def test_a_markdown_exports_files_are_dated_in_the_persons_zone_and_read_in_it_again(monkeypatch):
    """Unzipped, each file has its note's time, which Obsidian sorts and shows by, and which an
    import takes as the note's newest: read as UTC's, the file exported at 00:30 in Berlin seemed
    an hour newer than it was (13 in Auckland), and replaced the edit made on the server since."""
    berlin = browser("alice", "Europe/Berlin")
    note = berlin.post("/api/notes/", {"title": "Just after midnight", "body": "As exported"}).json()
    exported = markdown_export(berlin)
    assert zipfile.ZipFile(io.BytesIO(exported)).getinfo("Just after midnight.md").date_time == (2026, 12, 6, 0, 30, 0)
    monkeypatch.setattr(timezone, "now", lambda: BERLIN_HALF_PAST_MIDNIGHT + timedelta(minutes=10))
    berlin.patch(f"/api/notes/{note['id']}/", {"version": note["version"], "body": "Edited since"})
    assert wait_for_job(berlin, berlin.upload("/api/jobs/import/", "notes.zip", exported).json())["state"] == "done"
    assert Note.objects.get(pk=note["id"]).body == "Edited since"


@pytest.fixture
def server_machine_in_auckland(monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("half_past_midnight_in_berlin", "server_machine_in_auckland")
def test_a_markdown_export_of_a_person_in_utc_is_dated_in_utc_not_the_server_machines_zone():
    """The server's own machine may be anywhere: its zone is no person's."""
    london = browser("alice", "UTC")
    london.post("/api/notes/", {"title": "Late", "body": ""})
    assert zipfile.ZipFile(io.BytesIO(markdown_export(london))).getinfo("Late.md").date_time == (2026, 12, 5, 23, 30, 0)


@pytest.mark.django_db(transaction=True)
def test_an_obsidian_front_matters_dates_without_an_offset_are_in_the_persons_zone():
    """As Obsidian writes them: the time on the clock of the person who wrote it."""
    vault = io.BytesIO()
    with zipfile.ZipFile(vault, "w") as archive:
        archive.writestr("vault/Daily.md", "---\ncreated: 2026-12-06 00:30\n---\nStandup")
    berlin = browser("alice", "Europe/Berlin")
    job = berlin.client.post("/api/jobs/import-other/", {"source": "markdown-folder", "file": io.BytesIO(vault.getvalue())},
                             HTTP_X_REQUESTED_WITH="XMLHttpRequest").json()
    assert wait_for_job(berlin, job)["state"] == "done"
    assert Note.objects.get(title="Daily").created == BERLIN_HALF_PAST_MIDNIGHT


@pytest.mark.usefixtures("half_past_midnight_in_berlin")
def test_a_request_without_the_zone_counts_in_the_one_the_persons_browser_sent_last(db):
    """The export's download link and the devices page are loaded without ajax.js, so without the header."""
    berlin = browser("alice", "Europe/Berlin")
    berlin.get("/api/notes/")
    del berlin.client.defaults["HTTP_X_TIME_ZONE"]
    download = berlin.client.get("/api/export/", {"format": "json"})
    assert download.status_code == 200
    assert 'filename="notedesk-2026-12-06.json"' in download["Content-Disposition"]
    device, _ = new_device(get_user_model().objects.get(username="alice"), "Work laptop")
    device.created = BERLIN_HALF_PAST_MIDNIGHT
    device.save()
    assert "2026-12-06 00:30" in berlin.client.get("/devices/").content.decode()


@pytest.mark.usefixtures("half_past_midnight_in_berlin")
def test_a_header_that_is_no_zone_name_is_a_400_that_says_so_and_changes_nothing(db):
    for sent in ("../../etc/passwd", "Europe/Berlin; drop", "/usr/share/zoneinfo/UTC", "x" * 300):
        answer = browser(f"user{len(sent)}", sent).post("/api/notes/today/")
        assert answer.status_code == 400, sent
        assert "X-Time-Zone header is not a time zone's name" in answer.json()["error"]
    assert not Note.objects.exists()


@pytest.mark.usefixtures("half_past_midnight_in_berlin")
def test_a_zone_the_servers_data_lacks_counts_in_utc_and_is_logged_once(db, caplog):
    """A browser's zone data newer than the server's tzdata: the person can still work."""
    newer = browser("alice", "Mars/Olympus_Mons")
    with caplog.at_level(logging.WARNING, logger="embedded_site.time_zones"):
        made = newer.post("/api/notes/today/")
        newer.post("/api/notes/today/")
    assert (made.status_code, made.json()["title"]) == (201, "2026-12-05")
    assert [record.getMessage() for record in caplog.records].count(
        "A browser's time zone 'Mars/Olympus_Mons' is not in this server's time zone data: its days are counted "
        "in the zone it sent before, or UTC. Update the server's tzdata.") == 1


@pytest.mark.usefixtures("half_past_midnight_in_berlin")
def test_a_zone_kept_in_the_session_that_the_servers_data_no_longer_has_counts_in_utc(db):
    """A tzdata update that drops a name (Debian's split of old names into tzdata-legacy, say)."""
    person = browser("alice", "Europe/Berlin")
    session = person.client.session
    session["time_zone"] = "Asia/No_Longer_Here"
    session.save()
    del person.client.defaults["HTTP_X_TIME_ZONE"]
    made = person.post("/api/notes/today/")
    assert (made.status_code, made.json()["title"]) == (201, "2026-12-05")


def test_a_client_sending_a_new_unknown_zone_at_each_request_grows_neither_the_log_nor_the_servers_memory(db, caplog, monkeypatch):
    """Each well-formed name the server lacked was kept, to be logged once, for as long as the
    server ran: a script sending a new one with each request grew both without end."""
    from embedded_site import time_zones

    monkeypatch.setattr(time_zones, "unknown_zones_logged", set())  # none logged yet in this server
    person = browser("alice", "Europe/Berlin")
    with caplog.at_level(logging.WARNING, logger="embedded_site.time_zones"):
        for number in range(2 * time_zones.MOST_UNKNOWN_ZONES_LOGGED):
            person.client.defaults["HTTP_X_TIME_ZONE"] = f"Mars/Crater_{number}"
            assert person.get("/api/notes/").status_code == 200
    assert len(caplog.records) == time_zones.MOST_UNKNOWN_ZONES_LOGGED
    assert len(time_zones.unknown_zones_logged) == time_zones.MOST_UNKNOWN_ZONES_LOGGED
