from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return render(request, "notes/app.html")


@require_GET
def health(request):
    """What the launcher polls before it opens the window, and the offline banner polls after."""
    return JsonResponse({"status": "ok"})
