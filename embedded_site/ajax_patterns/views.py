"""The AJAX patterns of the tutorial (shared/seed/ajax-in-django.md), at the tutorial's URLs,
served with CSRF protection on (the tutorial's csrf_exempt is never used)."""

import json

import django
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from embedded_site.ajax_patterns.forms import GreetingForm
from django_desktop_shell.errors import error_response

from embedded_site.errors import form_error_message, form_errors


def is_xhr(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@require_GET
def load_data(request):
    if is_xhr(request):
        return JsonResponse({"message": "Hello, this is your data!"})
    return render(request, "ajax_patterns/patterns.html")


@require_POST
def submit_data(request):
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep
            return error_response(request, 400, "The body is not valid JSON.")
        if not isinstance(payload, dict):
            return error_response(request, 400, "The JSON body must be an object.")
    else:
        payload = request.POST
    form = GreetingForm(payload)
    if not form.is_valid():
        return error_response(request, 400, form_error_message(form), fields=form_errors(form))
    return JsonResponse({"message": f"Hello, {form.cleaned_data['username']}!"})


@require_GET
def fetch_json_data(request):
    return JsonResponse({"user": "John Doe", "email": "john@example.com"})


@require_GET
def fragment(request):
    """An HTML fragment, rendered on the server, that the page inserts with innerHTML."""
    return render(
        request,
        "ajax_patterns/_server_card.html",
        {"now": timezone.now(), "django_version": django.get_version()},
    )
