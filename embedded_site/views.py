from django.shortcuts import render
from django.views.decorators.http import require_GET

from embedded_site.notes.views import first_page


@require_GET
def home(request):
    return render(request, "notes/app.html", {"first_page": first_page(request.user)})
