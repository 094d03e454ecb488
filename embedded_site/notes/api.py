"""What every JSON view of the notes API shares: its error answers and reading its input."""

import json
from functools import wraps

from django.core.exceptions import RequestDataTooBig

from embedded_site.errors import error_response, form_errors


class ApiError(Exception):
    """An answer other than success, raised from anywhere below a view and answered by api_view."""

    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def api_view(view):
    # Only ApiError is answered here: any other exception reaching the middleware is a 500.
    @wraps(view)
    def answering_errors(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error_response(request, error.status, error.message, **error.extra)

    return answering_errors


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
    """The form's cleaned data, or a 400 naming each field's problems."""
    if not form.is_valid():
        raise ApiError(400, "Please correct the highlighted fields.", fields=form_errors(form))
    return form.cleaned_data
