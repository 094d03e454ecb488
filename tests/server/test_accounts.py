"""Logging in to the server: the login page with CSRF, and failed logins limited per user name
and per client address, with a clear 429 and Retry-After."""

import logging
import re
import threading

import pytest
from django.core.cache import cache
from django.db import connection

from embedded_site import accounts
from tests.server_mode import PASSWORD, HttpsClient, make_user


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def browser(address="203.0.113.7"):
    """A browser that, like a real one, sends the CSRF token its login page gave it."""
    client = HttpsClient(enforce_csrf_checks=True, headers={"Origin": "https://testserver"}, REMOTE_ADDR=address)
    client.get("/accounts/login/")
    return client


def log_in(client, username, password):
    token = client.cookies["csrftoken"].value
    return client.post("/accounts/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token})


def test_a_person_logs_in_on_the_login_page_and_sees_their_notes(db):
    make_user("carol")
    client = browser()
    response = log_in(client, "carol", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/")
    page = client.get("/")
    assert page.status_code == 200 and b"Log out" in page.content


def test_a_login_without_the_csrf_token_is_refused(db):
    make_user("carol")
    client = browser()
    response = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_after_five_wrong_passwords_a_name_is_paused_with_a_429_and_retry_after_even_for_the_right_one(db):
    make_user("carol")
    for _ in range(accounts.LIMIT_PER_USERNAME):
        response = log_in(browser(), "carol", "wrong")
        assert response.status_code == 200 and b"enter a correct" in response.content
    client = browser(address="198.51.100.9")  # another address: the name's own count stops it
    response = log_in(client, "carol", PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= accounts.LIMIT_WINDOW
    assert b"Try again in 15 minutes" in response.content
    assert "_auth_user_id" not in client.session
    # Another person's name from another address logs in as usual.
    make_user("dave")
    assert log_in(browser(address="198.51.100.10"), "dave", PASSWORD).status_code == 302


@pytest.mark.parametrize("spelling", ["\uff41lice", "al\uff49ce", "\u1d43lice", " alice "])
def test_another_spelling_of_a_name_that_logs_in_as_it_shares_its_count(db, spelling):
    """Django logs in with the name as NFKC makes it: counted apart, each spelling had 5 tries more."""
    make_user("alice")
    assert log_in(browser(), spelling, PASSWORD).status_code == 302  # it is alice's name
    for _ in range(accounts.LIMIT_PER_USERNAME):
        log_in(browser(), "alice", "wrong")
    client = browser(address="198.51.100.13")
    assert log_in(client, spelling, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_names_is_paused_too(db):
    make_user("erin")
    for number in range(accounts.LIMIT_PER_ADDRESS):
        assert log_in(browser(), f"guess{number}", "wrong").status_code == 200
    assert log_in(browser(), "erin", PASSWORD).status_code == 429
    assert log_in(browser(address="198.51.100.11"), "erin", PASSWORD).status_code == 302


def test_a_successful_login_clears_its_names_count(db):
    make_user("frank")
    for _ in range(accounts.LIMIT_PER_USERNAME - 1):
        log_in(browser(), "frank", "wrong")
    assert log_in(browser(), "frank", PASSWORD).status_code == 302
    for _ in range(accounts.LIMIT_PER_USERNAME - 1):
        log_in(browser(), "frank", "wrong")
    assert log_in(browser(), "frank", PASSWORD).status_code == 302


def test_the_login_page_names_no_reason_that_tells_a_name_exists(db):
    make_user("gina")
    known = log_in(browser(), "gina", "wrong").content
    unknown = log_in(browser(address="198.51.100.12"), "nobody-here", "wrong").content
    strip = lambda html: re.sub(rb'name="(csrf-token|csrfmiddlewaretoken|username)" [^>]*>', b"", html)  # noqa: E731
    assert strip(known) == strip(unknown)


def test_a_failed_login_is_a_log_line_with_the_account_and_the_address_never_what_was_typed(db, caplog):
    """Until this, the log said nothing of a failed login, and "Too Many Requests: /accounts/login/" of
    one refused, so a self-hoster (or fail2ban) could not see someone trying passwords."""
    make_user("carol")
    with caplog.at_level(logging.INFO):
        log_in(browser(), "carol", "Wrong-Horse-Battery")
        log_in(browser(), "my own password 123", "x")  # a password typed in the name's field
        for _ in range(accounts.LIMIT_PER_USERNAME):
            log_in(browser(), "carol", "wrong")
        log_in(browser(address="198.51.100.9"), "carol", PASSWORD)
    lines = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert lines[:2] == ["A login to the account 'carol' from 203.0.113.7 failed.",
                         "A login to a name that is no account's from 203.0.113.7 failed."]
    assert lines[-1] == ("A login to the account 'carol' from 198.51.100.9 was refused unchecked: too many failed "
                         "logins within 15 minutes.")
    assert len(lines) == 2 + accounts.LIMIT_PER_USERNAME + 1
    assert "Wrong-Horse" not in caplog.text and "my own password" not in caplog.text and PASSWORD not in caplog.text


@pytest.fixture
def served(transactional_db, settings):
    """The server on plain http://127.0.0.1 (NOTEDESK_HTTPS=0's settings), for a real browser."""
    from django.core.handlers.wsgi import WSGIHandler
    from waitress.server import create_server

    settings.SECURE_SSL_REDIRECT = settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    server = create_server(WSGIHandler(), host="127.0.0.1", port=0)
    origin = f"http://127.0.0.1:{server.effective_port}"
    settings.CSRF_TRUSTED_ORIGINS = [origin]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield origin
    server.close()
    with connection.cursor() as cursor:  # the server's threads keep their connections: else the database cannot be dropped
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def test_log_out_right_after_typing_saves_what_was_typed_and_leaves_none_of_it_in_the_browser(served, chromium):
    """The save waits for a pause in the typing: logging out within it lost the last words on the
    server, and left them in the browser's storage, which the page resumes at its next load: under
    the next person to log in there, as a note of theirs."""
    from embedded_site.notes.models import Note

    alice = make_user("alice")
    page = chromium.new_context().new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{served}/accounts/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{served}/")
    page.click("#newNote")
    page.fill("#noteTitle", "Minutes")
    page.focus("#noteBody")
    page.keyboard.type("Decided: tea.")
    page.click("#logOut button")
    page.wait_for_url(f"{served}/accounts/login/")
    assert list(Note.objects.owned_by(alice).values_list("title", "body")) == [("Minutes", "Decided: tea.")]
    assert page.evaluate("Object.keys(localStorage).filter((key) => key.startsWith('notedesk.draft'))") == []
    page.context.close()
