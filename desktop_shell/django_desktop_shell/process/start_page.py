"""The start page kept from the last run, so that a window shows the app before Django has started
(`keep-start-page = true` in the identity table).

When the app closes, the shell asks for its start page once more, with the cookies the window
last sent, and keeps the answer in the data folder beside the state of the database then (each
of its files' size and modification time). At the next launch in a window, if the app's version,
its program and its database are as they were, the server starts at once with a StartPage in
front of the site. It answers the window's launch and its request for the start page from the
copy (only to the same cookies) and every other request once the site has started. Django starts
once that page has gone out, a request needs the site, the window has closed, or HOLD_SITE_S has
passed: started beside the window, it shares the one interpreter lock with GTK's start and slows
the window by as much as it saves (docs/performance.md). Once the site is up, the page is asked for again with the window's cookies
and compared with the copy, CSRF tokens aside; if they differ (the code changed without a new
version, say), the window loads the site's own.

A site opts in when its start page depends on its database and the request's cookies alone.
"""

import http.client
import json
import logging
import re
import sys
import threading
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs

from django_desktop_shell import user_key
from django_desktop_shell.files import write_file
from django_desktop_shell.process import lifecycle
from django_desktop_shell.process.server import LOOPBACK, STOP_WAIT_S, Answer, BodyGuard
from django_desktop_shell.process.site import LAUNCH_PATH
from django_desktop_shell.runtime import Runtime, matches

KEPT_FILE = "start_page.json"
# The longest Django's start waits for the window to ask for the kept page. It waited 1 s, but at
# load ~16 the window asked 5-14 s after launch: Django's start went on beside GTK's, the site was
# up first, and the copy never went out (0 of 7 launches; held until asked, 7 of 7).
HOLD_SITE_S = 30.0
# The longest the app's exit waits for the page to keep, if the way out has that much left once the
# server's last requests have theirs (lifecycle.time_for); a site too busy to answer by then leaves no
# copy. At load ~15 the site took up to 0.42 s to answer, the page's last saves and the window's teardown beside it.
KEEP_WITHIN_S = 1.0
# The kept answer's headers that a launch's redirect carries too.
SECURITY_HEADERS = {"content-security-policy", "cross-origin-opener-policy", "referrer-policy", "server",
                    "x-content-type-options", "x-frame-options"}
# Headers of an answer that belong to it alone, not to the page kept for the next run.
NOT_KEPT_HEADERS = {"content-length", "date", "set-cookie"}
# A CSRF token as Django puts it in a page: the secret, masked afresh for each page.
MASKED_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
NOT_STARTED = ("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8")],
               b"The app could not start: its window says why.")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeptPage:
    cookies: dict[str, str]  # the cookies it was asked for with, but the launch's session
    languages: str  # the Accept-Language it was asked for with: LocaleMiddleware answers in it
    headers: list[tuple[str, str]]
    body: bytes


def load(data_dir: Path, run: Runtime) -> KeptPage | None:
    """The page kept by the last run, if this user's key signed it (user_key.py) and the app and its
    database are as they were then. A data folder someone else made held a copy of theirs: the
    window showed its page as the app's, with its headers (no Content-Security-Policy) and its
    script, which ran in the app's origin and reached the network. The copy leaves the disk as it
    is read: it holds the first notes' titles and text, and a run that ends without writing the
    next (killed, say) must not leave behind what it deleted."""
    kept_file = data_dir / KEPT_FILE
    try:
        signature, _, text = kept_file.read_text(encoding="utf-8").partition("\n")
        kept_file.unlink()
        if not user_key.signed_by_user(run.identity.slug, text.encode("utf-8"), signature):
            logger.warning("Left out a kept start page that this user's key did not sign: %s", kept_file)
            return None
        kept = json.loads(text)
        if kept["state"] != state_of(run, [Path(name) for name in kept["databases"]]):
            return None
        return KeptPage(cookies=kept["cookies"], languages=kept["languages"], headers=[tuple(header) for header in kept["headers"]],
                        body=kept["body"].encode("utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def state_of(run: Runtime, databases: list[Path]) -> dict:
    """What the kept page holds for: an update replaces the program, a write changes a file of one of
    the databases the app writes (each may hold what the page shows)."""
    return {"version": run.identity.version, "program": file_state(Path(sys.executable)),
            "databases": [[file_state(database), write_ahead_log_state(database)] for database in databases]}


def write_ahead_log_state(database: Path) -> list[int] | None:
    """An empty log holds no write, as none does: the copy is kept with the log folded and emptied
    (database.fold_write_ahead_logs), and SQLite deletes it as the app's last connection closes,
    so, told apart, the next launch found the state changed and never showed the copy."""
    state = file_state(database.with_name(database.name + "-wal"))
    return state if state and state[0] else None


def file_state(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def cookies_of(header: str) -> dict[str, str]:
    jar = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


class StartPage:
    """A WSGI app in front of the site for a window's run: it answers from the kept page until the
    site has started, then hands every request to the site, noting the cookies the window sends,
    for the next run's copy."""

    def __init__(self, run: Runtime, kept: KeptPage | None):
        self.run, self.kept = run, kept
        self.start_path = run.identity.start_path
        self.window_host = f"{LOOPBACK}:{run.port}"
        self.launch_cookie = run.identity.cookie_name("launch", run.port)
        self.site = self.site_guard = None
        self.started = threading.Event()  # the site has started, or could not
        self.site_wanted = threading.Event()  # the copy has gone out, or a request needs the site
        self.sent_with: str | None = None  # the Cookie header the window got the kept page with
        self.window_cookies: str | None = None  # the Cookie header of the window's last request
        self.window_languages = ""  # and its Accept-Language
        self.unused_said = False  # the log said why the kept page did not go out

    def __call__(self, environ, start_response):
        if not self.started.is_set():
            early = self.early_answer(environ)
            if early is not None:
                status, headers, body = early
                start_response(status, headers)
                return [body]
            self.site_wanted.set()
            self.started.wait()
        elif self.kept is not None and self.sent_with is None and self.asks_for_start_page(environ):
            self.say_unused(f"the window asked for it only once the site had started (Django's start waits "
                            f"{HOLD_SITE_S:.0f} s for that request)")
        if self.site is None:
            start_response(*NOT_STARTED[:2])
            return [NOT_STARTED[2]]
        cookies = environ.get("HTTP_COOKIE")
        if cookies and self.launch_cookie in cookies:  # the window's, or the site refuses it the same as the kept page's
            self.window_cookies, self.window_languages = cookies, environ.get("HTTP_ACCEPT_LANGUAGE", "")
        return self.site(environ, start_response)

    def early_answer(self, environ) -> Answer | None:
        """The window's launch and its first start page, answered before the site has started."""
        if self.kept is None or environ["REQUEST_METHOD"] != "GET" or environ.get("HTTP_HOST") != self.window_host:
            return None
        if environ["PATH_INFO"] == LAUNCH_PATH:
            fields = parse_qs(environ.get("QUERY_STRING", ""))
            if fields.get("next") != [self.start_path] or not matches(fields.get("token", [""])[0], self.run.launch_token):
                return None
            # As the launch gate answers (middleware.LaunchGateMiddleware.launch).
            session = f"{self.launch_cookie}={self.run.session_token}; HttpOnly; Path=/; SameSite=Strict"
            return "302 Found", [*self.security_headers(), ("Location", self.start_path), ("Cache-Control", "no-store"),
                                 ("Set-Cookie", session), ("Content-Length", "0")], b""
        if not self.asks_for_start_page(environ):
            return None
        cookies = cookies_of(environ.get("HTTP_COOKIE", ""))
        languages = environ.get("HTTP_ACCEPT_LANGUAGE", "")
        if (not matches(cookies.pop(self.launch_cookie, ""), self.run.session_token) or cookies != self.kept.cookies
                or languages != self.kept.languages):
            self.say_unused("the window asked for it with other cookies or languages than it was kept with")
            return None
        self.sent_with = self.window_cookies = environ["HTTP_COOKIE"]
        self.window_languages = languages
        self.site_wanted.set()
        logger.info("The start page went out from the copy the last run kept, before the site started")
        return "200 OK", [*self.kept.headers, ("Content-Length", str(len(self.kept.body)))], self.kept.body

    def say_unused(self, why: str) -> None:
        """In the log, once: why the window got the site's start page, not the copy (the launch is slower)."""
        if not self.unused_said:
            self.unused_said = True
            logger.info("The start page kept from the last run went unused: %s", why)

    def asks_for_start_page(self, environ) -> bool:
        return environ["PATH_INFO"] == self.start_path and not environ.get("QUERY_STRING")

    def security_headers(self) -> list[tuple[str, str]]:
        return [(name, value) for name, value in self.kept.headers if name.lower() in SECURITY_HEADERS]

    def refuse_body(self, environ) -> tuple[Answer, bool] | None:
        """The body guard of a server started before the site: the site's, once it has started."""
        self.site_wanted.set()
        self.started.wait()
        return (NOT_STARTED, False) if self.site_guard is None else self.site_guard.refusal(environ)

    def refuse_unkept(self, environ, error: OSError) -> Answer:
        """A body the server could not keep: the site's answer (refuse_body let the body in, so the site had started)."""
        return self.site_guard.unkept(environ, error)

    def hold_site(self) -> None:
        """Django's start waits until the window has the kept page, or a request needs the site
        (process/launcher.start_site)."""
        if self.kept is not None:
            self.site_wanted.wait(HOLD_SITE_S)

    def window_closed(self) -> None:
        """The window will ask for nothing: Django's start waits no more."""
        self.site_wanted.set()

    def site_started(self, app, guard: BodyGuard) -> None:
        self.site, self.site_guard = app, guard
        self.started.set()

    def site_failed(self) -> None:
        self.started.set()

    def shown_page_is_current(self) -> bool:
        """Once the site has started: whether the window's kept page is what the site answers now."""
        if self.sent_with is None:
            return True
        try:
            fresh = self.ask_site(self.sent_with, self.window_languages)
        except (OSError, http.client.HTTPException) as error:
            logger.warning("Could not ask for the start page: %s", error)
            return False
        if fresh is None:
            return False
        from django.conf import settings

        secret = cookies_of(self.sent_with).get(settings.CSRF_COOKIE_NAME, "")
        return without_csrf_tokens(fresh[2], secret) == without_csrf_tokens(self.kept.body, secret)

    def ask_site(self, cookies: str, languages: str, timeout: float = 5) -> Answer | None:
        """The start page, asked for through the server with the window's cookies and languages (asked
        without them, a site with LocaleMiddleware answered in its LANGUAGE_CODE, and a French person's
        window showed the English page it kept at each launch); None if not a page to keep. Raises
        OSError (a timeout too) or HTTPException if the site does not answer."""
        connection = http.client.HTTPConnection(LOOPBACK, self.run.port, timeout=timeout)
        headers = {"Host": self.window_host, "Cookie": cookies, **({"Accept-Language": languages} if languages else {})}
        try:
            connection.request("GET", self.start_path, headers=headers)
            answer = connection.getresponse()
            body = answer.read()
        finally:
            connection.close()
        headers = answer.getheaders()
        # Django sets its CSRF cookie again with each page that holds a token: the same value, later expiry.
        sent = cookies_of(cookies)
        changes_cookies = any(cookies_of(value).items() - sent.items() for name, value in headers
                              if name.lower() == "set-cookie")
        if answer.status != 200 or changes_cookies or not answer.getheader("Content-Type", "").startswith("text/html"):
            return None
        return "200 OK", [(name, value) for name, value in headers if name.lower() not in NOT_KEPT_HEADERS], body

    def page_for_next_run(self) -> dict | None:
        """Before the server stops: the start page as the window would get it now, to keep."""
        if self.site is None or self.window_cookies is None:
            return None
        from django.conf import settings

        from django_desktop_shell.database import database_path, kept_databases
        from django_desktop_shell.settings import sqlite_database

        if not sqlite_database(settings.DATABASES["default"]):
            return None
        within = lifecycle.time_for("Asking the site for the start page to keep", KEEP_WITHIN_S, leaving=STOP_WAIT_S)
        try:
            answer = self.ask_site(self.window_cookies, self.window_languages, within)
        except (OSError, http.client.HTTPException) as error:
            logger.warning("No start page kept for the next launch, whose window waits for the site: the site did not "
                           "answer for it within %.1f s (%s)", within, error)
            return None
        if answer is None:
            return None
        cookies = cookies_of(self.window_cookies)
        cookies.pop(self.launch_cookie, None)
        try:
            body = answer[2].decode("utf-8")
        except UnicodeDecodeError:
            return None
        return {"cookies": cookies, "languages": self.window_languages, "headers": answer[1], "body": body,
                "databases": [str(database_path(alias)) for alias in kept_databases()]}

    def keep(self, page: dict | None, data_dir: Path) -> None:
        """Once the server has stopped: keep `page` for the next run with the database's state
        now, or forget the last one if there is none."""
        kept_file = data_dir / KEPT_FILE
        try:
            if page is None:
                kept_file.unlink(missing_ok=True)
            else:
                text = json.dumps({**page, "state": state_of(self.run, [Path(name) for name in page["databases"]])})
                write_file(kept_file, f"{user_key.signature(self.run.identity.slug, text.encode('utf-8'))}\n{text}".encode("utf-8"))
        except OSError as error:
            logger.warning("Could not keep the start page for the next launch: %s", error)


def without_csrf_tokens(body: bytes, secret: str) -> bytes:
    """`body` with each CSRF token of `secret` replaced by a mark: Django masks the secret afresh in each page."""
    from django.middleware.csrf import _unmask_cipher_token  # Django's own unmasking: a page's tokens differ each time

    if not secret:
        return body
    text = body.decode("utf-8", "replace")
    return MASKED_TOKEN.sub(lambda token: "{csrf}" if _unmask_cipher_token(token[0]) == secret else token[0],
                            text).encode("utf-8")
