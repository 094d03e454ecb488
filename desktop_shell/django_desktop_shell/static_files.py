"""Static files the window keeps for good, and never keeps too long.

WhiteNoise serves a static file with `max-age=60`: a window opened more than a minute after the
last one asked for every stylesheet, script and ES module again (each answered 304), and a page's
modules are found one import at a time, so its first paint waited on a chain of round trips
(docs/performance.md). Here every static file is also served under a path that carries a
fingerprint of the contents of all of them, STATIC_URL + "v-<fingerprint>/", with
`Cache-Control: immutable`, and `{% static %}` gives that path: relative URLs in a stylesheet or a
module's imports stay under it. A new version of any file, an update or an edit, gives every file
a new address. The plain paths still answer, as WhiteNoise has them, for any address written out
in full. With --dev (WhiteNoise's autorefresh) files change while the app runs: only plain paths.
"""

import hashlib
import os
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.middleware import WhiteNoiseMiddleware

FINGERPRINT_MARK = "v-"
# django-compressor's output, named by a hash of its contents: "output.521a51fccfb2.js".
COMPRESSOR_OUTPUT_NAME = re.compile(r"\.[0-9a-f]{12}\.(css|js)$")
# Where the served files are: set when the middleware starts, which is before any page is made.
fingerprinted_prefix: str | None = None
# Each file the server serves, by its name under STATIC_URL (fingerprinted, "v-<fingerprint>/css/site.css",
# or as a manifest storage hashed it, "css/site.55e7cbb9ba48.css"): what ServedFileFinder knows it by.
served_files: dict[str, str] = {}


def fingerprint(paths_by_url: dict[str, str]) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for url in sorted(paths_by_url):
        digest.update(url.encode() + b"\0" + Path(paths_by_url[url]).read_bytes() + b"\0")
    return digest.hexdigest()


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    def __init__(self, get_response=None, settings=settings):
        global fingerprinted_prefix
        self.versioned_prefix = None
        self.paths_by_url: dict[str, str] = {}
        self.project_immutable_file_test = None
        served_files.clear()
        # django-compressor's output, which it writes as pages first use it (settings.py), after
        # the files served were listed: looked for there when an address is not among them.
        self.written_while_running = getattr(settings, "COMPRESS_ROOT", None)
        self.compressor_output_dir = getattr(settings, "COMPRESS_OUTPUT_DIR", None)
        super().__init__(get_response, settings)
        # WhiteNoise sets the project's WHITENOISE_IMMUTABLE_FILE_TEST (the hashed names a bundler
        # such as Vite writes) on the instance, where it hid this class's test of the fingerprinted paths.
        self.project_immutable_file_test = self.__dict__.pop("immutable_file_test", None)
        if not self.autorefresh:
            plain = {url: path for url, path in self.paths_by_url.items() if url.startswith(self.static_prefix)}
            self.versioned_prefix = f"{self.static_prefix}{FINGERPRINT_MARK}{fingerprint(plain)}/"
            fingerprinted_folder = self.versioned_prefix[len(self.static_prefix):]
            for url, path in plain.items():
                name = fingerprinted_folder + url[len(self.static_prefix):]
                super().add_file_to_dictionary(self.static_prefix + name, path)
                served_files[name] = path
        fingerprinted_prefix = self.versioned_prefix

    def __call__(self, request):
        url = request.path_info
        if (self.written_while_running and not self.autorefresh and url not in self.files
                and url.startswith(self.static_prefix)):
            self.add_file_written_while_running(url)
        return super().__call__(request)

    def add_file_written_while_running(self, url):
        root = os.path.join(self.written_while_running, "")
        path = os.path.join(root, url[len(self.static_prefix):])
        if self.url_is_canonical(url) and self.path_is_child_of(path, root) and os.path.isfile(path):
            self.add_file_to_dictionary(url, path)

    def add_files(self, root, prefix=None):
        # From source the finders serve the files, and the project's STATIC_ROOT is only where
        # collectstatic would put them: most often not made yet, which is nothing to warn about
        # on every launch. A packaged build serves its STATIC_ROOT alone: missing, it is warned of.
        if self.use_finders and root == self.static_root and not os.path.isdir(root):
            return
        super().add_files(root, prefix)

    def add_file_to_dictionary(self, url, path, stat_cache=None):
        super().add_file_to_dictionary(url, path, stat_cache=stat_cache)
        if url in self.files:  # not a compressed variant of another file
            self.paths_by_url[url] = path
            if url.startswith(self.static_prefix):
                served_files[url[len(self.static_prefix):]] = path

    def immutable_file_test(self, path, url):
        if self.versioned_prefix and url.startswith(self.versioned_prefix):
            return True
        if (self.compressor_output_dir and url.startswith(f"{self.static_prefix}{self.compressor_output_dir.strip('/')}/")
                and COMPRESSOR_OUTPUT_NAME.search(url)):
            return True
        if self.project_immutable_file_test is not None:
            return self.project_immutable_file_test(path, url)
        return super().immutable_file_test(path, url)


class FingerprintedStaticFilesStorage(StaticFilesStorage):
    """`{% static %}`: the file's fingerprinted address once the middleware serves one."""

    def url(self, name):
        plain = super().url(name)
        if fingerprinted_prefix and plain.startswith(self.base_url):
            return fingerprinted_prefix + plain[len(self.base_url):]
        return plain


class ServedFileFinder(BaseFinder):
    """Finds a static file by the name the server serves it under, its `{% static %}` address less
    STATIC_URL: django-compressor reads the files of a `{% compress %}` block from their addresses
    that way, and no other finder knows a fingerprinted name, nor one a manifest storage hashed in
    STATIC_ROOT (every page with such a block answered 500)."""

    def find(self, path, find_all=False, **kwargs):
        found = served_files.get(path)
        if found is None:
            return []  # as Django's finders answer, found or not: find() reads a None as a match
        return [found] if find_all else found

    def list(self, ignore_patterns):
        return []
