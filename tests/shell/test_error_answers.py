"""Every error answer: JSON {"error"} for AJAX, a readable page otherwise, never a debug page."""

import html
import logging
import re
from unittest.mock import Mock

import pytest
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.test import override_settings

from django_desktop_shell import errors
from django_desktop_shell.testing import DesktopClient

pytestmark = pytest.mark.urls("tests.failing_urls")


@pytest.mark.parametrize("debug", [False, True])
def test_unhandled_exception_is_json_500_for_ajax(client, caplog, debug):
    with override_settings(DEBUG=debug), caplog.at_level(logging.ERROR):
        response = client.get("/broken/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 500
    assert response.json() == {"error": "Something went wrong on our side. It has been logged."}
    assert "boom: the view failed" in caplog.text


@pytest.mark.parametrize("debug", [False, True])
def test_unhandled_exception_is_a_plain_page_for_a_browser(client, debug):
    with override_settings(DEBUG=debug):
        response = client.get("/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "500 Internal Server Error" in html
    assert "Traceback" not in html and "boom" not in html


@pytest.mark.parametrize("page", ["the site's own", "the shell's"])
def test_the_error_pages_way_back_leads_to_the_apps_start_page(client, settings, monkeypatch, page):
    # An app whose start-path is /invoices/ and that has nothing at /: "Back to Office" on a 404
    # led to / and its 404 again, and the window has no address bar to go elsewhere.
    settings.DESKTOP_START_PATH = "/invoices/"
    if page == "the shell's":  # as for a site with no desktop_shell/error.html of its own
        monkeypatch.setattr(errors.loader, "render_to_string", Mock(side_effect=TemplateDoesNotExist("error.html")))
    page = client.get("/nothing-here/").content.decode()
    assert '<a href="/invoices/">Back to ' in page


@pytest.mark.parametrize("page", ["the site's own", "the shell's"])
def test_an_error_page_offers_to_go_back_to_the_app_s_page_it_came_from(client, monkeypatch, page):
    # A link followed to a note deleted since: the page said only "Back to Notedesk", the start
    # page, and the window has no Back button to return to the page the link was on.
    if page == "the shell's":
        monkeypatch.setattr(errors.loader, "render_to_string", Mock(side_effect=TemplateDoesNotExist("error.html")))
    page = client.get("/nothing-here/", HTTP_REFERER=f"http://{settings.DESKTOP_SESSION_HOST}/notes/?q=tax").content.decode()
    assert '<a href="/notes/?q=tax">Go back</a>' in page


def test_an_error_page_offers_no_way_back_to_another_site(client):
    page = client.get("/nothing-here/", HTTP_REFERER="https://elsewhere.example/notes/").content.decode()
    assert "Go back" not in page and "elsewhere" not in page


def test_a_form_sent_with_an_out_of_date_token_comes_back_filled_in_to_send_again(csrf_client):
    # Back to a half-filled form after a login (which rotates the CSRF token), then Save: the
    # window showed "The security token was missing or wrong. Reload the page and try again.",
    # it has no Reload, and Back showed the form with its old token again: what was typed was lost.
    csrf_client.get("/")  # the CSRF cookie, as the window has it
    typed = {"customer": 'ACME "Ltd" <b>', "line": ["2 h consulting", "1 train ticket"]}
    refused = csrf_client.post("/invoice/", {**typed, "csrfmiddlewaretoken": "x" * 64}, HTTP_ORIGIN=f"http://{settings.DESKTOP_SESSION_HOST}")
    page = refused.content.decode()
    assert refused.status_code == 403 and "Send it again" in page
    assert 'action="/invoice/"' in page and "<b>" not in page
    sent_again = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)[:1])
    sent_again.update(customer=html.unescape(re.search(r'name="customer" value="([^"]*)"', page).group(1)),
                      line=[html.unescape(value) for value in re.findall(r'name="line" value="([^"]*)"', page)])
    saved = csrf_client.post("/invoice/", sent_again, HTTP_ORIGIN=f"http://{settings.DESKTOP_SESSION_HOST}")
    assert saved.status_code == 200
    assert saved.content.decode() == 'saved ACME "Ltd" <b>: 2 h consulting, 1 train ticket'


def test_an_ajax_post_of_the_apps_own_page_refused_for_its_token_gets_the_message_as_json(csrf_client):
    """A page's fetch() says its Origin, as the window's does: with the 'Not sent yet' page offered
    to it (HTML, which the middleware turned into {"error": "Forbidden."}), the script could not say why."""
    csrf_client.get("/")
    refused = csrf_client.post("/invoice/", {"customer": "ada", "csrfmiddlewaretoken": "x" * 64},
                               HTTP_ORIGIN=f"http://{settings.DESKTOP_SESSION_HOST}", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert refused.status_code == 403
    assert refused.json() == {"error": "The security token was missing or wrong. Reload the page and try again."}


def test_a_password_in_a_refused_form_is_not_written_into_the_not_sent_yet_page(csrf_client):
    """A login form is the form most often refused for its token (Back to it after a login in
    another page): its "Not sent yet" page held the password typed, in its HTML, where Django's
    own forms never render one back (PasswordInput); it is left out, and the page says so."""
    csrf_client.get("/")
    own_origin = f"http://{settings.DESKTOP_SESSION_HOST}"
    refused = csrf_client.post("/invoice/", {"customer": "ada", "password": "hunter2-secret", "api_token": "tok-3141",
                                             "csrfmiddlewaretoken": "x" * 64}, HTTP_ORIGIN=own_origin)
    page = refused.content.decode()
    assert refused.status_code == 403 and "Send it again" in page
    assert 'name="customer" value="ada"' in page
    assert "hunter2-secret" not in page and "tok-3141" not in page
    assert "What you typed in password and api_token is not kept here: type it again on the form." in page


@pytest.mark.parametrize("origin", ["http://evil.example", "null", None])
def test_a_form_another_site_sent_is_refused_without_being_offered_to_send_again(csrf_client, origin):
    """A page of another site (the server's users' browsers; a browser launch) that posts a form to
    the app would get it back as the app's own page, with a fresh token: one click on "Send it
    again" and the forged form was sent from the app's origin, with the person's session."""
    csrf_client.get("/")
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    refused = csrf_client.post("/invoice/", {"customer": "Mallory", "csrfmiddlewaretoken": "x" * 64}, **headers)
    assert refused.status_code == 403
    assert "Send it again" not in refused.content.decode()
    assert "Mallory" not in refused.content.decode()


def test_with_dev_a_missing_page_is_the_shells_page_not_djangos_listing_the_sites_urls(client):
    with override_settings(DEBUG=True):
        response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "404 Not Found" in html and "Nothing is at /no-such-page/." in html
    assert "Using the URLconf" not in html and "broken/" not in html


@pytest.mark.urls("tests.urls_without_error_handlers")
def test_an_address_no_route_has_is_the_shells_page_where_the_urlconf_names_no_handler404(client):
    """A project with no 404.html and no handler404 (examples/polls, most projects) got Django's own
    bare "Not Found" page for an address its URLconf has no route for: no way back to the app, in a
    window that has no address bar."""
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Nothing is at /no-such-page/." in html and "The requested resource was not found" not in html


def test_error_page_does_not_echo_markup_from_the_path(client):
    response = client.get("/<script>alert(1)</script>/")
    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_raised_404_stays_a_404_not_a_500(client):
    response = client.get("/raises-404/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 404
    assert response.json() == {"error": "Nothing is at /raises-404/."}


def test_a_method_an_address_does_not_take_is_405_naming_and_listing_the_ones_it_does(client):
    response = client.post("/api/notes/1/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, PATCH, DELETE"
    assert response.json() == {"error": "This address does not accept that method. Allowed: GET, PATCH, DELETE."}


def test_a_request_that_accepts_json_gets_its_errors_as_json(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response.json() == {"error": "Nothing is at /no-such-page/."}


def test_a_views_own_html_error_is_json_for_ajax(client):
    response = client.get("/refuses-in-html/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 400
    assert response.json() == {"error": "Bad Request."}


# DRF's browsable API sends its PUT, PATCH and DELETE forms with jQuery, which adds X-Requested-With,
# asking for HTML: it shows the page that comes back, its errors beside the fields, and goes to the
# address again on anything else, which lost the errors and what the person had typed.
BROWSABLE_API_FORM = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest", "HTTP_ACCEPT": "text/html; q=1.0, */*"}
A_NAVIGATION = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_an_ajax_request_that_asks_for_html_gets_the_views_own_error_page(client):
    response = client.put("/refuses-in-html/", **BROWSABLE_API_FORM)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert response.content == b"<p>That is not a poll.</p>"


@pytest.mark.parametrize("headers", [BROWSABLE_API_FORM, A_NAVIGATION], ids=["browsable API form", "navigation"])
def test_a_request_that_asks_for_html_gets_the_shells_error_as_a_page_even_under_a_json_path(client, settings, headers):
    settings.DESKTOP_JSON_PATH_PREFIXES = ("/api/",)
    response = client.delete("/api/no-such-thing/", **headers)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Nothing is at /api/no-such-thing/." in response.content.decode()


@pytest.mark.parametrize("headers", [{}, {"HTTP_ACCEPT": "application/json"}, {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}],
                         ids=["browser", "accepts json", "ajax"])
def test_a_views_error_in_a_json_type_of_its_own_keeps_its_detail(client, headers):
    response = client.get("/refuses-as-a-problem/", **headers)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {"title": "Invalid poll", "detail": "A poll needs a question."}


def test_api_errors_are_json_even_without_ajax_headers(client, db):
    response = client.get("/api/notes/999999/")
    assert response.status_code == 404
    assert response.json()["error"]


@pytest.fixture
def site_error_templates(tmp_path, settings):
    """A site with its own 404.html, 403.html and 500.html, as Django's convention has them."""
    for status in (404, 403, 500):
        (tmp_path / f"{status}.html").write_text(f"<h1>Our own {status}</h1>{{{{ request_path }}}}", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


@pytest.mark.parametrize(("path", "status"), [
    ("/no-such-page/", 404),  # Django's own 404
    ("/raises-404/", 404),  # Http404 raised in a view
    ("/raises-403/", 403),
    ("/broken/", 500),
])
def test_a_browser_gets_the_sites_own_error_template_whether_django_or_a_view_raised_it(
        client, site_error_templates, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert f"<h1>Our own {status}</h1>" in response.content.decode()


def test_ajax_still_gets_json_where_the_site_has_its_own_error_templates(client, site_error_templates):
    response = client.get("/raises-403/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 403
    assert response.json() == {"error": "You are not allowed to do that."}


@pytest.mark.parametrize(("template", "failure"), [
    ("{% load no_such_library %}", "could not be read"),
    ("{% include 'no-such-part.html' %}", "could not be rendered"),
])
def test_a_site_error_template_that_fails_gives_the_shells_page(client, tmp_path, settings, caplog, template, failure):
    (tmp_path / "404.html").write_text(template, encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with caplog.at_level(logging.ERROR):
        response = client.get("/raises-404/")
    assert response.status_code == 404
    assert "Nothing is at /raises-404/." in response.content.decode()
    assert f"The site's 404.html {failure}" in caplog.text


@pytest.mark.parametrize(("headers", "answer"), [
    ({}, "500 Internal Server Error"),
    ({"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}, '{"error": "Something went wrong on our side. It has been logged."}'),
])
def test_a_urlconf_that_fails_to_import_is_a_500_in_the_requests_form_with_the_error_logged(
        client, settings, caplog, headers, answer):
    """An import the built app lacks, in a module the URLconf imports (a library's), failed Django's
    own 500 too, which looks the error view up in that URLconf: the error left Django, and the
    window got waitress's bare "Internal Server Error", without the app's page or its headers, and
    the self-test said the server "sent no answer"."""
    settings.ROOT_URLCONF = "tests.a_urlconf_the_build_left_out"
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = client.get("/", **headers)
    assert response.status_code == 500
    assert answer in response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "No module named 'tests.a_urlconf_the_build_left_out'" in caplog.text


def test_a_failing_view_asked_again_and_again_logs_its_traceback_once(client, caplog):
    """A page polling a view that fails (htmx's hx-trigger="every 3s") wrote the same 50-line
    traceback every 3 s: within the hour the log's rotated files held nothing else."""
    with caplog.at_level(logging.ERROR, logger="django_desktop_shell.middleware"):
        answers = [client.get("/broken/", HTTP_X_REQUESTED_WITH="XMLHttpRequest").status_code for _ in range(3)]
    assert answers == [500, 500, 500]
    shell_records = [record for record in caplog.records if record.name == "django_desktop_shell.middleware"]
    assert [record.exc_info is not None for record in shell_records] == [True, False, False]
    assert shell_records[-1].getMessage() == ("Unhandled error in GET /broken/ again: RuntimeError: boom: the view "
                                              "failed (its traceback is logged above)")


def test_with_dev_a_failing_view_s_traceback_is_at_the_terminal(client, capsys):
    """With --dev the window said "It has been logged." and the terminal nothing at all (runserver
    prints the traceback there): the developer had to know where the log was, and find the
    traceback among every SQL query the verbose log holds. Once: a page polling the view, or the
    launch's health check, asks again every few milliseconds."""
    with override_settings(DEBUG=True):
        client.get("/broken/")
        client.get("/broken/")
    terminal = capsys.readouterr().err
    assert terminal.startswith("Notedesk: Unhandled error in GET /broken/\nTraceback (most recent call last):")
    assert terminal.count("Unhandled error") == terminal.count("RuntimeError: boom: the view failed") == 1


def test_with_dev_a_failing_site_middleware_s_traceback_is_at_the_terminal(settings, capsys):
    """A middleware of the site's that raised is answered 500 by Django itself, before the shell's
    error middleware sees it: with --dev the terminal said nothing of it."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.failing_middleware.FailsEveryRequest"]
    settings.DEBUG = True
    client = DesktopClient(raise_request_exception=False)
    assert client.get("/broken/").status_code == 500
    terminal = capsys.readouterr().err
    assert "Unhandled error in GET /broken/\nTraceback (most recent call last):" in terminal
    assert "RuntimeError: the site's middleware failed" in terminal


def test_without_dev_a_failing_view_says_nothing_at_the_terminal(client, capsys):
    client.get("/broken/")
    assert capsys.readouterr().err == ""


def test_the_shells_english_messages_give_sizes_in_english_on_a_page_of_another_language(settings):
    """A French site's upload over the limit said "The file is larger than the limit of 2,4 MB.": the
    shell's English sentence with the French page's decimal comma."""
    from django.utils import translation

    from django_desktop_shell.uploads import too_large

    settings.USE_I18N = True  # Notedesk's is off
    with translation.override("fr"):
        assert too_large(2_500_000).message == "The file is larger than the limit of 2.4\xa0MB."


@pytest.mark.urls("tests.urls_without_error_handlers")
@pytest.mark.parametrize(("headers", "answer"), [
    ({}, "<h1>500 Internal Server Error</h1>"),
    ({"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}, '{"error": "Something went wrong on our side. It has been logged."}'),
])
def test_a_failing_site_middleware_gets_the_shells_500_in_a_project_without_error_handlers(settings, headers, answer):
    """A project's URLconf seldom names handler500 (startproject's does not): a middleware of the
    site's that raised was answered with Django's bare "Server Error (500)" page, and AJAX with
    "Internal Server Error.", where a view's error gets the shell's page, as the guide says."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.failing_middleware.FailsEveryRequest"]
    client = DesktopClient(raise_request_exception=False)
    response = client.get("/broken/", **headers)
    assert response.status_code == 500
    assert answer in response.content.decode()
