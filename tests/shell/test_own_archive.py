"""A built app keeps reading its own modules once its executable is replaced while it runs (an
apt upgrade under a running app): checked on PyInstaller's own archive writer and reader (the
packaging extra), without a build; tests/packaging/test_installers.py does it on a built app."""

import os

import pytest

from django_desktop_shell.process.own_archive import keep_reading_this_version

pytest.importorskip("PyInstaller")
from PyInstaller.archive.writers import ZlibArchiveWriter  # noqa: E402
from PyInstaller.loader.pyimod01_archive import ZlibArchiveReader  # noqa: E402


def write_archive(path, modules: dict[str, str]) -> None:
    """A PYZ archive of the modules (name: source), as the build writes the executable's."""
    ZlibArchiveWriter(str(path), [(name, f"{name}.py", "PYMODULE") for name in modules],
                      {name: compile(source, f"{name}.py", "exec") for name, source in modules.items()})


def words_of(archive, module: str) -> str:
    namespace = {}
    exec(archive.extract(module), namespace)
    return namespace["WORDS"]


def replace_with_next_version(path) -> None:
    """As dpkg installs a file: the new one is written beside it, then renamed over it."""
    new = path.with_name(path.name + ".dpkg-new")
    write_archive(new, {"aaa_new_module": "WORDS = 'new' * 500", "preview": "WORDS = 'version two'",
                        "startup": "WORDS = 'started two'"})
    os.replace(new, path)


def test_a_module_first_imported_after_the_executable_was_replaced_is_this_versions(tmp_path):
    executable = tmp_path / "notedesk"
    write_archive(executable, {"startup": "WORDS = 'started one'", "preview": "WORDS = 'version one'"})
    archive = ZlibArchiveReader(str(executable))
    keep_reading_this_version(archive, platform="linux")
    assert words_of(archive, "startup") == "started one"

    replace_with_next_version(executable)

    assert words_of(archive, "preview") == "version one"  # was zlib.error: the new file read at the old offsets


def test_elsewhere_than_linux_the_reader_is_left_as_pyinstaller_made_it(tmp_path):
    executable = tmp_path / "notedesk"
    write_archive(executable, {"preview": "WORDS = 'version one'"})
    archive = ZlibArchiveReader(str(executable))
    keep_reading_this_version(archive, platform="darwin")
    assert archive._filename == str(executable)
