"""Static files at addresses the window keeps for good: a page opened a minute after the last asks
for none of them again, and a changed file is never taken from the cache."""

import re
from urllib.parse import urljoin

import pytest
from django.contrib.staticfiles import finders
from django.http import HttpResponseNotFound
from django.templatetags.static import static
from django.test import RequestFactory

from django_desktop_shell import static_files
from django_desktop_shell.static_files import StaticFilesMiddleware


@pytest.fixture
def static_root(tmp_path, settings):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "app.js").write_text("import { ready } from './ready.js';")
    (tmp_path / "js" / "ready.js").write_text("export const ready = true;")
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    served_before = static_files.fingerprinted_prefix
    yield tmp_path
    static_files.fingerprinted_prefix = served_before  # as the app's own middleware left it


def start() -> StaticFilesMiddleware:
    return StaticFilesMiddleware(lambda request: HttpResponseNotFound())


def get(middleware, url):
    answer = middleware(RequestFactory().get(url))
    body = b"".join(answer.streaming_content) if answer.status_code == 200 else b""
    return answer, body


def test_a_page_s_static_address_carries_a_fingerprint_and_may_be_kept_for_good(static_root):
    middleware = start()
    url = static("js/app.js")
    assert re.fullmatch(r"/static/v-[0-9a-f]{16}/js/app\.js", url)
    answer, body = get(middleware, url)
    assert answer.status_code == 200 and body == b"import { ready } from './ready.js';"
    assert answer["Cache-Control"] == "max-age=315360000, public, immutable"
    imported, body = get(middleware, urljoin(url, "./ready.js"))  # a module's import stays under it
    assert imported["Cache-Control"] == "max-age=315360000, public, immutable" and body == b"export const ready = true;"


def test_the_plain_address_still_answers_but_is_asked_again_after_a_minute(static_root):
    answer, body = get(start(), "/static/js/app.js")
    assert answer.status_code == 200 and body == b"import { ready } from './ready.js';"
    assert answer["Cache-Control"] == "max-age=60, public"


def test_a_bundlers_hashed_files_the_project_names_are_kept_for_good_and_so_are_the_fingerprinted(static_root, settings):
    """A Vite build's index.html names its hashed files at plain addresses (/static/assets/index-Czr0eVbj.js),
    which WhiteNoise's WHITENOISE_IMMUTABLE_FILE_TEST marks immutable; setting it took the
    fingerprinted addresses' own immutability away."""
    (static_root / "assets").mkdir()
    (static_root / "assets" / "index-Czr0eVbj.js").write_text("import('./Tools-BxZ_JxO-.js');")
    settings.WHITENOISE_IMMUTABLE_FILE_TEST = r"^/static/assets/.+-[\w-]{8}\.(js|css)$"
    middleware = start()
    hashed, _ = get(middleware, "/static/assets/index-Czr0eVbj.js")
    assert hashed["Cache-Control"] == "max-age=315360000, public, immutable"
    fingerprinted, _ = get(middleware, static("js/app.js"))
    assert fingerprinted["Cache-Control"] == "max-age=315360000, public, immutable"
    plain, _ = get(middleware, "/static/js/app.js")
    assert plain["Cache-Control"] == "max-age=60, public"


def test_a_changed_file_moves_every_file_to_a_new_address(static_root):
    start()
    before = static("js/ready.js")
    (static_root / "js" / "app.js").write_text("import { ready } from './ready.js'; console.log(ready);")
    middleware = start()
    after = static("js/ready.js")
    assert after != before
    assert get(middleware, after)[0].status_code == 200
    assert get(middleware, before)[0].status_code == 404


def test_with_dev_s_autorefresh_the_addresses_are_plain(static_root, settings):
    settings.WHITENOISE_AUTOREFRESH = True
    middleware = start()
    assert static("js/app.js") == "/static/js/app.js"
    answer, _ = get(middleware, "/static/js/app.js")
    assert answer.status_code == 200


def test_from_source_a_static_root_not_collected_yet_is_no_warning(tmp_path, settings, recwarn):
    settings.STATIC_ROOT = tmp_path / "staticfiles"  # the project's, before any collectstatic
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = False
    served_before = static_files.fingerprinted_prefix
    try:
        middleware = start()
    finally:
        static_files.fingerprinted_prefix = served_before
    assert [str(warning.message) for warning in recwarn] == []
    assert any(url.endswith("/desktop_shell/shell.css") for url in middleware.files), "the finders serve"


def test_a_packaged_build_without_its_collected_files_is_still_warned_of(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path / "collected_static"
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    served_before = static_files.fingerprinted_prefix
    try:
        with pytest.warns(UserWarning, match="No directory at"):
            start()
    finally:
        static_files.fingerprinted_prefix = served_before


def test_a_fingerprinted_address_less_static_url_is_a_name_the_static_finders_find(static_root):
    """django-compressor finds the files of a `{% compress css %}` block by their `{% static %}`
    addresses, less STATIC_URL, through the static finders: no finder knew the fingerprinted names,
    and every page with such a block answered 500 ("'v-…/css/site.css' could not be found")."""
    start()
    name = static("js/app.js").removeprefix("/static/")
    assert name.startswith("v-")
    assert finders.find(name) == str(static_root / "js" / "app.js")
    assert finders.find(name, find_all=True) == [str(static_root / "js" / "app.js")]
    assert finders.find("v-0000000000000000/js/app.js") is None


def test_a_name_a_manifest_storage_gave_is_one_the_static_finders_find(static_root):
    """With a manifest storage, `{% static %}` gives the hashed names collectstatic wrote in
    STATIC_ROOT, where no finder looks: django-compressor, its output moved to the data folder,
    found none of a block's files there (a 500 on every page with a block)."""
    (static_root / "js" / "app.0123456789ab.js").write_text("import { ready } from './ready.js';")
    start()
    assert finders.find("js/app.0123456789ab.js") == str(static_root / "js" / "app.0123456789ab.js")


def settings_of_a_launch(data_dir, **project_settings) -> dict:
    from django_desktop_shell import runtime
    from django_desktop_shell.settings import desktop_settings

    ours = runtime.current
    runtime.configure(runtime.Runtime(identity=ours.identity, data_dir=data_dir, port=8765))
    try:
        desktop_settings(project_settings)
    finally:
        runtime.configure(ours)
    return project_settings


# Listed by its name, as compressor's docs have it, or by its AppConfig, as Django's list an app:
# the shell took the second for no compressor at all, and its output went beside the code.
COMPRESSOR_LISTED = pytest.mark.parametrize("compressor", ["compressor", "compressor.apps.CompressorConfig"])


@COMPRESSOR_LISTED
def test_django_compressors_output_is_written_in_the_data_folder(tmp_path, compressor):
    """django-compressor writes each `{% compress %}` block's output as a page first uses it, under
    STATIC_ROOT by default: beside the code, which an installed app may not write (/opt/<slug>: a
    500 on every page) and the one-file binary deletes when it quits."""
    launched = settings_of_a_launch(tmp_path, INSTALLED_APPS=[compressor], STATIC_ROOT=tmp_path / "staticfiles")
    assert launched["COMPRESS_ROOT"] == tmp_path / "compressor"
    compressed_ahead = settings_of_a_launch(tmp_path, INSTALLED_APPS=[compressor], COMPRESS_OFFLINE=True,
                                            COMPRESS_ROOT=tmp_path / "staticfiles")
    assert compressed_ahead["COMPRESS_ROOT"] == tmp_path / "staticfiles", "what `manage compress` wrote is read"


@COMPRESSOR_LISTED
def test_with_offline_compression_the_static_addresses_are_plain(tmp_path, compressor):
    """Compressor finds a block's output in the offline manifest by the block's `{% static %}`
    addresses as `manage compress` rendered them, plain: with the fingerprinted ones every page
    with a block was a 500 ("key … is missing from offline manifest"), even right after a compress."""
    compressed_ahead = settings_of_a_launch(tmp_path, INSTALLED_APPS=[compressor], COMPRESS_OFFLINE=True)
    assert compressed_ahead["STORAGES"]["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    online = settings_of_a_launch(tmp_path, INSTALLED_APPS=["compressor"])
    assert online["STORAGES"]["staticfiles"]["BACKEND"] == "django_desktop_shell.static_files.FingerprintedStaticFilesStorage"


def test_a_file_django_compressor_writes_while_the_app_runs_is_served(static_root, settings, tmp_path_factory):
    """The server lists the static files it serves as it starts; the output of a `{% compress %}`
    block, written after, answered 404 and the page showed unstyled."""
    settings.COMPRESS_ROOT = tmp_path_factory.mktemp("data") / "compressor"
    middleware = start()
    output = settings.COMPRESS_ROOT / "CACHE" / "css" / "output.51e09da66cf4.css"
    output.parent.mkdir(parents=True)
    output.write_text(".compressed { color: white; }")
    answer, body = get(middleware, "/static/CACHE/css/output.51e09da66cf4.css")
    assert answer.status_code == 200 and body == b".compressed { color: white; }"
    assert get(middleware, "/static/CACHE/css/output.000000000000.css")[0].status_code == 404
    (settings.COMPRESS_ROOT.parent / "secret_key").write_text("not a static file")
    assert get(middleware, "/static/../secret_key")[0].status_code == 404


def test_django_compressors_output_named_by_its_contents_is_kept_for_good(static_root, settings, tmp_path_factory):
    """Each launch after the first minute asked again for every stylesheet and script a
    `{% compress %}` block made, before the first paint, as WhiteNoise keeps a file a minute:
    compressor names its output by a hash of its contents, so an address never changes contents."""
    settings.COMPRESS_ROOT = tmp_path_factory.mktemp("data") / "compressor"
    settings.COMPRESS_OUTPUT_DIR = "CACHE"
    (settings.COMPRESS_ROOT / "CACHE" / "js").mkdir(parents=True)
    (settings.COMPRESS_ROOT / "CACHE" / "js" / "output.521a51fccfb2.js").write_text("document.title = 'compressed';")
    (settings.COMPRESS_ROOT / "CACHE" / "manifest.json").write_text("{}")
    middleware = start()
    compressed, _ = get(middleware, "/static/CACHE/js/output.521a51fccfb2.js")
    assert compressed["Cache-Control"] == "max-age=315360000, public, immutable"
    manifest, _ = get(middleware, "/static/CACHE/manifest.json")
    assert manifest["Cache-Control"] == "max-age=60, public"
