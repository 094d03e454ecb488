"""A server expects HTTPS: plain HTTP is redirected, answers carry HSTS, cookies are Secure;
the proxy's header says a request came over HTTPS only when configured. Settings come from the
environment: each case imports them in a process of its own."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import ROOT
from tests.server_mode import PASSWORD, HttpsClient, make_user


def test_plain_http_is_redirected_to_https(db):
    response = Client().get("/accounts/login/")
    assert (response.status_code, response["Location"]) == (301, "https://testserver/accounts/login/")


def test_answers_carry_hsts_and_the_session_and_csrf_cookies_are_secure_and_http_only(db):
    make_user("hana")
    client = HttpsClient(headers={"Origin": "https://testserver"})
    page = client.get("/accounts/login/")
    assert page["Strict-Transport-Security"] == "max-age=31536000"
    assert page.cookies["csrftoken"]["secure"] and page.cookies["csrftoken"]["httponly"]
    token = page.cookies["csrftoken"].value
    response = client.post("/accounts/login/", {"username": "hana", "password": PASSWORD, "csrfmiddlewaretoken": token})
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert "Content-Security-Policy" in page and page["X-Frame-Options"] == "DENY"


GOOD_KEY = "settings-test-" + "k" * 40


def server_settings(**environment) -> dict:
    """Some of the server's settings, as they come out of this environment."""
    code = (
        "import json; from embedded_site import server_settings as s; "
        "print(json.dumps({'attachments': s.STORAGES['attachments'], 'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
        "'hsts': s.SECURE_HSTS_SECONDS, 'secure_cookies': s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE, "
        "'backend': type(__import__('django.core.files.storage', fromlist=['x']).storages.create_storage(s.STORAGES['attachments'])).__name__}, default=str))"
    )
    base = {
        "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "notes.example.org", "NOTEDESK_DATA_DIR": "/tmp/notedesk-settings-test",
        "DATABASE_URL": "postgres://notedesk:secret@db.example.org:5432/notedesk", "DJANGO_SETTINGS_MODULE": "embedded_site.server_settings",
    }
    env = {**os.environ, **base, **environment}
    code = "import django; django.setup(); " + code
    output = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def test_attachments_go_to_s3_when_the_environment_says_so():
    chosen = server_settings(NOTEDESK_STORAGE="s3", NOTEDESK_S3_BUCKET="team-notes", NOTEDESK_S3_REGION="eu-west-1")
    assert chosen["attachments"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["attachments"]["OPTIONS"]["bucket_name"] == "team-notes"
    assert chosen["backend"] == "S3Storage"
    assert server_settings()["backend"] == "FileSystemStorage"


def test_the_proxys_https_header_is_trusted_only_when_named():
    assert server_settings()["proxy"] is None
    assert server_settings(NOTEDESK_PROXY_SSL_HEADER="X-Forwarded-Proto")["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_plain_http_for_a_local_trial_turns_hsts_and_secure_cookies_off():
    assert (server_settings()["hsts"], server_settings()["secure_cookies"]) == (31536000, True)
    assert server_settings(NOTEDESK_HTTPS="0")["hsts"] == 0


def test_a_missing_setting_says_which():
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="embedded_site.server_settings", ALLOWED_HOSTS="x", DATABASE_URL="postgres://a@b/c", NOTEDESK_DATA_DIR="/tmp/x")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert "Set the environment variable SECRET_KEY" in result.stderr


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("SECRET_KEY", "changeme", "SECRET_KEY must be 50 or more random characters"),
    ("SECRET_KEY", "x" * 60, "SECRET_KEY must be 50 or more random characters"),
    ("ALLOWED_HOSTS", " , ", "ALLOWED_HOSTS is empty"),
    ("DATABASE_URL", "notedesk@localhost/notedesk", "DATABASE_URL is not a PostgreSQL database's URL"),
    ("DATABASE_URL", "sqlite:///notes.sqlite3", "DATABASE_URL is not a PostgreSQL database's URL"),
    ("NOTEDESK_HTTPS", "ture", "NOTEDESK_HTTPS is 'ture': set it to 1 or 0"),
    ("NOTEDESK_HTTPS", "", "NOTEDESK_HTTPS is '': set it to 1 or 0"),
    ("NOTEDESK_HSTS_SECONDS", "1y", "NOTEDESK_HSTS_SECONDS is '1y': set it to a whole number"),
    ("PORT", "eighty", "PORT is 'eighty': set it to a whole number"),
])
def test_a_wrong_setting_stops_the_start_saying_what_is_wrong(setting, value, message):
    """Until this, each started: a short key, an empty host list (every request a 400), a typo in
    NOTEDESK_HTTPS (HTTPS off, silently), or a URL dj-database-url could not read (its traceback)."""
    env = {**os.environ, "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "notes.example.org", "NOTEDESK_DATA_DIR": "/tmp/x",
           "DATABASE_URL": "postgres://a@b/c", "DJANGO_SETTINGS_MODULE": "embedded_site.server_settings", setting: value}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr
    if setting == "SECRET_KEY":
        assert value not in result.stderr
