"""Request guards for a server that listens on loopback, and the shell's own routes.

Any local process, and any web page open in the person's browser, can reach 127.0.0.1. These
middlewares make sure only the app's own window (or the holder of the --headless launch URL)
gets an answer. docs/security.md explains each defence and the attack it stops.
"""

import logging
import sys
import tempfile
import threading
import traceback
from html import escape

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseRedirectBase
from django.http.cookie import parse_cookie
from django.http.multipartparser import MultiPartParserError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.defaults import ERROR_PAGE_TEMPLATE

from django_desktop_shell import app_files, csp_reports, media, runtime
from django_desktop_shell.errors import (RequestRefused, bad_request, error_response, page_not_found, permission_denied,
                                         server_error, size_in_english, tell_the_developer, wants_json)
from django_desktop_shell.process.server import CHUNKED_BODY
from django_desktop_shell.process.site import LAUNCH_PATH
from django_desktop_shell.settings import CSP_REPORT_PATH, HEADER_MIDDLEWARE
from django_desktop_shell.storage_errors import REPLACED, note_refused_write, replaced_database, storage_problem

logger = logging.getLogger(__name__)
# Distinct unhandled errors a run whose traceback is logged (ErrorFormatMiddleware.log_unhandled).
MAX_TRACEBACKS = 100
# The exceptions django.core.handlers.exception answers with a 4xx rather than a 500, with the
# error view that answers each here (Django's own, in DEBUG, is its technical page).
CLIENT_ERRORS = (
    (Http404, page_not_found),
    (PermissionDenied, permission_denied),
    ((BadRequest, SuspiciousOperation, MultiPartParserError), bad_request),
)

# Refusals of requests from outside the app logged a run, and how much of each path (OutsiderRefusals).
MAX_OUTSIDER_REFUSALS_LOGGED = 20
LOGGED_PATH_LENGTH = 200
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# The most a launch form's body may be (its token and the next path): the only body read from a
# sender without the session.
LAUNCH_BODY_LIMIT = 1024
SHELL_PATH_PREFIX = "/_desktop/"
SHELL_URLCONF = "django_desktop_shell.urls"
DEBUG_PAGE_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'
# What Django's own error views answer where the project has no 400.html…500.html: a title, and no
# way back to the app, in a window without an address bar.
DJANGO_BARE_PAGES = frozenset((ERROR_PAGE_TEMPLATE % {"title": title, "details": details}).encode() for title, details in (
    ("Bad Request (400)", ""), ("403 Forbidden", ""),
    ("Not Found", "The requested resource was not found on this server."), ("Server Error (500)", "")))
# On a request: the error Django answered itself, outside any view (ErrorFormatMiddleware.note_request_exception).
ERROR_OUTSIDE_THE_VIEW = "_desktop_error_outside_the_view"


class OutsiderRefusals:
    """The log of requests refused for coming from outside the app (the Host check's 400, the
    gate's 403): anyone on the machine can send them, as many and with paths as long (64 KB) as
    they like. Django's own line for each ("Forbidden: <path>") let any local program rotate the
    whole log away, the app's own errors with it, in 70 requests; the first
    MAX_OUTSIDER_REFUSALS_LOGGED of a run are logged here instead, each path escaped (as Django
    does: a %0A in it starts no line of its own) and cut short, then one line saying the rest are not."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0

    def note(self, request, status: int) -> None:
        with self.lock:
            self.count += 1
            count = self.count
        if count <= MAX_OUTSIDER_REFUSALS_LOGGED:
            path = request.path.encode("unicode_escape").decode("ascii")
            path = path if len(path) <= LOGGED_PATH_LENGTH else path[:LOGGED_PATH_LENGTH] + "..."
            logger.warning("Refused %s %s (%s): it did not come from the app", request.method, path, status)
        elif count == MAX_OUTSIDER_REFUSALS_LOGGED + 1:
            logger.warning("Refused %s requests that did not come from the app this run: further requests refused "
                           "so are not logged", MAX_OUTSIDER_REFUSALS_LOGGED)


outsider_refusals = OutsiderRefusals()


def outsider_refusal(request, status: int, message: str) -> HttpResponse:
    """The answer to a request refused for coming from outside the app, logged within bounds."""
    outsider_refusals.note(request, status)
    response = error_response(request, status, message, outsider=True)
    response._has_been_logged = True  # django.utils.log.log_response: Django logs it no more
    return response


class LoopbackHostMiddleware:
    """Answer 400 unless Host is literally one of this run's hosts with its port (DNS rebinding):
    127.0.0.1, localhost, or this install's own name under .localhost (settings.host_settings)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed = frozenset(settings.DESKTOP_ALLOWED_HOSTS)

    def __call__(self, request):
        if request.META.get("HTTP_HOST") not in self.allowed:
            return outsider_refusal(request, 400, f"This server only answers the {settings.DESKTOP_APP_NAME} app.")
        return self.get_response(request)


class LaunchGateMiddleware:
    """Admit only requests carrying this launch's session cookie or its launch token.

    GET /launch/?token=<launch token> trades the token for an HttpOnly, SameSite=Strict cookie
    and redirects to the app, so the token leaves the address bar. A browser opened by --browser
    POSTs the token instead, from a page in the data folder (launcher.write_launch_page), so it is
    on no command line and in no history. The cookie is set on the session's own host only
    (DESKTOP_SESSION_HOST): a launch on another of the app's hosts is sent there first. Scripts
    and tests that hold the token may instead send
    `Authorization: Bearer <token>` (and then need no CSRF token).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.own_origins = frozenset(f"http://{host}" for host in settings.DESKTOP_ALLOWED_HOSTS)
        self.launch_token = settings.DESKTOP_LAUNCH_TOKEN
        self.session_token = settings.DESKTOP_SESSION_TOKEN
        self.cookie_name = settings.DESKTOP_SESSION_COOKIE
        self.session_host = settings.DESKTOP_SESSION_HOST
        self.app_name = settings.DESKTOP_APP_NAME
        if runtime.current and runtime.current.browser:  # --browser, --headless: a tab may outlive its session
            self.refusal_message = (f"Open {self.app_name} from the link it gave when it started: this page has no "
                                    f"session with it (it was opened before {self.app_name} was started again, or "
                                    "not from that link).")
        else:
            self.refusal_message = f"Open {self.app_name} from its own window to use it."

    def __call__(self, request):
        if request.path == LAUNCH_PATH:
            return self.launch(request)
        if request.path == CSP_REPORT_PATH and self.has_session(request):
            return csp_reports.receive(request)  # sent with Origin: null and no CSRF token (csp_reports.py)
        if request.method not in SAFE_METHODS and self.sent_by_another_site(request):
            return outsider_refusal(request, 403, f"Refused: this request was sent by a page that is not {self.app_name}'s.")
        if self.has_session(request):
            return self.get_response(request)
        if self.has_bearer_token(request):
            # CSRF defends cookies, which browsers attach by themselves. A page cannot attach an
            # Authorization header to a cross-origin request without a CORS preflight, which
            # this server never grants, so token-bearing requests need no CSRF token.
            request._dont_enforce_csrf_checks = True
            return self.get_response(request)
        return self.refusal(request)

    def refusal(self, request) -> HttpResponse:
        return outsider_refusal(request, 403, self.refusal_message)

    def admits(self, request) -> bool:
        return self.has_session(request) or self.has_bearer_token(request)

    def launch(self, request):
        # The POST comes from a file:// page (Origin: null) and carries no CSRF token: only the
        # launch token, which is what proves the sender.
        fields = request.POST if request.method == "POST" else request.GET
        if not runtime.matches(fields.get("token", ""), self.launch_token):
            return outsider_refusal(request, 403, f"This launch link is not valid. Start {self.app_name} again.")
        if request.META["HTTP_HOST"] != self.session_host:  # the Host check let only the app's hosts this far
            response = (TemporaryRedirect if request.method == "POST" else HttpResponseRedirect)(
                f"http://{self.session_host}{request.get_full_path()}")
        else:
            next_path = safe_next_path(fields.get("next", "/"))
            response = page_moving_on_to(next_path, self.app_name) if request.method == "POST" else \
                HttpResponseRedirect(next_path)
            # Host-only (no Domain): the browser sends it to this host name alone.
            response.set_cookie(self.cookie_name, settings.DESKTOP_SESSION_TOKEN, httponly=True, samesite="Strict",
                                path="/")
        response["Cache-Control"] = "no-store"
        return response

    def sent_by_another_site(self, request) -> bool:
        """A request a browser says came from another origin, another port of 127.0.0.1 included
        (those are the same site, so even a SameSite=Strict cookie goes with them). Django's CSRF
        check refuses these too, but not for a view the site exempted from it."""
        origin = request.META.get("HTTP_ORIGIN")
        if origin is not None and origin not in self.own_origins:
            return True
        return request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") not in ("same-origin", "none")

    def has_session(self, request):
        return runtime.matches(request.COOKIES.get(self.cookie_name, ""), self.session_token)

    def has_bearer_token(self, request):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme == "Bearer" and runtime.matches(token, self.launch_token)


class TemporaryRedirect(HttpResponseRedirectBase):
    """A 307: the browser sends the same method and body on, as a POST launch needs."""

    status_code = 307


def body_refusal(environ: dict) -> tuple[tuple[str, list[tuple[str, str]], bytes], bool] | None:
    """The answer to a request with a body that must not be read, and whether the gate admits
    the sender; or None to read it.

    The server calls this once a request's headers are in, before it keeps a byte of its body
    (process/server.py): waitress would otherwise hold the whole body, up to its limit, before
    Django could refuse it. Refused: any body of a request the launch gate would refuse (403) but
    a launch form's, urlencoded and of at most LAUNCH_BODY_LIMIT bytes (413 if larger), and a
    body larger than settings.DESKTOP_MAX_REQUEST_BODY declares (413). `environ` is the request's
    WSGI environ without its body; the answer is a WSGI status, headers and body, with the
    security headers of any other answer.
    """
    request = request_from_headers(environ)
    gate = LaunchGateMiddleware(get_response=None)
    limit = settings.DESKTOP_MAX_REQUEST_BODY
    admitted = gate.admits(request)
    length = declared_length(environ)
    launch_form = (request.path == LAUNCH_PATH and request.method == "POST"
                   and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"))
    if not admitted and launch_form:
        if length is not None and 0 < length <= LAUNCH_BODY_LIMIT:
            return None
        response = outsider_refusal(request, 413, f"A launch sends only its token: at most {LAUNCH_BODY_LIMIT} bytes.")
    elif not admitted:
        response = gate.refusal(request)
    elif length is not None and length > limit:  # a chunked body waitress bounds as it comes
        # The page is the person's; the log says the developer's part: under runserver the same
        # upload reached the site's form (Django's own limits leave files out).
        logger.warning("Refused %s %s (413): its body, %s bytes, is larger than DESKTOP_MAX_REQUEST_BODY, %s bytes. "
                       "A site that takes larger uploads sets DESKTOP_MAX_REQUEST_BODY in its settings (its largest "
                       "upload plus django_desktop_shell.settings.MULTIPART_OVERHEAD); its forms' own size checks "
                       "never see a body refused here.", request.method, request.path, f"{length:,}", f"{limit:,}")
        response = error_response(request, 413, f"The request is larger than {size_in_english(limit)}, the most "
                                                f"{settings.DESKTOP_APP_NAME} takes.")
    else:
        return None
    return wsgi_answer(request, response), admitted


def body_unkept(environ: dict, error: OSError) -> tuple[str, list[tuple[str, str]], bytes]:
    """The answer to a body the server could not keep while it came: waitress holds it in a
    temporary file of the system's temporary folder (/tmp, a tmpfs of half the memory on some
    systems), which a large upload can fill. Without it the page's upload failed as a network error."""
    request = request_from_headers(environ)
    folder = tempfile.gettempdir()
    logger.error("Refused %s %s (503): its body could not be kept in the temporary folder %s while it came: %s",
                 request.method, request.path, folder, error)
    response = error_response(request, 503, f"The upload could not be received: the folder for temporary files, "
                                            f"{folder}, could not hold it ({error.strerror}). Free some space there "
                                            "and try again.")
    return wsgi_answer(request, response)


def declared_length(environ: dict) -> int | None:
    """The length a request's headers give its body; None for a chunked body, whose length no
    header says (the server marks it: waitress's parser keeps no Transfer-Encoding header)."""
    if environ.get(CHUNKED_BODY):
        return None
    return int(environ.get("CONTENT_LENGTH") or 0)


def request_from_headers(environ: dict) -> HttpRequest:
    """A request of a WSGI environ without its body: what a BodyGuard's refusal decides from."""
    request = HttpRequest()
    request.META, request.method = environ, environ["REQUEST_METHOD"]
    request.path = request.path_info = environ["PATH_INFO"]
    request.COOKIES = parse_cookie(environ.get("HTTP_COOKIE", ""))
    return request


def wsgi_answer(request, response: HttpResponse) -> tuple[str, list[tuple[str, str]], bytes]:
    """`response`, with the security headers of any other answer, as a BodyGuard's refusal gives it."""
    answer = with_security_headers(request, response)
    return f"{answer.status_code} {answer.reason_phrase}", list(answer.items()), answer.content


def with_security_headers(request, response: HttpResponse) -> HttpResponse:
    """`response` with the security headers every answer gets: the answer side of the middleware
    that gives them, not its request side (whose HTTPS redirect, on a server, would replace it)."""
    for path in reversed(HEADER_MIDDLEWARE):
        response = import_string(path)(lambda request: response).process_response(request, response)
    return response


def page_moving_on_to(path: str, app_name: str) -> HttpResponse:
    """A page that moves on to `path` itself. A POST launch comes from a file:// page, another
    site: a redirect would be part of that site's navigation, which a browser sends no
    SameSite=Strict cookie with, so the app would open without its session. The page's own move is
    the app's navigation, which does send it."""
    return HttpResponse(f'<!doctype html><meta http-equiv="refresh" content="0; url={escape(path)}">'
                        f'<title>{escape(app_name)}</title><a href="{escape(path)}">Open {escape(app_name)}</a>')


def safe_next_path(path: str) -> str:
    """Only a local absolute path may follow a launch: never another origin. Django's check knows
    what a browser makes of a URL: a backslash is a slash, and tabs and line breaks are dropped
    (`/<tab>/evil.example` is `//evil.example`)."""
    if path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path
    return "/"


class ErrorFormatMiddleware:
    """Give every error answer the right form: JSON for AJAX, a readable page otherwise.

    Views answer their own errors; this catches the ones Django makes itself (405 from
    require_POST, 404, …), which come with an empty body, RequestRefused raised below a view, and
    every unhandled exception, which is logged with its traceback. None is ever shown as Django's
    debug page, even with --dev. When the data folder cannot take a write (storage_errors.py),
    the answer is a 503 saying why.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.errors_logged: set[tuple] = set()
        got_request_exception.connect(self.note_request_exception)
        app_files.note_launch_files(app_files.files_of_this_app())

    def __call__(self, request):
        if request.method not in SAFE_METHODS and replaced_database():
            return self.answer_storage_problem(request, REPLACED.format(app=settings.DESKTOP_APP_NAME), "the database file was replaced")
        if is_page_load(request) and app_files.removed_since_launch():  # its template and scripts may be gone
            return self.answer_app_files_changed(request)
        try:
            response = self.get_response(request)
        except Exception as error:  # Django's own 500 failed too: it looks its view up in a URLconf that fails to import
            return self.process_exception(request, error)
        error = getattr(request, ERROR_OUTSIDE_THE_VIEW, None)
        if error is not None:  # Django answered it with the URLconf's handler500: its bare page by default
            return self.process_exception(request, error)
        if response.status_code < 400 or response.streaming:
            return response
        if is_formatted(request, response) and not (settings.DEBUG and is_debug_page(response)) \
                and response.content not in DJANGO_BARE_PAGES:
            return response
        formatted = error_response(request, response.status_code, default_message(request, response))
        if response.has_header("Allow"):
            formatted["Allow"] = response["Allow"]
        return formatted

    def process_exception(self, request, exception):
        if isinstance(exception, RequestRefused):
            return error_response(request, exception.status, exception.message, **exception.extra)
        for kinds, error_view in CLIENT_ERRORS:
            if isinstance(exception, kinds):
                return error_view(request, exception)
        problem = storage_problem(exception)
        if problem:  # a full disk, a read-only folder, a locked database: not a bug, so no traceback
            return self.answer_storage_problem(request, problem, exception)
        if app_files.changed_since_launch():
            if not app_files.removed_since_launch():  # replaced by an update: the running version's own bug, maybe
                self.log_unhandled(request, exception)
            return self.answer_app_files_changed(request, exception)
        self.log_unhandled(request, exception)
        return server_error(request)

    def note_request_exception(self, sender, request=None, **kwargs) -> None:
        """An error Django answered 500 itself, raised outside any view (a site middleware's), which
        process_exception never sees: __call__ answers it as a view's, logged, and with --dev told
        at the terminal."""
        if request is not None:
            setattr(request, ERROR_OUTSIDE_THE_VIEW, sys.exc_info()[1])

    def answer_storage_problem(self, request, problem: str, cause) -> HttpResponse:
        logger.error("%s %s failed: %s (%s)", request.method, request.path, problem, cause, extra={"request": request})
        if request.method not in SAFE_METHODS:
            note_refused_write(problem)
        return error_response(request, 503, problem)

    def answer_app_files_changed(self, request, cause=None) -> HttpResponse:
        logger.error("%s %s: the app's files were removed or replaced while it ran (%s)", request.method, request.path,
                     cause or "a page load", extra={"request": request})
        return error_response(request, 503, app_files.changed_message())

    def log_unhandled(self, request, exception) -> None:
        """Its traceback once a run for each path and error, a line each time after: a page polling a
        view that fails (htmx's hx-trigger="every 3s") wrote the same 50 lines every 3 s, and within
        the hour the log's four rotated files held nothing else."""
        key = (request.path, type(exception), str(exception))
        if key in self.errors_logged:  # not at the terminal: a page polling it would bury everything else
            logger.error("Unhandled error in %s %s again: %s: %s (its traceback is logged above)", request.method,
                         request.path, type(exception).__name__, exception, extra={"request": request})
            return
        if len(self.errors_logged) < MAX_TRACEBACKS:
            self.errors_logged.add(key)
        # With its request, as Django's own lines: a project's log filter may take the path's words out.
        logger.exception("Unhandled error in %s %s", request.method, request.path, extra={"request": request})
        tell_the_developer(f"Unhandled error in {request.method} {request.path}\n"
                           f"{''.join(traceback.format_exception(exception)).rstrip()}")


class ShellRoutesMiddleware:
    """Paths under /_desktop/ go to the shell's URLconf (health check, self-test probe), behind the
    gate and with CSRF like any page: the site's URLconf needs no line for them. Uploaded files
    at MEDIA_URL that the site's URLconf does not serve itself are the shell's too (media.py)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.media_prefix = media.media_prefix()

    def __call__(self, request):
        path = request.path_info
        if path.startswith(SHELL_PATH_PREFIX):
            request.urlconf = SHELL_URLCONF
        elif self.media_prefix and path.startswith(self.media_prefix) and not media.site_serves(path, self.media_prefix):
            return media.media_file(request, path[len(self.media_prefix):])
        return self.get_response(request)


def is_page_load(request) -> bool:
    # Not request.headers: it builds a dict of every header, a tenth of a small JSON answer's time
    # in Django, at every request that passes here (docs/performance.md).
    return request.method == "GET" and "text/html" in request.META.get("HTTP_ACCEPT", "")


def is_formatted(request, response) -> bool:
    content_type = response.get("Content-Type", "")
    if not response.content:
        return False
    if wants_json(request):
        return is_json(content_type)
    return content_type.startswith("text/html") or is_json(content_type)


def is_json(content_type: str) -> bool:
    """application/json, or a JSON type of its own (RFC 6839's +json: an API's application/problem+json,
    JSON:API's application/vnd.api+json), whose body, the error's detail, was replaced by {"error": "Bad Request."}."""
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def is_debug_page(response) -> bool:
    """Django's technical 404 and 500 pages (DEBUG on) carry this tag; nothing else of ours does."""
    return DEBUG_PAGE_MARK in response.content


def default_message(request, response) -> str:
    if response.status_code == 404:
        return f"Nothing is at {request.path}."
    if response.status_code == 405:
        return f"This address does not accept that method. Allowed: {response.get('Allow', 'none')}."
    return response.reason_phrase + "."
