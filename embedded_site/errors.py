"""Error answers: JSON `{"error": …}` for AJAX requests, a short readable page otherwise."""

from http import HTTPStatus

from django.forms.utils import pretty_name
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader


def wants_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or "application/json" in request.headers.get("Accept", "")
    )


def error_response(request: HttpRequest, status: int, message: str, **extra) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": message, **extra}, status=status)
    title = f"{status} {HTTPStatus(status).phrase}"
    # Rendered without a request context: an error page must not need the DB, CSRF or a session.
    html = loader.render_to_string("error.html", {"title": title, "message": message})
    return HttpResponse(html, status=status)


def form_errors(form) -> dict[str, list[str]]:
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


def form_error_message(form) -> str:
    """The form's problems as one sentence or a few, each after its field's label: "Tags: A note
    has at most 20 tags." A problem on several fields ("A note needs a title or a body.", on
    both) is said once, after all their labels."""
    labels_by_message: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label or pretty_name(name)) if field else None
        for message in messages:
            labels = labels_by_message.setdefault(str(message), [])
            if label and label not in labels:
                labels.append(label)
    return " ".join(
        f"{', '.join(labels)}: {message}" if labels else message for message, labels in labels_by_message.items()
    ) or "The request is not valid."


def bad_request(request, exception=None):
    return error_response(request, 400, "The request could not be understood.")


def permission_denied(request, exception=None):
    return error_response(request, 403, "You are not allowed to do that.")


def page_not_found(request, exception=None):
    return error_response(request, 404, f"Nothing is at {request.path}.")


def server_error(request):
    return error_response(request, 500, "Something went wrong on our side. It has been logged.")


def csrf_failure(request, reason=""):
    return error_response(
        request, 403, "The security token was missing or wrong. Reload the page and try again."
    )
