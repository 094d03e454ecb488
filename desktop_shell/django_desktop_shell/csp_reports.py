"""What the Content-Security-Policy refused, in the log.

The shell's policy refuses inline `<script>` and `<style>` blocks, `style=` and `on…=` attributes,
`javascript:` links and anything from another origin. A page that relied on one of them loses it
silently: the web view sends nothing to the terminal. The policy's `report-uri` has the web view
report each refusal here, and the shell logs it once (and prints it with --dev), so that the
developer finds why a script did not run or a style did not apply. `--self-test` fails on any.

A report is taken only with the session's cookie (the web view sends it: the report goes to the
page's own origin) and as `application/csp-report`, a type no other page can send here without a
CORS preflight, which this server never grants. It comes with `Origin: null` and without a CSRF
token, so the launch gate answers it before its cross-site check and Django's CSRF check; it
changes nothing but the log, which takes at most MAX_LOGGED distinct refusals a day.
"""

import json
import logging
import threading
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.http import HttpResponse

from django_desktop_shell.errors import error_response, tell_the_developer

REPORT_TYPE = "application/csp-report"
MAX_REPORT_BYTES = 16 * 1024
MAX_LOGGED = 100
LOG_PERIOD = timedelta(days=1)
logger = logging.getLogger(__name__)


class Refusals:
    """The distinct refusals logged in this day of the run (a day from the first of them), as the
    log gives them. A server runs for months: with a cap for the whole run, a few hundred reports
    sent from anywhere silenced its log until its next restart."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.lock = threading.Lock()
        self.logged: list[str] = []
        self.period_started = None
        self.said_full = False

    def note(self, report: dict) -> None:
        # Told apart as the log tells them: a map's tiles from one server are one line, not one a tile.
        text = describe(report)
        with self.lock:
            now = self.clock()
            if self.period_started is None or now - self.period_started >= LOG_PERIOD.total_seconds():
                self.logged, self.period_started, self.said_full = [], now, False
            if text in self.logged:
                return
            if len(self.logged) < MAX_LOGGED:
                self.logged.append(text)
            elif not self.said_full:
                self.said_full = True
                until = datetime.now() + LOG_PERIOD - timedelta(seconds=now - self.period_started)
                text = (f"The Content-Security-Policy refused {MAX_LOGGED} different things within a day: further "
                        f"refusals are not logged until {until:%Y-%m-%d %H:%M}.")
            else:
                return
        logger.warning("%s", text)
        tell_the_developer(text)

    def texts(self) -> list[str]:
        with self.lock:
            return list(self.logged)


refusals = Refusals()


INLINE = {
    "script-src-elem": "an inline <script>",
    "script-src-attr": "an event handler attribute (onclick=… and the like)",
    "style-src-elem": "an inline <style>",
    "style-src-attr": "a style= attribute",
}


def field(report: dict, name: str) -> str:
    """A field of the report as one line of at most 300 characters: the page sends it, so it goes
    to the log without line breaks or other control characters."""
    return "".join(c if c.isprintable() else " " for c in str(report.get(name) or ""))[:300]


def describe(report: dict) -> str:
    directive = field(report, "effective-directive") or field(report, "violated-directive") or "?"
    blocked = field(report, "blocked-uri") or "?"
    if blocked == "inline":
        what = INLINE.get(directive, f"an inline {directive.split('-')[0]}")
    elif blocked == "eval":
        what = "eval() or new Function()"
    else:
        what = f"{blocked_address(blocked, directive)} ({directive})"
    page = urlsplit(field(report, "document-uri"))
    where = f"the page {page.path}{'?' + page.query if page.query else ''}"
    source = field(report, "source-file")
    if source and urlsplit(source)[:3] != page[:3]:
        where += f", in {source}"
    if field(report, "line-number"):
        where += f", line {field(report, 'line-number')}"
    return f"The Content-Security-Policy refused {what} on {where}"


def blocked_address(blocked: str, directive: str) -> str:
    """What the log names of a refused address: a script's or a style's as the page's code asked
    for it (its path tells the developer which), anything else (an image, a video, a frame: what a
    note or a document shows) by its site alone, as its address may hold the document's own words
    (`https://tracker.example/p.gif?<words>`) and the log outlives the document."""
    address = urlsplit(blocked)
    if not address.netloc:
        return blocked
    if directive.startswith(("script-src", "style-src")):
        return f"{address.scheme}://{address.netloc}{address.path}"
    return f"{address.scheme}://{address.netloc}/…"


def receive(request) -> HttpResponse:
    if request.method != "POST" or request.content_type != REPORT_TYPE:
        return error_response(request, 400, f"Send a POST of {REPORT_TYPE}.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 < length <= MAX_REPORT_BYTES:
        return error_response(request, 400, f"A report is 1 to {MAX_REPORT_BYTES} bytes.")
    try:
        report = json.loads(request.body)["csp-report"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return error_response(request, 400, "This is not a Content-Security-Policy report.")
    if not isinstance(report, dict):
        return error_response(request, 400, "This is not a Content-Security-Policy report.")
    refusals.note(report)
    return HttpResponse(status=204)
