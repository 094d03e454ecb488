"""A site whose stylesheets go through django-compressor and django-sass-processor
(asset_pipelines/, as docs/shipping-your-django-app.md's "Asset pipelines" sets them up): styled
in a launch, and built with what those pipelines make ahead of time."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import assert_exits_cleanly_within, browser_opener

pytest.importorskip("compressor")
pytest.importorskip("sass_processor")

SITE = Path(__file__).resolve().parent / "asset_pipelines"


@pytest.fixture
def site(tmp_path):
    return Path(shutil.copytree(SITE, tmp_path / "site", ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3")))


def stylesheets(page: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)


def test_a_page_s_compress_block_is_compressed_into_the_data_folder_and_served(site, tmp_path, app_env):
    data_dir = tmp_path / "data"
    process = subprocess.Popen([sys.executable, str(site / "launcher.py"), "--headless", "--data-dir", str(data_dir)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=app_env)
    try:
        line = process.stdout.readline()
        assert line.startswith("READY "), process.stderr.read() if process.poll() is not None else line
        opener = browser_opener()
        with opener.open(line.split(" ", 1)[1].strip(), timeout=30) as answer:  # 500 before: no finder knew v-…/ names
            page, origin = answer.read().decode(), re.match(r"http://[^/]+", answer.url)[0]
        compressed = [url for url in stylesheets(page) if url.startswith("/static/CACHE/css/")]
        assert len(compressed) == 1, page
        with opener.open(origin + compressed[0], timeout=30) as answer:  # 404 before: written after the server started
            assert ".box{color:white;background:#3050c0" in answer.read().decode()
    finally:
        process.terminate()
        assert_exits_cleanly_within(process, 10)
    assert list((data_dir / "compressor" / "CACHE" / "css").iterdir()), "written in the data folder"
    assert not (site / "staticfiles").exists(), "nothing written beside the code"


def test_the_bundle_s_static_files_carry_the_compiled_scss_and_the_offline_compression(site, tmp_path, app_env):
    """A built app compiles no SCSS (django-sass-processor does so only with DEBUG on) and, with
    COMPRESS_OFFLINE, reads compressor's output from the manifest `manage compress` writes: the
    build makes both, into the bundle's static files, and leaves the project's folder as it was."""
    collected = tmp_path / "collected_static"
    result = subprocess.run([sys.executable, str(site / "launcher.py"), "--data-dir", str(tmp_path / "build-data"),
                             "manage", "collect_bundle_static", str(collected)],
                            capture_output=True, text=True, env={**app_env, "STYLED_OFFLINE": "1"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (collected / "styled" / "scss" / "heading.css").read_text().replace(" ", "").strip() == "h1{color:#0b5d1e}"
    assert (collected / "CACHE" / "manifest.json").is_file()
    assert len(list((collected / "CACHE" / "css").glob("output.*.css"))) == 1
    assert not (site / "styled" / "static" / "styled" / "scss" / "heading.css").exists()
    assert not (site / "staticfiles").exists()


def test_with_a_manifest_storage_the_compiled_scss_is_in_the_manifest(site, tmp_path, app_env):
    """The SCSS was compiled after collectstatic, so a manifest storage's staticfiles.json did not
    name its CSS, and the built app answered every page 500 ("Missing staticfiles manifest entry
    for 'styled/scss/heading.css'")."""
    collected = tmp_path / "collected_static"
    result = subprocess.run([sys.executable, str(site / "launcher.py"), "--data-dir", str(tmp_path / "build-data"),
                             "manage", "collect_bundle_static", str(collected)],
                            capture_output=True, text=True, env={**app_env, "STYLED_MANIFEST": "1"}, timeout=120)
    assert result.returncode == 0, result.stderr
    hashed = json.loads((collected / "staticfiles.json").read_text())["paths"]["styled/scss/heading.css"]
    assert (collected / hashed).read_text().replace(" ", "").strip() == "h1{color:#0b5d1e}"


def test_offline_compression_with_no_manifest_stops_the_start_saying_to_compress(site, tmp_path, app_env):
    """With COMPRESS_OFFLINE, compressor renders every page from the manifest `manage compress`
    writes; run from the source before it had run, the app started and every page was a 500
    ("You have offline compression enabled but key … is missing from offline manifest")."""
    offline = {**app_env, "STYLED_OFFLINE": "1"}
    command = [sys.executable, str(site / "launcher.py"), "--data-dir", str(tmp_path / "data")]
    result = subprocess.run([*command, "--headless"], capture_output=True, text=True, env=offline, timeout=60)
    assert result.returncode == 1
    assert (f"COMPRESS_OFFLINE is on and there is no offline manifest at {site / 'staticfiles' / 'CACHE' / 'manifest.json'}"
            ) in result.stderr
    assert "(desktop.E021) Run `python launcher.py manage compress`" in result.stderr

    compress = subprocess.run([*command, "manage", "compress"], capture_output=True, text=True, env=offline, timeout=60)
    assert compress.returncode == 0, compress.stderr
    result = subprocess.run([*command, "--self-test"], capture_output=True, text=True, env=offline, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
