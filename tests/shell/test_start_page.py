"""The start page kept from the last run (process/start_page.py): a window shows it before Django
has started, to the window's own cookies only, and a stale copy gives way to the site's page."""

import concurrent.futures
import contextlib
import json
import logging
import os
import stat
import subprocess
import sys
import threading
import time
from dataclasses import replace
from types import SimpleNamespace

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

from django_desktop_shell import user_key
from django_desktop_shell.identity import load
from django_desktop_shell.menus import MenuError
from django_desktop_shell.process import launcher, lifecycle, start_page, window
from django_desktop_shell.process.errors import StartupError
from django_desktop_shell.process.server import STOP_WAIT_S, BodyGuard, ServerThread, bind_loopback
from django_desktop_shell.runtime import Runtime
from tests.conftest import ROOT

CSRF_COOKIE = "notedesk_csrftoken_8765"
SESSION_COOKIE = "notedesk_launch_8765"
WINDOW_HOST = "127.0.0.1:8765"


@pytest.fixture
def run(tmp_path):
    return Runtime(identity=load(ROOT), data_dir=tmp_path, port=8765)


def kept_page(cookies=None) -> start_page.KeptPage:
    return start_page.KeptPage(cookies={CSRF_COOKIE: "a" * 32} if cookies is None else cookies, languages="",
                               headers=[("Content-Type", "text/html; charset=utf-8"), ("X-Frame-Options", "DENY")],
                               body=b"<!doctype html><title>Kept</title>")


def request(path="/", query="", host=WINDOW_HOST, cookies="", method="GET") -> dict:
    return {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": host,
            **({"HTTP_COOKIE": cookies} if cookies else {})}


def window_cookies(run, csrf="a" * 32) -> str:
    return f"{CSRF_COOKIE}={csrf}; {SESSION_COOKIE}={run.session_token}"


def answer_of(app, environ) -> tuple[str, dict, bytes]:
    got = []
    body = b"".join(app(environ, lambda status, headers, exc_info=None: got.append((status, headers))))
    return got[0][0], dict(got[0][1]), body


def test_the_launch_and_the_start_page_are_answered_from_the_copy_before_the_site_starts(run):
    front = start_page.StartPage(run, kept_page())
    launch = front.early_answer(request("/launch/", f"token={run.launch_token}&next=%2F"))
    assert launch[0] == "302 Found"
    headers = dict(launch[1])
    assert headers["Location"] == "/" and headers["X-Frame-Options"] == "DENY"
    assert headers["Set-Cookie"] == f"{SESSION_COOKIE}={run.session_token}; HttpOnly; Path=/; SameSite=Strict"
    status, headers, body = answer_of(front, request(cookies=window_cookies(run)))
    assert (status, body) == ("200 OK", b"<!doctype html><title>Kept</title>")
    assert headers["Content-Length"] == str(len(body)) and front.site_wanted.is_set()


@pytest.mark.parametrize("environ", [
    request("/launch/", "token=guess&next=%2F"),
    request("/launch/", "next=%2F"),
    request("/launch/", "token={launch}&next=%2Felsewhere%2F"),
    request("/launch/", "token={launch}&next=%2F", host="evil.example:8765"),
    request(cookies=f"{CSRF_COOKIE}={'a' * 32}"),  # no session
    request(cookies=f"{CSRF_COOKIE}={'a' * 32}; {SESSION_COOKIE}=guess"),
    request(cookies=f"{CSRF_COOKIE}={'b' * 32}; {SESSION_COOKIE}={{session}}"),  # not the cookies it was made for
    request(cookies=f"{SESSION_COOKIE}={{session}}"),
    request(cookies=f"{CSRF_COOKIE}={'a' * 32}; {SESSION_COOKIE}={{session}}", host="localhost:8765"),
    request(query="q=x", cookies=f"{CSRF_COOKIE}={'a' * 32}; {SESSION_COOKIE}={{session}}"),
    request(cookies=f"{CSRF_COOKIE}={'a' * 32}; {SESSION_COOKIE}={{session}}", method="HEAD"),
    request("/api/notes/", cookies=f"{CSRF_COOKIE}={'a' * 32}; {SESSION_COOKIE}={{session}}"),
])
def test_anything_else_waits_for_the_site(run, environ):
    environ = {key: value.replace("{launch}", run.launch_token).replace("{session}", run.session_token)
               for key, value in environ.items()}
    front = start_page.StartPage(run, kept_page())
    assert front.early_answer(environ) is None
    answered = []
    waiting = threading.Thread(target=lambda: answered.append(answer_of(front, environ)))
    waiting.start()
    waiting.join(0.2)
    assert not answered  # it waits
    front.site_started(lambda environ, start_response: start_response("200 OK", []) or [b"the site"], guard=None)
    waiting.join(5)
    assert answered[0][2] == b"the site"


def test_a_copy_the_window_asks_for_once_the_site_has_started_goes_unused_and_the_log_says_why(run, caplog):
    """On a loaded machine the window asked after Django's start had stopped waiting for it: the site
    answered, and nothing in the log told a slower launch from one that had no copy."""
    caplog.set_level(logging.INFO, logger=start_page.__name__)
    front = start_page.StartPage(run, kept_page())
    front.site_started(lambda environ, start_response: start_response("200 OK", []) or [b"the site"], guard=None)
    assert answer_of(front, request(cookies=window_cookies(run)))[2] == b"the site"
    assert "The start page kept from the last run went unused: the window asked for it only once the site had started" \
        in caplog.text
    answer_of(front, request(cookies=window_cookies(run)))
    assert caplog.text.count("went unused") == 1


def test_a_copy_kept_for_other_cookies_goes_unused_and_the_log_says_why(run, caplog):
    caplog.set_level(logging.INFO, logger=start_page.__name__)
    front = start_page.StartPage(run, kept_page())
    assert front.early_answer(request(cookies=window_cookies(run, csrf="b" * 32))) is None
    assert "went unused: the window asked for it with other cookies or languages than it was kept with" in caplog.text


def test_without_a_copy_nothing_is_answered_early(run):
    front = start_page.StartPage(run, None)
    assert front.early_answer(request(cookies=window_cookies(run))) is None
    assert front.early_answer(request("/launch/", f"token={run.launch_token}&next=%2F")) is None


def test_requests_are_answered_503_if_the_site_could_not_start(run):
    front = start_page.StartPage(run, kept_page())
    front.site_failed()
    status, _, body = answer_of(front, request("/api/notes/", cookies=window_cookies(run)))
    assert status.startswith("503") and b"could not start" in body
    assert front.refuse_body(request("/api/notes/", method="POST"))[0][0].startswith("503")


def test_a_body_sent_before_the_site_starts_is_judged_by_the_sites_guard(run):
    front = start_page.StartPage(run, kept_page())
    judged = []
    refusal = threading.Thread(target=lambda: judged.append(front.refuse_body(request(method="POST"))))
    refusal.start()
    refusal.join(0.2)
    assert not judged and front.site_wanted.is_set()  # the site's start is not held for the copy meanwhile
    refused = (("403 Forbidden", [], b"no"), False)
    front.site_started(app=None, guard=BodyGuard(limit=10, refusal=lambda environ: refused,
                                                  unkept=lambda environ, error: refused[0]))
    refusal.join(5)
    assert judged == [refused]


def test_the_sites_start_waits_for_a_window_that_asks_for_the_copy_seconds_after_the_launch(run):
    """At load ~16 the window asked 5-14 s after the launch; Django's start, held 1 s, went on beside
    GTK's, the site was up first, and the copy never went out."""
    front = start_page.StartPage(run, kept_page())
    held = threading.Thread(target=front.hold_site)
    held.start()
    held.join(2)
    assert held.is_alive()
    assert answer_of(front, request(cookies=window_cookies(run)))[2] == kept_page().body
    held.join(10)
    assert not held.is_alive()


def test_the_sites_start_waits_no_more_once_the_window_has_closed(run):
    front = start_page.StartPage(run, kept_page())
    held = threading.Thread(target=front.hold_site)
    held.start()
    front.window_closed()
    held.join(10)
    assert not held.is_alive()


def test_a_window_closed_before_it_asked_for_the_copy_does_not_wait_for_the_sites_held_start(run, tmp_path, monkeypatch):
    """Closed before its first request (a person quick with Ctrl+Q on a loaded machine), the window
    left the launch waiting for the site's start, itself waiting for that request."""
    monkeypatch.setattr(launcher, "DesktopIntegration", lambda *args: None)
    monkeypatch.setattr(window, "run_window", lambda *args, **options: None)  # opened and closed
    front = start_page.StartPage(run, kept_page())
    startup = concurrent.futures.ThreadPoolExecutor(1).submit(front.hold_site)
    sock = bind_loopback(0)
    try:
        ended = threading.Thread(target=launcher.serve_in_window, args=(load(ROOT), startup, sock, tmp_path, None, None,
                                                                        0, tmp_path / "log"),
                                 kwargs={"front": front, "early_server": SimpleNamespace(launch_url="")}, daemon=True)
        ended.start()
        ended.join(10)
        assert not ended.is_alive()
    finally:
        front.window_closed()
        sock.close()


def test_a_window_that_never_opens_does_not_leave_the_sites_start_held(run, tmp_path, monkeypatch):
    """A project's menu module refused (MenuError) before the window opened: the launch said why, and
    its exit then waited for the site's start, itself held up to HOLD_SITE_S for a window's request,
    until the exit's watchdog forced it ("Did not stop within 1.5 s")."""
    def refused_menu(*args):
        raise MenuError("the menu module names no function 'menus'")

    monkeypatch.setattr(launcher, "DesktopIntegration", refused_menu)
    front = start_page.StartPage(run, kept_page())
    startup = concurrent.futures.ThreadPoolExecutor(1).submit(front.hold_site)
    sock = bind_loopback(0)
    try:
        with pytest.raises(StartupError, match="names no function"):
            launcher.serve_in_window(load(ROOT), startup, sock, tmp_path, None, None, 0, tmp_path / "log", front=front,
                                     early_server=SimpleNamespace(launch_url=""))
        startup.result(timeout=5)
    finally:
        front.window_closed()
        sock.close()


def test_the_site_starts_once_the_copy_has_gone_out_or_is_not_wanted_or_after_a_while(run, monkeypatch):
    front = start_page.StartPage(run, kept_page())
    monkeypatch.setattr(start_page, "HOLD_SITE_S", 5)
    held = threading.Thread(target=front.hold_site)
    held.start()
    held.join(0.2)
    assert held.is_alive()
    answer_of(front, request(cookies=window_cookies(run)))
    held.join(4)  # well under the hold: let go by the copy going out, however busy the machine
    assert not held.is_alive()
    asked_elsewhere = start_page.StartPage(run, kept_page())
    held = threading.Thread(target=asked_elsewhere.hold_site)
    held.start()
    threading.Thread(target=answer_of, args=(asked_elsewhere, request("/api/notes/")), daemon=True).start()
    held.join(4)
    assert not held.is_alive()  # a request the copy cannot answer needs the site now
    asked_elsewhere.site_failed()
    # Never asked for, it is held HOLD_SITE_S; with no copy, not at all (the upper bounds leave a
    # busy machine seconds, and stay under the hold they would otherwise show).
    monkeypatch.setattr(start_page, "HOLD_SITE_S", 0.2)
    began = time.monotonic()
    start_page.StartPage(run, kept_page()).hold_site()
    assert 0.2 <= time.monotonic() - began < 4
    monkeypatch.setattr(start_page, "HOLD_SITE_S", 5)
    began = time.monotonic()
    start_page.StartPage(run, None).hold_site()
    assert time.monotonic() - began < 4


def test_the_copy_is_kept_only_while_the_app_and_its_database_are_as_they_were(run, tmp_path):
    database = tmp_path / "notedesk.sqlite3"
    database.write_bytes(b"notes")
    page = {"cookies": {CSRF_COOKIE: "a" * 32}, "languages": "", "headers": [["Content-Type", "text/html"]], "body": "<p>Kept</p>",
            "databases": [str(database)]}
    keeper = start_page.StartPage(run, None)
    keeper.keep(page, tmp_path)
    assert start_page.load(tmp_path, run).body == b"<p>Kept</p>"
    assert not (tmp_path / start_page.KEPT_FILE).exists()  # read once: a run that ends without keeping leaves none
    keeper.keep(page, tmp_path)
    assert start_page.load(tmp_path, replace(run, identity=replace(run.identity, version="9.9"))) is None
    keeper.keep(page, tmp_path)
    (tmp_path / "notedesk.sqlite3-wal").write_bytes(b"a write")
    assert start_page.load(tmp_path, run) is None
    keeper.keep(page, tmp_path)
    os.utime(database, ns=(0, 0))
    assert start_page.load(tmp_path, run) is None
    keeper.keep(page, tmp_path)
    keeper.keep(None, tmp_path)  # the last run had no page to keep
    assert start_page.load(tmp_path, run) is None
    (tmp_path / start_page.KEPT_FILE).write_text("{not json")
    assert start_page.load(tmp_path, run) is None


def test_the_copy_is_shown_once_the_emptied_write_ahead_log_it_was_kept_with_is_gone(run, tmp_path):
    """The copy is kept after the log is folded into the database, when it is empty, and SQLite
    deletes it as the app's last connection closes: the next launch found the state changed, and a
    project's copy (a Django site with one SQLite database, quit from its menu) was never shown."""
    database = tmp_path / "notedesk.sqlite3"
    database.write_bytes(b"notes")
    write_ahead_log = tmp_path / "notedesk.sqlite3-wal"
    write_ahead_log.write_bytes(b"")
    page = {"cookies": {}, "languages": "", "headers": [["Content-Type", "text/html"]], "body": "<p>Kept</p>",
            "databases": [str(database)]}
    start_page.StartPage(run, None).keep(page, tmp_path)
    write_ahead_log.unlink()
    assert start_page.load(tmp_path, run).body == b"<p>Kept</p>"


def test_the_copy_is_not_shown_once_another_database_the_app_writes_has_changed(run, tmp_path):
    """A start page showing what a second database holds (a count of searches, in 'analytics') was
    shown from the copy after that database alone had changed, then replaced once the site had started."""
    databases = [tmp_path / "notedesk.sqlite3", tmp_path / "notedesk.analytics.sqlite3"]
    for database in databases:
        database.write_bytes(b"rows")
    page = {"cookies": {CSRF_COOKIE: "a" * 32}, "languages": "", "headers": [["Content-Type", "text/html"]], "body": "<p>Kept</p>",
            "databases": [str(database) for database in databases]}
    start_page.StartPage(run, None).keep(page, tmp_path)
    (tmp_path / "notedesk.analytics.sqlite3-wal").write_bytes(b"a search")
    assert start_page.load(tmp_path, run) is None


def test_a_copy_this_user_did_not_keep_is_never_shown(run, tmp_path, monkeypatch):
    """A data folder someone else made (a stick: "here are my notes") held a start_page.json of
    theirs, its state matching the database beside it: the window showed its page as the app's,
    with its headers (no Content-Security-Policy) and its inline script, which ran in the app's
    origin and reached the network. A copy is shown only if this user's key, kept outside every
    data folder, signed it."""
    database = tmp_path / "notedesk.sqlite3"
    database.write_bytes(b"notes")
    page = {"cookies": {CSRF_COOKIE: "a" * 32}, "languages": "", "headers": [["Content-Type", "text/html"]], "body": "<p>Kept</p>",
            "databases": [str(database)]}
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "another person's state"))
    start_page.StartPage(run, None).keep(page, tmp_path)  # kept on another computer, or by another account
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert start_page.load(tmp_path, run) is None
    start_page.StartPage(run, None).keep(page, tmp_path)
    kept_file = tmp_path / start_page.KEPT_FILE
    kept_file.write_text(kept_file.read_text().replace("<p>Kept</p>", "<script>steal()</script>"))
    assert start_page.load(tmp_path, run) is None
    start_page.StartPage(run, None).keep(page, tmp_path)
    assert start_page.load(tmp_path, run).body == b"<p>Kept</p>"
    assert stat.S_IMODE(os.stat(tmp_path / "state" / "notedesk").st_mode) == 0o700


def test_a_copy_that_cannot_be_written_is_left_out_with_a_line_in_the_log(run, tmp_path, caplog):
    page = {"cookies": {}, "languages": "", "headers": [], "body": "<p>Kept</p>", "databases": [str(tmp_path / "notedesk.sqlite3")]}
    start_page.StartPage(run, None).keep(page, tmp_path / "a folder that is gone")
    assert "Could not keep the start page for the next launch" in caplog.text


@contextlib.contextmanager
def quitting_before_a_held_site(tmp_path, way_out_left: float | None = None):
    """A StartPage in front of a site that answers for the page to keep only once the test sets
    `answer_now`; the way out has begun with `way_out_left` seconds left for its steps, if given.
    Yields the StartPage, the event set once the site is asked, and `answer_now`."""
    asked, answer_now = threading.Event(), threading.Event()

    def held_site(environ, start_response):
        asked.set()
        answer_now.wait(30)
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"<p>Kept</p>"]

    sock = bind_loopback(0)
    server = ServerThread(held_site, sock).start()
    try:
        with pytest.MonkeyPatch.context() as patch:
            if way_out_left is not None:
                patch.setattr(lifecycle, "steps_end_at", time.monotonic() + way_out_left)
                patch.setattr(lifecycle, "began_with", "a stop signal")
            front = start_page.StartPage(Runtime(identity=load(ROOT), data_dir=tmp_path, port=sock.getsockname()[1]), None)
            front.site_started(held_site, guard=None)
            front.window_cookies = f"{CSRF_COOKIE}={'a' * 32}"
            yield front, asked, answer_now
    finally:
        answer_now.set()
        server.stop()


def test_a_site_too_busy_to_answer_in_what_the_way_out_has_left_leaves_no_copy_says_so_and_does_not_hold_the_exit(
        tmp_path, caplog):
    """The log said only "Could not ask for the start page: timed out": not that the next launch
    would wait for the site. The server's last requests keep their time: the page gets what is left."""
    with quitting_before_a_held_site(tmp_path, way_out_left=STOP_WAIT_S + 0.3) as (front, _, _):
        asked = time.monotonic()
        assert front.page_for_next_run() is None
        assert time.monotonic() - asked < 0.3 + 0.5
    assert "Asking the site for the start page to keep is cut short to 0." in caplog.text
    assert "No start page kept for the next launch, whose window waits for the site: the site did not answer for " \
           "it within 0.3 s" in caplog.text


def test_after_the_windows_close_a_site_slower_than_it_once_was_allowed_still_gives_the_page_to_keep(tmp_path):
    """Ctrl+Q on a loaded machine (load ~15): the site took up to 0.42 s to answer for the page, and
    the exit waited 0.5 s, as after a stop signal."""
    with quitting_before_a_held_site(tmp_path) as (front, asked, answer_now):
        kept = []
        quitting = threading.Thread(target=lambda: kept.append(front.page_for_next_run()))
        quitting.start()
        assert asked.wait(30)
        time.sleep(0.6)  # answered later than the exit once waited
        answer_now.set()
        quitting.join(30)
    assert kept[0]["body"] == "<p>Kept</p>"


def test_the_copy_is_in_the_windows_language_and_goes_only_to_a_window_asking_in_it(run, tmp_path):
    """The copy was asked for without the window's Accept-Language, so a site with LocaleMiddleware
    answered it in its LANGUAGE_CODE: a French person's window showed the English start page at each
    launch, and, asked again the same way, the site agreed it was current."""
    def site_in_the_asked_language(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [b"<h1>Bienvenue</h1>" if environ.get("HTTP_ACCEPT_LANGUAGE", "").startswith("fr") else b"<h1>Welcome</h1>"]

    sock = bind_loopback(0)
    server = ServerThread(site_in_the_asked_language, sock).start()
    try:
        run = replace(run, port=sock.getsockname()[1])
        front = start_page.StartPage(run, None)
        front.site_started(site_in_the_asked_language, guard=None)
        cookies = f"{run.identity.cookie_name('launch', run.port)}={run.session_token}"
        answer_of(front, {**request(cookies=cookies), "HTTP_ACCEPT_LANGUAGE": "fr-FR, fr"})
        page = front.page_for_next_run()
        assert page["body"] == "<h1>Bienvenue</h1>"
        front.keep({**page, "databases": []}, tmp_path)
        kept = start_page.load(tmp_path, run)
        window_request = {**request(cookies=cookies), "HTTP_HOST": f"127.0.0.1:{run.port}"}
        assert start_page.StartPage(run, kept).early_answer({**window_request, "HTTP_ACCEPT_LANGUAGE": "de-DE, de"}) is None
        assert start_page.StartPage(run, kept).early_answer({**window_request, "HTTP_ACCEPT_LANGUAGE": "fr-FR, fr"})[2] == b"<h1>Bienvenue</h1>"
    finally:
        server.stop()


def test_pages_that_differ_only_in_their_csrf_tokens_are_the_same_page():
    secret, other = _get_new_csrf_string(), _get_new_csrf_string()
    page = '<meta name="csrf-token" content="{}"><form><input value="{}"></form>'
    once = page.format(_mask_cipher_secret(secret), _mask_cipher_secret(secret)).encode()
    again = page.format(_mask_cipher_secret(secret), _mask_cipher_secret(secret)).encode()
    assert once != again
    assert start_page.without_csrf_tokens(once, secret) == start_page.without_csrf_tokens(again, secret)
    another = page.format(_mask_cipher_secret(other), _mask_cipher_secret(other)).encode()
    assert start_page.without_csrf_tokens(once, secret) != start_page.without_csrf_tokens(another, secret)


@pytest.mark.window
def test_a_window_shows_the_last_runs_start_page_before_the_site_starts_and_it_works(tmp_path, app_env):
    data_dir = tmp_path / "data"

    def launch():
        result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.kept_start_page", str(data_dir)],
                                capture_output=True, text=True, env=app_env, timeout=120, cwd=ROOT)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout, (data_dir / "logs" / "notedesk.log").read_text()

    first, _ = launch()
    assert "kept start page sent" not in first  # a first launch has none
    again, log = launch()
    assert "kept start page sent, the site started: False" in again
    assert log.count("The start page went out from the copy the last run kept") == 1
    assert "saved a note" in again  # the copy's CSRF token goes with the window's cookie
    kept_file = data_dir / start_page.KEPT_FILE
    kept = json.loads(kept_file.read_text().partition("\n")[2])
    assert "Saved at once" in kept["body"]  # the copy is the page as the app closed
    assert stat.S_IMODE(kept_file.stat().st_mode) == 0o600
    kept["body"] = kept["body"].replace("Saved at once", "Not this title")  # as a change of the code without a new version
    text = json.dumps(kept)
    kept_file.write_text(f"{user_key.signature('notedesk', text.encode())}\n{text}")
    stale, log = launch()
    assert "kept start page sent" in stale
    assert "The start page kept from the last run was out of date: the site's own replaces it" in log
    assert "Not this title" not in kept_file.read_text()
