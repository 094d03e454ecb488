"""A site whose every page needs a login (Django's LoginRequiredMiddleware): the shell's own
routes still answer the window, which has no login of the site's."""

import pytest
from django.conf import settings as django_settings

LOGIN_URL = "/accounts/login/"


@pytest.fixture
def logins_required(settings):
    """The site's middleware as a project with logins has it, sessions in signed cookies (Notedesk's
    desktop settings have no sessions table)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.LOGIN_URL = LOGIN_URL
    settings.MIDDLEWARE = [
        *(name for name in settings.MIDDLEWARE if name != "embedded_site.notes.owners.LocalOwnerMiddleware"),
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]


def test_the_site_s_own_pages_go_to_its_login(logins_required, client, db):
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, f"{LOGIN_URL}?next=/")


@pytest.mark.parametrize("path", ["/_desktop/health", "/_desktop/probe/", "/_desktop/probe/echo?echo=x",
                                  "/_desktop/updates/status"])
def test_the_health_check_and_the_window_s_requests_answer_without_a_login(logins_required, client, db, path):
    """The launch waits for /_desktop/health to answer 200: sent to the login page, the app never
    started ("did not become ready within 15 s")."""
    response = client.get(path)
    assert response.status_code == 200, response.get("Location")


def test_the_window_s_posts_answer_without_a_login(logins_required, csrf_client, db):
    csrf_client.get("/_desktop/probe/")  # the page gives the CSRF cookie
    token = csrf_client.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = csrf_client.post("/_desktop/probe/echo", {"echo": "saved"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.get("Location")
