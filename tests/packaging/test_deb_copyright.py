"""The .deb's copyright file (packaging/copyright.py): the app's licence, and of each Python
distribution the bundle carries, its licence and where the installed bundle keeps that licence's texts."""

import platform
from pathlib import Path

import pytest

from django_desktop_shell.identity import load
from django_desktop_shell.packaging.copyright import copyright_text

PYPROJECT = """[project]
name = "recipes"
version = "2.1.0"
license = "GPL-3.0-or-later"

[tool.desktop-shell]
name = "Recipes"
app-id = "org.example.Recipes"
settings = "recipes.settings"
homepage = "https://recipes.example.org"
"""


def a_distribution(bundle: Path, folder: str, headers: str, licence_texts: tuple[str, ...] = ()) -> None:
    metadata = bundle / "_internal" / folder
    metadata.mkdir(parents=True)
    (metadata / "METADATA").write_text(f"Metadata-Version: 2.4\n{headers}\n")
    for name in licence_texts:
        (metadata / name).parent.mkdir(parents=True, exist_ok=True)
        (metadata / name).write_text("Permission is hereby granted…")


@pytest.mark.skipif(not Path("/usr/share/common-licenses/LGPL-2.1").exists(), reason="Debian's common licences")
def test_the_copyright_file_names_every_distributions_licence_and_where_its_texts_are(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    bundle = tmp_path / "recipes-dir"
    a_distribution(bundle, "Django-5.2.dist-info", "Name: Django\nVersion: 5.2\nLicense-Expression: BSD-3-Clause",
                   ("licenses/LICENSE", "licenses/LICENSE.python"))
    a_distribution(bundle, "mdurl-0.1.2.dist-info",
                   "Name: mdurl\nVersion: 0.1.2\nClassifier: License :: OSI Approved :: MIT License", ("LICENSE",))
    # A License field holding the whole text: the classifiers say it in a line.
    a_distribution(bundle, "pywebview-6.2.dist-info", "Name: pywebview\nVersion: 6.2\nLicense: BSD 3-Clause\n"
                   "        Copyright (c) 2014\nClassifier: License :: OSI Approved :: BSD License")
    a_distribution(bundle, "quiet-1.0.dist-info", "Name: quiet\nVersion: 1.0", ("top_level.txt",))
    # No text of its own: Debian's copies of its licences' (lintian: copyright-not-using-common-license-for-lgpl).
    a_distribution(bundle, "pycairo-1.29.dist-info", "Name: pycairo\nVersion: 1.29\nLicense: LGPL-2.1-only OR MPL-1.1")

    text = copyright_text(load(tmp_path), bundle, Path("/opt/recipes"))

    assert text.startswith("Recipes 2.1.0\nhttps://recipes.example.org\n\n"
                           "Recipes: GPL-3.0-or-later\n  /usr/share/common-licenses/GPL-3\n")
    assert text.endswith(f"""
Python {platform.python_version()}: PSF-2.0
Django 5.2: BSD-3-Clause
  /opt/recipes/_internal/Django-5.2.dist-info/licenses/LICENSE
  /opt/recipes/_internal/Django-5.2.dist-info/licenses/LICENSE.python
mdurl 0.1.2: MIT License
  /opt/recipes/_internal/mdurl-0.1.2.dist-info/LICENSE
pycairo 1.29: LGPL-2.1-only OR MPL-1.1
  /usr/share/common-licenses/LGPL-2.1
  /usr/share/common-licenses/MPL-1.1
pywebview 6.2: BSD License
quiet 1.0: not stated in its metadata
""")
