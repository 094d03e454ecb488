from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, re_path
from django.views.decorators.csrf import ensure_csrf_cookie


def projects_csv(request):
    answer = HttpResponse("id,name\n12,Alpha\n", content_type="text/csv")
    answer["Content-Disposition"] = 'attachment; filename="projects.csv"'
    return answer


@ensure_csrf_cookie
def single_page(request):
    """Every client route: the page, which routes itself."""
    return render(request, "index.html")


urlpatterns = [
    path("api/projects.csv", projects_csv),
    re_path(r"^(?!api/|static/).*$", single_page),
]
