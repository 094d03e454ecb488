"""The commands docs/shipping-your-django-app.md gives a newcomer, run as written."""

import re
import shlex
import shutil
import subprocess
import sys
import textwrap

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import path

from django_desktop_shell.testing import DesktopClient
from django_desktop_shell.uploads import upload_view
from tests.conftest import ROOT, SITES, browser_opener, exit_code_within
from tests.shell.test_checks import start_copy

DOC = ROOT / "docs" / "shipping-your-django-app.md"


def test_the_docs_command_without_the_makefile_builds_the_shells_wheel_from_the_checkout(tmp_path):
    """Section 1's `pip wheel … desktop_shell`, run in the checkout as the doc says: pip takes a
    bare name for a requirement to look up on the index ("No matching distribution found for
    desktop_shell"), not for the folder."""
    [command] = re.findall(r"`(pip wheel [^`]*)`", DOC.read_text(encoding="utf-8"))
    args = shlex.split(command)
    args[args.index("--wheel-dir") + 1] = str(tmp_path / "dist")
    result = subprocess.run([sys.executable, "-m", *args, "--quiet"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert [path.name for path in (tmp_path / "dist").iterdir()] == ["django_desktop_shell-0.1.0-py3-none-any.whl"]


def test_the_docs_apt_line_has_what_the_repositorys_own_setup_installs_for_the_window_and_its_venv():
    """build/linux/system-packages.sh's `run` group is what `make run` needs on a fresh machine:
    a venv (python3-venv), and the headers pip builds PyGObject and pycairo against (PyPI has no
    Linux wheels of them), Python's own among them (python3-dev). The doc's line left out both,
    so on a fresh machine a newcomer's `python3 -m venv` (Debian's ensurepip is in python3-venv) or the
    build of PyGObject (Python.h) would fail where `make run` sets them up.
    (Notedesk's fonts and spelling dictionary are its own choice.)"""
    script = (ROOT / "build" / "linux" / "system-packages.sh").read_text(encoding="utf-8")
    run_group = {package for package in re.search(r'\[run\]="([^"]*)"', script).group(1).split()
                 if not package.startswith("fonts-") and package != "hunspell-en-us"}
    [apt_command] = [command for command in re.findall(r"`(apt install [^`]*)`", DOC.read_text(encoding="utf-8"))
                     if "gir1.2-webkit2-4.1" in command]  # not the installers' tools
    assert run_group <= set(apt_command.split()), run_group - set(apt_command.split())


def test_the_docs_mixin_for_windows_and_macos_leaves_the_admins_popup_buttons_out(tmp_path, app_env):
    """The popups section's WithoutPopups, run on the polls example's choice form: its question
    loses the +, pencil, eye and × buttons, which open nothing on Windows and macOS."""
    [snippet] = re.findall(r"```python\n(from django\.contrib\.admin\.widgets import RelatedFieldWidgetWrapper\n.*?)```",
                           DOC.read_text(encoding="utf-8"), re.DOTALL)
    project = shutil.copytree(SITES["polls"], tmp_path / "polls", ignore=shutil.ignore_patterns("db.sqlite3", "__pycache__"))
    (project / "snippet.py").write_text(snippet, encoding="utf-8")
    question_field = (
        "from django.contrib import admin\nfrom django.contrib.auth.models import AnonymousUser\n"
        "from django.test import RequestFactory\nfrom polls.models import Choice\nfrom snippet import WithoutPopups\n"
        "request = RequestFactory().get('/')\nrequest.user = type('Owner', (AnonymousUser,), {'has_perm': lambda *a: True})()\n"
        "for bases in [(WithoutPopups, admin.ModelAdmin), (admin.ModelAdmin,)]:\n"
        "    html = str(type('ChoiceAdmin', bases, {})(Choice, admin.site).get_form(request)()['question'])\n"
        "    print([button for button in ('add', 'change', 'view', 'delete') if f'{button}_id_question' in html])\n")
    for command in (["migrate", "-v0"], ["shell", "-c", question_field]):
        result = subprocess.run([sys.executable, str(project / "launcher.py"), "--data-dir", str(tmp_path / "data"), "manage",
                                 *command], capture_output=True, text=True, env=app_env, cwd=project, timeout=120)
        assert result.returncode == 0, result.stderr
    # (no × either way: a choice's question is on_delete=CASCADE)
    assert result.stdout.splitlines()[-2:] == ["[]", "['add', 'change', 'view']"], result.stdout


def test_the_docs_local_owner_opens_a_site_whose_pages_need_a_login_with_no_login_page(polls_copy, tmp_path, app_env):
    """"Logins on a desktop", run as written on a site behind Django's LoginRequiredMiddleware: at
    the first launch the person saw the login page, and no account existed to log in with."""
    section = DOC.read_text(encoding="utf-8").split("### Logins on a desktop", 1)[1]
    owner_module, settings_lines = [textwrap.dedent(block) for block in re.findall(r"```python\n(.*?)```", section, re.S)[:2]]
    accounts = polls_copy / "accounts"
    accounts.mkdir()
    (accounts / "__init__.py").write_text("")
    (accounts / "desktop.py").write_text(owner_module)
    (accounts / "apps.py").write_text(
        "from django.apps import AppConfig\n\n\n"
        "class AccountsConfig(AppConfig):\n"
        "    name = 'accounts'\n\n"
        "    def ready(self):\n"
        "        from django_desktop_shell.signals import database_ready\n\n"
        "        from accounts.desktop import make_the_owner\n\n"
        "        database_ready.connect(make_the_owner)\n")
    settings = polls_copy / "mysite" / "settings.py"
    text = settings.read_text(encoding="utf-8").replace(
        "    'django.contrib.admin',\n", "    'accounts.apps.AccountsConfig',\n    'django.contrib.admin',\n").replace(
        "    'django.contrib.auth.middleware.AuthenticationMiddleware',\n",
        "    'django.contrib.auth.middleware.AuthenticationMiddleware',\n"
        "    'django.contrib.auth.middleware.LoginRequiredMiddleware',\n")
    settings.write_text(text + "LOGIN_URL = '/admin/login/'\n\n" + settings_lines, encoding="utf-8")

    process, launch_url = start_copy(polls_copy, tmp_path, app_env)
    try:
        opener = browser_opener()
        opener.open(launch_url).read()
        origin = launch_url.split("/launch/", 1)[0]
        polls = opener.open(origin + "/polls/")
        admin = opener.open(origin + "/admin/")
        assert (polls.status, polls.url) == (200, origin + "/polls/")
        assert (admin.status, admin.url) == (200, origin + "/admin/")
        assert "Site administration" in admin.read().decode()
    finally:
        process.terminate()
        assert exit_code_within(process, 10) == 0


@pytest.mark.urls("tests.shell.test_shipping_doc")
def test_the_docs_upload_view_takes_files_under_the_settings_limit_and_refuses_more(settings):
    """The guide named upload_view and not how it is called (its argument is a setting's name):
    its example, run as written, with the setting at 1,000 bytes."""
    [snippet] = re.findall(r"```python\n(from django\.http import JsonResponse\nfrom django_desktop_shell\.uploads .*?)```",
                           textwrap.dedent(DOC.read_text(encoding="utf-8")).replace("\n  ", "\n"), re.DOTALL)
    settings.MYSITE_MAX_UPLOAD = 1000
    namespace = {"__name__": "the_guides_upload"}
    exec(snippet, namespace)  # noqa: S102 (the guide's own example)
    urlpatterns[:] = [path("upload/", namespace["upload"])]
    client = DesktopClient(HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    taken = client.post("/upload/", {"file": SimpleUploadedFile("notes.txt", b"x" * 1000)})
    refused = client.post("/upload/", {"file": SimpleUploadedFile("big.txt", b"x" * 1001)})
    assert (taken.status_code, taken.json()) == (200, {"received": ["notes.txt"]})
    assert (refused.status_code, refused.json()) == (413, {"error": "The file is larger than the limit of 1000\xa0bytes."})


def test_an_upload_view_whose_limit_setting_is_not_set_stops_the_start_naming_it():
    """The setting misspelt or left out, every upload was a 500, "Something went wrong on our
    side", and the log an AttributeError: now the views' import, at the launch, says so."""
    with pytest.raises(ImproperlyConfigured, match=r"upload_view\('MYSITE_MAX_UPLAOD'\) names a setting that is not "
                                                   r"set: give MYSITE_MAX_UPLAOD in the settings the most, in bytes"):
        upload_view("MYSITE_MAX_UPLAOD")


urlpatterns = []  # the URLconf of the upload test: its view is the guide's
