"""The two of the shell's /_desktop/ routes that a server's pages use, under the server's rules
(server_urls.py): the health check that the page's offline banner polls (ajax.js) and a monitoring
system may poll, and the Content-Security-Policy's report-uri. The shell serves its /_desktop/
routes on the desktop only, behind its launch gate, which a server has not: both answered 404
there, so every report a browser sent was a 404 and a "Not Found" line in the log, and a
monitoring system had nothing to poll. The others (print to PDF, the clipboard's image, updates)
are the desktop window's, whose pages alone call them."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from django_desktop_shell import csp_reports
from django_desktop_shell.errors import error_response

from embedded_site.accounts import count, seconds_blocked

# Reports taken from one client address within accounts.LIMIT_WINDOW: a page load that breaks
# sends a few; past it they are refused unread, and the log keeps its room for other reports.
CSP_REPORTS_PER_ADDRESS = 30
logger = logging.getLogger(__name__)


@login_not_required
@require_safe
def health(request):
    """200 {"status": "ok"} when the server can serve: it answers and reaches its database; else
    503 {"status": "unavailable", "error": …}, the reason in the log."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("Health check: the database cannot be reached: %s", str(error).strip())
        response = JsonResponse({"status": "unavailable", "error": "The server cannot reach its database."}, status=503)
        response._has_been_logged = True  # the line above says why; Django's would only repeat the path
        return response
    return JsonResponse({"status": "ok"})


@login_not_required
@csrf_exempt  # a browser sends a report without a CSRF token; it changes nothing but the log
def csp_report(request) -> HttpResponse:
    """A browser's report of what the policy refused, logged as the desktop logs it (csp_reports.py:
    what was refused, on which page; not who, nor from where), whoever sends it: the login page
    has the policy too. Limited per client address, and to csp_reports.MAX_REPORT_BYTES."""
    keys = [("csp-reports:address:" + request.META.get("REMOTE_ADDR", ""), CSP_REPORTS_PER_ADDRESS)]
    if wait := seconds_blocked(keys):
        response = error_response(request, 429, f"Too many reports from this address: send again in {wait} seconds.")
        response["Retry-After"] = str(wait)
        response._has_been_logged = True  # django.utils.log.log_response: a flood of them is not logged
        return response
    count(keys)
    return csp_reports.receive(request)
