"""A site middleware that names one of the site's URLs in every answer it sees, as
django-debug-toolbar does for the toolbar it adds to each HTML page ({% url 'djdt:…' %})."""

from django.urls import reverse


class NamesTheSiteHome:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Site-Home"] = reverse("home")
        return response
