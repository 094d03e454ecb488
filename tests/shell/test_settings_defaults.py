"""What desktop_settings() moves into the person's data folder, seen from a launch of a copy of
examples/polls whose settings name it elsewhere."""

import http.client
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.shell.test_checks import set_before_the_defaults

USE_THE_CACHE = "from django.core.cache import caches; caches['files'].set('report', 'built'); print(caches['files'].get('report'))"


def test_a_file_cache_beside_the_code_is_kept_in_the_data_folder(polls_copy, tmp_path, app_env):
    """A FileBasedCache at BASE_DIR / 'cache' worked under runserver, and in the installed app
    (/opt/<slug>, which the person may not write) every view that set it answered 500."""
    set_before_the_defaults(polls_copy, "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}, "
                                        "'files': {'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache', "
                                        "'LOCATION': BASE_DIR / 'cache'}}\n")
    data_dir = tmp_path / "data"
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(data_dir), "manage",
                             "shell", "-c", USE_THE_CACHE], capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("\nbuilt\n")
    assert not (polls_copy / "cache").exists()
    assert any((data_dir / "cache" / "files").iterdir())


VIEW_SITE_LINK = """
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
request = RequestFactory().get('/admin/')
request.user = AnonymousUser()
print(admin.site.each_context(request)['site_url'])
"""


def test_the_admins_view_site_leads_to_the_apps_start_page(polls_copy, tmp_path, app_env):
    """The admin's "View site" led to /, where the polls example (start-path /polls/) has nothing:
    a 404, in a window with no address bar."""
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"),
                             "manage", "shell", "--no-imports", "-c", VIEW_SITE_LINK],
                            capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "/polls/"


@pytest.mark.parametrize(("start_path", "view_site"), [("/admin/", "no View site link"), ("/polls/", "/polls/")])
def test_an_admin_only_app_s_admin_has_no_view_site_link_leading_back_to_itself(
        polls_copy, tmp_path, app_env, start_path, view_site):
    """A back office used only through the admin opens at /admin/: its "View site" led to the
    admin's own index, the page the person was on, as if there were a site."""
    pyproject = polls_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        'start-path = "/polls/"', f'start-path = "{start_path}"'), encoding="utf-8")
    shown = VIEW_SITE_LINK.replace("print(admin.site.each_context(request)['site_url'])",
                                   "print(admin.site.each_context(request)['site_url'] or 'no View site link')")
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"),
                             "manage", "shell", "--no-imports", "-c", shown],
                            capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == view_site


def test_a_view_site_address_of_the_project_s_own_is_kept(polls_copy, tmp_path, app_env):
    admin_module = polls_copy / "polls" / "admin.py"
    admin_module.write_text(admin_module.read_text() + "\nadmin.site.site_url = '/polls/1/'\n")
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"),
                             "manage", "shell", "--no-imports", "-c", VIEW_SITE_LINK],
                            capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "/polls/1/"


RENDER_TWICE = """
from pathlib import Path
from django.template.loader import render_to_string
template = Path({template!r})
print(render_to_string("polls/edited.html"))
template.write_text("after the edit")
print(render_to_string("polls/edited.html"))
"""


def test_with_dev_an_edited_template_renders_as_it_is_now(polls_copy, tmp_path, app_env):
    """Django caches templates whatever DEBUG is, and only runserver's autoreloader empties the
    cache: with --dev, a template edited while the app ran rendered as it was until a restart, and a
    Vite build's new index.html, naming new hashed files, was a blank page until then."""
    template = polls_copy / "polls" / "templates" / "polls" / "edited.html"
    template.write_text("before the edit")
    command = [sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data")]
    shell = ["manage", "shell", "-c", RENDER_TWICE.format(template=str(template))]
    dev = subprocess.run([*command, "--dev", *shell], capture_output=True, text=True, env=app_env, timeout=60)
    assert dev.returncode == 0, dev.stderr
    assert dev.stdout.splitlines()[-2:] == ["before the edit", "after the edit"]

    template.write_text("before the edit")  # without --dev, templates are read once, as Django's own default
    shipped = subprocess.run([*command, *shell], capture_output=True, text=True, env=app_env, timeout=60)
    assert shipped.returncode == 0, shipped.stderr
    assert shipped.stdout.splitlines()[-2:] == ["before the edit", "before the edit"]


def test_the_deploy_checks_warn_of_nothing_the_shell_sees_to(polls_copy, tmp_path, app_env):
    """`manage check --deploy` warned of four issues in every app: SecurityMiddleware and
    XFrameOptionsMiddleware missing, whose headers the shell's own middleware sends, and the
    session and CSRF cookies not Secure, which over the app's plain HTTP would never come back.
    (The test run's own DJANGO_ALLOW_ASYNC_UNSAFE is not the app's.)"""
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"),
                             "manage", "check", "--deploy", "--fail-level", "WARNING"],
                            capture_output=True, text=True, timeout=60,
                            env={name: value for name, value in app_env.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


EVENT_STREAM = """
import threading

from django.http import StreamingHttpResponse


def progress(request):
    def events():
        yield "data: started\\n\\n"
        threading.Event().wait(30)  # the job's next step
        yield "data: done\\n\\n"
    return StreamingHttpResponse(events(), content_type="text/event-stream")
"""


def test_a_project_s_gzip_middleware_holds_no_event_stream_back(polls_copy, tmp_path, app_env):
    """A project with Django's GZipMiddleware (common for a server) sent nothing of a page's event
    stream: the web view asks for gzip, and the middleware compresses a streaming answer in blocks
    of kilobytes, so a progress page showed no event until the job had ended. On loopback,
    compressing saves no time: the shell leaves it out."""
    set_before_the_defaults(polls_copy, "MIDDLEWARE = ['django.middleware.gzip.GZipMiddleware', *MIDDLEWARE]\n")
    (polls_copy / "polls" / "events.py").write_text(EVENT_STREAM, encoding="utf-8")
    with (polls_copy / "mysite" / "urls.py").open("a", encoding="utf-8") as urls:
        urls.write("\nfrom polls.events import progress  # noqa: E402\n\nurlpatterns.append(path('progress/', progress))\n")
    process = subprocess.Popen([sys.executable, str(polls_copy / "launcher.py"), "--headless", "--data-dir",
                                str(tmp_path / "data")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=app_env)
    try:
        line = process.stdout.readline()
        assert line.startswith("READY "), process.stderr.read() if process.poll() is not None else line
        url = urlsplit(line.split(" ", 1)[1].strip())
        token = parse_qs(url.query)["token"][0]
        connection = http.client.HTTPConnection("127.0.0.1", url.port, timeout=5)
        connection.request("GET", "/progress/", headers={"Host": f"127.0.0.1:{url.port}", "Accept-Encoding": "gzip",
                                                         "Authorization": f"Bearer {token}"})
        answer = connection.getresponse()
        assert answer.read1() == b"data: started\n\n"  # before: gzip's header, then nothing until the end
        assert answer.getheader("Content-Encoding") is None
        connection.close()
    finally:
        process.terminate()
        process.wait(20)


def test_the_shell_listed_by_its_app_config_is_not_added_a_second_time(polls_copy, tmp_path, app_env):
    """A project listing the shell as Django's docs list an app by its AppConfig could not start:
    desktop_settings() added "django_desktop_shell" beside it, and Django said "Application labels
    aren't unique, duplicates: django_desktop_shell"."""
    set_before_the_defaults(polls_copy, "INSTALLED_APPS = [*INSTALLED_APPS, 'django_desktop_shell.apps.DesktopShellConfig']\n")
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"), "manage",
                             "check"], capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(("line", "age"), [("", "1576800000"), ("LANGUAGE_COOKIE_AGE = None\n", "None"),
                                           ("LANGUAGE_COOKIE_AGE = 3600\n", "3600")])
def test_the_language_cookie_lasts_as_the_csrf_cookie_unless_the_project_sets_its_age_none_included(
        polls_copy, tmp_path, app_env, line, age):
    """A project that set None on purpose (the language forgotten at each quit) got 50 years anyway."""
    set_before_the_defaults(polls_copy, line)
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"),
                             "manage", "shell", "--no-imports", "-c",
                             "from django.conf import settings; print(settings.LANGUAGE_COOKIE_AGE)"],
                            capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == age
