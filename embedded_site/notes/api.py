"""What every JSON view of the notes API shares: its error (ApiError), its read snapshot and reading its input."""

import json
from contextlib import contextmanager
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.db import connection, transaction

from django_desktop_shell.errors import RequestRefused

from embedded_site.errors import form_error_message, form_errors


class ApiError(RequestRefused):
    """An answer other than success, raised from anywhere below a view and answered, as JSON, by
    the shell's error middleware (django_desktop_shell.middleware.ErrorFormatMiddleware)."""


def api_view(view):
    """A GET reads one snapshot."""

    @wraps(view)
    def reading_one_snapshot(request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            with read_snapshot():
                return view(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return reading_one_snapshot


@contextmanager
def read_snapshot():
    """Run the queries inside in one read transaction, so they all see the same state.

    A search reads the ranked ids, then those notes, then their snippets: without this, a save
    committed in between makes them disagree (a note ranked but no longer matching). The
    transaction is DEFERRED, not the IMMEDIATE of settings.py: in WAL mode a reader takes no
    lock and never waits for a writer. Only for reads: a write inside could not upgrade it.
    On PostgreSQL, a REPEATABLE READ transaction gives the one snapshot (inside a transaction
    begun already, a test's, that one's).
    """
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        begins = not connection.in_atomic_block
        with transaction.atomic():
            if begins:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
        return
    immediate = connection.transaction_mode
    connection.transaction_mode = "DEFERRED"
    try:
        with transaction.atomic():  # BEGIN DEFERRED, on entry
            connection.transaction_mode = immediate
            yield
    finally:
        connection.transaction_mode = immediate


def json_object(request) -> dict:
    try:
        payload = json.loads(request.body)
    except RequestDataTooBig:
        raise ApiError(413, "The request is too large.") from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "The body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "The JSON body must be an object.")
    return payload


def valid(form) -> dict:
    """The form's cleaned data, or a 400 that says each field's problems in `error` and names
    them in `fields`."""
    if not form.is_valid():
        raise ApiError(400, form_error_message(form), fields=form_errors(form))
    return form.cleaned_data
