"""The shell's routes under /_desktop/ and the site's middleware around them."""

import pytest

SITE_NAMES_MIDDLEWARE = "tests.site_names_middleware.NamesTheSiteHome"


@pytest.fixture
def site_middleware_naming_its_urls(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, SITE_NAMES_MIDDLEWARE]


@pytest.mark.parametrize("path", ["/_desktop/health", "/_desktop/probe/"])
def test_a_site_middleware_that_names_the_site_s_urls_does_not_break_the_shell_s_routes(
        site_middleware_naming_its_urls, client, db, path):
    """django-debug-toolbar, added as its docs say, reverses its own URL names on every HTML answer:
    on the shell's routes, whose URLconf had none of the site's names, the health check answered
    500 and the app never started ("did not become ready within 15 s (it answered 500)")."""
    response = client.get(path)
    assert (response.status_code, response["X-Site-Home"]) == (200, "/")


def test_a_path_under_desktop_the_shell_does_not_have_is_not_found_whatever_the_site_s_urls(settings, client, db):
    """The site's names are there to be reversed, not to answer under /_desktop/: a single-page
    app's catch-all view does not get the shell's paths."""
    settings.ROOT_URLCONF = "tests.single_page_urls"
    assert client.get("/anything").content == b"the single page"
    assert client.get("/_desktop/no-such-route").status_code == 404
